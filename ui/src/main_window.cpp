#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabBar>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWindowStateChangeEvent>

#include <deskboard/sync/client_identity.h>
#include <deskboard/ui/dashboard_canvas.h>
#include <deskboard/ui/dashboard_editor.h>
#include <deskboard/ui/decision_dialog.h>
#include <deskboard/ui/history_dialog.h>
#include <deskboard/ui/main_window.h>
#include <deskboard/ui/settings_dialog.h>
#include <deskboard/ui/sign_in_dialog.h>
#include <deskboard/ui/theme.h>
#include <deskboard/ui/widget_catalog.h>
#include <deskboard/ui/widget_settings_dialog.h>

#include "icon_cache.h"

namespace deskboard::ui {

namespace {

// Machine-local window state (profile.ini, never synced).
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kDashboardKey = QStringLiteral("window/dashboard");
const QString kThemeKey = QStringLiteral("ui/theme");
// How long the "merged" status stays before the plain "Synced" returns.
constexpr int kMergedNoticeMs = 15000;
// How soon the workspace names are asked for again after a failed attempt.
constexpr int kWorkspaceRetryMs = 5000;

QIcon icon(const char* name) {
    return cachedIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

QString statusIconName(sync::SyncState state, bool merged) {
    if (merged) {
        return QStringLiteral("status-merged");
    }
    switch (state) {
        case sync::SyncState::Idle:
            return QStringLiteral("status-synced");
        case sync::SyncState::Pending:
        case sync::SyncState::Syncing:
            return QStringLiteral("status-syncing");
        case sync::SyncState::Offline:
            return QStringLiteral("status-offline");
        case sync::SyncState::SignedOut:
            return QStringLiteral("status-signed-out");
        case sync::SyncState::NeedsDecision:
            return QStringLiteral("status-attention");
    }
    return QStringLiteral("status-signed-out");
}

}  // namespace

MainWindow::MainWindow(sync::DashboardStore* store, sync::SyncEngine* engine, QWidget* parent)
    : QMainWindow(parent),
      store_(store),
      engine_(engine),
      editor_(new DashboardEditor(store, this)) {
    setWindowTitle(tr("Deskboard"));
    setWindowIcon(icon("deskboard"));
    applyTheme(store_->setting(kThemeKey, kThemeSystem).toString());
    mergedNotice_.setSingleShot(true);
    mergedNotice_.setInterval(kMergedNoticeMs);
    connect(&mergedNotice_, &QTimer::timeout, this, &MainWindow::updateSyncStatus);

    buildActions();
    buildCentral();
    buildToolBar();
    buildMenus();

    connect(store_, &sync::DashboardStore::documentChanged, this, [this] { rebuildTabs(); });
    connect(store_, &sync::DashboardStore::scopeChanged, this, [this] {
        editor_->undoStack()->clear();  // another workspace: its own history
        rebuildTabs();
        updateAccount();
    });
    connect(store_, &sync::DashboardStore::syncStateChanged, this, &MainWindow::updateSyncStatus);
    if (engine_) {
        connect(engine_, &sync::SyncEngine::statusChanged, this, [this] {
            updateSyncStatus();
            updateAccount();
        });
        connect(engine_, &sync::SyncEngine::remoteApplied, this, &MainWindow::onRemoteApplied);
        connect(engine_, &sync::SyncEngine::needsDecision, this, &MainWindow::askDecision);
        engine_->setAskAtFirstSignIn(true);  // a person is here to answer
        connect(engine_, &sync::SyncEngine::signedOut, this, [this](const QString& why) {
            if (!why.isEmpty()) {
                statusBar()->showMessage(why, 10000);
            }
        });
    }

    // The tab open last time on this machine, before the tabs exist (they remember the canvas's).
    canvas_->setDashboard(store_->setting(kDashboardKey, QString()).toString().toStdString());
    rebuildTabs();
    restoreWindowState();
    updateSyncStatus();
    updateAccount();
    if (const QString problem = store_->loadProblem(); !problem.isEmpty()) {
        showNotice(problem, false);
    }
}

MainWindow::~MainWindow() {
    saveWindowState();
}

// --- building ---------------------------------------------------------------------------------

void MainWindow::buildActions() {
    editLayoutAction_ = new QAction(icon("action-edit-layout"), tr("&Edit Layout"), this);
    editLayoutAction_->setCheckable(true);
    editLayoutAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    editLayoutAction_->setToolTip(
        tr("Edit layout (Ctrl+E): drag tiles by their header, resize them by the corner, or "
           "use Alt+arrows and Alt+Shift+arrows on a focused tile"));
    connect(editLayoutAction_, &QAction::toggled, this, [this](bool on) {
        canvas_->setEditMode(on);
        statusBar()->showMessage(on ? tr("Editing the layout: drag a tile's header to move it, "
                                         "its corner to resize it; Alt+arrows move the focused "
                                         "tile")
                                    : tr("Layout saved"),
                                 on ? 0 : 3000);
    });

    undoAction_ = editor_->undoStack()->createUndoAction(this, tr("&Undo"));
    undoAction_->setIcon(icon("action-undo"));
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = editor_->undoStack()->createRedoAction(this, tr("&Redo"));
    redoAction_->setIcon(icon("action-redo"));
    redoAction_->setShortcut(QKeySequence::Redo);

    signInAction_ = new QAction(icon("action-sign-in"), tr("Sign in to sync…"), this);
    signInAction_->setToolTip(
        tr("Sign in to a Deskboard server to sync this dashboard with "
           "your other computers"));
    connect(signInAction_, &QAction::triggered, this, &MainWindow::openSignInDialog);
    signOutAction_ = new QAction(icon("action-sign-out"), tr("Sign &Out"), this);
    connect(signOutAction_, &QAction::triggered, this, [this] {
        if (engine_) {
            engine_->signOut(
                [this](bool, const QString& message) { statusBar()->showMessage(message, 8000); });
        }
    });
    accountInfoAction_ = new QAction(this);
    accountInfoAction_->setEnabled(false);
    syncNowAction_ = new QAction(icon("action-sync"), tr("Sync &Now"), this);
    syncNowAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(syncNowAction_, &QAction::triggered, this, [this] {
        if (engine_) {
            engine_->syncNow();
        }
    });
    historyAction_ = new QAction(icon("action-history"), tr("&History…"), this);
    historyAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    connect(historyAction_, &QAction::triggered, this, &MainWindow::openHistoryDialog);
    settingsAction_ = new QAction(icon("action-settings"), tr("&Settings…"), this);
    settingsAction_->setShortcut(QKeySequence::Preferences);
    connect(settingsAction_, &QAction::triggered, this, &MainWindow::openSettingsDialog);
    quitAction_ = new QAction(icon("action-quit"), tr("&Quit"), this);
    quitAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction_->setMenuRole(QAction::QuitRole);
    connect(quitAction_, &QAction::triggered, this, [this] {
        saveWindowState();
        QApplication::quit();
    });
    newDashboardAction_ = new QAction(icon("action-dashboard-add"), tr("&New Dashboard"), this);
    newDashboardAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(newDashboardAction_, &QAction::triggered, this, [this] {
        const std::string id = editor_->addDashboard(tr("Dashboard %1").arg(tabs_->count() + 1));
        for (int i = 0; i < tabs_->count(); ++i) {
            if (tabs_->tabData(i).toString().toStdString() == id) {
                tabs_->setCurrentIndex(i);
                askRenameDashboard(i);
            }
        }
    });
    renameDashboardAction_ = new QAction(tr("&Rename Dashboard…"), this);
    renameDashboardAction_->setShortcut(QKeySequence(Qt::Key_F2));
    connect(renameDashboardAction_, &QAction::triggered, this,
            [this] { askRenameDashboard(tabs_->currentIndex()); });
    removeDashboardAction_ = new QAction(icon("action-remove"), tr("Re&move Dashboard"), this);
    connect(removeDashboardAction_, &QAction::triggered, this,
            [this] { confirmRemoveDashboard(tabs_->currentIndex()); });
    for (QAction* action : {editLayoutAction_, undoAction_, redoAction_, signInAction_,
                            syncNowAction_, historyAction_, settingsAction_, quitAction_,
                            newDashboardAction_, renameDashboardAction_}) {
        addAction(action);  // shortcuts work wherever the focus is
    }

    addWidgetMenu_ = new QMenu(tr("&Add Widget"), this);
    addWidgetMenu_->setIcon(icon("action-add"));
    for (const WidgetType& type : widgetCatalog()) {
        QAction* add = addWidgetMenu_->addAction(cachedIcon(type.iconPath), type.name);
        add->setToolTip(type.description);
        add->setStatusTip(type.description);
        const QString id = type.id;
        connect(add, &QAction::triggered, this, [this, id] { addWidget(id); });
    }
    addWidgetMenu_->setToolTipsVisible(true);
}

void MainWindow::buildToolBar() {
    QToolBar* bar = addToolBar(tr("Main Toolbar"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(20, 20));

    auto* addButton = new QToolButton(bar);
    addButton->setText(tr("Add Widget"));
    addButton->setIcon(icon("action-add"));
    addButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    addButton->setPopupMode(QToolButton::InstantPopup);
    addButton->setMenu(addWidgetMenu_);
    addButton->setAccessibleName(tr("Add widget"));
    addButton->setToolTip(tr("Add a widget to this dashboard (Ctrl+Shift+A)"));
    bar->addWidget(addButton);
    auto* addShortcut = new QAction(this);
    addShortcut->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    connect(addShortcut, &QAction::triggered, addButton, &QToolButton::showMenu);
    addAction(addShortcut);

    bar->addAction(editLayoutAction_);
    bar->addSeparator();
    bar->addAction(undoAction_);
    bar->addAction(redoAction_);
    for (QAction* action : {undoAction_, redoAction_}) {
        if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(action))) {
            button->setToolButtonStyle(Qt::ToolButtonIconOnly);
            button->setAccessibleName(action == undoAction_ ? tr("Undo") : tr("Redo"));
        }
    }
    bar->addSeparator();

