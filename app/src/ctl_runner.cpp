#include "ctl_runner.h"

#include <cmath>
#include <string>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#include <deskboard/protocol/history_messages.h>
#include <deskboard/sync/document.h>
#include <deskboard/sync/layout.h>

namespace deskboard::app {

namespace {

using nlohmann::json;

constexpr int kServerCommandMs = 60000;
constexpr int kDefaultSyncTimeoutS = 30;
constexpr int kSessionWaitMs = 15000;
constexpr int kSettleMs = 15000;

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

std::string toStd(const QString& text) {
    return text.toStdString();
}

json nullable(const QString& text) {
    return text.isEmpty() ? json(nullptr) : json(toStd(text));
}

json isoTime(const QDateTime& time) {
    return time.isValid() ? json(toStd(time.toUTC().toString(Qt::ISODateWithMs))) : json(nullptr);
}

QString knownTypes() {
    QStringList names;
    for (const auto type : sync::widgetTypes()) {
        names.append(QString::fromUtf8(type.data(), static_cast<qsizetype>(type.size())));
    }
    return names.join(QLatin1Char(' '));
}

QString rectText(const sync::WidgetRect& rect) {
    return QStringLiteral("x=%1 y=%2 w=%3 h=%4").arg(rect.x).arg(rect.y).arg(rect.w).arg(rect.h);
}

QString widgetsText(std::size_t count) {
    return count == 1 ? QStringLiteral("1 widget") : QStringLiteral("%1 widgets").arg(count);
}

QString noWidgetMessage(const QString& id) {
    return QStringLiteral(
               "No widget with id %1 on this profile's dashboards. `deskboard ctl export` shows "
               "the widgets and their ids.")
        .arg(id);
}

QString notSignedInMessage() {
    return QStringLiteral(
        "Not signed in: this profile has no session. Sign in with `deskboard ctl login --server "
        "URL --user NAME --password-stdin --remember`.");
}

template <typename T>
const sync::ApiFailure* failureOf(const sync::ApiResult<T>& result) {
    return std::get_if<sync::ApiFailure>(&result);
}

}  // namespace

template <typename F>
auto CtlRunner::guarded(F f) {
    return [self = QPointer<CtlRunner>(this), f = std::move(f)](auto&&... args) mutable {
        if (self && !self->finished_) {
            try {
                f(std::forward<decltype(args)>(args)...);
            } catch (const std::exception& error) {
                self->fail(kExitFailed,
                           QStringLiteral("Failed: %1").arg(QString::fromUtf8(error.what())));
            }
        }
    };
}

void CtlRunner::run(ClientCore& core, bool inInstance, CtlParse parse, CtlRequest request,
                    Done done) {
    auto* runner =
        new CtlRunner(core, inInstance, std::move(parse), std::move(request), std::move(done));
    runner->start();
}

CtlRunner::CtlRunner(ClientCore& core, bool inInstance, CtlParse parse, CtlRequest request,
                     Done done)
    : QObject(&core),
      core_(core),
      inInstance_(inInstance),
      parse_(std::move(parse)),
      request_(std::move(request)),
      done_(std::move(done)) {
    deadlineTimer_.setSingleShot(true);
}

void CtlRunner::print(const QString& text) {
    reply_.out += text.toUtf8();
    if (!text.endsWith(QLatin1Char('\n'))) {
        reply_.out += '\n';
    }
}

void CtlRunner::printErr(const QString& text) {
    reply_.err += text.toUtf8();
    if (!text.endsWith(QLatin1Char('\n'))) {
        reply_.err += '\n';
    }
}

void CtlRunner::finish(int exitCode) {
    if (finished_) {
        return;
    }
    finished_ = true;
    deadlineTimer_.stop();
    for (const auto& connection : sessionWatch_) {
        disconnect(connection);
    }
    sessionWatch_.clear();
    reply_.exitCode = exitCode;
    auto done = std::move(done_);
    auto reply = std::move(reply_);
    deleteLater();
    done(std::move(reply));
}

void CtlRunner::fail(int exitCode, const QString& message) {
    printErr(message);
    if (exitCode == kExitUsage) {
        printErr(usageHint(parse_.command));
    }
    finish(exitCode);
}

int CtlRunner::remainingMs() const {
    return static_cast<int>(std::max<qint64>(0, deadline_.remainingTime()));
}

QString CtlRunner::absolutePath(const QString& file) const {
    const QDir base(request_.workingDirectory.isEmpty() ? QDir::currentPath()
                                                        : request_.workingDirectory);
    return QDir::cleanPath(base.absoluteFilePath(file));
}

void CtlRunner::start() {
    const QString& name = parse_.command->name;
    if (parse_.command->needs == CtlNeeds::Server) {
        int budgetMs = kServerCommandMs;
        if (name == QStringLiteral("sync") && parse_.values.contains(QStringLiteral("timeout"))) {
            bool ok = false;
            const double seconds = parse_.value(QStringLiteral("timeout")).toDouble(&ok);
            if (!ok || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400) {
                fail(kExitUsage, QStringLiteral("deskboard ctl sync: --timeout takes a number of "
                                                "seconds between 0 and 86400."));
                return;
            }
            budgetMs = static_cast<int>(std::ceil(seconds * 1000));
        } else if (name == QStringLiteral("sync")) {
            budgetMs = kDefaultSyncTimeoutS * 1000;
        }
        deadline_ = QDeadlineTimer(budgetMs);
        connect(&deadlineTimer_, &QTimer::timeout, this, [this, budgetMs] {
            QString why;
            if (core_.hasEngine()) {
                const auto status = core_.engine().status();
                why = status.summary();
                if (!status.lastError.isEmpty()) {
                    why += QStringLiteral("; last error: ") + status.lastError;
                }
            }
            fail(kExitFailed,
                 QStringLiteral("Timed out after %1 s waiting for the server%2. Check the "
                                "connection and `deskboard ctl status`, then try again.")
                     .arg(budgetMs / 1000.0)
                     .arg(why.isEmpty() ? QString()
                                        : QStringLiteral(" (") + why + QLatin1Char(')')));
        });
        deadlineTimer_.start(budgetMs);
    }

    try {
        dispatch(name);
    } catch (const std::exception& error) {
        fail(kExitFailed, QStringLiteral("Failed: %1. Nothing more was changed.")
                              .arg(QString::fromUtf8(error.what())));
    }
}

void CtlRunner::dispatch(const QString& name) {
    if (name == QStringLiteral("status")) {
        status();
    } else if (name == QStringLiteral("export")) {
        exportDocument();
    } else if (name == QStringLiteral("import")) {
        importDocument();
    } else if (name == QStringLiteral("widget add")) {
        widgetAdd();
    } else if (name == QStringLiteral("widget set")) {
        widgetSet();
    } else if (name == QStringLiteral("widget remove")) {
        widgetRemove();
    } else if (name == QStringLiteral("sync")) {
        syncWait();
    } else if (name == QStringLiteral("login")) {
        login();
    } else if (name == QStringLiteral("logout")) {
        logout();
    } else if (name == QStringLiteral("workspace list")) {
        workspaceList();
    } else if (name == QStringLiteral("workspace create")) {
        workspaceCreate();
    } else if (name == QStringLiteral("workspace use")) {
        workspaceUse();
    } else if (name == QStringLiteral("history")) {
        history();
    } else if (name == QStringLiteral("restore")) {
        restore();
    } else {
        fail(kExitUsage, QStringLiteral("deskboard ctl: unknown command \"%1\".").arg(name));
    }
}

// --- local commands -----------------------------------------------------------------------------

void CtlRunner::status() {
    json out = json::object();
    auto& store = core_.store();
    if (core_.engineStarted()) {
        const sync::SyncStatus status = core_.engine().status();
        out["state"] = toStd(sync::syncStateName(status.state));
        out["pending"] = status.pending;
        out["lastSyncedVersion"] = status.lastSyncedVersion;
        out["lastSyncedAt"] = isoTime(status.lastSyncedAt);
        out["lastError"] = nullable(status.lastError);
        out["user"] = nullable(status.user);
        out["server"] = nullable(status.server);
        out["workspace"] = nullable(status.workspace);
        out["keychain"] = toStd(status.keychain.isEmpty() ? QStringLiteral("unknown (not used yet)")
                                                          : status.keychain);
    } else {
        // No engine runs here: what the store knows, without the network.
        const sync::StoreScope& scope = store.scope();
        const bool changes = store.hasLocalChanges();
        out["state"] = toStd(sync::syncStateName(scope.isLocal() ? sync::SyncState::SignedOut
                                                 : changes       ? sync::SyncState::Pending
                                                                 : sync::SyncState::Idle));
        out["pending"] = changes ? std::max(1, store.pendingEdits()) : 0;
        out["lastSyncedVersion"] = store.lastSyncedVersion();
        out["lastSyncedAt"] = isoTime(store.lastSyncedAt());
        out["lastError"] = nullable(store.loadProblem());
        out["user"] = nullable(scope.userName);
        out["server"] = nullable(scope.server);
        out["workspace"] = nullable(scope.workspaceId);
        out["keychain"] = "unknown (no deskboard instance is running on this profile)";
    }
    print(fromStd(out.dump(2)));
    finish(kExitOk);
}

void CtlRunner::exportDocument() {
    const sync::Document& document = core_.store().document();
    const QByteArray text = QByteArray::fromStdString(sync::toJson(document).dump(2)) + '\n';
    const QString file = parse_.positionals.value(0);
    if (file.isEmpty() || file == QStringLiteral("-")) {
        reply_.out += text;
        finish(kExitOk);
        return;
    }
    const QString path = absolutePath(file);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit()) {
        fail(kExitFailed, QStringLiteral("Could not write %1: %2. Nothing was exported.")
                              .arg(path, out.errorString()));
        return;
    }
    print(QStringLiteral("Exported %1 on %2 dashboard(s) to %3")
              .arg(widgetsText(document.widgetCount()))
              .arg(document.dashboards.size())
              .arg(path));
    finish(kExitOk);
}

