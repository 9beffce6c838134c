#pragma once

#include <QAbstractTableModel>

#include "cost/cost_report.h"

namespace dnas::ui {

// Per-op rows of a CostReport for a QTableView. Display text is formatted here; the raw
// number of each cell is available under Qt::UserRole for sorting.
class CostTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Index,
        Name,
        Kind,
        Input,
        Output,
        KernelStride,
        Macs,
        Params,
        Flash,
        SramLive,
        Latency,
        ColumnCount
    };

    explicit CostTableModel(QObject* parent = nullptr);

    void setReport(CostReport report);
    const CostReport& report() const { return report_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    CostReport report_;
};

} // namespace dnas::ui
