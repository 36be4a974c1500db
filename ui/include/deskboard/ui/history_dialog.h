// The history dialog (PRODUCT.md section 3, safety nets; issue 13): the versions the server keeps
// (the last 20 saves of this workspace) and the local snapshots this computer took before sync
// replaced its dashboards, each with its time and widget count; a preview of the selected one
// (its dashboards and widgets); and Restore, which makes it the dashboard again as a new edit
// (a new version on the server), so a restore itself can be undone from here.
// Nothing waits: the server's list and each version's content arrive later, and late answers
// after the dialog is gone are dropped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include <QDialog>
#include <QPointer>

#include <deskboard/sync/document.h>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace deskboard::protocol {
struct HistoryResponse;
}

namespace deskboard::sync {
class DashboardStore;
class SyncEngine;
}  // namespace deskboard::sync

namespace deskboard::ui {

class HistoryDialog : public QDialog {
    Q_OBJECT

  public:
    HistoryDialog(sync::SyncEngine* engine, sync::DashboardStore* store, QWidget* parent = nullptr);

    // Reads the server's list and the snapshots again.
    void reload();

    // The two lists and the preview (for tests): server rows carry the version in
    // Qt::UserRole of column 0, snapshot rows the snapshot index.
    QTreeWidget* serverList() const { return serverList_; }
    QTreeWidget* snapshotList() const { return snapshotList_; }
    QTreeWidget* preview() const { return preview_; }
    QTabWidget* tabs() const { return tabs_; }
    QPushButton* restoreButton() const { return restore_; }
    // What the dialog says about the server's list (loading, signed out, an error); empty once
    // the list is shown.
    QString serverStatusText() const;
    // The last error of a restore, in words.
    QString messageText() const;
    bool isLoadingServer() const { return loadingServer_; }

  signals:
    // A restore was made (as a new edit); the dialog closes right after.
    void restored(const QString& message);

  private:
    enum class Source { Server, Snapshot };

    void loadServer();
    void showServer(const protocol::HistoryResponse& response);
    void loadSnapshots();
    void fetchNextVersion();
    void showPreview();
    void fillPreview(const sync::Document& document);
    void restoreSelected();
    void setServerStatus(const QString& text, bool error);
    void showMessage(const QString& text);
    void updateButtons();
    std::optional<std::int64_t> selectedVersion() const;
    std::optional<int> selectedSnapshot() const;
    Source currentSource() const;

    QPointer<sync::SyncEngine> engine_;
    sync::DashboardStore* store_;
    QTabWidget* tabs_;
    QLabel* serverStatus_;
    QTreeWidget* serverList_;
    QLabel* snapshotStatus_;
    QTreeWidget* snapshotList_;
    QLabel* previewTitle_;
    QTreeWidget* preview_;
    QLabel* message_;
    QDialogButtonBox* buttons_;
    QPushButton* restore_;
    bool loadingServer_ = false;
    bool restoring_ = false;
    // Server versions read so far (for the preview and the widget counts), and the ones whose
    // read failed, with why.
    std::map<std::int64_t, sync::Document> versions_;
    std::map<std::int64_t, QString> versionErrors_;
    std::optional<std::int64_t> fetching_;
    int generation_ = 0;
};

}  // namespace deskboard::ui