void CtlRunner::importDocument() {
    const QString path = absolutePath(parse_.positionals.value(0));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(kExitFailed, QStringLiteral("Could not read %1: %2. Nothing changed.")
                              .arg(path, file.errorString()));
        return;
    }
    const QByteArray bytes = file.readAll();
    json parsed;
    try {
        parsed = json::parse(bytes.constData(), bytes.constData() + bytes.size());
    } catch (const json::exception& error) {
        fail(kExitFailed, QStringLiteral("%1 is not JSON (%2). Nothing changed; give a file "
                                         "written by `deskboard ctl export`.")
                              .arg(path, QString::fromUtf8(error.what())));
        return;
    }
    auto document = sync::documentFromJson(parsed);
    if (!document) {
        fail(kExitFailed, QStringLiteral("%1 is not a Deskboard document: %2. Nothing changed; "
                                         "give a file written by `deskboard ctl export`.")
                              .arg(path, fromStd(document.error().message)));
        return;
    }
    const std::size_t widgets = document.value().widgetCount();
    const std::size_t dashboards = document.value().dashboards.size();
    const QString label = QStringLiteral("Import %1").arg(QFileInfo(path).fileName());
    if (!core_.store().commitEdit(std::move(document).value(), label)) {
        print(QStringLiteral("Nothing changed: %1 holds the current document.").arg(path));
        finish(kExitOk);
        return;
    }
    print(QStringLiteral("Imported %1 on %2 dashboard(s) from %3")
              .arg(widgetsText(widgets))
              .arg(dashboards)
              .arg(path));
    finish(kExitOk);
}

