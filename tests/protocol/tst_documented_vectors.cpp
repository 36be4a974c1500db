// docs/api.md publishes canonical JSON and checksum vectors for client authors; this suite
// keeps them true by checking every IN/OUT/SHA triple in the document.
#include <QFile>
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/json_parse.h>

using namespace deskboard::protocol;

class DocumentedVectorsTest : public QObject {
    Q_OBJECT

  private slots:
    void everyVectorHolds() {
        QFile doc(QStringLiteral(DESKBOARD_API_DOC));
        QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.errorString()));
        std::vector<std::array<std::string, 3>> vectors;
        std::array<std::string, 3> current;
        int filled = 0;
        for (const QByteArray& line : doc.readAll().split('\n')) {
            static const std::array<QByteArray, 3> kTags{"IN  ", "OUT ", "SHA "};
            for (std::size_t i = 0; i < kTags.size(); ++i) {
                if (line.startsWith(kTags[i])) {
                    QCOMPARE(filled, static_cast<int>(i));  // IN, OUT, SHA in that order
                    current[i] = line.mid(4).toStdString();
                    if (++filled == 3) {
                        vectors.push_back(current);
                        filled = 0;
                    }
                }
            }
        }
        QVERIFY2(vectors.size() >= 8, "docs/api.md lost its test vectors");
        for (const auto& [input, canonical, checksum] : vectors) {
            const auto parsed = parseJson(input);
            QVERIFY2(parsed.hasValue(), input.c_str());
            QCOMPARE(canonicalJson(parsed.value()), canonical);
            QCOMPARE(stateChecksum(parsed.value()), checksum);
            QCOMPARE(sha256Hex(canonical), checksum);
        }
    }
};

QTEST_APPLESS_MAIN(DocumentedVectorsTest)
#include "tst_documented_vectors.moc"
