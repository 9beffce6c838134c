// ParetoChart: a second, stored run's frontiers drawn next to the shown run's.
#include "chart/pareto_chart.h"

#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include "chart/chart_style.h"
#include "models/candidate_table_model.h"

namespace dnas::ui {

void ParetoChart::setReference(const RunRecords* reference, const QString& name) {
    if (reference_)
        disconnect(reference_, nullptr, this, nullptr);
    reference_ = reference;
    referenceName_ = name;
    if (reference_) {
        connect(reference_, &RunRecords::budgetsChanged, this, &ParetoChart::rebuildReference);
        connect(reference_, &RunRecords::reset, this, &ParetoChart::rebuildReference);
        connect(reference_, &RunRecords::destroyed, this, [this] {
            reference_ = nullptr;
            rebuildReference();
        });
    }
    rebuildReference();
    // Nine entries do not fit in one row under the plot (Qt cuts every label short): while a
    // run is compared the legend is a column beside it.
    chart()->legend()->setAlignment(reference_ ? Qt::AlignRight : Qt::AlignBottom);
    rebuild(); // the ranges and the title naming the compared run
}

void ParetoChart::rebuildReference() {
    referencePoints_.clear();
    for (const std::string mode : {"dnas", "hwnas"}) {
        auto& s = referenceSeries_[mode];
        if (!s.front) {
            // Dashed, in the mode's colour: the same question answered by another run.
            s.front = new QLineSeries(chart());
            QPen pen(modeColour(mode).darker(130), 1.8, Qt::DashLine);
            s.front->setPen(pen);
            s.members = new QScatterSeries(chart());
            styleRing(s.members, modeColour(mode).darker(130), 8);
            for (QAbstractSeries* series : {static_cast<QAbstractSeries*>(s.front),
                                            static_cast<QAbstractSeries*>(s.members)}) {
                chart()->addSeries(series);
                series->attachAxis(xAxis_);
                series->attachAxis(yAxis_);
            }
            for (auto* marker : chart()->legend()->markers(s.members))
                marker->setVisible(false);
            for (auto* marker : chart()->legend()->markers(s.front))
                toggleOnClick(marker);
        }
        s.rows = reference_ ? reference_->frontier2d(mode, axis_) : std::vector<std::size_t>{};
        QList<QPointF> steps, members;
        for (const auto row : s.rows) {
            const auto& r = reference_->at(row);
            const QPointF p(plotX(r), r.accuracy);
            if (!steps.isEmpty())
                steps.append(QPointF(p.x(), steps.last().y()));
            steps.append(p);
            members.append(p);
            referencePoints_.push_back(p);
        }
        s.front->replace(steps);
        s.members->replace(members);
        s.front->setName(QStringLiteral("B ") + modeTitle(mode));
        const bool shown = reference_ && !s.rows.empty();
        for (auto* marker : chart()->legend()->markers(s.front))
            marker->setVisible(shown);
    }
    updateRanges(); // its members stay in view whichever signal came first
}

std::vector<std::size_t> ParetoChart::referenceFrontRows(const std::string& mode) const {
    const auto it = referenceSeries_.find(mode);
    return it == referenceSeries_.end() ? std::vector<std::size_t>{} : it->second.rows;
}

void ParetoChart::toggleOnClick(QLegendMarker* marker) {
    connect(marker, &QLegendMarker::clicked, this, [this, marker] {
        auto* series = marker->series();
        series->setVisible(!series->isVisible());
        viewport()->update(); // the painted points, when the series is one of their kinds
        marker->setVisible(true);
        QFont font = marker->font();
        font.setStrikeOut(!series->isVisible());
        marker->setFont(font);
    });
}

} // namespace dnas::ui