void CtlRunner::widgetAdd() {
    const QString type = parse_.positionals.value(0);
    if (!sync::isKnownWidgetType(toStd(type))) {
        fail(kExitUsage, QStringLiteral("deskboard ctl widget add: unknown widget type \"%1\"; "
                                        "TYPE is one of: %2.")
                             .arg(type, knownTypes()));
        return;
    }
    if (!parse_.values.contains(QStringLiteral("title"))) {
        fail(kExitUsage, QStringLiteral("deskboard ctl widget add: --title is missing."));
        return;
    }
    sync::Document next = core_.store().document();
    sync::Dashboard* dashboard = nullptr;
    if (parse_.values.contains(QStringLiteral("dashboard"))) {
        const QString id = parse_.value(QStringLiteral("dashboard"));
        dashboard = next.dashboard(toStd(id));
        if (dashboard == nullptr) {
            QStringList ids;
            for (const auto& candidate : next.dashboards) {
                ids.append(fromStd(candidate.id));
            }
            fail(kExitFailed, QStringLiteral("No dashboard with id %1 (this profile has: %2). "
                                             "Nothing changed.")
                                  .arg(id, ids.isEmpty() ? QStringLiteral("none")
                                                         : ids.join(QStringLiteral(", "))));
            return;
        }
    } else {
        if (next.dashboards.empty()) {
            next.dashboards.push_back(sync::emptyDocument().dashboards.front());
        }
        dashboard = &next.dashboards.front();
    }
    std::string id = sync::newWidgetId();
    while (next.dashboardOfWidget(id) != nullptr) {
        id = sync::newWidgetId();
    }
    sync::Widget widget;
    widget.type = toStd(type);
    widget.title = toStd(parse_.value(QStringLiteral("title")));
    widget.content = toStd(parse_.value(QStringLiteral("content")));
    const sync::WidgetRect size = sync::defaultRect(widget.type);
    const sync::WidgetRect rect = sync::firstFreeRect(dashboard->layout, size.w, size.h);
    dashboard->widgets[id] = std::move(widget);
    dashboard->layout[id] = rect;
    core_.store().commitEdit(std::move(next), QStringLiteral("Add %1 widget").arg(type));
    print(QStringLiteral("Added %1 widget %2").arg(type, fromStd(id)));
    finish(kExitOk);
}

