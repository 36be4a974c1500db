// deskboard-server's command line: --version, --help, and exit codes 1 (cannot serve yet)
// and 2 (bad usage), through the library and through the real executable.
#include <sstream>
#include <vector>

#include <QTest>
#include <executable_run.h>
#include <qtest_json.h>

#include <deskboard/server/command_line.h>
#include <deskboard/version.h>

using deskboard::server::runCommandLine;
using deskboard::testing::runExecutable;

namespace {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run(std::vector<std::string_view> args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = runCommandLine(args, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace

class ServerCommandLineTest : public QObject {
    Q_OBJECT

  private slots:
    void version() {
        const auto outcome = run({"--version"});
        QCOMPARE(outcome.code, 0);
        QCOMPARE(outcome.out, std::string("deskboard-server ") + deskboard::kVersion + "\n");
    }

    void help() {
        const auto outcome = run({"--help"});
        QCOMPARE(outcome.code, 0);
        QVERIFY(outcome.out.find("Usage: deskboard-server") != std::string::npos);
        QVERIFY(outcome.err.empty());
    }

    void withoutArgumentsItSaysItCannotServe() {
        const auto outcome = run({});
        QCOMPARE(outcome.code, 1);
        QVERIFY(outcome.err.find("does not serve HTTP yet") != std::string::npos);
    }

    void badUsageExitsTwo() {
        const auto outcome = run({"--frobnicate"});
        QCOMPARE(outcome.code, 2);
        QVERIFY(outcome.err.find("--frobnicate") != std::string::npos);
        QCOMPARE(run({"--version", "--help"}).code, 2);
    }

    void executableAnswersVersion() {
        const auto result =
            runExecutable(QStringLiteral(DESKBOARD_SERVER), {QStringLiteral("--version")});
        QVERIFY2(result.finished, qPrintable(result.err));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out.trimmed(),
                 QStringLiteral("deskboard-server ") + QString::fromLatin1(deskboard::kVersion));
    }
};

QTEST_GUILESS_MAIN(ServerCommandLineTest)
#include "tst_command_line.moc"
