// DashboardStore: every edit on disk before the call returns, scopes kept apart, the sync
// bookkeeping persisted, snapshots capped, a broken or too-new store moved aside (never
// overwritten) and reported, and a writer killed with SIGKILL in the middle of a burst never
// leaving a store that does not load.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>

using namespace deskboard::sync;

namespace {

Document withNote(Document document, const std::string& id, const std::string& text) {
    auto& dashboard = document.dashboards.front();
    dashboard.widgets[id] = Widget{"note", "Note", nlohmann::json::object(), text};
    dashboard.layout[id] = firstFreeRect(dashboard.layout, 4, 3);
    return document;
}

QString scopeFolder(const QString& profile, const StoreScope& scope) {
    return profile + QStringLiteral("/scopes/") + scope.folderName();
}

const StoreScope kAccount{QStringLiteral("http://127.0.0.1:1"), QStringLiteral("u1"),
                          QStringLiteral("alice"), QStringLiteral("ws1")};

}  // namespace

class DashboardStoreTest : public QObject {
    Q_OBJECT

  private slots:
    void roundTripThroughAnotherProcessView() {
        QTemporaryDir dir;
        QString device;
        {
            DashboardStore store(dir.path());
            device = store.deviceId();
            QVERIFY(store.scope().isLocal());
            QVERIFY(store.commitEdit(withNote(store.document(), "n1", "hello\n")));
            QVERIFY(!store.commitEdit(store.document()));  // no change, nothing written
            QCOMPARE(store.pendingEdits(), 1);
            store.setSaveInFlight(SaveInFlight{7, "abc"});
        }
        DashboardStore again(dir.path());
        QCOMPARE(again.deviceId(), device);
        QCOMPARE(again.document().dashboards.front().widgets.at("n1").content,
                 std::string("hello\n"));
        QCOMPARE(again.pendingEdits(), 1);
        QVERIFY(again.saveInFlight().has_value());
        QCOMPARE(again.saveInFlight()->version, std::int64_t{7});
        QVERIFY(again.loadProblem().isEmpty());
    }

    void scopesAreKeptApart() {
        QTemporaryDir dir;
        DashboardStore store(dir.path());
        store.commitEdit(withNote(store.document(), "local", "local"));
        store.openScope(kAccount);
        QVERIFY(store.document() == emptyDocument());
        store.commitEdit(withNote(store.document(), "acct", "account"));
        store.markSynced(5, store.document(), 1);
        QCOMPARE(store.lastSyncedVersion(), std::int64_t{5});
        QVERIFY(!store.hasLocalChanges());
        store.openScope(localScope());
        QVERIFY(store.document().dashboards.front().widgets.count("local"));
        store.openScope(kAccount);
        QVERIFY(store.document().dashboards.front().widgets.count("acct"));
        QVERIFY(store.base() == store.document());
        QCOMPARE(store.lastScope(), kAccount);
    }

    void anEditRewritesOnlyTheDocumentFile() {
        QTemporaryDir dir;
        DashboardStore store(dir.path());
        store.commitEdit(withNote(store.document(), "a", "a"));
        store.markSynced(1, store.document(), 1);
        store.takeSnapshot(QStringLiteral("test"));
        const QString folder = scopeFolder(dir.path(), store.scope());
        const auto baseTime = QFileInfo(folder + QStringLiteral("/base.ini")).lastModified();
        const auto snapshotCount = store.snapshots().size();
        QTest::qWait(20);  // file times must be able to differ
        store.commitEdit(withNote(store.document(), "b", "b"));
        QCOMPARE(QFileInfo(folder + QStringLiteral("/base.ini")).lastModified(), baseTime);
        QCOMPARE(store.snapshots().size(), snapshotCount);
    }

    void snapshotsAreCapped() {
        QTemporaryDir dir;
        DashboardStore store(dir.path());
        for (int i = 0; i < DashboardStore::kMaxSnapshots + 5; ++i) {
            store.commitEdit(withNote(store.document(), "n" + std::to_string(i), "x"));
            store.takeSnapshot(QStringLiteral("snapshot %1").arg(i));
        }
        const auto snapshots = store.snapshots();
        QCOMPARE(int(snapshots.size()), DashboardStore::kMaxSnapshots);
        QCOMPARE(snapshots.front().reason, QStringLiteral("snapshot %1").arg(24));
        QCOMPARE(snapshots.front().widgetCount, std::size_t{25});
        const auto newest = store.snapshotDocument(1);
        QVERIFY(newest.has_value());
        QVERIFY(*newest == store.document());
        QVERIFY(!store.snapshotDocument(21).has_value());
    }

