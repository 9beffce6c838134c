#pragma once

#include <QtTest>

#include "cost/network.h"
#include "space/genome.h"

#include <nlohmann/json.hpp>

// QCOMPARE failure messages for core value types (found by argument-dependent lookup).
namespace dnas {

inline char* toString(const TensorShape& s) {
    return QTest::toString(QStringLiteral("%1x%2x%3").arg(s.height).arg(s.width).arg(s.channels));
}

inline char* toString(const Candidate& c) {
    const nlohmann::json j = c;
    return qstrdup(j.dump().c_str());
}

} // namespace dnas