    workspaceButton_ = new QToolButton(bar);
    workspaceButton_->setObjectName(QStringLiteral("workspaceButton"));
    workspaceButton_->setIcon(icon("action-workspace"));
    workspaceButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    workspaceButton_->setPopupMode(QToolButton::InstantPopup);
    workspaceMenu_ = new QMenu(tr("&Workspace"), this);
    connect(workspaceMenu_, &QMenu::aboutToShow, this, &MainWindow::fillWorkspaceMenu);
    workspaceButton_->setMenu(workspaceMenu_);
    workspaceButton_->setAccessibleName(tr("Workspace"));
    workspaceButton_->setToolTip(tr("Switch workspace or create one"));
    bar->addWidget(workspaceButton_);

    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);

    auto* status = new QWidget(bar);
    auto* statusLayout = new QHBoxLayout(status);
    statusLayout->setContentsMargins(6, 0, 10, 0);
    statusLayout->setSpacing(6);
    statusIcon_ = new QLabel(status);
    statusIcon_->setAccessibleDescription(tr("Sync status icon"));
    statusText_ = new QLabel(status);
    statusText_->setObjectName(QStringLiteral("syncStatus"));
    statusText_->setAccessibleDescription(tr("Sync status"));
    statusText_->setTextFormat(Qt::PlainText);
    statusLayout->addWidget(statusIcon_);
    statusLayout->addWidget(statusText_);
    bar->addWidget(status);

