// The main window against a real deskboard-server on a real redis-server (both on loopback,
// started here): the sync status through a server that goes away and comes back, two windows
// (two profiles, one user) seeing each other's edits live, the first-sign-in question asked by
// the window and answered by a person, and the Undo notice of a mass removal.
#include <memory>

#include <QCommandLinkButton>
#include <QLabel>
#include <QPushButton>
#include <QTabBar>
#include <QToolButton>
#include <redis_process.h>
#include <server_process.h>

#include <deskboard/sync/layout.h>
#include <deskboard/ui/dashboard_canvas.h>
#include <deskboard/ui/dashboard_editor.h>
#include <deskboard/ui/decision_dialog.h>
#include <deskboard/ui/tile_frame.h>

#include "window_fixture.h"

using namespace deskboard;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;
using deskboard::testing::WindowFixture;

namespace {

const QByteArray kPassword = "correct horse battery";

// A computer with the app's window: quick sync settings, signed in through the engine (the
// sign-in dialog has its own suite).
struct Computer : WindowFixture {
    Computer() {
        store->setSetting(QStringLiteral("sync/debounceMs"), 50);
        store->setSetting(QStringLiteral("sync/pollMs"), 500);
        store->setSetting(QStringLiteral("sync/requestTimeoutMs"), 3000);
        engine->start();
    }
    bool signIn(const QString& server, const QString& user) {
        bool finished = false;
        bool succeeded = false;
        engine->signIn(QUrl(server), user, QString::fromLatin1(kPassword), false, false,
                       [&](bool ok, const QString& message) {
                           finished = true;
                           succeeded = ok;
                           if (!ok) {
                               qWarning("sign-in failed: %s", qPrintable(message));
                           }
                       });
        static_cast<void>(QTest::qWaitFor([&] { return finished; }, 15000));
        return succeeded;
    }
    bool synced(int timeoutMs = 15000) {
        bool finished = false;
        bool succeeded = false;
        engine->whenSynced(timeoutMs, [&](bool ok, const QString&) {
            finished = true;
            succeeded = ok;
        });
        static_cast<void>(QTest::qWaitFor([&] { return finished; }, timeoutMs + 2000));
        return succeeded;
    }
    const sync::Dashboard& dashboard() const { return store->document().dashboards.front(); }
    QString status() const { return window->syncStatusLabel()->text(); }
};

}  // namespace

class WindowSyncTest : public QObject {
    Q_OBJECT