void CtlRunner::widgetSet() {
    const QString id = parse_.positionals.value(0);
    const QString field = parse_.positionals.value(1);
    const QString value = parse_.positionals.value(2);
    const std::string key = toStd(id);
    const bool geometry = field == QStringLiteral("x") || field == QStringLiteral("y") ||
                          field == QStringLiteral("w") || field == QStringLiteral("h");
    const QString settingsPrefix = QStringLiteral("settings.");
    if (field != QStringLiteral("title") && field != QStringLiteral("content") && !geometry &&
        !(field.startsWith(settingsPrefix) && field.size() > settingsPrefix.size())) {
        fail(kExitUsage, QStringLiteral("deskboard ctl widget set: unknown FIELD \"%1\"; FIELD is "
                                        "title, content, x, y, w, h or settings.KEY.")
                             .arg(field));
        return;
    }
    int number = 0;
    if (geometry) {
        bool ok = false;
        number = value.trimmed().toInt(&ok);
        if (!ok) {
            fail(kExitUsage,
                 QStringLiteral("deskboard ctl widget set: %1 takes a whole number of grid cells, "
                                "not \"%2\".")
                     .arg(field, value));
            return;
        }
    }

    sync::Document next = core_.store().document();
    sync::Dashboard* dashboard = next.dashboardOfWidget(key);
    if (dashboard == nullptr) {
        fail(kExitFailed, noWidgetMessage(id));
        return;
    }
    sync::Widget& widget = dashboard->widgets.at(key);
    QString summary;
    if (field == QStringLiteral("title")) {
        widget.title = toStd(value);
        summary = QStringLiteral("Set the title of widget %1").arg(id);
    } else if (field == QStringLiteral("content")) {
        widget.content = toStd(value);
        summary = QStringLiteral("Set the content of widget %1").arg(id);
    } else if (geometry) {
        const sync::Layout before = dashboard->layout;
        sync::WidgetRect requested =
            before.count(key) != 0 ? before.at(key) : sync::defaultRect(widget.type);
        if (field == QStringLiteral("x")) {
            requested.x = number;
        } else if (field == QStringLiteral("y")) {
            requested.y = number;
        } else if (field == QStringLiteral("w")) {
            requested.w = number;
        } else {
            requested.h = number;
        }
        const sync::WidgetRect placed = sync::clampToGrid(requested);
        dashboard->layout[key] = placed;
        sync::pushDownOverlaps(dashboard->layout, key);
        int pushed = 0;
        for (const auto& [otherId, rect] : dashboard->layout) {
            if (otherId != key && before.count(otherId) != 0 && !(before.at(otherId) == rect)) {
                ++pushed;
            }
        }
        summary =
            QStringLiteral("Placed widget %1 at %2").arg(id, rectText(dashboard->layout[key]));
        if (!(placed == requested)) {
            summary += QStringLiteral(" (kept on the 12-column grid)");
        }
        if (pushed > 0) {
            summary += pushed == 1 ? QStringLiteral("; 1 tile pushed down")
                                   : QStringLiteral("; %1 tiles pushed down").arg(pushed);
        }
    } else {
        const std::string settingKey = toStd(field.mid(settingsPrefix.size()));
        const std::string text = toStd(value);
        json parsed = json::parse(text, nullptr, false);
        if (parsed.is_discarded()) {
            parsed = text;
        }
        if (!widget.settings.is_object()) {
            widget.settings = json::object();
        }
        widget.settings[settingKey] = std::move(parsed);
        summary = QStringLiteral("Set %1 of widget %2").arg(field, id);
    }
    if (!core_.store().commitEdit(std::move(next), QStringLiteral("Set %1 of %2").arg(field, id))) {
        print(QStringLiteral("Nothing changed: widget %1 already has that %2.").arg(id, field));
        finish(kExitOk);
        return;
    }
    print(summary);
    finish(kExitOk);
}