    bar->addAction(signInAction_);
    accountButton_ = new QToolButton(bar);
    accountButton_->setIcon(icon("action-account"));
    accountButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    accountButton_->setPopupMode(QToolButton::InstantPopup);
    accountMenu_ = new QMenu(tr("&Account"), this);
    accountMenu_->addAction(accountInfoAction_);
    accountMenu_->addSeparator();
    accountMenu_->addAction(syncNowAction_);
    accountMenu_->addAction(historyAction_);
    accountMenu_->addAction(settingsAction_);
    accountMenu_->addSeparator();
    accountMenu_->addAction(signInAction_);
    accountMenu_->addAction(signOutAction_);
    accountButton_->setMenu(accountMenu_);
    accountButton_->setAccessibleName(tr("Account"));
    accountButtonAction_ = bar->addWidget(accountButton_);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(historyAction_);
    file->addAction(settingsAction_);
    file->addSeparator();
    file->addAction(quitAction_);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoAction_);
    edit->addAction(redoAction_);
    edit->addSeparator();
    edit->addMenu(addWidgetMenu_);
    edit->addAction(editLayoutAction_);

    QMenu* dashboards = menuBar()->addMenu(tr("&Dashboard"));
    dashboards->addAction(newDashboardAction_);
    dashboards->addAction(renameDashboardAction_);
    dashboards->addAction(removeDashboardAction_);

    QMenu* account = menuBar()->addMenu(tr("&Account"));
    account->addAction(signInAction_);
    account->addAction(syncNowAction_);
    account->addMenu(workspaceMenu_);
    account->addSeparator();
    account->addAction(signOutAction_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        auto* box = new QMessageBox(
            QMessageBox::Information, tr("Keyboard shortcuts"),
            tr("Ctrl+Shift+A  Add a widget\nCtrl+E  Edit layout on or off\n"
               "Tab  Go to the next tile or control\nAlt+arrows  Move the focused tile (edit "
               "layout)\nAlt+Shift+arrows  Resize it\nShift+F10  The focused tile's menu\n"
               "Ctrl+Z / Ctrl+Shift+Z  Undo / Redo\nCtrl+T  New dashboard\nF2  Rename "
               "dashboard\nCtrl+R  Sync now\nCtrl+H  History\nCtrl+Q  Quit"),
            QMessageBox::Close, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    help->addAction(tr("&About Deskboard"), this, [this] {
        auto* box = new QMessageBox(
            QMessageBox::Information, tr("About Deskboard"),
            tr("Deskboard %1\nA desktop dashboard that syncs across your computers.")
                .arg(sync::clientVersion()),
            QMessageBox::Close, this);
        box->setIconPixmap(icon("deskboard").pixmap(64, 64));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
}

void MainWindow::buildCentral() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    notice_ = new QWidget(central);
    notice_->setObjectName(QStringLiteral("noticeBar"));
    notice_->setAutoFillBackground(true);
    QPalette noticePalette = notice_->palette();
    noticePalette.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xd6));
    noticePalette.setColor(QPalette::WindowText, QColor(0x3d, 0x2f, 0x00));
    notice_->setPalette(noticePalette);
    auto* noticeLayout = new QHBoxLayout(notice_);
    noticeLayout->setContentsMargins(12, 6, 8, 6);
    noticeText_ = new QLabel(notice_);
    noticeText_->setWordWrap(true);
    noticeText_->setAccessibleDescription(tr("Notice"));
    noticeUndo_ = new QPushButton(icon("action-undo"), tr("&Undo"), notice_);
    noticeUndo_->setToolTip(tr("Put back this computer's dashboard as it was before"));
    connect(noticeUndo_, &QPushButton::clicked, this, [this] {
        if (engine_ && engine_->restoreSnapshot(1)) {
            statusBar()->showMessage(tr("Put back the dashboard as it was on this computer"), 8000);
        }
        notice_->hide();
    });
    auto* dismiss = new QPushButton(tr("Dismiss"), notice_);
    connect(dismiss, &QPushButton::clicked, notice_, &QWidget::hide);
    noticeLayout->addWidget(noticeText_, 1);
    noticeLayout->addWidget(noticeUndo_);
    noticeLayout->addWidget(dismiss);
    notice_->hide();
    layout->addWidget(notice_);

    auto* tabRow = new QHBoxLayout;
    tabRow->setContentsMargins(8, 6, 8, 0);
    tabs_ = new QTabBar(central);
    tabs_->setObjectName(QStringLiteral("dashboardTabs"));
    tabs_->setMovable(true);
    tabs_->setExpanding(false);
    tabs_->setDocumentMode(true);
    tabs_->setAccessibleName(tr("Dashboards"));
    tabs_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tabs_, &QTabBar::currentChanged, this, &MainWindow::showDashboard);
    connect(tabs_, &QTabBar::tabMoved, this, [this](int from, int to) {
        if (!rebuildingTabs_) {
            editor_->moveDashboard(from, to);
        }
    });
    connect(tabs_, &QTabBar::tabBarDoubleClicked, this, &MainWindow::askRenameDashboard);
    connect(tabs_, &QTabBar::customContextMenuRequested, this, [this](const QPoint& at) {
        const int index = tabs_->tabAt(at);
        if (index < 0) {
            return;
        }
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(tr("&Rename…"), this, [this, index] { askRenameDashboard(index); });
        QAction* remove =
            menu->addAction(tr("Re&move"), this, [this, index] { confirmRemoveDashboard(index); });
        remove->setEnabled(tabs_->count() > 1);
        menu->popup(tabs_->mapToGlobal(at));
    });
    auto* addTab = new QToolButton(central);
    addTab->setDefaultAction(newDashboardAction_);
    addTab->setToolButtonStyle(Qt::ToolButtonIconOnly);
    addTab->setAutoRaise(true);
    addTab->setAccessibleName(tr("New dashboard"));
    tabRow->addWidget(tabs_);
    tabRow->addWidget(addTab);
    tabRow->addStretch(1);
    layout->addLayout(tabRow);

    scroll_ = new QScrollArea(central);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setAccessibleName(tr("Dashboard area"));
    canvas_ = new DashboardCanvas(editor_, store_, scroll_);
    scroll_->setWidget(canvas_);
    layout->addWidget(scroll_, 1);
    connect(canvas_, &DashboardCanvas::settingsRequested, this, &MainWindow::openWidgetSettings);
    connect(canvas_, &DashboardCanvas::removeRequested, this, &MainWindow::confirmRemoveWidget);
    setCentralWidget(central);

    statusDetail_ = new QLabel(this);
    statusDetail_->setAccessibleDescription(tr("Sync details"));
    statusBar()->addPermanentWidget(statusDetail_);
}

