// Our canonical JSON and checksum agree with a second, independent implementation: the npm
// package `canonicalize` (by the author of RFC 8785) run with node over random documents.
#include <QProcess>
#include <QTemporaryFile>
#include <QTest>
#include <qtest_json.h>
#include <random_json.h>

#include <deskboard/protocol/canonical_json.h>

using namespace deskboard::protocol;

class JcsCrossCheckTest : public QObject {
    Q_OBJECT

  private slots:
    void agreesWithNodeCanonicalize() {
        const QString node = QStringLiteral(DESKBOARD_NODE_EXECUTABLE);
        const QString toolDir = QStringLiteral(DESKBOARD_JCS_TOOL_DIR);
        QVERIFY2(!node.isEmpty(), "node was not found at configure time; ./dev test installs it");
        QVERIFY2(QFile::exists(toolDir + QStringLiteral("/node_modules/canonicalize")),
                 "npm package 'canonicalize' missing; ./dev test runs npm ci in the tool dir");

        deskboard::testing::RandomJson random(8785);
        std::vector<nlohmann::json> documents;
        QByteArray input;
        for (int i = 0; i < 1000; ++i) {
            documents.push_back(random.object(5));
            input += QByteArray::fromStdString(documents.back().dump()) + '\n';
        }

        QProcess process;
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("NODE_PATH"), toolDir + QStringLiteral("/node_modules"));
        process.setProcessEnvironment(environment);
        process.start(node, {QStringLiteral(DESKBOARD_JCS_SCRIPT)});
        QVERIFY2(process.waitForStarted(10000), qPrintable(process.errorString()));
        process.write(input);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(60000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

        const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), qsizetype(documents.size()));
        for (std::size_t i = 0; i < documents.size(); ++i) {
            const QByteArray& line = lines[static_cast<qsizetype>(i)];
            const std::string theirs = line.mid(65).toStdString();
            const std::string theirChecksum = line.left(64).toStdString();
            QCOMPARE(canonicalJson(documents[i]), theirs);
            QCOMPARE(stateChecksum(documents[i]), theirChecksum);
        }
    }
};

QTEST_GUILESS_MAIN(JcsCrossCheckTest)
#include "tst_jcs_crosscheck.moc"
