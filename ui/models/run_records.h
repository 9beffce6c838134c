#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <QObject>
#include <QTimer>

#include "cost/cost_report.h"
#include "store/run_store.h"

namespace dnas::ui {

// The costs the chart can plot against accuracy, and the table can sort by.
enum class CostAxis { PeakSram, Flash, Latency, Macs, Energy };

const char* objectiveName(CostAxis axis); // as objectiveCost() names it
QString axisTitle(CostAxis axis);         // "peak SRAM (KiB)"
// The record's cost in the axis's display unit (KiB, ms, M MACs, mJ).
double axisValue(const CandidateRecord& record, CostAxis axis);
// The budget that applies on `axis` in its display unit, if there is one.
std::optional<double> budgetOnAxis(const Budgets& budgets, CostAxis axis);
// `budgets` with the budget on `axis` set to `value` (display unit).
Budgets withBudgetOnAxis(Budgets budgets, CostAxis axis, double value);

// The candidates of the run on view - live from a search or reopened from a run store - and
// the budgets they are judged under. The window's chart, table and detail all read this one
// document. Appends are coalesced: `appended` fires at most every `kRefreshMs` with the rows
// added since, so that 10,000 candidates arriving quickly cost a few dozen redraws, not 10,000.
// Budget changes re-filter the frontiers at once from the stored figures (nothing is
// evaluated again) and fire `budgetsChanged`.
class RunRecords : public QObject {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 50;

    explicit RunRecords(QObject* parent = nullptr);

    const std::vector<CandidateRecord>& records() const { return records_; }
    std::size_t size() const { return published_; } // rows announced through `appended`
    const CandidateRecord& at(std::size_t i) const { return records_[i]; }
    const Budgets& budgets() const { return budgets_; }
    const std::vector<std::string>& objectives() const { return objectives_; }

    // Whether row `i` was evaluated and meets the current budgets.
    bool feasible(std::size_t i) const;
    // Whether row `i` is on its mode's frontier over the search objectives under the budgets.
    bool onFrontier(std::size_t i) const { return i < frontier_.size() && frontier_[i]; }
    // The 2-D frontier of `mode` (accuracy against `axis`) under the budgets: row indices by
    // increasing cost.
    std::vector<std::size_t> frontier2d(const std::string& mode, CostAxis axis) const;
    // Rows published before the last `appended` whose frontier flag it changed (new candidates
    // push old ones off the frontier): the table refreshes just these.
    const std::vector<std::size_t>& frontierChanges() const { return frontierChanges_; }
    // The row of the candidate with store id `id`.
    std::optional<std::size_t> rowOf(std::int64_t id) const;

public Q_SLOTS:
    void append(const dnas::CandidateRecord& record);
    // Replaces everything (a reopened run): `reset` fires.
    void assign(std::vector<dnas::CandidateRecord> records, const dnas::Budgets& budgets,
                std::vector<std::string> objectives);
    void clear();
    void setBudgets(const dnas::Budgets& budgets);
    void setObjectives(std::vector<std::string> objectives);
    // Publishes pending appends now (the timer does it otherwise).
    void flush();

Q_SIGNALS:
    void appended(std::size_t first, std::size_t last); // rows first..last (inclusive)
    void budgetsChanged();
    void reset();

private:
    // The rows the views know (pending appends are left out).
    std::span<const CandidateRecord> published() const {
        return std::span<const CandidateRecord>(records_).first(published_);
    }
    void recomputeFrontier();

    std::vector<CandidateRecord> records_;
    std::size_t published_ = 0;
    std::vector<bool> frontier_;
    std::vector<std::size_t> frontierChanges_;
    Budgets budgets_{Bytes{1} << 40, Bytes{1} << 40, {}};
    std::vector<std::string> objectives_ = {"peak_sram_bytes", "flash_bytes"};
    QTimer refresh_;
};

} // namespace dnas::ui
