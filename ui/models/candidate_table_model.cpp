#include "models/candidate_table_model.h"

#include <QStringList>

namespace dnas::ui {

QString dataConfigText(const Candidate& c) {
    return QStringLiteral("%1 px %2")
        .arg(c.data.resolution)
        .arg(QString::fromUtf8(toString(c.data.colour)));
}

QString modeTitle(const std::string& mode) {
    return mode == "hwnas" ? QStringLiteral("HW-NAS") : QStringLiteral("DNAS");
}

CandidateTableModel::CandidateTableModel(const RunRecords& records, QObject* parent)
    : QAbstractTableModel(parent)
    , records_(records) {
    connect(&records_, &RunRecords::appended, this, [this](std::size_t first, std::size_t last) {
        beginInsertRows({}, static_cast<int>(first), static_cast<int>(last));
        rows_ = last + 1;
        endInsertRows();
        // New rows can push earlier ones off the frontier: only those are refreshed (a range
        // over 10,000 rows makes the sorting proxy revisit each of them on every append).
        for (const auto row : records_.frontierChanges())
            Q_EMIT dataChanged(index(static_cast<int>(row), Status),
                               index(static_cast<int>(row), Status));
    });
    connect(&records_, &RunRecords::budgetsChanged, this, [this] {
        if (rows_ > 0)
            Q_EMIT dataChanged(index(0, Status), index(static_cast<int>(rows_) - 1, Status));
    });
    connect(&records_, &RunRecords::reset, this, [this] {
        beginResetModel();
        rows_ = records_.size();
        endResetModel();
    });
    rows_ = records_.size();
}

int CandidateTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_);
}

int CandidateTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString CandidateTableModel::status(std::size_t row) const {
    const auto& r = records_.at(row);
    if (!r.evaluated)
        return QStringLiteral("screened out");
    if (records_.onFrontier(row))
        return QStringLiteral("frontier");
    return records_.feasible(row) ? QStringLiteral("feasible") : QStringLiteral("over budget");
}

QVariant CandidateTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(rows_))
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto& r = records_.at(row);
    if (role == kRowRole)
        return QVariant::fromValue<qulonglong>(row);
    if (role == Qt::TextAlignmentRole)
        return index.column() == Mode || index.column() == Colour || index.column() == Depths ||
                       index.column() == Status
                   ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != kSortRole)
        return {};
    const bool sort = role == kSortRole;
    switch (index.column()) {
    case Id:
        return QVariant::fromValue<qlonglong>(r.id);
    case Mode:
        return modeTitle(r.mode);
    case Resolution:
        return r.candidate.data.resolution;
    case Colour:
        return QString::fromUtf8(toString(r.candidate.data.colour));
    case Width:
        return sort ? QVariant(r.candidate.arch.width)
                    : QString::number(r.candidate.arch.width, 'f', 2);
    case Depths: {
        QStringList depths;
        for (const int d : r.candidate.arch.depths)
            depths << QString::number(d);
        return depths.join(QLatin1Char(' '));
    }
    case Accuracy:
        if (!r.evaluated)
            return sort ? QVariant(-1.0) : QVariant(QStringLiteral("-"));
        return sort ? QVariant(r.accuracy) : QString::number(r.accuracy, 'f', 4);
    case Sram:
        return sort ? QVariant(axisValue(r, CostAxis::PeakSram))
                    : QString::number(axisValue(r, CostAxis::PeakSram), 'f', 1);
    case Flash:
        return sort ? QVariant(axisValue(r, CostAxis::Flash))
                    : QString::number(axisValue(r, CostAxis::Flash), 'f', 1);
    case Latency:
        return sort ? QVariant(r.latencyMs) : QString::number(r.latencyMs, 'f', 1);
    case Macs:
        return sort ? QVariant(axisValue(r, CostAxis::Macs))
                    : QString::number(axisValue(r, CostAxis::Macs), 'f', 2);
    case Status:
        return status(row);
    case EvalSeconds:
        return sort ? QVariant(r.evalSeconds) : QString::number(r.evalSeconds, 'f', 2);
    default:
        return {};
    }
}

QVariant CandidateTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* titles[ColumnCount] = {
        "#",        "mode",      "res",        "colour", "width",  "depths", "accuracy",
        "SRAM KiB", "flash KiB", "latency ms", "MACs M", "status", "eval s"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section])
                                                 : QVariant();
}

CandidateFilter::CandidateFilter(const RunRecords& records, QObject* parent)
    : QSortFilterProxyModel(parent)
    , records_(records) {
    setSortRole(CandidateTableModel::kSortRole);
    auto refilter = [this] {
        if (show_ != Show::All)
            invalidateFilter();
    };
    connect(&records_, &RunRecords::budgetsChanged, this, refilter);
    connect(&records_, &RunRecords::appended, this, refilter); // frontier flags move
}

void CandidateFilter::setShow(Show show) {
    show_ = show;
    invalidateFilter();
}

void CandidateFilter::setMode(const QString& mode) {
    mode_ = mode;
    invalidateFilter();
}

void CandidateFilter::setDataConfig(const QString& text) {
    data_ = text;
    invalidateFilter();
}

bool CandidateFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    const auto row = static_cast<std::size_t>(sourceRow);
    const auto& r = records_.at(row);
    if (!mode_.isEmpty() && QString::fromStdString(r.mode) != mode_)
        return false;
    if (!data_.isEmpty() && dataConfigText(r.candidate) != data_)
        return false;
    switch (show_) {
    case Show::All:
        return true;
    case Show::Feasible:
        return records_.feasible(row);
    case Show::Frontier:
        return records_.onFrontier(row);
    }
    return true;
}

} // namespace dnas::ui