  private slots:
    void init() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
        ++user_;
        server_->addUser(userName(), kPassword);
    }
    void cleanup() {
        server_.reset();
        redis_.reset();
    }

    void statusFollowsTheServerGoingAwayAndBack() {
        Computer pc;
        QVERIFY(pc.show());
        QVERIFY(pc.status().contains(QStringLiteral("Signed out")));
        QVERIFY(pc.window->signInAction()->isVisible());
        QVERIFY(pc.signIn(server_->baseUrl(), userName()));
        QTRY_VERIFY_WITH_TIMEOUT(pc.status().startsWith(QStringLiteral("Synced")), 15000);
        QVERIFY(!pc.window->signInAction()->isVisible());
        QVERIFY(pc.window->windowTitle().contains(userName()));
        // The workspace switcher names the workspace, not its id.
        auto* workspace = pc.window->findChild<QToolButton*>(QStringLiteral("workspaceButton"));
        QVERIFY(workspace != nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(workspace->text(), QStringLiteral("Personal"), 15000);

        server_->kill();
        const std::string id = pc.window->addWidget(QStringLiteral("note"));
        QVERIFY(!id.empty());
        QTRY_VERIFY_WITH_TIMEOUT(pc.status().startsWith(QStringLiteral("Offline")), 15000);
        QVERIFY2(pc.status().contains(QStringLiteral("1 pending")), qPrintable(pc.status()));
        QVERIFY(!pc.window->syncStatusLabel()->toolTip().isEmpty());
        QVERIFY(testing::saveScreenshot(pc.window.get(), QStringLiteral("window-offline")));

        server_->restart();
        QTRY_VERIFY_WITH_TIMEOUT(pc.status().startsWith(QStringLiteral("Synced")), 30000);
        QVERIFY(pc.synced());
    }

    void twoWindowsSeeEachOthersEditsLive() {
        Computer home;
        Computer office;
        QVERIFY(home.show());
        QVERIFY(office.show());
        QVERIFY(home.signIn(server_->baseUrl(), userName()));
        QVERIFY(home.synced());
        QVERIFY(office.signIn(server_->baseUrl(), userName()));
        QVERIFY(office.synced());

        const std::string id = home.window->addWidget(QStringLiteral("todo"));
        QVERIFY(!id.empty());
        QTRY_VERIFY_WITH_TIMEOUT(office.window->canvas()->tile(id) != nullptr, 15000);

        sync::Widget renamed = office.dashboard().widgets.at(id);
        renamed.title = "Shopping";
        renamed.content = "- [ ] milk\n- [x] bread";
        QVERIFY(office.window->editor()->setWidget(id, renamed, QStringLiteral("Edit")));
        QTRY_VERIFY_WITH_TIMEOUT(
            home.window->canvas()->tile(id) != nullptr &&
                home.window->canvas()->tile(id)->accessibleName() == QStringLiteral("Shopping"),
            15000);
        QCOMPARE(home.dashboard().widgets.at(id).content, renamed.content);
        // A change that came from the other computer is not undone by Ctrl+Z here.
        QCOMPARE(home.window->editor()->undoStack()->count(), 1);
        home.window->undoAction()->trigger();
        QVERIFY(!home.dashboard().widgets.contains(id));
        QTRY_VERIFY_WITH_TIMEOUT(office.window->canvas()->tile(id) == nullptr, 15000);
    }

    void firstSignInAsksThePerson() {
        Computer first;
        QVERIFY(first.signIn(server_->baseUrl(), userName()));
        const std::string theirs = first.window->addWidget(QStringLiteral("clock"));
        QVERIFY(first.synced());

        Computer laptop;  // used without an account for a while
        QVERIFY(laptop.show());
        const std::string mine = laptop.window->addWidget(QStringLiteral("note"));
        QVERIFY(laptop.signIn(server_->baseUrl(), userName()));
        QTRY_VERIFY_WITH_TIMEOUT(laptop.window->decisionDialog() != nullptr &&
                                     laptop.window->decisionDialog()->isVisible(),
                                 15000);
        QVERIFY(laptop.status().contains(QStringLiteral("choice")));
        QVERIFY(testing::saveScreenshot(laptop.window->decisionDialog(),
                                        QStringLiteral("dialog-decision")));
        QVERIFY(testing::unnamedInteractiveObjects(laptop.window->decisionDialog()).isEmpty());
        laptop.window->decisionDialog()->button(sync::Decision::Merge)->click();
        QTRY_VERIFY_WITH_TIMEOUT(laptop.dashboard().widgets.contains(theirs) &&
                                     laptop.dashboard().widgets.contains(mine),
                                 15000);
        QVERIFY(laptop.synced());
        QTRY_VERIFY_WITH_TIMEOUT(first.dashboard().widgets.contains(mine), 15000);
    }

    void massRemovalOffersUndo() {
        Computer home;
        Computer office;
        QVERIFY(home.show());
        QVERIFY(home.signIn(server_->baseUrl(), userName()));
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i) {
            ids.push_back(home.window->addWidget(QStringLiteral("note")));
        }
        QVERIFY(home.synced());
        QVERIFY(office.signIn(server_->baseUrl(), userName()));
        QTRY_VERIFY_WITH_TIMEOUT(office.dashboard().widgets.size() == 5, 15000);
        for (int i = 0; i < 4; ++i) {
            office.window->editor()->removeWidget(ids[static_cast<std::size_t>(i)]);
        }
        QVERIFY(office.synced());
        QTRY_VERIFY_WITH_TIMEOUT(home.dashboard().widgets.size() == 1, 15000);
        QTRY_VERIFY(home.window->noticeBar()->isVisible());
        QVERIFY(home.window->noticeText().contains(QStringLiteral("removed")));
        QVERIFY(home.window->noticeUndoButton()->isVisible());
        QVERIFY(testing::saveScreenshot(home.window.get(), QStringLiteral("window-undo-notice")));
        home.window->noticeUndoButton()->click();
        QCOMPARE(home.dashboard().widgets.size(), 5u);
        QVERIFY(home.synced());
        QTRY_VERIFY_WITH_TIMEOUT(office.dashboard().widgets.size() == 5, 15000);
    }

  private:
    QString userName() const { return QStringLiteral("person%1").arg(user_); }

    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    int user_ = 0;
};

QTEST_MAIN(WindowSyncTest)
#include "tst_window_sync.moc"
