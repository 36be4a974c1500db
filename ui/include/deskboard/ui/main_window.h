// The desktop client's main window (PRODUCT.md section 3, "Window"): a toolbar (Add widget,
// Edit layout, Undo, Redo, the workspace switcher, the sync status, Sign in or the account
// menu), the dashboards of the open workspace as tabs over the grid canvas, a notice line for
// what sync did that the person may want to undo, and a status bar.
// It never waits for the network or the keychain: the store is read before the first paint and
// everything sync does arrives later through the engine's signals. The window asks the person
// what the engine cannot decide alone (first sign-in, stale device) and keeps its geometry, the
// open workspace and tab on this machine only.
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/ui/decision_dialog.h>

class QAction;
class QLabel;
class QMenu;
class QPushButton;
class QScrollArea;
class QTabBar;
class QToolButton;

namespace deskboard::ui {

class DashboardCanvas;
class DashboardEditor;

class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    MainWindow(sync::DashboardStore* store, sync::SyncEngine* engine, QWidget* parent = nullptr);
    ~MainWindow() override;

    DashboardCanvas* canvas() const { return canvas_; }
    DashboardEditor* editor() const { return editor_; }
    QTabBar* tabBar() const { return tabs_; }
    QLabel* syncStatusLabel() const { return statusText_; }
    QAction* signInAction() const { return signInAction_; }
    QAction* editLayoutAction() const { return editLayoutAction_; }
    QAction* undoAction() const { return undoAction_; }
    QAction* redoAction() const { return redoAction_; }
    QAction* quitAction() const { return quitAction_; }
    QMenu* addWidgetMenu() const { return addWidgetMenu_; }
    // The notice line (a remote change removed widgets, the store was moved aside...).
    QWidget* noticeBar() const { return notice_; }
    QString noticeText() const;
    QPushButton* noticeUndoButton() const { return noticeUndo_; }
    // The dialog asking the first-sign-in or stale-device question, while it is open.
    DecisionDialog* decisionDialog() const { return decision_; }

    // Adds a widget of `type` to the open dashboard (first free cell); returns its id.
    std::string addWidget(const QString& type);

  public slots:
    void openSignInDialog();
    void openHistoryDialog();
    void openSettingsDialog();
    void openWidgetSettings(const std::string& widgetId);
    void showNotice(const QString& text, bool offerUndo);

  protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

  private:
    void buildActions();
    void buildToolBar();
    void buildMenus();
    void buildCentral();
    void rebuildTabs();
    void showDashboard(int index);
    void updateSyncStatus();
    void updateAccount();
    void updateLive();
    void saveWindowState();
    void restoreWindowState();
    void fillWorkspaceMenu();
    // The name of workspace `id` for the switcher (fetched once when not known yet).
    QString workspaceName(const QString& id);
    void askNewWorkspace();
    void askRenameDashboard(int index);
    void confirmRemoveDashboard(int index);
    void confirmRemoveWidget(const std::string& widgetId);
    void askDecision(const QString& why);
    void onRemoteApplied(int removed, bool massRemoval, bool merged);

    sync::DashboardStore* store_;
    QPointer<sync::SyncEngine> engine_;
    DashboardEditor* editor_;
    DashboardCanvas* canvas_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    QTabBar* tabs_ = nullptr;
    QWidget* notice_ = nullptr;
    QLabel* noticeText_ = nullptr;
    QPushButton* noticeUndo_ = nullptr;
    QLabel* statusIcon_ = nullptr;
    QLabel* statusText_ = nullptr;
    QLabel* statusDetail_ = nullptr;
    QToolButton* accountButton_ = nullptr;
    QAction* accountButtonAction_ = nullptr;  // its place on the toolbar
    QToolButton* workspaceButton_ = nullptr;
    QMenu* addWidgetMenu_ = nullptr;
    QMenu* workspaceMenu_ = nullptr;
    QMenu* accountMenu_ = nullptr;
    QAction* signInAction_ = nullptr;
    QAction* signOutAction_ = nullptr;
    QAction* accountInfoAction_ = nullptr;
    QAction* syncNowAction_ = nullptr;
    QAction* editLayoutAction_ = nullptr;
    QAction* undoAction_ = nullptr;
    QAction* redoAction_ = nullptr;
    QAction* historyAction_ = nullptr;
    QAction* settingsAction_ = nullptr;
    QAction* quitAction_ = nullptr;
    QAction* newDashboardAction_ = nullptr;
    QAction* renameDashboardAction_ = nullptr;
    QAction* removeDashboardAction_ = nullptr;
    QPointer<DecisionDialog> decision_;
    QTimer mergedNotice_;  // how long "Merged changes from another computer" stays
    bool rebuildingTabs_ = false;
    QHash<QString, QString> workspaceNames_;  // id -> name, of the signed-in user
    bool fetchingWorkspaceNames_ = false;
};

}  // namespace deskboard::ui