// --- dashboards and widgets -------------------------------------------------------------------

void MainWindow::rebuildTabs() {
    const sync::Document& document = store_->document();
    const std::string current = canvas_->dashboardId();
    rebuildingTabs_ = true;
    // Keep the tab widgets when only titles changed, so focus and keyboard position stay.
    while (tabs_->count() > static_cast<int>(document.dashboards.size())) {
        tabs_->removeTab(tabs_->count() - 1);
    }
    int selected = -1;
    for (std::size_t i = 0; i < document.dashboards.size(); ++i) {
        const sync::Dashboard& dashboard = document.dashboards[i];
        const int index = static_cast<int>(i);
        const QString title = QString::fromStdString(dashboard.title);
        if (index >= tabs_->count()) {
            tabs_->addTab(title);
        }
        tabs_->setTabText(index, title.isEmpty() ? tr("Untitled") : title);
        tabs_->setTabData(index, QString::fromStdString(dashboard.id));
        tabs_->setTabToolTip(
            index, tr("%n widget(s)", nullptr, static_cast<int>(dashboard.widgets.size())));
        if (dashboard.id == current) {
            selected = index;
        }
    }
    if (selected < 0) {
        selected = 0;
    }
    tabs_->setCurrentIndex(selected);
    rebuildingTabs_ = false;
    tabs_->setVisible(tabs_->count() > 0);
    removeDashboardAction_->setEnabled(tabs_->count() > 1);
    showDashboard(selected);
}

