// The window's dialogs against a real deskboard-server on a real redis-server (loopback, started
// here) and a real keychain (the suite runs under with-keyring.sh): sign-in (wrong password,
// unreachable server, plain HTTP to a remote host refused before any request, success with
// "remember me" restoring the session after a restart, cancel while waiting), history (server
// versions and local snapshots, preview, restore of a version and of a snapshot), settings
// (debounce and theme saved, the dark theme applied), the sync decision, the accessibility of
// each, and screenshots for a person to look at.
#include <memory>
#include <set>

#include <QAccessible>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCommandLinkButton>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <server_process.h>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>
#include <deskboard/ui/decision_dialog.h>
#include <deskboard/ui/history_dialog.h>
#include <deskboard/ui/settings_dialog.h>
#include <deskboard/ui/sign_in_dialog.h>
#include <deskboard/ui/theme.h>

using namespace deskboard;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;

namespace {

const QByteArray kPassword = "correct horse battery";

// One computer: a profile folder with its store, token store (the suite's keychain) and engine.
struct Machine {
    Machine() { open(); }

    void open() {
        store = std::make_unique<sync::DashboardStore>(dir.path());
        store->setSetting(QStringLiteral("sync/debounceMs"), 50);
        store->setSetting(QStringLiteral("sync/requestTimeoutMs"), 5000);
        tokens = std::make_unique<sync::TokenStore>(dir.path(), 5000);
        engine = std::make_unique<sync::SyncEngine>(store.get(), tokens.get());
        engine->start();
    }

    // Closes and reopens everything on the same folder: a restart of the app.
    void restart() {
        engine.reset();
        tokens.reset();
        store.reset();
        open();
    }

    bool signIn(const QString& server, const QString& user) {
        bool finished = false;
        bool succeeded = false;
        engine->signIn(QUrl(server), user, QString::fromLatin1(kPassword), false, false,
                       [&](bool ok, QString message) {
                           finished = true;
                           succeeded = ok;
                           if (!ok) {
                               qWarning("sign-in failed: %s", qPrintable(message));
                           }
                       });
        return QTest::qWaitFor([&] { return finished; }, 15000) && succeeded;
    }

    bool synced(int timeoutMs = 15000) {
        bool finished = false;
        bool succeeded = false;
        engine->whenSynced(timeoutMs, [&](bool ok, QString message) {
            finished = true;
            succeeded = ok;
            if (!ok) {
                qWarning("not synced: %s", qPrintable(message));
            }
        });
        return QTest::qWaitFor([&] { return finished; }, timeoutMs + 2000) && succeeded;
    }

    void addNote(const QString& title, const QString& content) {
        sync::Document next = store->document();
        sync::Dashboard& dashboard = next.dashboards.front();
        const std::string id = sync::newWidgetId();
        dashboard.widgets[id] = sync::Widget{"note", title.toStdString(), nlohmann::json::object(),
                                             content.toStdString()};
        dashboard.layout[id] = sync::firstFreeRect(dashboard.layout, 4, 3);
        store->commitEdit(std::move(next));
    }