void CtlRunner::widgetRemove() {
    const QString id = parse_.positionals.value(0);
    const std::string key = toStd(id);
    sync::Document next = core_.store().document();
    sync::Dashboard* dashboard = next.dashboardOfWidget(key);
    if (dashboard == nullptr) {
        fail(kExitFailed, noWidgetMessage(id));
        return;
    }
    const QString type = fromStd(dashboard->widgets.at(key).type);
    dashboard->widgets.erase(key);
    dashboard->layout.erase(key);
    core_.store().commitEdit(std::move(next), QStringLiteral("Remove %1 widget").arg(type));
    print(QStringLiteral("Removed %1 widget %2").arg(type, id));
    finish(kExitOk);
}

// --- server commands ----------------------------------------------------------------------------

void CtlRunner::withSession(std::function<void()> then) {
    auto& store = core_.store();
    const bool engineHasSession =
        core_.engineStarted() && core_.engine().state() != sync::SyncState::SignedOut;
    if (engineHasSession) {
        then();
        return;
    }
    if (store.scope().isLocal()) {
        fail(kExitFailed, notSignedInMessage());
        return;
    }
    const bool alreadyStarted = core_.engineStarted();
    core_.startEngine();
    auto& engine = core_.engine();
    if (engine.state() != sync::SyncState::SignedOut) {
        then();
        return;
    }
    auto signedOutWhy = [this](const QString& why) {
        fail(kExitFailed,
             QStringLiteral("Signed out: %1 Sign in again with `deskboard ctl login --server %2 "
                            "--user %3 --password-stdin --remember`.")
                 .arg(why.isEmpty() ? QStringLiteral("the saved sign-in did not work.") : why,
                      core_.store().scope().server, core_.store().scope().userName));
    };
    if (alreadyStarted && !engine.status().lastError.isEmpty()) {
        signedOutWhy(engine.status().lastError);
        return;
    }
    auto settled = std::make_shared<bool>(false);
    auto proceed = [this, settled, then]() {
        if (*settled) {
            return;
        }
        *settled = true;
        for (const auto& connection : sessionWatch_) {
            disconnect(connection);
        }
        sessionWatch_.clear();
        then();
    };
    sessionWatch_.push_back(connect(&engine, &sync::SyncEngine::signedIn, this, proceed));
    sessionWatch_.push_back(
        connect(&engine, &sync::SyncEngine::statusChanged, this, [this, proceed, signedOutWhy] {
            auto& engine = core_.engine();
            if (engine.state() != sync::SyncState::SignedOut) {
                proceed();
            } else if (!engine.status().lastError.isEmpty()) {
                signedOutWhy(engine.status().lastError);
            }
        }));
    sessionWatch_.push_back(connect(&engine, &sync::SyncEngine::signedOut, this, signedOutWhy));
    const int waitMs = std::min(remainingMs(), kSessionWaitMs);
    QTimer::singleShot(waitMs, this, guarded([this, settled, signedOutWhy] {
                           if (!*settled) {
                               signedOutWhy(QStringLiteral(
                                   "the saved sign-in could not be used in time (the keychain or "
                                   "the server did not answer)."));
                           }
                       }));
}

