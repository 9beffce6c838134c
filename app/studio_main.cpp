#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <QApplication>
#include <QMessageBox>
#include <QPixmap>
#include <QTimer>

#include "common/error.h"
#include "cost/mcu_catalog.h"
#include "headless_job.h"
#include "views/cost_window.h"

namespace {

bool hasDisplay() {
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* v = std::getenv(var); v && *v)
            return true;
    return false;
}

void usage() {
    std::cout
        << "Usage: dnas-studio [--headless] [--results DIR] [--mcu ID]\n"
           "  Opens the DNAS Studio window. Without a display (or with --headless) it runs\n"
           "  the same main job headless and writes its results to DIR (default: ./results).\n";
}

} // namespace

int main(int argc, char** argv) {
    bool headless = !hasDisplay();
    std::string results = "results";
    std::string mcu = "stm32f746";
    std::string screenshot;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--headless") {
            headless = true;
        } else if ((arg == "--results" || arg == "--mcu" || arg == "--screenshot") &&
                   i + 1 < argc) {
            (arg == "--results" ? results : arg == "--mcu" ? mcu : screenshot) = argv[++i];
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
    if (headless)
        return dnas::app::runHeadlessJob(results, mcu, std::cout, std::cerr);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DNAS Studio"));
    QApplication::setOrganizationName(QStringLiteral("dnas-studio"));
    try {
        dnas::McuCatalog catalog = dnas::McuCatalog::load();
        for (const auto& p : catalog.problems())
            std::cerr << "dnas-studio: warning: skipped MCU profile: " << p.toString() << '\n';
        dnas::ui::CostWindow window(std::move(catalog));
        window.selectMcu(QString::fromStdString(mcu));
        window.show();
        if (!screenshot.empty()) {
            QTimer::singleShot(500, &window, [&window, &screenshot] {
                if (!window.grab().save(QString::fromStdString(screenshot)))
                    std::cerr << "dnas-studio: error: cannot write " << screenshot << '\n';
                QApplication::quit();
            });
        }
        return QApplication::exec();
    } catch (const std::exception& e) {
        QMessageBox::critical(nullptr, QStringLiteral("DNAS Studio"),
                              QString::fromStdString(e.what()));
        return 1;
    }
}
