#include "models/cost_table_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "common/format.h"

namespace dnas::ui {
namespace {

QString shapeText(const TensorShape& s) {
    return QStringLiteral("%1×%2×%3").arg(s.height).arg(s.width).arg(s.channels);
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

CostTableModel::CostTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void CostTableModel::setReport(CostReport report) {
    beginResetModel();
    report_ = std::move(report);
    endResetModel();
}

int CostTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(report_.layers.size());
}

int CostTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CostTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto& L = report_.layers[static_cast<std::size_t>(index.row())];
    const bool peak = index.row() == report_.peakLayer;
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Index:
            return index.row();
        case Macs:
            return static_cast<qlonglong>(L.macs);
        case Params:
            return static_cast<qlonglong>(L.params);
        case Flash:
            return static_cast<qlonglong>(L.flashBytes);
        case SramLive:
            return static_cast<qlonglong>(L.liveBytes);
        case Latency:
            return L.latencyMs;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Index:
            return index.row();
        case Name:
            return q(L.name);
        case Kind:
            return QString::fromUtf8(toString(L.kind).data(),
                                     static_cast<qsizetype>(toString(L.kind).size()));
        case Input:
            return shapeText(L.input);
        case Output:
            return shapeText(L.output);
        case KernelStride:
            return L.kernel > 1 || L.stride > 1
                       ? QStringLiteral("%1/%2").arg(L.kernel).arg(L.stride)
                       : QString();
        case Macs:
            return q(formatCount(static_cast<double>(L.macs)));
        case Params:
            return q(formatCount(static_cast<double>(L.params)));
        case Flash:
            return q(formatBytes(static_cast<double>(L.flashBytes)));
        case SramLive:
            return q(formatBytes(static_cast<double>(L.liveBytes)));
        case Latency:
            return q(formatMs(L.latencyMs));
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == Name || index.column() == Kind
                   ? int(Qt::AlignLeft | Qt::AlignVCenter)
                   : int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && peak) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::BackgroundRole && peak)
        return QBrush(QColor(255, 236, 179));
    if (role == Qt::ToolTipRole && peak)
        return tr("The SRAM peak of the network occurs while this op runs");
    return {};
}

QVariant CostTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Index:
        return tr("#");
    case Name:
        return tr("Op");
    case Kind:
        return tr("Kind");
    case Input:
        return tr("Input");
    case Output:
        return tr("Output");
    case KernelStride:
        return tr("k/s");
    case Macs:
        return tr("MACs");
    case Params:
        return tr("Params");
    case Flash:
        return tr("Flash");
    case SramLive:
        return tr("SRAM live");
    case Latency:
        return tr("Latency");
    default:
        return {};
    }
}

} // namespace dnas::ui