void CtlRunner::finishAfterSync(int exitCode, const QString& message, bool alsoInInstance) {
    if (inInstance_ && !alsoInInstance) {
        print(message);
        finish(exitCode);
        return;
    }
    auto& engine = core_.engine();
    engine.syncNow();
    const int waitMs = std::max(1, std::min(remainingMs(), kSettleMs));
    engine.whenSynced(waitMs, guarded([this, exitCode, message](bool ok, const QString& why) {
                          print(message);
                          if (!ok) {
                              printErr(QStringLiteral("Not synced yet: %1 The changes are kept on "
                                                      "this computer; `deskboard ctl sync --wait` "
                                                      "sends them.")
                                           .arg(why));
                          }
                          finish(exitCode);
                      }));
}

void CtlRunner::syncWait() {
    if (inInstance_ && !parse_.has(QStringLiteral("wait"))) {
        if (core_.store().scope().isLocal()) {
            fail(kExitFailed, notSignedInMessage());
            return;
        }
        core_.engine().syncNow();
        print(QStringLiteral("Sync started; `deskboard ctl sync --wait` waits for it."));
        finish(kExitOk);
        return;
    }
    withSession([this] {
        auto& engine = core_.engine();
        engine.syncNow();
        engine.whenSynced(
            std::max(1, remainingMs()), guarded([this](bool ok, const QString& message) {
                if (ok) {
                    print(message);
                    finish(kExitOk);
                } else {
                    fail(kExitFailed, QStringLiteral("Not synced: %1 Local changes are kept on "
                                                     "this computer.")
                                          .arg(message));
                }
            }));
    });
}

void CtlRunner::login() {
    const QString prefix = QStringLiteral("deskboard ctl login: ");
    if (!parse_.values.contains(QStringLiteral("server"))) {
        fail(kExitUsage, prefix + QStringLiteral("--server URL is missing."));
        return;
    }
    if (!parse_.values.contains(QStringLiteral("user"))) {
        fail(kExitUsage, prefix + QStringLiteral("--user NAME is missing."));
        return;
    }
    if (!parse_.has(QStringLiteral("password-stdin"))) {
        fail(kExitUsage, prefix + QStringLiteral("--password-stdin is required: the password is "
                                                 "read from standard input, never from an "
                                                 "argument."));
        return;
    }
    const QUrl server(parse_.value(QStringLiteral("server")), QUrl::StrictMode);
    if (!server.isValid() || server.host().isEmpty() ||
        (server.scheme() != QStringLiteral("https") && server.scheme() != QStringLiteral("http"))) {
        fail(kExitUsage, prefix + QStringLiteral("--server takes an http:// or https:// address, "
                                                 "e.g. https://dash.example.org, not \"%1\".")
                                      .arg(parse_.value(QStringLiteral("server"))));
        return;
    }
    QByteArray password = request_.input;
    if (const auto newline = password.indexOf('\n'); newline >= 0) {
        password.truncate(newline);
    }
    if (password.endsWith('\r')) {
        password.chop(1);
    }
    if (password.isEmpty()) {
        fail(kExitUsage, prefix + QStringLiteral("no password on standard input (give it as the "
                                                 "first line, e.g. `printf '%s\\n' \"$PW\" | "
                                                 "deskboard ctl login ...`)."));
        return;
    }
    const QString user = parse_.value(QStringLiteral("user"));
    const bool remember = parse_.has(QStringLiteral("remember"));
    core_.startEngine();
    auto& engine = core_.engine();
    engine.signIn(
        server, user, QString::fromUtf8(password), remember,
        parse_.has(QStringLiteral("allow-http")),
        guarded([this, remember](bool ok, const QString& message) {
            if (!ok) {
                fail(kExitFailed, QStringLiteral("Sign-in failed: %1").arg(message));
                return;
            }
            const auto status = core_.engine().status();
            if (remember &&
                core_.tokens().availability() == sync::TokenStore::Availability::Unavailable) {
                // statusText() says what failed and that the session lasts until quit.
                printErr(QStringLiteral("Not remembered: %1").arg(core_.tokens().statusText()));
            } else if (!remember && !inInstance_) {
                printErr(QStringLiteral(
                    "The session was not remembered, so it ends with this command. Add "
                    "--remember to stay signed in, or run `deskboard --headless` to hold it."));
            }
            finishAfterSync(kExitOk,
                            QStringLiteral("Signed in as %1 on %2 (workspace %3).")
                                .arg(status.user, status.server, status.workspace),
                            true);
        }));
}