void MainWindow::showDashboard(int index) {
    if (index < 0 || index >= tabs_->count()) {
        return;
    }
    const std::string id = tabs_->tabData(index).toString().toStdString();
    if (id == canvas_->dashboardId()) {
        return;  // the canvas follows the document's changes by itself
    }
    canvas_->setDashboard(id);
    scroll_->ensureVisible(0, 0);
    if (!rebuildingTabs_) {
        store_->setSetting(kDashboardKey, QString::fromStdString(id));
    }
}

std::string MainWindow::addWidget(const QString& type) {
    const WidgetType* known = findWidgetType(type);
    if (known == nullptr) {
        return {};
    }
    sync::Widget widget = known->newWidget();
    widget.type = known->id.toStdString();
    const std::string id = editor_->addWidget(canvas_->dashboardId(), widget);
    if (TileFrame* tile = canvas_->tile(id)) {
        scroll_->ensureWidgetVisible(tile);
        tile->setFocus(Qt::OtherFocusReason);
        statusBar()->showMessage(tr("Added %1").arg(known->name), 3000);
    }
    return id;
}

void MainWindow::askRenameDashboard(int index) {
    if (index < 0 || index >= tabs_->count()) {
        return;
    }
    const std::string id = tabs_->tabData(index).toString().toStdString();
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Rename dashboard"));
    dialog->setLabelText(tr("Dashboard name:"));
    dialog->setTextValue(tabs_->tabText(index));
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, id](const QString& title) { editor_->renameDashboard(id, title); });
    dialog->open();
}

