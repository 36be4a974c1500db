// The ui library's Qt resources: every icon is compiled in under ":/icons" (initialised by
// linking the static library alone) and renders through Qt's SVG plugin to real pixels at any
// size; the translations are embedded under ":/i18n" and install without failing. And the
// starter dashboard that `./dev run` imports is a valid document with every widget type.
#include <set>
#include <string>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QLocale>
#include <QPixmap>
#include <QTest>

#include <deskboard/sync/document.h>
#include <deskboard/ui/translations.h>

namespace {

// The icons the window refers to by name (widget types are checked from the sync list).
const char* const kIcons[] = {
    "deskboard",        "action-add",           "action-edit-layout", "action-undo",
    "action-redo",      "action-sync",          "action-sign-in",     "action-sign-out",
    "action-account",   "action-workspace",     "action-history",     "action-settings",
    "action-menu",      "action-dashboard-add", "action-quit",        "action-remove",
    "action-duplicate", "action-resize",        "status-synced",      "status-syncing",
    "status-offline",   "status-signed-out",    "status-attention",   "status-merged",
};

QString iconPath(const QString& name) {
    return QStringLiteral(":/icons/") + name + QStringLiteral(".svg");
}

// How many pixels of `image` are not fully transparent.
int paintedPixels(const QImage& image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qAlpha(image.pixel(x, y)) > 0) {
                ++count;
            }
        }
    }
    return count;
}

}  // namespace

class QtResourcesTest : public QObject {
    Q_OBJECT

  private slots:
    void iconsAreCompiledIn() {
        QVERIFY(QFile::exists(QStringLiteral(":/icons/deskboard.svg")));
        for (const char* name : kIcons) {
            QVERIFY2(QFile::exists(iconPath(QString::fromLatin1(name))), name);
        }
        for (std::string_view type : deskboard::sync::widgetTypes()) {
            const QString name = QStringLiteral("widget-") + QString::fromUtf8(type);
            QVERIFY2(QFile::exists(iconPath(name)), qPrintable(name));
        }
    }

    void iconsRenderAtEverySize() {
        const QStringList files =
            QDir(QStringLiteral(":/icons")).entryList({QStringLiteral("*.svg")}, QDir::Files);
        QVERIFY2(files.size() >= 31, qPrintable(files.join(QLatin1Char(' '))));
        for (const QString& file : files) {
            const QIcon icon(QStringLiteral(":/icons/") + file);
            for (int size : {16, 24, 96, 256}) {
                const QImage image = icon.pixmap(size, size).toImage();
                QVERIFY2(!image.isNull(), qPrintable(file + QStringLiteral(" (no SVG plugin?)")));
                QCOMPARE(image.width(), size);
                // Strokes cover at least a few percent of the square at every size.
                QVERIFY2(paintedPixels(image) > size * size / 25,
                         qPrintable(file + QStringLiteral(" at ") + QString::number(size)));
            }
        }
    }

    void translationsAreEmbedded() {
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/deskboard_en.qm")));
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/deskboard_de.qm")));
        auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
        QVERIFY(app);
        QVERIFY(deskboard::ui::installTranslations(*app, QLocale(QLocale::German)));
        // A language without a translation is no failure: the source texts stay.
        QVERIFY(!deskboard::ui::installTranslations(*app, QLocale(QLocale::Icelandic)));
        // The system's language (whatever the test machine has) loads or falls back quietly.
        deskboard::ui::installTranslations(*app);
    }

    void starterDashboardHasEveryWidgetType() {
        QFile file(QStringLiteral(DESKBOARD_STARTER_DASHBOARD));
        QVERIFY(file.open(QIODevice::ReadOnly));
        // `./dev run` puts the demo server's address in place of @SERVER_URL@.
        const QByteArray text =
            file.readAll().replace("@SERVER_URL@", QByteArrayLiteral("http://127.0.0.1:8080"));
        const auto document =
            deskboard::sync::documentFromJson(nlohmann::json::parse(text.toStdString()));
        QVERIFY2(document, document ? "" : document.error().message.c_str());
        QCOMPARE(document.value().dashboards.size(), std::size_t{1});
        const deskboard::sync::Dashboard& dashboard = document.value().dashboards.front();
        std::set<std::string> types;
        std::set<std::pair<int, int>> cells;
        for (const auto& [id, widget] : dashboard.widgets) {
            QVERIFY2(types.insert(widget.type).second, widget.type.c_str());
            const deskboard::sync::WidgetRect& rect = dashboard.layout.at(id);
            QVERIFY(rect.x + rect.w <= deskboard::sync::kGridColumns);
            for (int x = rect.x; x < rect.x + rect.w; ++x) {
                for (int y = rect.y; y < rect.y + rect.h; ++y) {
                    QVERIFY2(cells.insert({x, y}).second, ("overlap at " + id).c_str());
                }
            }
        }
        for (std::string_view type : deskboard::sync::widgetTypes()) {
            QVERIFY2(types.count(std::string(type)) == 1, std::string(type).c_str());
        }
    }
};

QTEST_MAIN(QtResourcesTest)
#include "tst_qt_resources.moc"
