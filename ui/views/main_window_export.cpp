// MainWindow: exporting the selected candidates for firmware.
#include <QItemSelectionModel>
#include <QStatusBar>
#include <QTableView>

#include "models/candidate_table_model.h"
#include "models/run_records.h"
#include "views/budget_panel.h"
#include "views/export_dialog.h"
#include "views/main_window.h"

namespace dnas::ui {

std::vector<CandidateRecord> MainWindow::selectedCandidates() const {
    std::vector<CandidateRecord> out;
    const auto rows = table_->selectionModel()->selectedRows();
    for (const auto& index : rows) {
        const auto row = static_cast<std::size_t>(
            filter_->data(index, CandidateTableModel::kRowRole).toULongLong());
        if (row < records_->size())
            out.push_back(records_->at(row));
    }
    if (out.empty() && selected_ && *selected_ < records_->size())
        out.push_back(records_->at(*selected_));
    return out;
}

void MainWindow::exportSelected() {
    openExportDialog(selectedCandidates());
}

ExportDialog* MainWindow::exportCandidates(const std::vector<std::int64_t>& ids) {
    std::vector<CandidateRecord> candidates;
    for (const auto id : ids)
        if (const auto row = records_->rowOf(id))
            candidates.push_back(records_->at(*row));
    return openExportDialog(std::move(candidates));
}

ExportDialog* MainWindow::openExportDialog(std::vector<CandidateRecord> candidates) {
    if (candidates.empty()) {
        statusBar()->showMessage(
            QStringLiteral("Select the candidates to export in the table or on the chart"));
        return nullptr;
    }
    if (shownStore_.empty()) {
        statusBar()->showMessage(QStringLiteral("The shown candidates are not in a run store"));
        return nullptr;
    }
    auto* dialog = new ExportDialog(shownStore_, std::move(candidates), budget_->catalog(),
                                    preferences_.threads, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exported, this,
            [this](const QString& folder) { log(QStringLiteral("exported to ") + folder); });
    connect(dialog, &ExportDialog::failed, this, [this](const QString& message) { log(message); });
    dialog->show();
    return dialog;
}

} // namespace dnas::ui
