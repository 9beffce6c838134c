#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include <QApplication>
#include <QMessageBox>
#include <QPixmap>
#include <QPointer>
#include <QTimer>

#include "chart/pareto_chart.h"
#include "common/error.h"
#include "common/malloc_tuning.h"
#include "cost/mcu_catalog.h"
#include "headless_job.h"
#include "store/run_store.h"
#include "views/budget_panel.h"
#include "views/export_dialog.h"
#include "views/main_window.h"
#include "views/run_panel.h"
#include "views/space_panel.h"
#include "views/ui_bench.h"

namespace {

bool hasDisplay() {
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* v = std::getenv(var); v && *v)
            return true;
    return false;
}

std::int64_t lastRun(const std::string& path) {
    auto store = dnas::RunStore::open(path, dnas::RunStore::Access::ReadOnly);
    const auto runs = store->runs();
    if (runs.empty())
        throw dnas::InputError({{path, 0, {}, "holds no run"}});
    return runs.back().id;
}

void usage() {
    std::cout
        << "Usage: dnas-studio [--headless] [--results DIR] [--mcu ID] [headless job options]\n"
           "  Opens the DNAS Studio window. Without a display (or with --headless) it runs\n"
           "  the same main job headless and writes its results to DIR (default: ./results):\n"
           "  the MCU cost reports, the dataset inspection and a DNAS vs HW-NAS search.\n"
           "Headless job options:\n"
           "  --dataset SPEC      dataset to search on (default fashion-mnist, 10 classes)\n"
           "  --space PRESET|FILE search space (default demo)\n"
           "  --supernet FILE     trained supernet (default: the cached one, trained first)\n"
           "  --train-subset N    train that supernet on N images (default: all)\n"
           "  --max-evals N       evaluations per mode (default 100)\n"
           "  --seed N            seed of the search (default 1)\n"
           "  --sram-budget SIZE  (default 44K)   --flash-budget SIZE (default 288K)\n"
           "  --no-search         only the cost reports and the dataset inspection\n"
           "Window options:\n"
           "  --start             press Start at once\n"
           "  --project FILE      open a project (.dnasproj)\n"
           "  --open STORE        show the last run of a run store\n"
           "  --compare STORE     draw the last run of STORE next to the shown one\n"
           "  --view NAME         show the Pareto, Hypervolume or Supernet training view\n"
           "  --bench-ui N        stream N candidates into the window, report the longest\n"
           "                      event-loop stall, quit\n"
           "  --select-best       select the most accurate DNAS frontier candidate (with\n"
           "                      --screenshot: just before the picture is taken)\n"
           "  --export ID         open the Export dialog for candidate ID of the opened run\n"
           "  --export-to DIR     with --export: export into DIR at once\n"
           "  --screenshot FILE   save a PNG of the window (the Export dialog when it is\n"
           "                      open) after --screenshot-delay seconds (default 1), then quit\n";
}

} // namespace

