#pragma once

// Runs the built executables (dnas, dnas-studio) as a user would, for the CLI tests.
#include <QProcess>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace fixtures {

struct Run {
    int exitCode = -1; // -1 when the process crashed
    QString out;
    QString err;
};

inline Run run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(120000))
        qFatal("%s did not finish", qPrintable(program));
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline Run cliRun(const QStringList& args) {
    return run(QStringLiteral(DNAS_CLI_PATH), args);
}

inline nlohmann::json parse(const QString& text) {
    return nlohmann::json::parse(text.toStdString());
}

} // namespace fixtures