void MainWindow::confirmRemoveDashboard(int index) {
    if (index < 0 || index >= tabs_->count() || tabs_->count() <= 1) {
        return;
    }
    const std::string id = tabs_->tabData(index).toString().toStdString();
    const sync::Dashboard* dashboard = store_->document().dashboard(id);
    if (dashboard == nullptr) {
        return;
    }
    if (dashboard->widgets.empty()) {
        editor_->removeDashboard(id);
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Remove dashboard"),
        tr("Remove the dashboard \"%1\" and its %n widget(s)? Undo (Ctrl+Z) brings it back.",
           nullptr, static_cast<int>(dashboard->widgets.size()))
            .arg(tabs_->tabText(index)),
        QMessageBox::Cancel, this);
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, id, remove](QAbstractButton* button) {
        if (button == remove) {
            editor_->removeDashboard(id);
        }
    });
    box->open();
}

void MainWindow::confirmRemoveWidget(const std::string& widgetId) {
    // Undo brings it back: no question asked, but say how.
    const sync::Dashboard* dashboard = store_->document().dashboardOfWidget(widgetId);
    if (dashboard == nullptr) {
        return;
    }
    const QString title = QString::fromStdString(dashboard->widgets.at(widgetId).title);
    if (editor_->removeWidget(widgetId)) {
        statusBar()->showMessage(tr("Removed %1 — Ctrl+Z brings it back").arg(title), 8000);
    }
}

void MainWindow::openWidgetSettings(const std::string& widgetId) {
    const sync::Dashboard* dashboard = store_->document().dashboardOfWidget(widgetId);
    if (dashboard == nullptr) {
        return;
    }
    const QString prefix = QStringLiteral("widgets/%1/").arg(QString::fromStdString(widgetId));
    LocalOptions options{[this, prefix](const QString& key, const QVariant& fallback) {
                             return store_->setting(prefix + key, fallback);
                         },
                         [this, prefix](const QString& key, const QVariant& value) {
                             store_->setSetting(prefix + key, value);
                         }};
    auto* dialog =
        new WidgetSettingsDialog(widgetId, dashboard->widgets.at(widgetId), options, this);
    connect(dialog, &WidgetSettingsDialog::applied, this,
            [this](const std::string& id, const sync::Widget& widget) {
                editor_->setWidget(
                    id, widget,
                    tr("Change settings of %1").arg(QString::fromStdString(widget.title)));
                // Local options may have changed without a document change: show them.
                if (TileFrame* tile = canvas_->tile(id)) {
                    tile->setWidget(widget);
                }
            });
    dialog->open();
}

// --- dialogs and sync -------------------------------------------------------------------------