int main(int argc, char** argv) {
    dnas::tuneMalloc();
    bool headless = !hasDisplay();
    dnas::app::HeadlessOptions job;
    std::string results = "results";
    std::string screenshot;
    std::string trainSubset, maxEvals, seed, delay;
    bool start = false, selectBest = false;
    std::string open, benchUi, view, project, compare, exportId, exportTo;
    double screenshotDelay = 1;
    const std::map<std::string, std::string*> valued = {{"--results", &results},
                                                        {"--mcu", &job.mcu},
                                                        {"--screenshot", &screenshot},
                                                        {"--screenshot-delay", &delay},
                                                        {"--open", &open},
                                                        {"--view", &view},
                                                        {"--project", &project},
                                                        {"--compare", &compare},
                                                        {"--export", &exportId},
                                                        {"--export-to", &exportTo},
                                                        {"--bench-ui", &benchUi},
                                                        {"--dataset", &job.dataset},
                                                        {"--space", &job.space},
                                                        {"--supernet", &job.supernet},
                                                        {"--train-subset", &trainSubset},
                                                        {"--max-evals", &maxEvals},
                                                        {"--seed", &seed},
                                                        {"--sram-budget", &job.sramBudget},
                                                        {"--flash-budget", &job.flashBudget}};
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--headless") {
            headless = true;
        } else if (arg == "--start") {
            start = true;
        } else if (arg == "--select-best") {
            selectBest = true;
        } else if (arg == "--no-search") {
            job.search = false;
        } else if (const auto v = valued.find(arg); v != valued.end()) {
            if (i + 1 >= argc) {
                std::cerr << "dnas-studio: error: " << arg << " needs a value (see --help)\n";
                return 2;
            }
            *v->second = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        } else if (!arg.starts_with("-platform") && !arg.starts_with("-style")) {
            std::cerr << "dnas-studio: error: unknown option " << arg << " (see --help)\n";
            return 2;
        } else {
            ++i; // a Qt option with its value, left to QApplication
        }
    }
    try {
        if (!trainSubset.empty())
            job.trainSubset = std::stoul(trainSubset);
        if (!maxEvals.empty())
            job.maxEvaluations = std::stoll(maxEvals);
        if (!seed.empty())
            job.seed = std::stoull(seed);
        if (!delay.empty())
            screenshotDelay = std::stod(delay);
        if (!(screenshotDelay >= 0 && screenshotDelay <= 86400))
            throw std::invalid_argument("--screenshot-delay");
    } catch (const std::exception&) {
        std::cerr << "dnas-studio: error: --train-subset, --max-evals and --seed take whole "
                     "numbers, --screenshot-delay seconds\n";
        return 2;
    }
    job.resultsDir = results;
    const std::string& mcu = job.mcu;
    if (headless) {
        // Offscreen: the job draws its frontiers into a PNG without a display.
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication offscreen(argc, argv);
        return dnas::app::runHeadlessJob(job, std::cout, std::cerr);
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DNAS Studio"));
    QApplication::setOrganizationName(QStringLiteral("dnas-studio"));
    try {
        dnas::McuCatalog catalog = dnas::McuCatalog::load();
        for (const auto& p : catalog.problems())
            std::cerr << "dnas-studio: warning: skipped MCU profile: " << p.toString() << '\n';
        dnas::ui::MainWindow window(std::move(catalog));
        window.budgetPanel()->setMcu(mcu);
        if (!window.spacePanel()->load(QString::fromStdString(job.space)))
            std::cerr << "dnas-studio: error: --space: "
                      << window.spacePanel()->problems().toStdString() << '\n';
        if (!job.dataset.empty())
            window.runPanel()->setDataset(QString::fromStdString(job.dataset));
        window.runPanel()->inspectDataset();
        if (!maxEvals.empty())
            window.runPanel()->setMaxEvaluations(static_cast<int>(job.maxEvaluations));
        if (!job.supernet.empty())
            window.setSupernet(job.supernet);
        window.resize(1400, 900);
        window.show();
        if (!benchUi.empty()) {
            dnas::ui::benchUi(window, std::stoi(benchUi), std::cout);
            return 0;
        }
        if (!project.empty())
            window.openProject(project);
        if (!open.empty())
            window.openRun(open, lastRun(open));
        if (!compare.empty())
            window.compareWithRun(compare, lastRun(compare));
        if (!view.empty() && !window.showView(QString::fromStdString(view)))
            throw dnas::InputError("--view", "no view '" + view +
                                                 "' (Pareto, Hypervolume or Supernet training)");
        QPointer<dnas::ui::ExportDialog> exporting;
        if (!exportId.empty()) {
            char* end = nullptr;
            const long long id = std::strtoll(exportId.c_str(), &end, 10);
            if (*end == '\0' && id > 0)
                exporting = window.exportCandidates({id});
            if (!exporting)
                throw dnas::InputError("--export", "no candidate '" + exportId +
                                                       "' in the opened run (give --open STORE)");
            if (!exportTo.empty()) {
                exporting->setFolder(QString::fromStdString(exportTo));
                QTimer::singleShot(0, exporting, &dnas::ui::ExportDialog::startExport);
            }
        }
        if (start)
            QTimer::singleShot(0, &window, &dnas::ui::MainWindow::start);
        auto best = [&window] {
            const auto rows = window.chart()->frontierRows("dnas");
            if (!rows.empty())
                window.selectRow(rows.back()); // by cost: the last is the most accurate
        };
        if (selectBest && screenshot.empty())
            best();
        if (!screenshot.empty()) {
            // The selection first, then the picture once the charts have laid themselves out.
            const int delayMs = static_cast<int>(screenshotDelay * 1000);
            if (selectBest)
                QTimer::singleShot(std::max(0, delayMs - 600), &window, best);
            QTimer::singleShot(delayMs, &window, [&window, &screenshot, exporting] {
                QWidget* shown = exporting ? static_cast<QWidget*>(exporting.data()) : &window;
                if (!shown->grab().save(QString::fromStdString(screenshot)))
                    std::cerr << "dnas-studio: error: cannot write " << screenshot << '\n';
                QApplication::quit();
            });
        }
        return QApplication::exec();
    } catch (const std::exception& e) {
        // Bad input (a store, project or option): said on the terminal and, unless the run
        // is scripted (--screenshot), in a message box; exit code 2 as the CLI's.
        std::cerr << "dnas-studio: error: " << e.what() << '\n';
        if (screenshot.empty())
            QMessageBox::critical(nullptr, QStringLiteral("DNAS Studio"),
                                  QString::fromStdString(e.what()));
        return dynamic_cast<const dnas::InputError*>(&e) ? 2 : 1;
    }
}
