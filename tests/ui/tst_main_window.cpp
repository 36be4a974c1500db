// The main window without a server (a person's first start, local-only): adding every widget
// type, the grid canvas driven by real mouse and keyboard events (drag by the header, resize
// by the corner, push-down compaction, Alt+arrows), undo and redo (one step per drag, remote
// changes left alone), tile menus, tabs, reflow when narrow, machine-local window state,
// timers stopped while hidden, the accessibility tree, and screenshots for a person to check.
#include <set>

#include <QAccessible>
#include <QDialog>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTabBar>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>

#include <deskboard/sync/layout.h>
#include <deskboard/ui/dashboard_canvas.h>
#include <deskboard/ui/dashboard_editor.h>
#include <deskboard/ui/theme.h>
#include <deskboard/ui/tile_frame.h>
#include <deskboard/ui/widget_catalog.h>
#include <deskboard/ui/widget_settings_dialog.h>

#include "window_fixture.h"

using namespace deskboard;
using deskboard::testing::WindowFixture;

namespace deskboard::sync {
// How QCOMPARE prints a rect when it differs.
char* toString(const WidgetRect& rect) {
    return QTest::toString(
        QStringLiteral("{%1, %2, %3, %4}").arg(rect.x).arg(rect.y).arg(rect.w).arg(rect.h));
}
}  // namespace deskboard::sync

namespace {

const sync::Dashboard& shown(WindowFixture& f) {
    return *f.store->document().dashboard(f.window->canvas()->dashboardId());
}

sync::WidgetRect rectOf(WindowFixture& f, const std::string& id) {
    return shown(f).layout.at(id);
}

// A document with notes at the given rects on the first dashboard; returns their ids in order.
std::vector<std::string> placeNotes(WindowFixture& f, const std::vector<sync::WidgetRect>& rects) {
    sync::Document next = f.store->document();
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < rects.size(); ++i) {
        const std::string id = "n" + std::to_string(i);
        next.dashboards.front().widgets[id] =
            sync::Widget{"note", "Note " + std::to_string(i), nlohmann::json::object(), "text"};
        next.dashboards.front().layout[id] = rects[i];
        ids.push_back(id);
    }
    f.window->editor()->commit(next, QStringLiteral("place"));
    f.window->editor()->undoStack()->clear();
    return ids;
}

QWidget* headerOf(ui::TileFrame* tile) {
    return tile->findChild<QWidget*>(QStringLiteral("tileHeader"));
}

QWidget* gripOf(ui::TileFrame* tile) {
    return tile->findChild<QWidget*>(QStringLiteral("resizeGrip"));
}

// Presses on `handle` at `from`, moves by `delta` in steps, releases: a person's drag. The
// pointer's path is fixed on the screen (the canvas), while the handle moves under it.
void drag(QWidget* handle, QPoint from, QPoint delta) {
    QWidget* screen = handle->window();
    const QPoint start = handle->mapTo(screen, from);
    QTest::mousePress(handle, Qt::LeftButton, {}, from);
    constexpr int kSteps = 8;
    for (int i = 1; i <= kSteps; ++i) {
        QTest::mouseMove(handle, handle->mapFrom(screen, start + delta * i / kSteps));
    }
    QTest::mouseRelease(handle, Qt::LeftButton, {}, handle->mapFrom(screen, start + delta));
}

int cellStepX(ui::DashboardCanvas* canvas) {
    return canvas->cellRect({1, 0, 1, 1}).left() - canvas->cellRect({0, 0, 1, 1}).left();
}

int cellStepY() {
    return ui::DashboardCanvas::kRowHeight + ui::DashboardCanvas::kGap;
}

