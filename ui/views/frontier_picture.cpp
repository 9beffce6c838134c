#include "views/frontier_picture.h"

#include <QString>

#include "chart/pareto_chart.h"
#include "common/error.h"
#include "engine/search_config.h"
#include "engine/stored_run.h"
#include "models/run_records.h"
#include "store/run_store.h"

namespace dnas::ui {

void writeFrontierPicture(const std::filesystem::path& store, std::int64_t runId,
                          const std::filesystem::path& picture) {
    auto runs = RunStore::open(store, RunStore::Access::ReadOnly);
    const auto info = runs->run(runId);
    const auto config = storedConfig(info, store.string());
    RunRecords records;
    records.assign(runs->candidates(runId), config.budgets, config.objectives);
    ParetoChart chart(records);
    chart.resize(1200, 800);
    chart.chart()->setTitle(
        QStringLiteral("Run %1: DNAS vs HW-NAS, %2 evaluations").arg(runId).arg(info.evaluations) +
        QStringLiteral(" - ") + chart.chart()->title());
    QString error;
    if (!chart.exportTo(QString::fromStdString(picture.string()), &error))
        throw InputError({{picture.string(), 0, {}, "cannot be written"}});
}

} // namespace dnas::ui
