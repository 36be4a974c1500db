// The deskboard executable answers --version and --help without opening a window.
#include <QTest>
#include <executable_run.h>

#include <deskboard/version.h>

using deskboard::testing::runExecutable;

class AppCommandLineTest : public QObject {
    Q_OBJECT

  private slots:
    void printsVersion() {
        const auto run =
            runExecutable(QStringLiteral(DESKBOARD_APP), {QStringLiteral("--version")});
        QVERIFY2(run.finished, qPrintable(run.err));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(),
                 QStringLiteral("deskboard ") + QString::fromLatin1(deskboard::kVersion));
    }

    void printsHelp() {
        const auto run = runExecutable(QStringLiteral(DESKBOARD_APP), {QStringLiteral("--help")});
        QVERIFY2(run.finished, qPrintable(run.err));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("--version")));
    }

    void refusesUnknownOptions() {
        const auto run = runExecutable(QStringLiteral(DESKBOARD_APP), {QStringLiteral("--bogus")});
        QVERIFY(run.finished);
        QVERIFY(run.exitCode != 0);
        QVERIFY(run.err.contains(QStringLiteral("bogus")));
    }
};

QTEST_GUILESS_MAIN(AppCommandLineTest)
#include "tst_command_line.moc"