QAction* menuAction(ui::TileFrame* tile, const QString& startsWith) {
    for (QAction* action : tile->menuButton()->menu()->actions()) {
        if (action->text().remove(QLatin1Char('&')).startsWith(startsWith)) {
            return action;
        }
    }
    return nullptr;
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { QAccessible::setActive(true); }

    void firstStartIsLocalOnlyWithSignIn() {
        WindowFixture f;
        QVERIFY(f.show());
        QCOMPARE(f.window->windowTitle(), QStringLiteral("Deskboard"));
        QVERIFY(f.window->signInAction()->isVisible());
        QVERIFY(f.window->syncStatusLabel()->text().contains(QStringLiteral("Signed out")));
        QCOMPARE(f.window->syncStatusLabel()->accessibleDescription(),
                 QStringLiteral("Sync status"));
        QVERIFY(f.window->canvas()->tiles().empty());
        QCOMPARE(f.window->quitAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
        QVERIFY(testing::saveScreenshot(f.window.get(), QStringLiteral("window-empty")));
    }

    void addsEveryWidgetType() {
        WindowFixture f;
        QVERIFY(f.show());
        QCOMPARE(f.window->addWidgetMenu()->actions().size(),
                 static_cast<qsizetype>(ui::widgetCatalog().size()));
        for (const ui::WidgetType& type : ui::widgetCatalog()) {
            QVERIFY2(!type.iconPath.isEmpty() && !QIcon(type.iconPath).isNull(),
                     qPrintable(type.id));
            const std::string id = f.window->addWidget(type.id);
            QVERIFY2(!id.empty(), qPrintable(type.id));
            ui::TileFrame* tile = f.window->canvas()->tile(id);
            QVERIFY(tile != nullptr);
            QCOMPARE(QString::fromStdString(shown(f).widgets.at(id).type), type.id);
            QCOMPARE(tile->accessibleDescription(), type.name);
            QCOMPARE(tile->accessibleName(), QString::fromStdString(shown(f).widgets.at(id).title));
        }
        QCOMPARE(shown(f).widgets.size(), ui::widgetCatalog().size());
        QVERIFY(!sync::hasOverlaps(shown(f).layout));
        // Tiles sit inside the canvas, not on top of each other.
        for (ui::TileFrame* a : f.window->canvas()->tiles()) {
            QVERIFY(f.window->canvas()->rect().contains(a->geometry()));
            for (ui::TileFrame* b : f.window->canvas()->tiles()) {
                QVERIFY(a == b || !a->geometry().intersects(b->geometry()));
            }
        }
        // It is on disk: a store opened afresh reads the same document.
        const sync::Document saved = f.store->document();
        f.window.reset();
        f.engine.reset();
        f.tokens.reset();
        f.store.reset();
        sync::DashboardStore reopened(f.dir.path());
        QVERIFY(reopened.document() == saved);
    }

    void dragMovesATileAndPushesOthersDown() {
        WindowFixture f;
        QVERIFY(f.show());
        const auto ids = placeNotes(f, {{0, 0, 4, 2}, {0, 2, 4, 2}, {6, 0, 4, 2}});
        f.window->editLayoutAction()->setChecked(true);
        ui::DashboardCanvas* canvas = f.window->canvas();
        // Drag the second note up by two rows onto the first: the first is pushed down.
        ui::TileFrame* second = canvas->tile(ids[1]);
        QWidget* header = headerOf(second);
        QVERIFY(header != nullptr);
        const QPoint start = header->mapTo(f.window.get(), QPoint(20, 8));
        auto at = [&](int rowsUp) {
            return header->mapFrom(f.window.get(), start - QPoint(0, rowsUp * cellStepY()));
        };
        QTest::mousePress(header, Qt::LeftButton, {}, QPoint(20, 8));
        QTest::mouseMove(header, at(1));
        // A drop preview shows where it will land.
        QCOMPARE(canvas->dropPreview(), canvas->cellRect({0, 1, 4, 2}));
        QTest::mouseMove(header, at(2));
        QCOMPARE(canvas->dropPreview(), canvas->cellRect({0, 0, 4, 2}));
        // Meanwhile the tile in the way already makes room.
        QCOMPARE(canvas->tile(ids[0])->geometry(), canvas->cellRect({0, 2, 4, 2}));
        QTest::mouseRelease(header, Qt::LeftButton, {}, at(2));
        QVERIFY(canvas->dropPreview().isNull());
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{0, 0, 4, 2}));
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{0, 2, 4, 2}));
        QCOMPARE(rectOf(f, ids[2]), (sync::WidgetRect{6, 0, 4, 2}));
        QVERIFY(!sync::hasOverlaps(shown(f).layout));
        QCOMPARE(second->geometry(), canvas->cellRect({0, 0, 4, 2}));
        // The whole drag is one undo step.
        QCOMPARE(f.window->editor()->undoStack()->count(), 1);
        f.window->undoAction()->trigger();
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{0, 2, 4, 2}));
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{0, 0, 4, 2}));
        f.window->redoAction()->trigger();
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{0, 0, 4, 2}));

        // Sideways, snapping to the nearest column.
        drag(headerOf(canvas->tile(ids[2])), QPoint(20, 8),
             QPoint(-3 * cellStepX(canvas) + cellStepX(canvas) / 4, 0));
        QCOMPARE(rectOf(f, ids[2]), (sync::WidgetRect{3, 0, 4, 2}));
        QVERIFY(!sync::hasOverlaps(shown(f).layout));
    }

    void cornerResizesAndPushesDown() {
        WindowFixture f;
        QVERIFY(f.show());
        const auto ids = placeNotes(f, {{0, 0, 3, 2}, {0, 2, 6, 2}});
        ui::DashboardCanvas* canvas = f.window->canvas();
        // Outside edit mode the grip is hidden and the header does not drag.
        QVERIFY(!gripOf(canvas->tile(ids[0]))->isVisible());
        drag(headerOf(canvas->tile(ids[0])), QPoint(20, 8), QPoint(3 * cellStepX(canvas), 0));
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{0, 0, 3, 2}));

        f.window->editLayoutAction()->setChecked(true);
        QWidget* grip = gripOf(canvas->tile(ids[0]));
        QVERIFY(grip->isVisible());
        drag(grip, QPoint(4, 4), QPoint(2 * cellStepX(canvas), cellStepY()));
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{0, 0, 5, 3}));
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{0, 3, 6, 2}));
        QCOMPARE(f.window->editor()->undoStack()->count(), 1);
        QCOMPARE(canvas->tile(ids[0])->geometry(), canvas->cellRect({0, 0, 5, 3}));
    }

    void keyboardMovesAndResizes() {
        WindowFixture f;
        QVERIFY(f.show());
        const auto ids = placeNotes(f, {{0, 0, 4, 2}, {4, 0, 4, 2}});
        f.window->activateWindow();
        ui::TileFrame* tile = f.window->canvas()->tile(ids[0]);
        tile->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(tile->hasFocus());
        // Not in edit mode: nothing moves.
        QTest::keyClick(tile, Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{0, 0, 4, 2}));
        f.window->editLayoutAction()->setChecked(true);
        QTest::keyClick(tile, Qt::Key_Down, Qt::AltModifier);
        QTest::keyClick(tile, Qt::Key_Down, Qt::AltModifier);
        QTest::keyClick(tile, Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{1, 2, 4, 2}));
        QVERIFY(tile->hasFocus());
        // Continuous keyboard moves are one undo step.
        QCOMPARE(f.window->editor()->undoStack()->count(), 1);
        QTest::keyClick(tile, Qt::Key_Right, Qt::AltModifier | Qt::ShiftModifier);
        QTest::keyClick(tile, Qt::Key_Down, Qt::AltModifier | Qt::ShiftModifier);
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{1, 2, 5, 3}));
        // Up into the other tile: the moved one keeps its place, the other goes below it.
        QTest::keyClick(tile, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{1, 1, 5, 3}));
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{4, 4, 4, 2}));
        // Ctrl+Z from the keyboard, through the window's shortcut.
        QTest::keyClick(f.window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(rectOf(f, ids[0]), (sync::WidgetRect{1, 2, 5, 3}));
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{4, 0, 4, 2}));
    }

    void undoLeavesRemoteChangesAlone() {
        WindowFixture f;
        QVERIFY(f.show());
        const std::string mine = f.window->addWidget(QStringLiteral("note"));
        QVERIFY(!mine.empty());
        // Sync applies another computer's widget.
        sync::Document remote = f.store->document();
        remote.dashboards.front().widgets["theirs"] =
            sync::Widget{"todo", "Theirs", nlohmann::json::object(), "- [ ] a"};
        remote.dashboards.front().layout["theirs"] =
            sync::firstFreeRect(remote.dashboards.front().layout, 4, 4);
        f.store->applyRemote(remote, QStringLiteral("test"));
        QVERIFY(f.window->canvas()->tile("theirs") != nullptr);
        f.window->undoAction()->trigger();
        QVERIFY(!shown(f).widgets.contains(mine));
        QVERIFY(shown(f).widgets.contains("theirs"));
        QVERIFY(f.window->canvas()->tile(mine) == nullptr);
        f.window->redoAction()->trigger();
        QVERIFY(shown(f).widgets.contains(mine));
        QVERIFY(shown(f).widgets.contains("theirs"));
    }

    void tileMenuDuplicatesAndRemoves() {
        WindowFixture f;
        QVERIFY(f.show());
        const auto ids = placeNotes(f, {{0, 0, 4, 2}, {0, 2, 4, 2}});
        ui::TileFrame* tile = f.window->canvas()->tile(ids[0]);
        QVERIFY(!tile->menuButton()->accessibleName().isEmpty());
        QAction* duplicate = menuAction(tile, QStringLiteral("Duplicate"));
        QVERIFY(duplicate != nullptr);
        duplicate->trigger();
        QCOMPARE(shown(f).widgets.size(), 3u);
        std::string copy;
        for (const auto& [id, widget] : shown(f).widgets) {
            if (id != ids[0] && id != ids[1]) {
                copy = id;
            }
        }
        QCOMPARE(shown(f).widgets.at(copy).content, std::string("text"));
        QCOMPARE(rectOf(f, copy), (sync::WidgetRect{0, 2, 4, 2}));
        QCOMPARE(rectOf(f, ids[1]), (sync::WidgetRect{0, 4, 4, 2}));
        QAction* remove = menuAction(f.window->canvas()->tile(copy), QStringLiteral("Remove"));
        QVERIFY(remove != nullptr);
        remove->trigger();
        QTRY_VERIFY(f.window->canvas()->tile(copy) == nullptr);
        QVERIFY(!shown(f).widgets.contains(copy));
        f.window->undoAction()->trigger();
        QVERIFY(shown(f).widgets.contains(copy));
        QVERIFY(f.window->canvas()->tile(copy) != nullptr);
    }

    void settingsDialogConfiguresEveryType() {
        WindowFixture f;
        QVERIFY(f.show());
        for (const ui::WidgetType& type : ui::widgetCatalog()) {
            const std::string id = f.window->addWidget(type.id);
            f.window->openWidgetSettings(id);
            auto* dialog = f.window->findChild<ui::WidgetSettingsDialog*>();
            QVERIFY2(dialog != nullptr, qPrintable(type.id));
            QTRY_VERIFY(dialog->isVisible());
            QVERIFY2(
                testing::unnamedInteractiveObjects(dialog).isEmpty(),
                qPrintable(testing::unnamedInteractiveObjects(dialog).join(QLatin1Char('\n'))));
            if (type.id == QStringLiteral("chart")) {
                QVERIFY(testing::saveScreenshot(dialog, QStringLiteral("widget-settings-chart")));
            }
            dialog->titleEdit()->setText(QStringLiteral("Configured ") + type.id);
            dialog->accept();
            QTRY_VERIFY(f.window->findChild<ui::WidgetSettingsDialog*>() == nullptr);
            QCOMPARE(QString::fromStdString(shown(f).widgets.at(id).title),
                     QStringLiteral("Configured ") + type.id);
            QCOMPARE(f.window->canvas()->tile(id)->accessibleName(),
                     QStringLiteral("Configured ") + type.id);
        }
    }

    void conflictedCopiesAndProblemsShowOnTheirTiles() {
        WindowFixture f;
        QVERIFY(f.show());
        sync::Document next = f.store->document();
        auto& dashboard = next.dashboards.front();
        dashboard.widgets["plain"] = sync::Widget{"note", "Plan", nlohmann::json::object(), "a"};
        dashboard.widgets["plain-c0123abcd"] =
            sync::Widget{"note", "Plan (conflicted copy)", nlohmann::json::object(), "b"};
        dashboard.layout["plain"] = {0, 0, 4, 3};
        dashboard.layout["plain-c0123abcd"] = {4, 0, 4, 3};
        f.store->applyRemote(next, QStringLiteral("a merge"));
        auto* copy = f.window->canvas()->tile("plain-c0123abcd");
        auto* original = f.window->canvas()->tile("plain");
        QVERIFY(copy != nullptr && original != nullptr);
        QVERIFY(copy->findChild<QLabel*>(QStringLiteral("conflictMark"))->isVisible());
        QVERIFY(!original->findChild<QLabel*>(QStringLiteral("conflictMark"))->isVisible());
        // A view's problem is said inside its own tile, and goes away when solved.
        auto* problem = original->findChild<QLabel*>(QStringLiteral("tileProblem"));
        QVERIFY(!problem->isVisible());
        emit original->view()->problemChanged(QStringLiteral("Timed out after 10 s"));
        QVERIFY(problem->isVisible());
        QCOMPARE(problem->text(), QStringLiteral("Timed out after 10 s"));
        emit original->view()->problemChanged(QString());
        QVERIFY(!problem->isVisible());
    }

    void dialogsOpenWithoutBlocking() {
        WindowFixture f;
        QVERIFY(f.show());
        // Each opens with open(): the call returns at once, the dialog is window-modal.
        f.window->signInAction()->trigger();
        QDialog* signIn = nullptr;
        QTRY_VERIFY((signIn = f.window->findChild<QDialog*>()) != nullptr && signIn->isVisible());
        QVERIFY(signIn->windowModality() != Qt::NonModal);
        QVERIFY(testing::unnamedInteractiveObjects(signIn).isEmpty());
        signIn->reject();
        QTRY_VERIFY(f.window->findChild<QDialog*>() == nullptr);
        f.window->openHistoryDialog();
        QTRY_VERIFY(f.window->findChild<QDialog*>() != nullptr);
        QVERIFY(testing::unnamedInteractiveObjects(f.window->findChild<QDialog*>()).isEmpty());
        f.window->findChild<QDialog*>()->reject();
        QTRY_VERIFY(f.window->findChild<QDialog*>() == nullptr);
        f.window->openSettingsDialog();
        QTRY_VERIFY(f.window->findChild<QDialog*>() != nullptr);
        QVERIFY(testing::unnamedInteractiveObjects(f.window->findChild<QDialog*>()).isEmpty());
        f.window->findChild<QDialog*>()->reject();
        QTRY_VERIFY(f.window->findChild<QDialog*>() == nullptr);
    }

    void tabsAddRenameMoveRemove() {
        WindowFixture f;
        QVERIFY(f.show());
        QTabBar* tabs = f.window->tabBar();
        QCOMPARE(tabs->count(), 1);
        ui::DashboardEditor* editor = f.window->editor();
        const std::string second = editor->addDashboard(QStringLiteral("Work"));
        QCOMPARE(tabs->count(), 2);
        QCOMPARE(tabs->tabText(1), QStringLiteral("Work"));
        tabs->setCurrentIndex(1);
        QVERIFY(f.window->canvas()->dashboardId() == second);
        f.window->addWidget(QStringLiteral("clock"));
        QCOMPARE(f.store->document().dashboards[1].widgets.size(), 1u);
        QVERIFY(editor->renameDashboard(second, QStringLiteral("Office")));
        QCOMPARE(tabs->tabText(1), QStringLiteral("Office"));
        // Reorder by moving the tab, as a drag on the tab bar does.
        tabs->moveTab(1, 0);
        QCOMPARE(f.store->document().dashboards[0].id, second);
        QCOMPARE(tabs->tabText(0), QStringLiteral("Office"));
        QVERIFY(editor->removeDashboard(second));
        QCOMPARE(tabs->count(), 1);
        QVERIFY(f.window->canvas()->dashboardId() == f.store->document().dashboards[0].id);
        QVERIFY(!editor->removeDashboard(f.store->document().dashboards[0].id));
        f.window->undoAction()->trigger();
        QCOMPARE(tabs->count(), 2);
        QCOMPARE(f.store->document().dashboards[0].widgets.size(), 1u);
    }

    void narrowWindowStacksTilesInsteadOfClipping() {
        WindowFixture f;
        QVERIFY(f.show());
        const auto ids = placeNotes(f, {{0, 0, 4, 2}, {4, 0, 8, 3}, {0, 2, 3, 2}});
        f.window->resize(460, 700);
        QTRY_VERIFY(f.window->canvas()->isStacked());
        ui::DashboardCanvas* canvas = f.window->canvas();
        int bottom = 0;
        for (const std::string& id : {ids[0], ids[1], ids[2]}) {
            const QRect geometry = canvas->tile(id)->geometry();
            QVERIFY(geometry.left() >= 0 && geometry.right() < canvas->width());
            QVERIFY(geometry.top() > bottom);
            bottom = geometry.bottom();
        }
        QVERIFY(testing::saveScreenshot(f.window.get(), QStringLiteral("window-narrow")));
        f.window->resize(1100, 700);
        QTRY_VERIFY(!canvas->isStacked());
        QCOMPARE(canvas->tile(ids[1])->geometry(), canvas->cellRect({4, 0, 8, 3}));
    }

    void windowStateIsRestoredOnThisMachine() {
        QTemporaryDir profile;
        std::string second;
        {
            WindowFixture f(profile.path());
            QVERIFY(f.show());
            second = f.window->editor()->addDashboard(QStringLiteral("Second"));
            f.window->tabBar()->setCurrentIndex(1);
            f.window->resize(900, 620);
            QTRY_COMPARE(f.window->size(), QSize(900, 620));
        }
        WindowFixture again(profile.path());
        QVERIFY(again.show());
        QCOMPARE(again.window->size(), QSize(900, 620));
        QVERIFY(again.window->canvas()->dashboardId() == second);
        // None of it is in the synced document.
        QVERIFY(again.store->document().preferences.empty());
    }

    void viewsStopWhileHidden() {
        WindowFixture f;
        QVERIFY(f.show());
        for (const ui::WidgetType& type : ui::widgetCatalog()) {
            f.window->addWidget(type.id);
        }
        QVERIFY(f.window->canvas()->isLive());
        f.window->hide();
        QVERIFY(!f.window->canvas()->isLive());
        for (ui::TileFrame* tile : f.window->canvas()->tiles()) {
            QVERIFY(!tile->view()->isLive());
            for (QTimer* timer : tile->findChildren<QTimer*>()) {
                QVERIFY2(!timer->isActive(), tile->widget().type.c_str());
            }
        }
        f.window->show();
        QVERIFY(f.window->canvas()->isLive());
    }

    void accessibilityTreeNamesEveryControl() {
        WindowFixture f;
        QVERIFY(f.show());
        for (const ui::WidgetType& type : ui::widgetCatalog()) {
            f.window->addWidget(type.id);
        }
        const QStringList unnamed = testing::unnamedInteractiveObjects(f.window.get());
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QLatin1Char('\n'))));
        // Each tile is one object named by its title and described by its type.
        for (ui::TileFrame* tile : f.window->canvas()->tiles()) {
            QAccessibleInterface* node = QAccessible::queryAccessibleInterface(tile);
            QVERIFY(node != nullptr);
            QCOMPARE(node->text(QAccessible::Name), QString::fromStdString(tile->widget().title));
            QCOMPARE(node->text(QAccessible::Description),
                     ui::findWidgetType(QString::fromStdString(tile->widget().type))->name);
        }
        // The status is text with a description, not a name that hides it.
        QAccessibleInterface* status =
            QAccessible::queryAccessibleInterface(f.window->syncStatusLabel());
        QCOMPARE(status->text(QAccessible::Name), f.window->syncStatusLabel()->text());
        QCOMPARE(status->text(QAccessible::Description), QStringLiteral("Sync status"));
        // Every tile is reachable with Tab.
        f.window->activateWindow();
        std::set<ui::TileFrame*> reached;
        QWidget* start = f.window->canvas()->tiles().front();
        start->setFocus(Qt::TabFocusReason);
        for (int i = 0; i < 400 && reached.size() < f.window->canvas()->tiles().size(); ++i) {
            if (auto* tile = qobject_cast<ui::TileFrame*>(QApplication::focusWidget())) {
                reached.insert(tile);
            }
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        QCOMPARE(reached.size(), f.window->canvas()->tiles().size());
    }

    void screenshots() {
        WindowFixture f;
        QVERIFY(f.show());
        f.window->resize(1280, 860);
        for (const ui::WidgetType& type : ui::widgetCatalog()) {
            f.window->addWidget(type.id);
        }
        QTest::qWait(50);  // let the views draw their first values
        f.window->findChild<QScrollArea*>()->ensureVisible(0, 0);
        QVERIFY(testing::saveScreenshot(f.window.get(), QStringLiteral("window-every-widget")));
        f.window->editLayoutAction()->setChecked(true);
        f.window->canvas()->tiles().front()->setFocus();
        QVERIFY(testing::saveScreenshot(f.window.get(), QStringLiteral("window-edit-mode")));
        f.window->editLayoutAction()->setChecked(false);
        ui::applyTheme(ui::kThemeDark);
        QVERIFY(QApplication::palette().window().color().lightness() < 90);
        // The palette reaches the widgets through posted events.
        QTRY_VERIFY(f.window->canvas()->tiles().front()->palette().base().color().lightness() < 90);
        QVERIFY(testing::saveScreenshot(f.window.get(), QStringLiteral("window-dark")));
        ui::applyTheme(ui::kThemeSystem);
    }
};

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
