#include "views/candidate_detail.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QScrollArea>
#include <QStringList>
#include <QVBoxLayout>

#include "chart/layer_memory_chart.h"
#include "cost/cost_model.h"
#include "cost/network.h"
#include "models/candidate_table_model.h"
#include "views/architecture_strip.h"

namespace dnas::ui {
namespace {

// Accuracy per image flag (Wake Vision's distance, lighting, depiction, ...), weakest first:
// where the model would fail in the field.
QString perFlagText(const nlohmann::json& metrics) {
    const auto it = metrics.find("per_flag_accuracy");
    if (it == metrics.end() || !it->is_array())
        return {};
    std::vector<std::tuple<double, QString, long long>> flags;
    for (const auto& f : *it) {
        if (!f.is_object() || !f.value("flag", nlohmann::json()).is_string() ||
            !f.value("accuracy", nlohmann::json()).is_number())
            continue;
        const auto samples = f.find("samples");
        flags.emplace_back(
            f.at("accuracy").get<double>(),
            QString::fromStdString(f.at("flag").get<std::string>()).toHtmlEscaped(),
            samples != f.end() && samples->is_number_integer() ? samples->get<long long>() : 0);
    }
    std::sort(flags.begin(), flags.end());
    QStringList parts;
    for (const auto& [accuracy, flag, samples] : flags)
        parts << QStringLiteral("%1 %2 (%3)").arg(flag).arg(accuracy, 0, 'f', 3).arg(samples);
    return parts.isEmpty() ? QString()
                           : QStringLiteral("per flag, weakest first (images): ") +
                                 parts.join(QStringLiteral(", "));
}

QProgressBar* usageBar() {
    auto* bar = new QProgressBar;
    bar->setRange(0, 1000);
    bar->setTextVisible(true);
    return bar;
}

// "38.2 of 44.0 KiB (87 %)", red beyond the budget.
void showUsage(QProgressBar* bar, double value, std::optional<double> budget, const char* unit) {
    if (!budget || *budget <= 0) {
        bar->setValue(0);
        bar->setFormat(QStringLiteral("%1 %2 (no budget)").arg(value, 0, 'f', 1).arg(unit));
        bar->setStyleSheet(QString());
        return;
    }
    const double share = value / *budget;
    bar->setValue(static_cast<int>(std::lround(std::min(share, 1.0) * 1000)));
    bar->setFormat(QStringLiteral("%1 of %2 %3 (%4 %)")
                       .arg(value, 0, 'f', 1)
                       .arg(*budget, 0, 'f', 1)
                       .arg(unit)
                       .arg(share * 100, 0, 'f', 0));
    bar->setStyleSheet(share > 1 ? QStringLiteral("QProgressBar::chunk { background: #c62828; }")
                                 : QString());
}

} // namespace

CandidateDetail::CandidateDetail(QWidget* parent)
    : QWidget(parent) {
    // In a scroll area, so that wrapped text keeps its height however narrow the dock is.
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget;
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    header_ = new QLabel;
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    metrics_ = new QLabel;
    metrics_->setWordWrap(true);
    metrics_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sram_ = usageBar();
    flash_ = usageBar();
    latency_ = usageBar();
    auto* costs = new QFormLayout;
    costs->addRow(QStringLiteral("Peak SRAM"), sram_);
    costs->addRow(QStringLiteral("Flash"), flash_);
    costs->addRow(QStringLiteral("Latency"), latency_);
    strip_ = new ArchitectureStrip;
    layers_ = new LayerMemoryChart;
    layout->addWidget(header_);
    layout->addLayout(costs);
    layout->addWidget(metrics_);
    layout->addWidget(strip_);
    layout->addWidget(layers_, 1);
    setMinimumWidth(380);
    clear();
}

void CandidateDetail::setContext(RunContextPtr context) {
    context_ = std::move(context);
}

void CandidateDetail::clear() {
    header_->setText(QStringLiteral("Select a candidate on the chart or in the table."));
    metrics_->clear();
    for (auto* bar : {sram_, flash_, latency_}) {
        bar->setValue(0);
        bar->setFormat(QStringLiteral("-"));
    }
    strip_->clear();
    layers_->clear();
}

QString CandidateDetail::summary() const {
    return header_->text();
}

QString CandidateDetail::peakText() const {
    return layers_->peakText();
}

QString CandidateDetail::metricsText(const CandidateRecord& r) const {
    QStringList lines;
    try {
        if (!r.evaluated) {
            lines << QStringLiteral("Screened out by the cost model: over the budgets when it was "
                                    "proposed, never evaluated.");
        } else {
            lines << QStringLiteral("Accuracy <b>%1</b> on %2 validation images, scored in %3 s; "
                                    "%4 M MACs, %5 k parameters, %6 mJ per inference")
                         .arg(r.accuracy, 0, 'f', 4)
                         .arg(r.metrics.value("samples", 0))
                         .arg(r.evalSeconds, 0, 'f', 2)
                         .arg(static_cast<double>(r.macs) / 1e6, 0, 'f', 2)
                         .arg(static_cast<double>(r.params) / 1e3, 0, 'f', 1)
                         .arg(r.energyMj, 0, 'f', 3);
            if (r.metrics.contains("f1"))
                lines << QStringLiteral("precision %1, recall %2, F1 %3")
                             .arg(r.metrics["precision"].get<double>(), 0, 'f', 3)
                             .arg(r.metrics["recall"].get<double>(), 0, 'f', 3)
                             .arg(r.metrics["f1"].get<double>(), 0, 'f', 3);
            QStringList perClass;
            const auto& accuracies = r.metrics.value("per_class_accuracy", nlohmann::json::array());
            for (std::size_t c = 0; c < accuracies.size(); ++c) {
                const auto name = context_ && c < context_->classes.size()
                                      ? QString::fromStdString(context_->classes[c])
                                      : QStringLiteral("class %1").arg(c);
                perClass << QStringLiteral("%1 %2").arg(name).arg(accuracies[c].get<double>(), 0,
                                                                  'f', 3);
            }
            if (!perClass.isEmpty())
                lines << QStringLiteral("per class: ") + perClass.join(QStringLiteral(", "));
            if (const auto flags = perFlagText(r.metrics); !flags.isEmpty())
                lines << flags;
        }
    } catch (const nlohmann::json::exception&) {
        // A run store edited by hand or by another tool: say so, never abort the window.
        lines << QStringLiteral("The stored metrics of this candidate cannot be read.");
    }
    return lines.join(QStringLiteral("<br>"));
}

void CandidateDetail::show(const CandidateRecord& r, const Budgets& budgets) {
    QStringList depths;
    for (const int d : r.candidate.arch.depths)
        depths << QString::number(d);
    header_->setText(QStringLiteral("<b>#%1 %2</b>, generation %3: <b>%4</b>, width %5, "
                                    "stage depths %6")
                         .arg(r.id)
                         .arg(modeTitle(r.mode))
                         .arg(r.generation)
                         .arg(dataConfigText(r.candidate))
                         .arg(r.candidate.arch.width, 0, 'f', 2)
                         .arg(depths.join(QLatin1Char(' '))));
    showUsage(sram_, static_cast<double>(r.peakSramBytes) / 1024.0,
              static_cast<double>(budgets.sramBytes) / 1024.0, "KiB");
    showUsage(flash_, static_cast<double>(r.flashBytes) / 1024.0,
              static_cast<double>(budgets.flashBytes) / 1024.0, "KiB");
    showUsage(latency_, r.latencyMs, budgets.latencyMs, "ms");
    metrics_->setText(metricsText(r));
    // Decoding needs the candidate's own space (a reopened run's space file may have changed).
    if (!context_ || !context_->space.check(r.candidate).empty()) {
        strip_->clear();
        layers_->clear();
        return;
    }
    const int classes = static_cast<int>(context_->classes.size());
    const auto spec = context_->space.decode(r.candidate, classes);
    strip_->setArchitecture(spec);
    const auto* runtime = context_->mcu.runtime(context_->runtime);
    if (!runtime)
        runtime = context_->mcu.runtime(context_->mcu.defaultRuntime);
    CostModel model;
    layers_->setReport(
        model.estimate(buildNetwork(spec), context_->mcu, *runtime, context_->costMode, budgets));
}

} // namespace dnas::ui
