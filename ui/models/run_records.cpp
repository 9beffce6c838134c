#include "models/run_records.h"

#include <algorithm>

#include "engine/search_config.h"
#include "report/run_frontier.h"

namespace dnas::ui {

const char* objectiveName(CostAxis axis) {
    switch (axis) {
    case CostAxis::PeakSram:
        return "peak_sram_bytes";
    case CostAxis::Flash:
        return "flash_bytes";
    case CostAxis::Latency:
        return "latency_ms";
    case CostAxis::Macs:
        return "macs";
    case CostAxis::Energy:
        return "energy_mj";
    }
    return "peak_sram_bytes";
}

QString axisTitle(CostAxis axis) {
    switch (axis) {
    case CostAxis::PeakSram:
        return QStringLiteral("peak SRAM (KiB)");
    case CostAxis::Flash:
        return QStringLiteral("flash (KiB)");
    case CostAxis::Latency:
        return QStringLiteral("latency (ms)");
    case CostAxis::Macs:
        return QStringLiteral("MACs (millions)");
    case CostAxis::Energy:
        return QStringLiteral("energy per inference (mJ)");
    }
    return {};
}

double axisValue(const CandidateRecord& r, CostAxis axis) {
    switch (axis) {
    case CostAxis::PeakSram:
        return static_cast<double>(r.peakSramBytes) / 1024.0;
    case CostAxis::Flash:
        return static_cast<double>(r.flashBytes) / 1024.0;
    case CostAxis::Latency:
        return r.latencyMs;
    case CostAxis::Macs:
        return static_cast<double>(r.macs) / 1e6;
    case CostAxis::Energy:
        return r.energyMj;
    }
    return 0;
}

std::optional<double> budgetOnAxis(const Budgets& b, CostAxis axis) {
    switch (axis) {
    case CostAxis::PeakSram:
        return static_cast<double>(b.sramBytes) / 1024.0;
    case CostAxis::Flash:
        return static_cast<double>(b.flashBytes) / 1024.0;
    case CostAxis::Latency:
        return b.latencyMs;
    default:
        return std::nullopt;
    }
}

Budgets withBudgetOnAxis(Budgets b, CostAxis axis, double value) {
    value = std::max(value, 0.0);
    switch (axis) {
    case CostAxis::PeakSram:
        b.sramBytes = static_cast<Bytes>(value * 1024.0);
        break;
    case CostAxis::Flash:
        b.flashBytes = static_cast<Bytes>(value * 1024.0);
        break;
    case CostAxis::Latency:
        b.latencyMs = value;
        break;
    default:
        break;
    }
    return b;
}

RunRecords::RunRecords(QObject* parent)
    : QObject(parent) {
    refresh_.setSingleShot(true);
    refresh_.setInterval(kRefreshMs);
    connect(&refresh_, &QTimer::timeout, this, &RunRecords::flush);
}

bool RunRecords::feasible(std::size_t i) const {
    return records_[i].evaluated && withinBudgets(records_[i], budgets_);
}

std::vector<std::size_t> RunRecords::frontier2d(const std::string& mode, CostAxis axis) const {
    auto rows = frontierOf(published(), mode, budgets_, {objectiveName(axis)});
    std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
        return axisValue(records_[a], axis) < axisValue(records_[b], axis);
    });
    return rows;
}

std::optional<std::size_t> RunRecords::rowOf(std::int64_t id) const {
    for (std::size_t i = 0; i < published_; ++i)
        if (records_[i].id == id)
            return i;
    return std::nullopt;
}

void RunRecords::append(const CandidateRecord& record) {
    records_.push_back(record);
    if (!refresh_.isActive())
        refresh_.start();
}

void RunRecords::flush() {
    refresh_.stop();
    if (published_ == records_.size())
        return;
    const auto first = published_;
    published_ = records_.size();
    recomputeFrontier();
    Q_EMIT appended(first, published_ - 1);
}

void RunRecords::assign(std::vector<CandidateRecord> records, const Budgets& budgets,
                        std::vector<std::string> objectives) {
    refresh_.stop();
    records_ = std::move(records);
    published_ = records_.size();
    budgets_ = budgets;
    objectives_ = std::move(objectives);
    recomputeFrontier();
    Q_EMIT reset();
}

void RunRecords::clear() {
    assign({}, budgets_, objectives_);
}

void RunRecords::setBudgets(const Budgets& budgets) {
    if (budgets == budgets_)
        return;
    budgets_ = budgets;
    recomputeFrontier();
    Q_EMIT budgetsChanged();
}

void RunRecords::setObjectives(std::vector<std::string> objectives) {
    objectives_ = std::move(objectives);
    recomputeFrontier();
    Q_EMIT budgetsChanged();
}

void RunRecords::recomputeFrontier() {
    const auto before = frontier_;
    frontier_.assign(published_, false);
    for (const std::string mode : {"dnas", "hwnas"})
        for (const auto i : frontierOf(published(), mode, budgets_, objectives_))
            frontier_[i] = true;
    frontierChanges_.clear();
    for (std::size_t i = 0; i < std::min(before.size(), frontier_.size()); ++i)
        if (before[i] != frontier_[i])
            frontierChanges_.push_back(i);
}

} // namespace dnas::ui
