// Test support: run one of our executables to completion and collect what it printed.
#pragma once

#include <QProcess>
#include <QStringList>

namespace deskboard::testing {

struct ExecutableRun {
    int exitCode = -1;
    QString out;
    QString err;
    bool finished = false;
};

inline ExecutableRun runExecutable(const QString& program, const QStringList& arguments,
                                   int timeoutMs = 30000) {
    QProcess process;
    process.start(program, arguments);
    ExecutableRun run;
    if (!process.waitForStarted(timeoutMs)) {
        run.err = process.errorString();
        return run;
    }
    run.finished = process.waitForFinished(timeoutMs);
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err += QString::fromUtf8(process.readAllStandardError());
    return run;
}

}  // namespace deskboard::testing