void CtlRunner::logout() {
    if (core_.store().scope().isLocal() &&
        !(core_.engineStarted() && core_.engine().state() != sync::SyncState::SignedOut)) {
        print(QStringLiteral("Not signed in; nothing to do."));
        finish(kExitOk);
        return;
    }
    auto signOut = [this] {
        core_.engine().signOut(guarded([this](bool ok, const QString& message) {
            if (!ok) {
                fail(kExitFailed, QStringLiteral("Sign-out failed: %1").arg(message));
                return;
            }
            print(QStringLiteral("Signed out. The dashboard stays on this computer."));
            finish(kExitOk);
        }));
    };
    core_.startEngine();
    if (core_.engine().state() != sync::SyncState::SignedOut) {
        signOut();
        return;
    }
    // Sign in with the saved session first so the server can revoke it; if that does not
    // work, forget it here anyway.
    auto settled = std::make_shared<bool>(false);
    auto once = [settled, signOut] {
        if (!*settled) {
            *settled = true;
            signOut();
        }
    };
    sessionWatch_.push_back(connect(&core_.engine(), &sync::SyncEngine::signedIn, this, once));
    sessionWatch_.push_back(connect(&core_.engine(), &sync::SyncEngine::signedOut, this,
                                    [once](const QString&) { once(); }));
    sessionWatch_.push_back(
        connect(&core_.engine(), &sync::SyncEngine::statusChanged, this, [this, once] {
            const auto status = core_.engine().status();
            if (status.state != sync::SyncState::SignedOut || !status.lastError.isEmpty()) {
                once();
            }
        }));
    QTimer::singleShot(std::min(remainingMs(), kSessionWaitMs), this, guarded(once));
}

void CtlRunner::workspaceList() {
    withSession([this] {
        core_.engine().listWorkspaces(
            guarded([this](const sync::ApiResult<protocol::WorkspaceList>& result) {
                if (const auto* failure = failureOf(result)) {
                    fail(kExitFailed,
                         QStringLiteral("Could not list the workspaces: %1").arg(failure->message));
                    return;
                }
                const QString current = core_.store().scope().workspaceId;
                for (const auto& workspace : std::get<protocol::WorkspaceList>(result).workspaces) {
                    QString line =
                        fromStd(workspace.id) + QLatin1Char('\t') + fromStd(workspace.name);
                    if (fromStd(workspace.id) == current) {
                        line += QStringLiteral("\tcurrent");
                    }
                    print(line);
                }
                finish(kExitOk);
            }));
    });
}

void CtlRunner::workspaceCreate() {
    const QString name = parse_.positionals.value(0);
    if (name.trimmed().isEmpty() || name.size() > 100) {
        fail(kExitUsage, QStringLiteral("deskboard ctl workspace create: NAME must be 1 to 100 "
                                        "characters."));
        return;
    }
    withSession([this, name] {
        core_.engine().createWorkspace(
            name, guarded([this](const sync::ApiResult<protocol::WorkspaceInfo>& result) {
                if (const auto* failure = failureOf(result)) {
                    fail(
                        kExitFailed,
                        QStringLiteral("Could not create the workspace: %1").arg(failure->message));
                    return;
                }
                const auto& workspace = std::get<protocol::WorkspaceInfo>(result);
                print(QStringLiteral("Created workspace %1 with id %2")
                          .arg(fromStd(workspace.name), fromStd(workspace.id)));
                finish(kExitOk);
            }));
    });
}

void CtlRunner::workspaceUse() {
    const QString id = parse_.positionals.value(0);
    withSession([this, id] {
        core_.engine().useWorkspace(
            id, guarded([this, id](bool ok, const QString& message) {
                if (!ok) {
                    fail(kExitFailed,
                         QStringLiteral("Could not open workspace %1: %2").arg(id, message));
                    return;
                }
                finishAfterSync(kExitOk, QStringLiteral("Now using workspace %1.").arg(id));
            }));
    });
}

