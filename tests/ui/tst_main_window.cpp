// The main window renders offscreen: title, the version in its placeholder, a status line,
// and real pixels in a screenshot (saved next to the test for a person to look at).
#include <set>

#include <QImage>
#include <QStatusBar>
#include <QTest>

#include <deskboard/ui/main_window.h>
#include <deskboard/version.h>

class MainWindowTest : public QObject {
    Q_OBJECT

  private slots:
    void showsVersionAndStatus() {
        deskboard::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("Deskboard"));
        QVERIFY(window.placeholderText().contains(QString::fromLatin1(deskboard::kVersion)));
        QVERIFY(!window.statusBar()->currentMessage().isEmpty());
    }

    void rendersRealPixels() {
        deskboard::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), window.size() * shot.devicePixelRatio());
        // Text was drawn: the picture has more than a background and a border colour.
        std::set<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 2) {
            for (int x = 0; x < shot.width(); x += 2) {
                colours.insert(shot.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 8, "the window looks blank");
        const QString path = QStringLiteral(DESKBOARD_SCREENSHOT_DIR "/main_window.png");
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }
};

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