    QTemporaryDir dir;
    std::unique_ptr<sync::DashboardStore> store;
    std::unique_ptr<sync::TokenStore> tokens;
    std::unique_ptr<sync::SyncEngine> engine;
};

QString screenshotPath(const QString& name) {
    return QDir(QStringLiteral(DESKBOARD_SCREENSHOT_DIR)).filePath(name);
}

void saveScreenshot(QWidget* widget, const QString& name) {
    const QPixmap shot = widget->grab();
    QVERIFY2(shot.save(screenshotPath(name)), qPrintable(screenshotPath(name)));
}

// Every row text of a tree, top-level and children, column `column`.
QStringList treeTexts(const QTreeWidget* tree, int column = 0) {
    QStringList texts;
    for (int top = 0; top < tree->topLevelItemCount(); ++top) {
        const QTreeWidgetItem* item = tree->topLevelItem(top);
        texts << item->text(column);
        for (int child = 0; child < item->childCount(); ++child) {
            texts << item->child(child)->text(column);
        }
    }
    return texts;
}

QTreeWidgetItem* rowWithData(QTreeWidget* tree, qint64 value) {
    for (int row = 0; row < tree->topLevelItemCount(); ++row) {
        if (tree->topLevelItem(row)->data(0, Qt::UserRole).toLongLong() == value) {
            return tree->topLevelItem(row);
        }
    }
    return nullptr;
}

// Walks the accessibility tree under `root`; every visible interactive object needs a name.
void collectUnnamed(QAccessibleInterface* iface, QStringList& unnamed, int& checked,
                    int depth = 0) {
    if (!iface || depth > 40) {
        return;
    }
    static const std::set<QAccessible::Role> interactive = {
        QAccessible::PushButton,  QAccessible::CheckBox,    QAccessible::RadioButton,
        QAccessible::ComboBox,    QAccessible::SpinBox,     QAccessible::EditableText,
        QAccessible::List,        QAccessible::Tree,        QAccessible::Table,
        QAccessible::PageTab,     QAccessible::PageTabList, QAccessible::Slider,
        QAccessible::ProgressBar, QAccessible::Link};
    const QAccessible::State state = iface->state();
    if (state.invisible) {
        return;
    }
    checked += interactive.contains(iface->role()) ? 1 : 0;
    if (interactive.contains(iface->role()) && iface->text(QAccessible::Name).trimmed().isEmpty()) {
        const QObject* object = iface->object();
        unnamed << QStringLiteral("%1 (role %2)")
                       .arg(object ? QString::fromLatin1(object->metaObject()->className())
                                   : QStringLiteral("?"))
                       .arg(static_cast<int>(iface->role()));
    }
    // Rows and cells of item views are named by their text; the view itself is checked above.
    if (iface->role() == QAccessible::Tree || iface->role() == QAccessible::List ||
        iface->role() == QAccessible::Table) {
        return;
    }
    for (int i = 0; i < iface->childCount(); ++i) {
        collectUnnamed(iface->child(i), unnamed, checked, depth + 1);
    }
}

void verifyAccessible(QWidget* dialog) {
    QStringList unnamed;
    int checked = 0;
    collectUnnamed(QAccessible::queryAccessibleInterface(dialog), unnamed, checked);
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    // The walk reached the controls (a dialog has at least its fields and buttons).
    QVERIFY2(checked >= 3, qPrintable(QString::number(checked)));
}

}  // namespace

class DialogsTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    int users_ = 0;

    QString newUser() {
        const QString name = QStringLiteral("user%1").arg(++users_);
        server_->addUser(name, kPassword);
        return name;
    }

    static void fill(ui::SignInDialog& dialog, const QString& server, const QString& user,
                     const QString& password) {
        dialog.serverEdit()->setText(server);
        dialog.userEdit()->setText(user);
        dialog.passwordEdit()->setText(password);
    }

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
    }

    void cleanupTestCase() {
        ui::applyTheme(ui::kThemeSystem);
        // Keychain jobs of this process end before it exits.
        QTRY_COMPARE_WITH_TIMEOUT(sync::TokenStore::jobsInFlight(), 0, 15000);
    }

    void signInWithAWrongPasswordSaysSoAndStaysOpen() {
        const QString user = newUser();
        Machine machine;
        ui::SignInDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // A fresh profile: nothing remembered, the address starts as https://.
        QCOMPARE(dialog.serverEdit()->text(), QStringLiteral("https://"));
        QVERIFY(dialog.rememberBox()->isChecked());
        QVERIFY(!dialog.signInButton()->isEnabled());
        QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);

        fill(dialog, server_->baseUrl(), user, QStringLiteral("not the password"));
        // Loopback over plain HTTP needs no permission.
        QVERIFY(!dialog.allowHttpBox()->isVisibleTo(&dialog));
        QVERIFY(dialog.signInButton()->isEnabled());
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QVERIFY(dialog.isBusy());
        QVERIFY(!dialog.serverEdit()->isEnabled());
        QVERIFY(!dialog.passwordEdit()->isEnabled());
        QVERIFY(!dialog.signInButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 15000);

        QVERIFY2(dialog.messageText().contains(QStringLiteral("Wrong user name or password")),
                 qPrintable(dialog.messageText()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.passwordEdit()->isEnabled());
        QVERIFY(dialog.passwordEdit()->hasFocus());
        QCOMPARE(machine.engine->state(), sync::SyncState::SignedOut);
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_sign_in_error.png"));
    }

    void unreachableServerIsSaidInWords() {
        Machine machine;
        ui::SignInDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        const quint16 port = deskboard::testing::freeLoopbackPort();
        fill(dialog, QStringLiteral("http://127.0.0.1:%1").arg(port), QStringLiteral("ana"),
             QStringLiteral("secret"));
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 15000);
        QVERIFY2(dialog.messageText().contains(QStringLiteral("unreachable")),
                 qPrintable(dialog.messageText()));
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.serverEdit()->hasFocus());
        QCOMPARE(machine.engine->state(), sync::SyncState::SignedOut);
    }

    void plainHttpToARemoteHostIsRefusedBeforeAnyRequest() {
        Machine machine;
        ui::SignInDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        fill(dialog, QStringLiteral("http://dash.example.org"), QStringLiteral("ana"),
             QStringLiteral("secret"));
        QVERIFY(dialog.allowHttpBox()->isVisibleTo(&dialog));
        QVERIFY(!dialog.allowHttpBox()->isChecked());
        const int requestsBefore = machine.engine->api()->requestsSent();
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QVERIFY(!dialog.isBusy());
        QVERIFY2(dialog.messageText().contains(QStringLiteral("HTTPS")),
                 qPrintable(dialog.messageText()));
        QVERIFY(dialog.messageText().contains(QStringLiteral("dash.example.org")));
        QCOMPARE(machine.engine->api()->requestsSent(), requestsBefore);
        QCOMPARE(machine.engine->state(), sync::SyncState::SignedOut);
        QVERIFY(dialog.isVisible());
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_sign_in_http_refused.png"));

        // HTTPS, or a server on this computer, needs no permission.
        dialog.serverEdit()->setText(QStringLiteral("https://dash.example.org"));
        QVERIFY(!dialog.allowHttpBox()->isVisibleTo(&dialog));
        dialog.serverEdit()->setText(QStringLiteral("http://localhost:8080"));
        QVERIFY(!dialog.allowHttpBox()->isVisibleTo(&dialog));
        // An address without a scheme is taken as https://.
        dialog.serverEdit()->setText(QStringLiteral("dash.example.org"));
        QVERIFY(!dialog.allowHttpBox()->isVisibleTo(&dialog));
        QVERIFY(dialog.signInButton()->isEnabled());
    }

    void signInRemembersTheSessionInTheKeychain() {
        const QString user = newUser();
        Machine machine;
        {
            ui::SignInDialog dialog(machine.engine.get(), machine.store.get());
            QSignalSpy signedIn(&dialog, &ui::SignInDialog::signedIn);
            QSignalSpy finished(&dialog, &QDialog::finished);
            dialog.open();
            fill(dialog, server_->baseUrl(), user, QString::fromLatin1(kPassword));
            QVERIFY(dialog.rememberBox()->isChecked());
            QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
            QVERIFY(finished.wait(15000));
            QCOMPARE(finished.front().front().toInt(), int(QDialog::Accepted));
            QCOMPARE(signedIn.size(), 1);
            QVERIFY(!dialog.isVisible());
        }
        QVERIFY(machine.engine->state() != sync::SyncState::SignedOut);
        QCOMPARE(machine.engine->status().user, user);
        QCOMPARE(machine.tokens->availability(), sync::TokenStore::Availability::Available);
        QCOMPARE(machine.store->setting(ui::SignInDialog::kLastServerKey, {}).toString(),
                 server_->baseUrl());
        QCOMPARE(machine.store->setting(ui::SignInDialog::kLastUserKey, {}).toString(), user);
        QVERIFY(machine.synced());

        // After a restart the session comes back from the keychain, without the dialog.
        machine.restart();
        QTRY_COMPARE_WITH_TIMEOUT(machine.engine->status().user, user, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(machine.engine->state() != sync::SyncState::SignedOut, 15000);
        QVERIFY(machine.synced());

        // The next sign-in starts from the server and user used last.
        ui::SignInDialog again(machine.engine.get(), machine.store.get());
        again.open();
        QCOMPARE(again.serverEdit()->text(), server_->baseUrl());
        QCOMPARE(again.userEdit()->text(), user);
        QCOMPARE(again.focusWidget(), again.passwordEdit());
    }

    // Runs as ui.dialogs_nokeychain (no D-Bus at all); skipped under the keyring.
    void withoutAKeychainTheSignInLastsForThisSessionOnly() {
        if (qEnvironmentVariable("DESKBOARD_TEST_NO_KEYCHAIN") != QStringLiteral("1")) {
            QSKIP("runs as ui.dialogs_nokeychain, without a Secret Service");
        }
        const QString user = newUser();
        Machine machine;
        ui::SignInDialog dialog(machine.engine.get(), machine.store.get());
        QSignalSpy signedIn(&dialog, &ui::SignInDialog::signedIn);
        QSignalSpy finished(&dialog, &QDialog::finished);
        dialog.open();
        fill(dialog, server_->baseUrl(), user, QString::fromLatin1(kPassword));
        QVERIFY(dialog.rememberBox()->isChecked());
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QVERIFY(signedIn.wait(15000));
        QVERIFY(machine.engine->state() != sync::SyncState::SignedOut);
        // Signed in, and the dialog says for how long before it closes.
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.messageText().contains(QStringLiteral("this session only")),
                 qPrintable(dialog.messageText()));
        QVERIFY(!dialog.signInButton()->isVisibleTo(&dialog));
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_sign_in_session_only.png"));
        auto* buttons = dialog.findChild<QDialogButtonBox*>();
        QPushButton* close = nullptr;
        for (QAbstractButton* button : buttons->buttons()) {
            if (button->isVisibleTo(&dialog)) {
                close = qobject_cast<QPushButton*>(button);
            }
        }
        QVERIFY(close);
        QTest::mouseClick(close, Qt::LeftButton);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.front().front().toInt(), int(QDialog::Accepted));

        // The next dialog knows: "remember me" is off and says why.
        ui::SignInDialog again(machine.engine.get(), machine.store.get());
        again.open();
        QVERIFY(!again.rememberBox()->isEnabled());
        QVERIFY(!again.rememberBox()->isChecked());
        QVERIFY(machine.synced());
    }

    void cancelWhileSigningInIsSafe() {
        const QString user = newUser();
        Machine machine;
        QSignalSpy engineSignedIn(machine.engine.get(), &sync::SyncEngine::signedIn);
        auto* dialog = new ui::SignInDialog(machine.engine.get(), machine.store.get());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        QPointer<ui::SignInDialog> guard(dialog);
        dialog->open();
        fill(*dialog, server_->baseUrl(), user, QString::fromLatin1(kPassword));
        dialog->rememberBox()->setChecked(false);
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(dialog->isBusy());
        // Cancel works while waiting; the answer then arrives to a deleted dialog.
        QVERIFY(
            dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel)->isEnabled());
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel),
                          Qt::LeftButton);
        QTRY_VERIFY(guard.isNull());
        QVERIFY(engineSignedIn.wait(15000));
        QVERIFY(machine.synced());
    }

    void historyListsVersionsPreviewsAndRestores() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        std::map<std::int64_t, sync::Document> saved;
        for (int i = 1; i <= 3; ++i) {
            machine.addNote(QStringLiteral("Note %1").arg(i), QStringLiteral("text %1").arg(i));
            QVERIFY(machine.synced());
            saved[machine.store->lastSyncedVersion()] = machine.store->document();
            if (i == 1) {
                machine.store->takeSnapshot(QStringLiteral("Kept by the test after Note 1"));
            }
        }
        QCOMPARE(saved.size(), std::size_t(3));
        const std::int64_t first = saved.begin()->first;
        const std::int64_t last = saved.rbegin()->first;

        ui::HistoryDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.tabs()->currentIndex(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isLoadingServer(), 15000);
        QVERIFY2(dialog.serverStatusText().isEmpty(), qPrintable(dialog.serverStatusText()));
        QVERIFY(dialog.serverList()->topLevelItemCount() >= 3);
        for (const auto& [version, document] : saved) {
            QVERIFY2(rowWithData(dialog.serverList(), version),
                     qPrintable(QString::number(version)));
        }
        // Newest first, the current one marked, each with its widget count once read.
        QCOMPARE(dialog.serverList()->topLevelItem(0)->data(0, Qt::UserRole).toLongLong(), last);
        QVERIFY(dialog.serverList()->topLevelItem(0)->text(0).contains(QStringLiteral("current")));
        QTRY_COMPARE_WITH_TIMEOUT(rowWithData(dialog.serverList(), first)->text(2),
                                  QStringLiteral("1"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(rowWithData(dialog.serverList(), last)->text(2),
                                  QStringLiteral("3"), 15000);
        QVERIFY(dialog.snapshotList()->topLevelItemCount() >= 1);

        // The preview of the oldest of the three saves holds its one note.
        dialog.serverList()->setCurrentItem(rowWithData(dialog.serverList(), first));
        QTRY_VERIFY_WITH_TIMEOUT(treeTexts(dialog.preview()).contains(QStringLiteral("Note 1")),
                                 15000);
        QVERIFY(!treeTexts(dialog.preview()).contains(QStringLiteral("Note 3")));
        QVERIFY(treeTexts(dialog.preview(), 1).contains(QStringLiteral("Note")));
        QVERIFY(dialog.restoreButton()->isEnabled());
        QVERIFY(dialog.restoreButton()->toolTip().contains(QStringLiteral("new version")));
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_history.png"));

        // Restore: the document is that version again, saved as a new version.
        QSignalSpy finished(&dialog, &QDialog::finished);
        QTest::mouseClick(dialog.restoreButton(), Qt::LeftButton);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.front().front().toInt(), int(QDialog::Accepted));
        QVERIFY(machine.store->document() == saved.at(first));
        QVERIFY(machine.synced());
        QVERIFY(machine.store->lastSyncedVersion() > last);

        // A local snapshot: preview from the store, restore as an edit.
        ui::HistoryDialog local(machine.engine.get(), machine.store.get());
        local.open();
        local.tabs()->setCurrentIndex(1);
        const int index = local.snapshotList()->currentItem()->data(0, Qt::UserRole).toInt();
        const auto snapshot = machine.store->snapshotDocument(index);
        QVERIFY(snapshot.has_value());
        QCOMPARE(local.snapshotList()->currentItem()->text(1),
                 QString::number(snapshot->widgetCount()));
        for (const auto& dashboard : snapshot->dashboards) {
            for (const auto& [id, widget] : dashboard.widgets) {
                QVERIFY(treeTexts(local.preview()).contains(QString::fromStdString(widget.title)));
            }
        }
        saveScreenshot(&local, QStringLiteral("dialog_history_snapshots.png"));
        QSignalSpy localFinished(&local, &QDialog::finished);
        QTest::mouseClick(local.restoreButton(), Qt::LeftButton);
        QCOMPARE(localFinished.size(), 1);
        QVERIFY(machine.store->document() == *snapshot);
        QVERIFY(machine.synced());
    }

    void historyWhenSignedOutSaysSo() {
        Machine machine;
        machine.addNote(QStringLiteral("Local"), QStringLiteral("only here"));
        ui::HistoryDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QVERIFY(!dialog.isLoadingServer());
        QVERIFY2(dialog.serverStatusText().contains(QStringLiteral("Not signed in")),
                 qPrintable(dialog.serverStatusText()));
        QCOMPARE(dialog.serverList()->topLevelItemCount(), 0);
        QCOMPARE(machine.engine->api()->requestsSent(), 0);
        QVERIFY(!dialog.restoreButton()->isEnabled());
        verifyAccessible(&dialog);
    }

    void historyWhenTheServerIsGoneSaysSo() {
        // A session to a server that stops answering: the list's error is said in words.
        RedisProcess redis;
        ServerProcess server(redis);
        server.addUser(QStringLiteral("gone"), kPassword);
        Machine machine;
        QVERIFY(machine.signIn(server.baseUrl(), QStringLiteral("gone")));
        QVERIFY(machine.synced());
        server.stop();
        ui::HistoryDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isLoadingServer(), 15000);
        QVERIFY2(dialog.serverStatusText().contains(QStringLiteral("cannot be reached")),
                 qPrintable(dialog.serverStatusText()));
    }

    void settingsSaveDebounceAndTheme() {
        const QPalette systemPalette = QApplication::palette();
        Machine machine;
        machine.store->setSetting(ui::SettingsDialog::kDebounceKey, 1500);
        ui::SettingsDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.accountText(), QStringLiteral("Not signed in"));
        QCOMPARE(dialog.debounceBox()->value(), 1500);
        QCOMPARE(dialog.debounceBox()->minimum(), 200);
        QCOMPARE(dialog.debounceBox()->maximum(), 10000);
        QCOMPARE(dialog.themeBox()->currentData().toString(), ui::kThemeSystem);
        QVERIFY(!dialog.keychainText().isEmpty());
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_settings.png"));

        dialog.debounceBox()->setValue(750);
        dialog.themeBox()->setCurrentIndex(dialog.themeBox()->findData(ui::kThemeDark));
        auto* buttons = dialog.findChild<QDialogButtonBox*>();
        QVERIFY(buttons->button(QDialogButtonBox::Apply)->isEnabled());
        QTest::mouseClick(buttons->button(QDialogButtonBox::Apply), Qt::LeftButton);
        QCOMPARE(machine.store->setting(ui::SettingsDialog::kDebounceKey, {}).toInt(), 750);
        QCOMPARE(machine.store->setting(ui::SettingsDialog::kThemeKey, {}).toString(),
                 ui::kThemeDark);
        QCOMPARE(ui::currentTheme(), ui::kThemeDark);
        QVERIFY(QApplication::palette().window().color().lightness() < 80);
        QVERIFY(QApplication::palette().text().color().lightness() > 200);
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        QVERIFY(!buttons->button(QDialogButtonBox::Apply)->isEnabled());
        QVERIFY(dialog.isVisible());
        // Widgets take the application's palette from a posted event.
        QTRY_COMPARE(dialog.palette().window().color(), QApplication::palette().window().color());
        saveScreenshot(&dialog, QStringLiteral("dialog_settings_dark.png"));

        // OK saves too and closes; Cancel would leave the settings alone.
        dialog.themeBox()->setCurrentIndex(dialog.themeBox()->findData(ui::kThemeLight));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(machine.store->setting(ui::SettingsDialog::kThemeKey, {}).toString(),
                 ui::kThemeLight);
        QVERIFY(QApplication::palette().window().color().lightness() > 200);

        ui::SettingsDialog cancelled(machine.engine.get(), machine.store.get());
        cancelled.open();
        QCOMPARE(cancelled.debounceBox()->value(), 750);
        cancelled.debounceBox()->setValue(3000);
        cancelled.reject();
        QCOMPARE(machine.store->setting(ui::SettingsDialog::kDebounceKey, {}).toInt(), 750);

        // "system" brings the platform's palette back.
        ui::applyTheme(ui::kThemeSystem);
        QCOMPARE(QApplication::palette().window().color(), systemPalette.window().color());
    }

    void settingsShowTheSignedInAccount() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        ui::SettingsDialog dialog(machine.engine.get(), machine.store.get());
        dialog.open();
        QCOMPARE(dialog.accountText(), user);
        QVERIFY(dialog.findChildren<QLabel*>().size() > 0);
        bool serverShown = false;
        for (const QLabel* label : dialog.findChildren<QLabel*>()) {
            serverShown = serverShown || label->text() == server_->baseUrl();
        }
        QVERIFY(serverShown);
        saveScreenshot(&dialog, QStringLiteral("dialog_settings_signed_in.png"));
        QVERIFY(machine.synced());
    }

    void aStaleDeviceAsksAndTheAnswerReachesTheEngine() {
        // b signs out, edits, and comes back 30 days later while a kept editing: the engine
        // asks, the dialog answers "merge", and both sides' texts are there.
        const QString user = newUser();
        Machine a;
        Machine b;
        QVERIFY(a.signIn(server_->baseUrl(), user));
        a.addNote(QStringLiteral("A"), QStringLiteral("on a"));
        QVERIFY(a.synced());
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        bool out = false;
        b.engine->signOut([&](bool, QString) { out = true; });
        QTRY_VERIFY(out);
        b.addNote(QStringLiteral("B"), QStringLiteral("made long ago on b"));
        a.addNote(QStringLiteral("A2"), QStringLiteral("newer on a"));
        QVERIFY(a.synced());
        const QString file = b.dir.path() + QStringLiteral("/scopes/") +
                             b.store->scope().folderName() + QStringLiteral("/document.ini");
        b.engine.reset();
        b.tokens.reset();
        b.store.reset();
        {
            QSettings ini(file, QSettings::IniFormat);
            ini.setValue(QStringLiteral("sync/lastSyncedAt"),
                         QDateTime::currentDateTimeUtc().addDays(-30).toString(Qt::ISODateWithMs));
        }
        b.open();
        QPointer<ui::DecisionDialog> dialog;
        connect(b.engine.get(), &sync::SyncEngine::needsDecision, this,
                [&](const QString& why) { dialog = ui::DecisionDialog::ask(b.engine.get(), why); });
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QTRY_VERIFY_WITH_TIMEOUT(dialog, 15000);
        QTRY_VERIFY(dialog->isVisible());
        QVERIFY(!dialog->why().isEmpty());
        QCOMPARE(b.engine->state(), sync::SyncState::NeedsDecision);
        saveScreenshot(dialog, QStringLiteral("dialog_decision_stale.png"));
        QTest::mouseClick(dialog->button(sync::Decision::Merge), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());  // closed and deleted
        QVERIFY(b.synced());
        std::set<std::string> texts;
        for (const auto& [id, widget] : b.store->document().dashboards.front().widgets) {
            texts.insert(widget.content);
        }
        QVERIFY(texts.contains("newer on a"));
        QVERIFY(texts.contains("made long ago on b"));
    }

    void decisionDialogEmitsTheChoice() {
        const QString why = QStringLiteral(
            "This computer was last in sync 21 days ago and has changes the server has not "
            "seen.");
        ui::DecisionDialog dialog(why);
        QSignalSpy chosen(&dialog, &ui::DecisionDialog::chosen);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.why(), why);
        QVERIFY(dialog.button(sync::Decision::Merge)->isDefault());
        QVERIFY(dialog.button(sync::Decision::Merge)->hasFocus());
        QVERIFY(dialog.button(sync::Decision::Merge)->text().contains(QStringLiteral("Merge")));
        QVERIFY(!dialog.button(sync::Decision::UseServer)->description().isEmpty());
        verifyAccessible(&dialog);
        saveScreenshot(&dialog, QStringLiteral("dialog_decision.png"));

        QTest::mouseClick(dialog.button(sync::Decision::UseServer), Qt::LeftButton);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.front().front().value<sync::Decision>(), sync::Decision::UseServer);
        QVERIFY(!dialog.isVisible());

        // Enter takes the default, Merge.
        ui::DecisionDialog again(why);
        QSignalSpy chosenAgain(&again, &ui::DecisionDialog::chosen);
        again.open();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QTest::keyClick(&again, Qt::Key_Return);
        QCOMPARE(chosenAgain.size(), 1);
        QCOMPARE(chosenAgain.front().front().value<sync::Decision>(), sync::Decision::Merge);
    }
};

QTEST_MAIN(DialogsTest)
#include "tst_dialogs.moc"