    void aBrokenStoreIsMovedAsideAndReported_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated json")
            << QByteArray("[store]\nschema=1\n[General]\ndocument=\"{\\\"schema\\\":1,\\\"dash\"\n")
            << QStringLiteral("does not load");
        QTest::newRow("newer store schema")
            << QByteArray("[store]\nschema=99\n") << QStringLiteral("newer Deskboard");
        QTest::newRow("no schema")
            << QByteArray("garbage without sections\n") << QStringLiteral("no store schema");
        QTest::newRow("newer document schema")
            << QByteArray(
                   "[store]\nschema=1\n[General]\ndocument=\"{\\\"schema\\\":99,"
                   "\\\"dashboards\\\":[],\\\"preferences\\\":{}}\"\n")
            << QStringLiteral("does not load");
    }
    void aBrokenStoreIsMovedAsideAndReported() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        { DashboardStore store(dir.path()); }
        const QString folder = scopeFolder(dir.path(), localScope());
        QFile file(folder + QStringLiteral("/document.ini"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();

        DashboardStore store(dir.path());
        QVERIFY2(store.loadProblem().contains(expected), qPrintable(store.loadProblem()));
        QVERIFY(store.loadProblem().contains(QStringLiteral("moved aside")));
        QVERIFY(store.document() == emptyDocument());
        const QStringList aside = QDir(dir.path() + QStringLiteral("/scopes"))
                                      .entryList({QStringLiteral("local.broken-*")}, QDir::Dirs);
        QCOMPARE(aside.size(), 1);
        QFile kept(dir.path() + QStringLiteral("/scopes/") + aside.front() +
                   QStringLiteral("/document.ini"));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), content);  // never overwritten
    }

    void migratesAnOlderDocumentSchema() {
        QTemporaryDir dir;
        { DashboardStore store(dir.path()); }
        // Schema 0: the first client's format (see documentFromJson), stored by store schema 1.
        const nlohmann::json old = {
            {"dashboards",
             {{{"id", "main"},
               {"title", "Old"},
               {"widgets", {{"w1", {{"type", "note"}, {"title", "T"}, {"content", "text"}}}}},
               {"layout", {{"w1", {{"x", 0}, {"y", 0}, {"w", 4}, {"h", 3}}}}}}}}};
        {
            QSettings file(scopeFolder(dir.path(), localScope()) + QStringLiteral("/document.ini"),
                           QSettings::IniFormat);
            file.setValue(QStringLiteral("store/schema"), 1);
            file.setValue(QStringLiteral("document"), QByteArray::fromStdString(old.dump()));
        }
        DashboardStore store(dir.path());
        QVERIFY2(store.loadProblem().isEmpty(), qPrintable(store.loadProblem()));
        QCOMPARE(store.document().schema, kDocumentSchema);
        QCOMPARE(store.document().dashboards.front().widgets.at("w1").content, std::string("text"));
    }

    void secondOpenerWaitsForTheLock() {
        QTemporaryDir dir;
        DashboardStore first(dir.path());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, DashboardStore(dir.path(), 100));
    }

    void killedWriterNeverLeavesABrokenStore() {
        QTemporaryDir dir;
        const QString profile = dir.path();
        auto* random = QRandomGenerator::global();
        for (int run = 0; run < 50; ++run) {
            QProcess writer;
            writer.start(QStringLiteral(DESKBOARD_STORE_WRITER), {profile});
            QVERIFY(writer.waitForReadyRead(10000));
            QTest::qWait(static_cast<int>(random->bounded(5, 60)));  // a random moment mid-burst
            writer.kill();
            QVERIFY(writer.waitForFinished(5000));
            DashboardStore store(profile, 5000);
            QVERIFY2(store.loadProblem().isEmpty(),
                     qPrintable(QStringLiteral("run %1: %2").arg(run).arg(store.loadProblem())));
            QVERIFY(store.document().widgetCount() >= 1);
            QVERIFY(!hasOverlaps(store.document().dashboards.front().layout));
            for (const auto& snapshot : store.snapshots()) {
                QVERIFY(store.snapshotDocument(snapshot.index).has_value());
            }
        }
    }

    void keystrokeSaveOfALargeDocument() {
        // Figures for docs/performance.md (not an assertion): a keystroke's commitEdit with a
        // ~1 MB document and 20 snapshots beside it.
        QTemporaryDir dir;
        DashboardStore store(dir.path());
        Document big = store.document();
        for (int i = 0; i < 400; ++i) {
            big =
                withNote(std::move(big), "n" + std::to_string(i), std::string(2500, 'a' + i % 26));
        }
        store.commitEdit(big);
        for (int i = 0; i < DashboardStore::kMaxSnapshots; ++i) {
            store.takeSnapshot(QStringLiteral("s"));
        }
        QElapsedTimer clock;
        clock.start();
        const int keystrokes = 20;
        for (int i = 0; i < keystrokes; ++i) {
            Document next = store.document();
            next.dashboards.front().widgets["n0"].content += 'k';
            store.commitEdit(std::move(next));
        }
        qInfo("keystroke save with a %zu-byte document: %.1f ms each",
              toJson(store.document()).dump().size(), double(clock.elapsed()) / keystrokes);
    }
};

QTEST_GUILESS_MAIN(DashboardStoreTest)
#include "tst_dashboard_store.moc"
