// Test support for the app suites: runs the real `deskboard` binary (DESKBOARD_APP) as a
// process on a profile, with no display (offscreen), no reachable keychain (a D-Bus address
// that does not exist, so nothing can prompt) and a private XDG_RUNTIME_DIR for the instance
// sockets. `ctl` runs to completion; `Instance` is a long-running `deskboard --headless`.
#pragma once

#include <memory>

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <child_process.h>
#include <signal.h>

namespace deskboard::testing {

struct CtlRun {
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    // The last word of standard output (`widget add` prints the new id there).
    QString lastWord() const {
        const QStringList words =
            outText().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        return words.isEmpty() ? QString() : words.last();
    }
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    // For QVERIFY2: everything the run printed.
    QByteArray describe() const {
        return "exit " + QByteArray::number(exitCode) + "\nstdout: " + out + "\nstderr: " + err;
    }
};

class DeskboardEnvironment {
  public:
    DeskboardEnvironment() {
        environment_ = QProcessEnvironment::systemEnvironment();
        environment_.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment_.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                            QStringLiteral("unix:path=/nonexistent"));
        environment_.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime_.path());
        environment_.insert(QStringLiteral("HOME"), home_.path());
        environment_.insert(QStringLiteral("XDG_DATA_HOME"),
                            home_.filePath(QStringLiteral("data")));
        environment_.insert(QStringLiteral("XDG_CONFIG_HOME"),
                            home_.filePath(QStringLiteral("config")));
    }

    static QString binary() { return QStringLiteral(DESKBOARD_APP); }
    QString runtimeDir() const { return runtime_.path(); }
    QProcessEnvironment& environment() { return environment_; }
    void withoutRuntimeDir() { environment_.remove(QStringLiteral("XDG_RUNTIME_DIR")); }

    // `deskboard --profile PROFILE ARGS`, `input` on standard input, in `workingDirectory`.
    CtlRun run(const QString& profile, const QStringList& arguments, const QByteArray& input = {},
               const QString& workingDirectory = {}, int timeoutMs = 60000) const {
        QProcess process;
        process.setProcessEnvironment(environment_);
        if (!workingDirectory.isEmpty()) {
            process.setWorkingDirectory(workingDirectory);
        }
        QStringList all;
        if (!profile.isEmpty()) {
            all << QStringLiteral("--profile") << profile;
        }
        process.start(binary(), all + arguments);
        CtlRun run;
        if (!process.waitForStarted(10000)) {
            run.err = process.errorString().toUtf8();
            return run;
        }
        process.write(input);
        process.closeWriteChannel();
        run.finished = process.waitForFinished(timeoutMs);
        if (!run.finished) {
            process.kill();
            process.waitForFinished(5000);
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

    CtlRun ctl(const QString& profile, const QStringList& arguments, const QByteArray& input = {},
               const QString& workingDirectory = {}, int timeoutMs = 60000) const {
        return run(profile, QStringList{QStringLiteral("ctl")} + arguments, input, workingDirectory,
                   timeoutMs);
    }

    // A QProcess for `deskboard --profile PROFILE ARGS`, started, not waited for.
    std::unique_ptr<QProcess> start(const QString& profile, const QStringList& arguments) const {
        auto process = std::make_unique<QProcess>();
        process->setProcessEnvironment(environment_);
        killWithTest(*process);
        process->start(binary(), QStringList{QStringLiteral("--profile"), profile} + arguments);
        process->closeWriteChannel();
        return process;
    }

  private:
    QTemporaryDir runtime_;
    QTemporaryDir home_;
    QProcessEnvironment environment_;
};

// A running `deskboard --headless --profile PROFILE`, stopped with SIGTERM when destroyed.
class Instance {
  public:
    Instance(const DeskboardEnvironment& environment, QString profile)
        : environment_(environment), profile_(std::move(profile)) {
        start();
    }
    ~Instance() { stop(); }
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    QProcess& process() { return *process_; }
    const QString& profile() const { return profile_; }

    void start() {
        process_ = environment_.start(profile_, {QStringLiteral("--headless")});
        if (!process_->waitForStarted(10000)) {
            qFatal("cannot start deskboard --headless: %s", qPrintable(process_->errorString()));
        }
    }

    // Polls `ctl status` until the instance answers it (a status from a running engine names
    // the keychain; the in-process one says no instance runs), within the deadline.
    bool waitUntilAnswering(int timeoutMs = 20000) {
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (process_->state() == QProcess::NotRunning) {
                return false;
            }
            const CtlRun run = environment_.ctl(profile_, {QStringLiteral("status")});
            if (run.exitCode == 0 && !run.json()
                                          .value(QStringLiteral("keychain"))
                                          .toString()
                                          .contains(QStringLiteral("no deskboard instance"))) {
                return true;
            }
            QTest::qWait(50);
        }
        return false;
    }

    // SIGTERM and wait; the exit code, or -1 when it had to be killed.
    int stop(int timeoutMs = 15000) {
        if (!process_ || process_->state() == QProcess::NotRunning) {
            return process_ ? process_->exitCode() : -1;
        }
        process_->terminate();
        if (!process_->waitForFinished(timeoutMs)) {
            process_->kill();
            process_->waitForFinished(5000);
            return -1;
        }
        return process_->exitStatus() == QProcess::NormalExit ? process_->exitCode() : -1;
    }

    void kill() {
        process_->kill();
        process_->waitForFinished(5000);
    }

    QByteArray log() { return process_->readAllStandardError(); }

  private:
    const DeskboardEnvironment& environment_;
    QString profile_;
    std::unique_ptr<QProcess> process_;
};

}  // namespace deskboard::testing
