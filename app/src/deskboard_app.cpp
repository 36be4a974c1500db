#include "deskboard_app.h"

#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSocketNotifier>
#include <QTimer>
#include <QWidget>
#include <unistd.h>

#include <deskboard/sync/client_identity.h>
#include <deskboard/ui/main_window.h>
#include <deskboard/ui/translations.h>

#include "client_core.h"
#include "ctl_parser.h"
#include "ctl_runner.h"
#include "instance_server.h"
#include "profile_paths.h"

namespace deskboard::app {

namespace {

constexpr int kCtlLockTimeoutMs = 10000;
constexpr int kInstanceLockTimeoutMs = 30000;
constexpr int kForwardTimeoutMs = 180000;

void writeOut(const QByteArray& bytes) {
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeErr(const QByteArray& bytes) {
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

void writeErr(const QString& text) {
    writeErr(text.toUtf8() + (text.endsWith(QLatin1Char('\n')) ? QByteArray() : QByteArray("\n")));
}

void setIdentity() {
    QCoreApplication::setApplicationName(QStringLiteral("deskboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("Deskboard"));
    QCoreApplication::setApplicationVersion(sync::clientVersion());
}

// SIGTERM and SIGINT end the event loop, so the socket is removed and the store unlocked.
int signalPipe[2] = {-1, -1};

void onTerminationSignal(int) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}

void quitOnTerminationSignals(QCoreApplication& app) {
    if (::pipe(signalPipe) != 0) {
        return;
    }
    auto* notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

// The moment main() started, for the start-up benchmark (bench/client/first_paint.sh).
QElapsedTimer& sinceStart() {
    static QElapsedTimer timer;
    return timer;
}

// With DESKBOARD_BENCH_FIRST_PAINT=1 in the environment, prints the milliseconds from main() to
// the window's first paint on standard error and quits: what the start-up benchmark measures.
class FirstPaintReporter : public QObject {
  public:
    using QObject::QObject;

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && !reported_) {
            reported_ = true;
            // After this paint has happened: the next turn of the event loop.
            QTimer::singleShot(0, qApp, [] {
                writeErr(QStringLiteral("first paint after %1 ms").arg(sinceStart().elapsed()));
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

  private:
    bool reported_ = false;
};

void reportFirstPaint(QWidget& window) {
    if (qEnvironmentVariableIntValue("DESKBOARD_BENCH_FIRST_PAINT") != 1) {
        return;
    }
    auto* reporter = new FirstPaintReporter(&window);
    window.installEventFilter(reporter);
}

QByteArray readFirstLineOfStdin() {
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        return {};
    }
    return in.readLine();
}

int forwardTimeoutMs(const CtlParse& parse) {
    if (parse.command->name == QStringLiteral("sync") &&
        parse.values.contains(QStringLiteral("timeout"))) {
        bool ok = false;
        const double seconds = parse.value(QStringLiteral("timeout")).toDouble(&ok);
        if (ok && seconds > 0 && seconds <= 86400) {
            return static_cast<int>(seconds * 1000) + 60000;
        }
    }
    return kForwardTimeoutMs;
}

int runCtl(int argc, char* argv[], const Invocation& invocation) {
    QCoreApplication app(argc, argv);
    const CtlParse parse = parseCtl(invocation.ctlArguments);
    if (parse.kind == CtlParse::Kind::Help) {
        writeOut(parse.text.toUtf8());
        return kExitOk;
    }
    if (parse.kind == CtlParse::Kind::Usage) {
        writeErr(parse.text);
        return kExitUsage;
    }
    ProfilePaths paths;
    if (const QString error = resolveProfilePaths(invocation.profile, paths); !error.isEmpty()) {
        writeErr(QStringLiteral("deskboard: %1.").arg(error));
        return kExitFailed;
    }
    CtlRequest request;
    request.kind = CtlRequest::Kind::Ctl;
    request.arguments = invocation.ctlArguments;
    request.workingDirectory = QDir::currentPath();
    if (parse.has(QStringLiteral("password-stdin"))) {
        request.input = readFirstLineOfStdin();
    }
    if (const auto reply = sendToInstance(paths, request, forwardTimeoutMs(parse))) {
        writeOut(reply->out);
        writeErr(reply->err);
        return reply->exitCode;
    }

    // No instance runs on the profile: do the work here.
    std::unique_ptr<ClientCore> core;
    try {
        core = std::make_unique<ClientCore>(paths.profileDir, paths.profileId, kCtlLockTimeoutMs);
    } catch (const std::exception& error) {
        writeErr(QStringLiteral("deskboard: could not open the profile: %1. Another deskboard "
                                "command may be busy with it; try again when it has finished.")
                     .arg(QString::fromUtf8(error.what())));
        return kExitFailed;
    }
    int exitCode = kExitFailed;
    bool done = false;
    CtlRunner::run(*core, false, parse, request, [&](CtlReply reply) {
        writeOut(reply.out);
        writeErr(reply.err);
        exitCode = reply.exitCode;
        done = true;
        QCoreApplication::quit();
    });
    if (!done) {
        QCoreApplication::exec();
    }
    core.reset();
    return exitCode;
}

int runInstance(QCoreApplication& app, const Invocation& invocation, bool withWindow) {
    ProfilePaths paths;
    if (const QString error = resolveProfilePaths(invocation.profile, paths); !error.isEmpty()) {
        writeErr(QStringLiteral("deskboard: %1.").arg(error));
        return kExitFailed;
    }
    InstanceServer server(paths);
    QString error;
    switch (server.claim(error)) {
        case InstanceServer::Claim::AlreadyRunning: {
            CtlRequest request;
            request.kind = withWindow ? CtlRequest::Kind::Raise : CtlRequest::Kind::Ping;
            sendToInstance(paths, request, 10000);
            writeErr(QStringLiteral("Deskboard already runs on the profile %1%2.")
                         .arg(paths.profileDir,
                              withWindow ? QStringLiteral("; its window was raised") : QString()));
            return kExitOk;
        }
        case InstanceServer::Claim::Failed:
            writeErr(QStringLiteral("deskboard: %1.").arg(error));
            return kExitFailed;
        case InstanceServer::Claim::Listening:
            break;
    }

    std::unique_ptr<ClientCore> core;
    try {
        core =
            std::make_unique<ClientCore>(paths.profileDir, paths.profileId, kInstanceLockTimeoutMs);
    } catch (const std::exception& failure) {
        writeErr(QStringLiteral("deskboard: could not open the profile: %1. Wait for the "
                                "deskboard command using it to finish and start again.")
                     .arg(QString::fromUtf8(failure.what())));
        return kExitFailed;
    }
    if (const QString problem = core->store().loadProblem(); !problem.isEmpty()) {
        writeErr(QStringLiteral("deskboard: %1").arg(problem));
    }
    server.setCore(core.get());
    quitOnTerminationSignals(app);

    // The window first: it paints from the store while the engine starts (which never waits,
    // and whose questions the window then asks).
    std::unique_ptr<ui::MainWindow> window;
    if (withWindow) {
        core->setPersonAnswersDecisions(true);
        window = std::make_unique<ui::MainWindow>(&core->store(), &core->engine());
        QObject::connect(&server, &InstanceServer::raiseRequested, window.get(), [&window] {
            window->showNormal();
            window->raise();
            window->activateWindow();
        });
        window->show();
        reportFirstPaint(*window);
    } else {
        writeErr(QStringLiteral("Deskboard runs headless on the profile %1 (commands: "
                                "`deskboard --profile %1 ctl ...`).")
                     .arg(paths.profileDir));
    }
    core->startEngine();
    const int code = QCoreApplication::exec();
    window.reset();
    server.setCore(nullptr);
    core.reset();
    return code;
}

}  // namespace

Invocation parseInvocation(const QStringList& arguments) {
    Invocation invocation;
    bool headless = false;
    auto usage = [&invocation](const QString& message) {
        invocation.mode = Invocation::Mode::Usage;
        invocation.error = message;
        return invocation;
    };
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (argument == QStringLiteral("--help") || argument == QStringLiteral("-h")) {
            invocation.mode = Invocation::Mode::Help;
            return invocation;
        }
        if (argument == QStringLiteral("--version") || argument == QStringLiteral("-v")) {
            invocation.mode = Invocation::Mode::Version;
            return invocation;
        }
        if (argument == QStringLiteral("--headless")) {
            headless = true;
            continue;
        }
        if (argument == QStringLiteral("--profile")) {
            if (i + 1 >= arguments.size() || arguments.at(i + 1).isEmpty()) {
                return usage(QStringLiteral("deskboard: --profile needs a folder (DIR)."));
            }
            invocation.profile = arguments.at(++i);
            continue;
        }
        if (argument.startsWith(QStringLiteral("--profile="))) {
            invocation.profile = argument.mid(10);
            if (invocation.profile.isEmpty()) {
                return usage(QStringLiteral("deskboard: --profile needs a folder (DIR)."));
            }
            continue;
        }
        if (argument == QStringLiteral("ctl")) {
            QStringList rest = arguments.mid(i + 1);
            // `deskboard ctl --profile DIR COMMAND ...` works too.
            while (!rest.isEmpty() && rest.first() == QStringLiteral("--profile")) {
                if (rest.size() < 2 || rest.at(1).isEmpty()) {
                    return usage(QStringLiteral("deskboard: --profile needs a folder (DIR)."));
                }
                invocation.profile = rest.at(1);
                rest = rest.mid(2);
            }
            invocation.mode = Invocation::Mode::Ctl;
            invocation.ctlArguments = rest;
            return invocation;
        }
        if (argument.startsWith(QLatin1Char('-'))) {
            return usage(QStringLiteral("deskboard: unknown option %1.").arg(argument));
        }
        return usage(QStringLiteral("deskboard: unexpected argument \"%1\" (commands go after "
                                    "`ctl`, e.g. `deskboard ctl status`).")
                         .arg(argument));
    }
    invocation.mode = headless ? Invocation::Mode::Headless : Invocation::Mode::Window;
    return invocation;
}

QString mainHelp() {
    QString text =
        QStringLiteral(
            "Usage: deskboard [--profile DIR] [--headless]\n"
            "       deskboard [--profile DIR] ctl COMMAND [ARGUMENTS] [OPTIONS]\n"
            "\n"
            "Deskboard: a desktop dashboard that syncs across machines.\n"
            "\n"
            "Options:\n"
            "  --profile DIR   Keep settings, the dashboard store and keychain entries in DIR\n"
            "                  (default: %1).\n"
            "  --headless      Run the sync engine without a window (no display needed).\n"
            "  -h, --help      Show this help and exit.\n"
            "  -v, --version   Show the version and exit.\n"
            "\n"
            "One deskboard runs per profile: a second `deskboard` raises the first one's window\n"
            "and exits, and `deskboard ctl` commands run in the running one.\n"
            "\n")
            .arg(defaultProfileDir());
    text += QStringLiteral("Commands (after `deskboard [--profile DIR] ctl`):\n") +
            ctlOverviewHelp().section(QStringLiteral("Commands:\n"), 1);
    return text;
}

int runDeskboard(int argc, char* argv[]) {
    sinceStart().start();
    setIdentity();
    QStringList arguments;
    for (int i = 1; i < argc; ++i) {
        arguments.append(QString::fromLocal8Bit(argv[i]));
    }
    const Invocation invocation = parseInvocation(arguments);
    switch (invocation.mode) {
        case Invocation::Mode::Help:
            writeOut(mainHelp().toUtf8());
            return kExitOk;
        case Invocation::Mode::Version:
            writeOut((QStringLiteral("deskboard ") + sync::clientVersion() + QLatin1Char('\n'))
                         .toUtf8());
            return kExitOk;
        case Invocation::Mode::Usage:
            writeErr(invocation.error + QStringLiteral("\nRun `deskboard --help` for usage."));
            return kExitUsage;
        case Invocation::Mode::Ctl:
            return runCtl(argc, argv, invocation);
        case Invocation::Mode::Headless: {
            QCoreApplication app(argc, argv);
            return runInstance(app, invocation, false);
        }
        case Invocation::Mode::Window: {
            QApplication app(argc, argv);
            QApplication::setApplicationDisplayName(QStringLiteral("Deskboard"));
            QGuiApplication::setDesktopFileName(QStringLiteral("io.deskboard.Deskboard"));
            ui::installTranslations(app);
            return runInstance(app, invocation, true);
        }
    }
    return kExitUsage;
}

}  // namespace deskboard::app