void CtlRunner::history() {
    auto printSnapshots = [this] {
        print(QStringLiteral(
            "Local snapshots (newest first; restore with `deskboard ctl restore snapshot:N`):"));
        const auto snapshots = core_.store().snapshots();
        if (snapshots.empty()) {
            print(QStringLiteral("  (none)"));
        }
        for (const auto& snapshot : snapshots) {
            print(QStringLiteral("  snapshot:%1\t%2\t%3\t%4")
                      .arg(snapshot.index)
                      .arg(snapshot.takenAt.toUTC().toString(Qt::ISODate),
                           widgetsText(snapshot.widgetCount), snapshot.reason));
        }
    };
    if (core_.store().scope().isLocal() &&
        !(core_.engineStarted() && core_.engine().state() != sync::SyncState::SignedOut)) {
        print(QStringLiteral("Server versions: none (not signed in)."));
        printSnapshots();
        finish(kExitOk);
        return;
    }
    withSession([this, printSnapshots] {
        core_.engine().history(guarded(
            [this, printSnapshots](const sync::ApiResult<protocol::HistoryResponse>& result) {
                if (const auto* failure = failureOf(result)) {
                    printSnapshots();
                    fail(kExitFailed, QStringLiteral("Could not read the server's versions: %1")
                                          .arg(failure->message));
                    return;
                }
                print(QStringLiteral(
                    "Server versions (newest first; restore with `deskboard ctl restore "
                    "VERSION`):"));
                const auto& versions = std::get<protocol::HistoryResponse>(result).versions;
                if (versions.empty()) {
                    print(QStringLiteral("  (none)"));
                }
                for (const auto& entry : versions) {
                    print(QStringLiteral("  %1\t%2\t%3 bytes")
                              .arg(entry.version)
                              .arg(fromStd(entry.lastModified))
                              .arg(entry.bytes));
                }
                printSnapshots();
                finish(kExitOk);
            }));
    });
}

void CtlRunner::restore() {
    const QString what = parse_.positionals.value(0);
    const QString snapshotPrefix = QStringLiteral("snapshot:");
    if (what.startsWith(snapshotPrefix)) {
        bool ok = false;
        const int index = what.mid(snapshotPrefix.size()).toInt(&ok);
        if (!ok || index < 1) {
            fail(kExitUsage, QStringLiteral("deskboard ctl restore: snapshot:N takes a snapshot "
                                            "number (1 = newest), not \"%1\".")
                                 .arg(what));
            return;
        }
        auto& store = core_.store();
        const auto snapshots = store.snapshots();
        if (index > static_cast<int>(snapshots.size())) {
            fail(kExitFailed, QStringLiteral("No snapshot %1: this profile has %2 local "
                                             "snapshot(s); `deskboard ctl history` lists them.")
                                  .arg(index)
                                  .arg(snapshots.size()));
            return;
        }
        bool restored = false;
        if (core_.hasEngine()) {
            restored = core_.engine().restoreSnapshot(index);
        } else if (auto document = store.snapshotDocument(index)) {
            store.commitEdit(std::move(*document),
                             QStringLiteral("Restore snapshot %1").arg(index));
            restored = true;
        }
        if (!restored) {
            fail(kExitFailed,
                 QStringLiteral("Snapshot %1 could not be read; nothing changed.").arg(index));
            return;
        }
        print(QStringLiteral("Restored snapshot %1 as a new change.").arg(index));
        finish(kExitOk);
        return;
    }
    bool ok = false;
    const qint64 version = what.toLongLong(&ok);
    if (!ok || version < 1) {
        fail(kExitUsage, QStringLiteral("deskboard ctl restore: give a server VERSION (a number "
                                        "from `deskboard ctl history`) or snapshot:N, not "
                                        "\"%1\".")
                             .arg(what));
        return;
    }
    withSession([this, version] {
        core_.engine().restoreVersion(
            version, guarded([this, version](bool ok, const QString& message) {
                if (!ok) {
                    fail(kExitFailed, QStringLiteral("Could not restore version %1: %2")
                                          .arg(version)
                                          .arg(message));
                    return;
                }
                finishAfterSync(
                    kExitOk, QStringLiteral("Restored version %1 as a new change.").arg(version));
            }));
    });
}

}  // namespace deskboard::app
