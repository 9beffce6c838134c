#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include "models/run_records.h"

namespace dnas::ui {

// The run's candidates as a table over RunRecords: one row per record, in arrival order.
// Qt::DisplayRole is formatted text, kSortRole the raw value the proxy sorts by.
class CandidateTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Mode,
        Resolution,
        Colour,
        Width,
        Depths,
        Accuracy,
        Sram,
        Flash,
        Latency,
        Macs,
        Status,
        EvalSeconds,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kRowRole = Qt::UserRole + 2; // the RunRecords row

    explicit CandidateTableModel(const RunRecords& records, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "frontier", "feasible", "over budget" or "screened out" under the current budgets.
    QString status(std::size_t row) const;

private:
    const RunRecords& records_;
    std::size_t rows_ = 0;
};

// Filters the table: by mode, by status (frontier / feasible) and by data configuration.
class CandidateFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Show { All, Feasible, Frontier };

    explicit CandidateFilter(const RunRecords& records, QObject* parent = nullptr);

    void setShow(Show show);
    void setMode(const QString& mode);       // "" for both
    void setDataConfig(const QString& text); // "" for all, else "32 px rgb"
    // Re-applies the filter (the budgets changed what is feasible).
    void refresh() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    const RunRecords& records_;
    Show show_ = Show::All;
    QString mode_;
    QString data_;
};

QString dataConfigText(const Candidate& c); // "32 px rgb"
QString modeTitle(const std::string& mode); // "DNAS", "HW-NAS"

} // namespace dnas::ui