void MainWindow::openSignInDialog() {
    if (!engine_) {
        return;
    }
    auto* dialog = new SignInDialog(engine_, store_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SignInDialog::signedIn, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    dialog->open();
}

void MainWindow::openHistoryDialog() {
    if (!engine_) {
        return;
    }
    auto* dialog = new HistoryDialog(engine_, store_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::openSettingsDialog() {
    if (!engine_) {
        return;
    }
    auto* dialog = new SettingsDialog(engine_, store_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::askDecision(const QString& why) {
    if (decision_) {
        decision_->setWhy(why);
        decision_->raise();
        return;
    }
    decision_ = new DecisionDialog(why, this);
    decision_->setAttribute(Qt::WA_DeleteOnClose);
    connect(decision_, &DecisionDialog::chosen, this, [this](sync::Decision decision) {
        if (engine_) {
            engine_->resolveDecision(decision);
        }
    });
    decision_->open();
}

void MainWindow::onRemoteApplied(int removed, bool massRemoval, bool merged) {
    if (massRemoval) {
        showNotice(
            tr("Another computer removed %n widget(s) from this dashboard.", nullptr, removed),
            true);
    }
    if (merged) {
        mergedNotice_.start();
    }
    updateSyncStatus();
}

void MainWindow::showNotice(const QString& text, bool offerUndo) {
    noticeText_->setText(text);
    noticeUndo_->setVisible(offerUndo);
    notice_->show();
}

QString MainWindow::noticeText() const {
    return notice_->isVisible() ? noticeText_->text() : QString();
}

void MainWindow::updateSyncStatus() {
    if (!engine_) {
        statusText_->setText(tr("Local only"));
        return;
    }
    const sync::SyncStatus status = engine_->status();
    const bool merged = mergedNotice_.isActive() && status.state == sync::SyncState::Idle;
    QString text;
    switch (status.state) {
        case sync::SyncState::Idle:
            text = merged ? tr("Merged changes from another computer")
                   : status.lastSyncedAt.isValid()
                       ? tr("Synced %1")
                             .arg(QLocale().toString(status.lastSyncedAt.toLocalTime().time(),
                                                     QLocale::ShortFormat))
                       : tr("Synced");
            break;
        case sync::SyncState::Pending:
            text = tr("Saved on this computer — syncing soon");
            break;
        case sync::SyncState::Syncing:
            text = tr("Syncing…");
            break;
        case sync::SyncState::Offline:
            text = tr("Offline — saved on this computer (%n pending)", nullptr, status.pending);
            break;
        case sync::SyncState::SignedOut:
            text = tr("Signed out — saved on this computer");
            break;
        case sync::SyncState::NeedsDecision:
            text = tr("Waiting for your choice");
            break;
    }
    statusText_->setText(text);
    statusIcon_->setPixmap(
        cachedIcon(QStringLiteral(":/icons/%1.svg").arg(statusIconName(status.state, merged)))
            .pixmap(18, 18));
    QStringList tip;
    if (!status.user.isEmpty()) {
        tip << tr("Signed in as %1 on %2").arg(status.user, status.server);
        tip << (status.liveStream ? tr("Live updates: connected")
                                  : tr("Live updates: not connected (checking periodically)"));
    }
    if (status.lastSyncedAt.isValid()) {
        tip << tr("Last synced: %1 (version %2)")
                   .arg(QLocale().toString(status.lastSyncedAt.toLocalTime(), QLocale::ShortFormat))
                   .arg(status.lastSyncedVersion);
    }
    if (!status.lastError.isEmpty()) {
        tip << tr("Last error: %1").arg(status.lastError);
    }
    statusText_->setToolTip(tip.join(QLatin1Char('\n')));
    statusIcon_->setToolTip(statusText_->toolTip());
    statusDetail_->setText(status.pending > 0 && !status.user.isEmpty()
                               ? tr("%n change(s) not yet on the server", nullptr, status.pending)
                               : QString());
}

void MainWindow::updateAccount() {
    if (!engine_) {
        return;
    }
    const sync::SyncStatus status = engine_->status();
    const bool signedIn = !status.user.isEmpty();
    signInAction_->setVisible(!signedIn);
    signOutAction_->setVisible(signedIn);
    syncNowAction_->setEnabled(signedIn);
    accountButtonAction_->setVisible(signedIn);
    accountButton_->setText(signedIn ? status.user : tr("Not signed in"));
    accountButton_->setToolTip(signedIn
                                   ? tr("Signed in as %1 on %2").arg(status.user, status.server)
                                   : tr("Not signed in"));
    accountInfoAction_->setText(signedIn
                                    ? tr("Signed in as %1 on %2").arg(status.user, status.server)
                                    : tr("Not signed in"));
    workspaceButton_->setEnabled(signedIn);
    workspaceButton_->setText(signedIn ? workspaceName(status.workspace) : tr("This computer"));
    setWindowTitle(signedIn ? tr("Deskboard — %1").arg(status.user) : tr("Deskboard"));
}

QString MainWindow::workspaceName(const QString& id) {
    if (const auto known = workspaceNames_.find(id); known != workspaceNames_.end()) {
        return known.value();
    }
    if (!fetchingWorkspaceNames_ && engine_) {
        // Learn the names once (the status holds only the id); the button shows them then.
        fetchingWorkspaceNames_ = true;
        QPointer<MainWindow> self(this);
        engine_->listWorkspaces([self](sync::ApiResult<protocol::WorkspaceList> result) {
            if (!self) {
                return;
            }
            self->fetchingWorkspaceNames_ = false;
            if (const auto* list = std::get_if<protocol::WorkspaceList>(&result)) {
                for (const auto& workspace : list->workspaces) {
                    self->workspaceNames_.insert(QString::fromStdString(workspace.id),
                                                 QString::fromStdString(workspace.name));
                }
                self->updateAccount();
            } else {
                // Offline or mid sign-in: ask again a little later.
                QTimer::singleShot(kWorkspaceRetryMs, self, [self] {
                    if (self) {
                        self->updateAccount();
                    }
                });
            }
        });
    }
    return tr("Workspace");
}

void MainWindow::fillWorkspaceMenu() {
    workspaceMenu_->clear();
    if (!engine_ || engine_->status().user.isEmpty()) {
        workspaceMenu_->addAction(tr("Sign in to use workspaces"))->setEnabled(false);
        return;
    }
    QAction* loading = workspaceMenu_->addAction(tr("Loading workspaces…"));
    loading->setEnabled(false);
    workspaceMenu_->addSeparator();
    workspaceMenu_->addAction(tr("&New Workspace…"), this, &MainWindow::askNewWorkspace);
    QPointer<QMenu> menu = workspaceMenu_;
    QPointer<QAction> placeholder = loading;
    engine_->listWorkspaces(
        [this, menu, placeholder](sync::ApiResult<protocol::WorkspaceList> result) {
            if (!menu || !placeholder) {
                return;
            }
            if (const auto* failure = std::get_if<sync::ApiFailure>(&result)) {
                placeholder->setText(tr("Could not list workspaces: %1").arg(failure->message));
                return;
            }
            const auto& list = std::get<protocol::WorkspaceList>(result);
            const QString current = engine_ ? engine_->status().workspace : QString();
            for (const auto& workspace : list.workspaces) {
                const QString id = QString::fromStdString(workspace.id);
                const QString name = QString::fromStdString(workspace.name);
                auto* action = new QAction(name.isEmpty() ? id : name, menu);
                action->setCheckable(true);
                action->setChecked(id == current);
                connect(action, &QAction::triggered, this, [this, id] {
                    if (engine_) {
                        engine_->useWorkspace(id, [this](bool, const QString& message) {
                            statusBar()->showMessage(message, 6000);
                        });
                    }
                });
                menu->insertAction(placeholder, action);
            }
            menu->removeAction(placeholder);
            placeholder->deleteLater();
        });
}

void MainWindow::askNewWorkspace() {
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New workspace"));
    dialog->setLabelText(tr("Workspace name:"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) {
        if (!engine_ || name.trimmed().isEmpty()) {
            return;
        }
        engine_->createWorkspace(
            name.trimmed(), [this](sync::ApiResult<protocol::WorkspaceInfo> result) {
                if (const auto* failure = std::get_if<sync::ApiFailure>(&result)) {
                    statusBar()->showMessage(
                        tr("Could not create the workspace: %1").arg(failure->message), 10000);
                    return;
                }
                const auto& info = std::get<protocol::WorkspaceInfo>(result);
                if (engine_) {
                    engine_->useWorkspace(QString::fromStdString(info.id),
                                          [this](bool, const QString& message) {
                                              statusBar()->showMessage(message, 6000);
                                          });
                }
            });
    });
    dialog->open();
}

// --- window state -----------------------------------------------------------------------------

void MainWindow::updateLive() {
    canvas_->setLive(isVisible() && !isMinimized());
}

void MainWindow::changeEvent(QEvent* event) {
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange) {
        updateLive();
    }
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    updateLive();
}

void MainWindow::hideEvent(QHideEvent* event) {
    QMainWindow::hideEvent(event);
    updateLive();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveWindowState() {
    store_->setSetting(kGeometryKey, saveGeometry());
    store_->setSetting(kStateKey, saveState());
    store_->setSetting(kDashboardKey, QString::fromStdString(canvas_->dashboardId()));
}

void MainWindow::restoreWindowState() {
    const QByteArray geometry = store_->setting(kGeometryKey, QByteArray()).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        resize(1120, 760);
    }
    restoreState(store_->setting(kStateKey, QByteArray()).toByteArray());
}

}  // namespace deskboard::ui
