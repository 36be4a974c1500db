// The eight widget types of the window, driven as a person would (QTest key and mouse events)
// and checked through what they propose (changeRequested) and show: the catalog entry, the
// default widget, each type's edits in its content format, settings forms that round-trip,
// no timer left running once a view is not live, content that does not parse shown verbatim
// and never rewritten, accessible names on every control, and a screenshot of each view at a
// tile's size saved next to the test for a person to look at. Also the system monitor's /proc
// parsing on fixed text. The HTTP value's fetching is sync.http_value_poller's subject.
#include <set>

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <deskboard/sync/content_formats.h>
#include <deskboard/sync/document.h>
#include <deskboard/ui/widget_catalog.h>

#include "widgets/system_sampler.h"

using deskboard::sync::Widget;
using deskboard::ui::findWidgetType;
using deskboard::ui::LocalOptions;
using deskboard::ui::widgetCatalog;
using deskboard::ui::WidgetSettingsForm;
using deskboard::ui::WidgetType;
using deskboard::ui::WidgetView;
using deskboard::ui::widgets::SystemSampler;

Q_DECLARE_METATYPE(deskboard::sync::Widget)

namespace {

const QStringList kTypes{QStringLiteral("note"),      QStringLiteral("todo"),
                         QStringLiteral("clock"),     QStringLiteral("sysmon"),
                         QStringLiteral("chart"),     QStringLiteral("bookmarks"),
                         QStringLiteral("countdown"), QStringLiteral("http")};

const WidgetType& typeOf(const QString& id) {
    const WidgetType* type = findWidgetType(id);
    if (type == nullptr) {
        qFatal("no widget type %s", qPrintable(id));
    }
    return *type;
}

// Machine-local options kept in a map, as the canvas keeps them in the profile.
struct FakeLocalOptions {
    QVariantMap values;
    LocalOptions options() {
        return {[this](const QString& key, const QVariant& fallback) {
                    return values.value(key, fallback);
                },
                [this](const QString& key, const QVariant& value) { values[key] = value; }};
    }
};

// A view of `widget` at a tile's size, shown, with its proposals recorded.
struct Tile {
    std::unique_ptr<WidgetView> view;
    std::unique_ptr<QSignalSpy> changes;
    std::unique_ptr<QSignalSpy> problems;

    Widget lastProposal() const {
        if (changes->isEmpty()) {
            qFatal("no change was proposed");
        }
        return changes->last().at(0).value<Widget>();
    }
    std::string lastContent() const { return lastProposal().content; }
    // What the window does with a proposal: it becomes the document's widget.
    void accept() {
        view->setWidget(lastProposal());
        QCoreApplication::processEvents();
    }
    QString lastProblem() const {
        return problems->isEmpty() ? QString() : problems->last().at(0).toString();
    }
};

Tile makeTile(const Widget& widget, FakeLocalOptions* local = nullptr) {
    Tile tile;
    tile.view.reset(typeOf(QString::fromStdString(widget.type)).createView(nullptr));
    if (local != nullptr) {
        tile.view->setLocalOptions(local->options());
    }
    tile.changes = std::make_unique<QSignalSpy>(tile.view.get(), &WidgetView::changeRequested);
    tile.problems = std::make_unique<QSignalSpy>(tile.view.get(), &WidgetView::problemChanged);
    tile.view->setWidget(widget);
    tile.view->resize(300, 200);
    tile.view->show();
    if (!QTest::qWaitForWindowExposed(tile.view.get())) {
        qFatal("the view was not shown");
    }
    QCoreApplication::processEvents();
    return tile;
}

Widget widgetOf(const char* type, std::string content, nlohmann::json settings = {}) {
    Widget widget = typeOf(QString::fromLatin1(type)).newWidget();
    widget.content = std::move(content);
    if (!settings.is_null()) {
        widget.settings.update(settings);
    }
    return widget;
}

template <typename T>
T* visibleChild(QWidget* root, const QString& accessibleName = {}) {
    for (T* child : root->findChildren<T*>()) {
        if (child->isVisibleTo(root) &&
            (accessibleName.isEmpty() || child->accessibleName() == accessibleName)) {
            return child;
        }
    }
    return nullptr;
}

// Every label's text that is shown, joined, to look for words in.
QString shownText(QWidget* root) {
    QStringList texts;
    for (QLabel* label : root->findChildren<QLabel*>()) {
        if (label->isVisibleTo(root)) {
            texts.append(label->text());
        }
    }
    return texts.join(QLatin1Char('\n'));
}

QStringList shownLines(QWidget* root) {
    return shownText(root).split(QLatin1Char('\n'));
}

// Controls reachable with Tab that have no accessible name. The line edit inside a combo or
// spin box is named through its owner.
QStringList unnamedControls(QWidget* root) {
    QStringList unnamed;
    for (QWidget* child : root->findChildren<QWidget*>()) {
        if (!child->isVisibleTo(root) || (child->focusPolicy() & Qt::TabFocus) == 0) {
            continue;
        }
        QWidget* owner = child->parentWidget();
        if (qobject_cast<QComboBox*>(owner) != nullptr ||
            qobject_cast<QAbstractSpinBox*>(owner) != nullptr) {
            continue;
        }
        if (child->accessibleName().isEmpty()) {
            unnamed.append(QString::fromLatin1(child->metaObject()->className()));
        }
    }
    return unnamed;
}

QStringList activeTimers(QWidget* root) {
    QStringList active;
    for (QTimer* timer : root->findChildren<QTimer*>()) {
        if (timer->isActive()) {
            active.append(QString::fromLatin1(timer->parent()->metaObject()->className()));
        }
    }
    return active;
}

// Richer widgets than newWidget() for the screenshots.
Widget showcase(const QString& id) {
    Widget widget = typeOf(id).newWidget();
    if (id == u"note") {
        widget.content = "Groceries: milk, eggs, bread\n\nCall the plumber about the sink.";
    } else if (id == u"todo") {
        widget.content = "- [x] Book flights\n- [ ] Renew passport\n- [ ] Pack the charger";
    } else if (id == u"clock") {
        widget.settings["zones"] = {"local", "America/New_York", "Asia/Tokyo"};
    } else if (id == u"bookmarks") {
        widget.content = "Qt documentation | https://doc.qt.io\nMail | mailto:me@example.org";
    } else if (id == u"http") {
        widget.settings["url"] = "http://127.0.0.1:9/price";
        widget.settings["pointer"] = "/data/price";
    }
    return widget;
}

}  // namespace

// Receives what QDesktopServices::openUrl opens, instead of a browser.
class UrlCatcher : public QObject {
    Q_OBJECT

  public:
    QList<QUrl> opened;

  public slots:
    void open(const QUrl& url) { opened.append(url); }
};

class WidgetTypesTest : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { qRegisterMetaType<Widget>(); }

    void catalogListsEveryType() {
        const auto& catalog = widgetCatalog();
        QCOMPARE(static_cast<qsizetype>(catalog.size()), kTypes.size());
        for (qsizetype i = 0; i < kTypes.size(); ++i) {
            const WidgetType& type = catalog[static_cast<std::size_t>(i)];
            QCOMPARE(type.id, kTypes[i]);
            QVERIFY(deskboard::sync::isKnownWidgetType(type.id.toStdString()));
            QVERIFY(!type.name.isEmpty());
            QVERIFY(!type.description.isEmpty());
            QCOMPARE(type.iconPath, QStringLiteral(":/icons/widget-%1.svg").arg(type.id));
            QVERIFY(type.createView && type.createSettingsForm && type.newWidget);
            const Widget widget = type.newWidget();
            QCOMPARE(QString::fromStdString(widget.type), type.id);
            QVERIFY(!widget.title.empty());
            QVERIFY(widget.settings.is_object());
            // What newWidget gives survives the document's own reading.
            const auto read = deskboard::sync::widgetFromJson(deskboard::sync::toJson(widget));
            QVERIFY(read.hasValue());
            QCOMPARE(read.value(), widget);
        }
        QVERIFY(findWidgetType(u"weather") == nullptr);
        QCOMPARE(findWidgetType(u"chart")->id, QStringLiteral("chart"));
    }

    void everyViewShowsNamesControlsAndStops_data() {
        QTest::addColumn<QString>("id");
        for (const QString& id : kTypes) {
            QTest::newRow(qPrintable(id)) << id;
        }
    }
    void everyViewShowsNamesControlsAndStops() {
        QFETCH(QString, id);
        FakeLocalOptions local;
        Tile tile = makeTile(showcase(id), &local);
        WidgetView* view = tile.view.get();
        QVERIFY(!view->isLive());
        QCOMPARE(activeTimers(view), QStringList());
        view->setLive(true);
        QVERIFY(view->isLive());
        QCoreApplication::processEvents();
        QCOMPARE(tile.changes->size(), 0);  // showing proposes nothing
        QCOMPARE(unnamedControls(view), QStringList());
        QVERIFY(view->minimumSizeHint().width() <= 300 && view->minimumSizeHint().height() <= 200);
        QVERIFY(view->minimumWidth() <= 300 && view->minimumHeight() <= 200);

        const QImage shot = view->grab().toImage();
        std::set<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 2) {
            for (int x = 0; x < shot.width(); x += 2) {
                colours.insert(shot.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 4, "the view looks blank");
        const QString path = QStringLiteral(DESKBOARD_SCREENSHOT_DIR "/widget-%1.png").arg(id);
        QVERIFY(shot.save(path));

        view->setLive(false);
        QCOMPARE(activeTimers(view), QStringList());

        // The settings form: named controls, and load -> apply gives the widget back.
        std::unique_ptr<WidgetSettingsForm> form(typeOf(id).createSettingsForm(nullptr));
        form->setLocalOptions(local.options());
        const Widget widget = showcase(id);
        form->load(widget);
        form->resize(360, 260);
        form->show();
        QVERIFY(QTest::qWaitForWindowExposed(form.get()));
        QCOMPARE(unnamedControls(form.get()), QStringList());
        QCOMPARE(form->problem(), QString());
        QCOMPARE(form->apply(widget), widget);
        QVERIFY(form->grab().save(
            QStringLiteral(DESKBOARD_SCREENSHOT_DIR "/widget-%1-settings.png").arg(id)));
        // The same for the plain default widget.
        const Widget fresh = typeOf(id).newWidget();
        form->load(fresh);
        QCOMPARE(form->apply(fresh), fresh);
    }

    void noteSavesAsYouTypeAndKeepsTheCursor() {
        Tile tile = makeTile(widgetOf("note", "Hello"));
        auto* editor = visibleChild<QPlainTextEdit>(tile.view.get());
        QVERIFY(editor != nullptr);
        QCOMPARE(editor->toPlainText(), QStringLiteral("Hello"));
        editor->setFocus();
        editor->moveCursor(QTextCursor::End);
        QTest::keyClicks(editor, QStringLiteral(" you"));
        QCOMPARE(tile.changes->size(), 4);
        QCOMPARE(tile.lastContent(), std::string("Hello you"));
        QCOMPARE(tile.changes->last().at(2).toString(), QStringLiteral("typing"));
        QVERIFY(!tile.changes->last().at(1).toString().isEmpty());

        // The window answers with the same text: nothing moves, nothing is proposed.
        QTextCursor cursor = editor->textCursor();
        cursor.setPosition(3);
        editor->setTextCursor(cursor);
        tile.accept();
        QCOMPARE(editor->textCursor().position(), 3);
        QCOMPARE(tile.changes->size(), 4);

        // A change from elsewhere (sync, ctl) is shown and not proposed back.
        tile.view->setWidget(widgetOf("note", "From the other laptop"));
        QCOMPARE(editor->toPlainText(), QStringLiteral("From the other laptop"));
        QCOMPARE(tile.changes->size(), 4);

        // Monospace is a setting.
        tile.view->setWidget(widgetOf("note", "x", {{"monospace", true}}));
        QCOMPARE(editor->font(), QFontDatabase::systemFont(QFontDatabase::FixedFont));
        tile.view->setWidget(widgetOf("note", "x", {{"monospace", false}}));
        QVERIFY(editor->font() != QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }

    void todoAddCheckReorderRemove() {
        Tile tile = makeTile(widgetOf("todo", "- [ ] Milk\n- [x] Eggs"));
        auto* list = visibleChild<QListWidget>(tile.view.get());
        auto* input = visibleChild<QLineEdit>(tile.view.get(), QStringLiteral("New item"));
        QVERIFY(list != nullptr && input != nullptr);
        QCOMPARE(list->count(), 2);
        QCOMPARE(list->item(1)->checkState(), Qt::Checked);

        // Add: type and press Enter.
        input->setFocus();
        QTest::keyClicks(input, QStringLiteral("Bread"));
        QTest::keyClick(input, Qt::Key_Return);
        QCOMPARE(tile.changes->size(), 1);
        QCOMPARE(tile.lastContent(), std::string("- [ ] Milk\n- [x] Eggs\n- [ ] Bread"));
        QVERIFY(input->text().isEmpty());
        tile.accept();
        QTRY_COMPARE(list->count(), 3);

        // Check: Space on the current item.
        list->setFocus();
        list->setCurrentRow(0);
        QTest::keyClick(list, Qt::Key_Space);
        QCOMPARE(tile.changes->size(), 2);
        QCOMPARE(tile.lastContent(), std::string("- [x] Milk\n- [x] Eggs\n- [ ] Bread"));
        tile.accept();

        // Uncheck with the mouse on the check box.
        QTRY_COMPARE(list->item(1)->checkState(), Qt::Checked);
        const QRect row = list->visualItemRect(list->item(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          QPoint(row.left() + row.height() / 2 + 2, row.center().y()));
        QCOMPARE(tile.changes->size(), 3);
        QCOMPARE(tile.lastContent(), std::string("- [x] Milk\n- [ ] Eggs\n- [ ] Bread"));
        tile.accept();

        // Reorder: Alt+Down moves the current item, which stays current.
        QTRY_COMPARE(list->count(), 3);
        list->setCurrentRow(0);
        QTest::keyClick(list, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(tile.changes->size(), 4);
        QCOMPARE(tile.lastContent(), std::string("- [ ] Eggs\n- [x] Milk\n- [ ] Bread"));
        tile.accept();
        QTRY_COMPARE(list->currentRow(), 1);
        QTest::keyClick(list, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(tile.lastContent(), std::string("- [x] Milk\n- [ ] Eggs\n- [ ] Bread"));
        tile.accept();
        QTRY_COMPARE(list->currentRow(), 0);
        QTest::keyClick(list, Qt::Key_Up, Qt::AltModifier);  // already first: nothing
        QCOMPARE(tile.changes->size(), 5);

        // Remove: Delete.
        list->setCurrentRow(2);
        QTest::keyClick(list, Qt::Key_Delete);
        QCOMPARE(tile.changes->size(), 6);
        QCOMPARE(tile.lastContent(), std::string("- [x] Milk\n- [ ] Eggs"));
        tile.accept();
        QTRY_COMPARE(list->count(), 2);

        // hideDone leaves checked items out; reordering then skips over them.
        tile.view->setWidget(widgetOf("todo", tile.lastContent(), {{"hideDone", true}}));
        QTRY_COMPARE(list->count(), 1);
        QCOMPARE(list->item(0)->text(), QStringLiteral("Eggs"));

        // Empty: words, not a blank.
        tile.view->setWidget(widgetOf("todo", ""));
        QVERIFY(shownText(tile.view.get()).contains(QStringLiteral("No items yet")));
    }

    void unparseableContentIsShownVerbatimAndKept_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("content");
        QTest::newRow("todo") << QStringLiteral("todo")
                              << QStringLiteral("Milk\n- [ ] Eggs\r\n  * bread");
        QTest::newRow("bookmarks")
            << QStringLiteral("bookmarks") << QStringLiteral("https://example.org\nno bar here");
        QTest::newRow("chart") << QStringLiteral("chart")
                               << QStringLiteral("month,value\nJan,3\nFeb,four");
    }
    void unparseableContentIsShownVerbatimAndKept() {
        QFETCH(QString, id);
        QFETCH(QString, content);
        Widget widget = typeOf(id).newWidget();
        widget.content = content.toStdString();
        Tile tile = makeTile(widget);
        tile.view->setLive(true);
        auto* text = visibleChild<QPlainTextEdit>(tile.view.get());
        QVERIFY(text != nullptr);
        QVERIFY(text->isReadOnly());
        QCOMPARE(text->toPlainText(),
                 QString(content).replace(QStringLiteral("\r\n"), QStringLiteral("\n")));
        QVERIFY(shownText(tile.view.get()).contains(QStringLiteral("shown as")));
        // Typing into it or pressing Delete changes nothing; the add controls are off.
        text->setFocus();
        QTest::keyClicks(text, QStringLiteral("zz"));
        QTest::keyClick(text, Qt::Key_Delete);
        for (QLineEdit* edit : tile.view->findChildren<QLineEdit*>()) {
            QVERIFY(!edit->isVisibleTo(tile.view.get()) || !edit->isEnabled());
        }
        QCOMPARE(tile.changes->size(), 0);
        tile.view->setLive(false);

        // The settings form hands it back byte for byte unless the person edits it.
        std::unique_ptr<WidgetSettingsForm> form(typeOf(id).createSettingsForm(nullptr));
        form->load(widget);
        QCOMPARE(form->apply(widget).content, widget.content);
        QCOMPARE(form->problem(), QString());
    }

    void bookmarksAddOpenRemove() {
        Tile tile = makeTile(widgetOf("bookmarks", ""));
        WidgetView* view = tile.view.get();
        QVERIFY(shownText(view).contains(QStringLiteral("No bookmarks yet")));
        auto* title = visibleChild<QLineEdit>(view, QStringLiteral("New bookmark title"));
        auto* url = visibleChild<QLineEdit>(view, QStringLiteral("New bookmark URL"));
        QVERIFY(title != nullptr && url != nullptr);
        QTest::keyClicks(title, QStringLiteral("Qt docs"));
        QTest::keyClicks(url, QStringLiteral("https://doc.qt.io/qt-6/"));
        QTest::keyClick(url, Qt::Key_Return);
        QCOMPARE(tile.changes->size(), 1);
        QCOMPARE(tile.lastContent(), std::string("Qt docs | https://doc.qt.io/qt-6/"));
        tile.accept();
        // No title: the host names it; no scheme: http is assumed.
        QTest::keyClicks(url, QStringLiteral("example.org"));
        QTest::mouseClick(visibleChild<QPushButton>(view, QStringLiteral("Add bookmark")),
                          Qt::LeftButton);
        QCOMPARE(
            tile.lastContent(),
            std::string("Qt docs | https://doc.qt.io/qt-6/\nexample.org | http://example.org"));
        tile.accept();

        // Opening goes to QDesktopServices, only for the allowed schemes.
        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &catcher, "open");
        QDesktopServices::setUrlHandler(QStringLiteral("ftp"), &catcher, "open");
        auto* list = visibleChild<QListWidget>(view);
        QCOMPARE(list->count(), 2);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          list->visualItemRect(list->item(0)).center());
        QCOMPARE(catcher.opened, QList<QUrl>{QUrl(QStringLiteral("https://doc.qt.io/qt-6/"))});
        list->setFocus();
        list->setCurrentRow(0);
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(catcher.opened.size(), 2);

        tile.view->setWidget(widgetOf("bookmarks", "Old files | ftp://files.example.org/x"));
        QCOMPARE(list->count(), 1);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          list->visualItemRect(list->item(0)).center());
        QCOMPARE(catcher.opened.size(), 2);
        QVERIFY(tile.lastProblem().contains(QStringLiteral("ftp://files.example.org/x")));
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
        QDesktopServices::unsetUrlHandler(QStringLiteral("ftp"));

        // Remove with Delete.
        const qsizetype before = tile.changes->size();
        list->setCurrentRow(0);
        QTest::keyClick(list, Qt::Key_Delete);
        QCOMPARE(tile.changes->size(), before + 1);
        QCOMPARE(tile.lastContent(), std::string());

        // The form edits the lines; a line out of format is a problem, not a silent change.
        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("bookmarks")).createSettingsForm(nullptr));
        const Widget widget = widgetOf("bookmarks", "A | https://a.example");
        form->load(widget);
        auto* text = form->findChild<QPlainTextEdit*>();
        text->setPlainText(QStringLiteral("A | https://a.example\nB | https://b.example"));
        QCOMPARE(form->problem(), QString());
        QCOMPARE(form->apply(widget).content,
                 std::string("A | https://a.example\nB | https://b.example"));
        text->setPlainText(QStringLiteral("just words"));
        QVERIFY(!form->problem().isEmpty());
    }

    void clockZonesSecondsAndTimer() {
        Tile tile = makeTile(widgetOf("clock", "", {{"zones", "Asia/Tokyo, Europe/Paris"}}));
        WidgetView* view = tile.view.get();
        QVERIFY(shownText(view).contains(QStringLiteral("Tokyo")));
        QVERIFY(shownText(view).contains(QStringLiteral("Paris")));
        QCOMPARE(activeTimers(view), QStringList());
        view->setLive(true);
        auto* timer = view->findChild<QTimer*>();
        QVERIFY(timer->isActive());
        QVERIFY(timer->remainingTime() <= 60005);
        view->setWidget(widgetOf("clock", "", {{"zones", {"local"}}, {"seconds", true}}));
        QVERIFY(timer->isActive());
        QVERIFY(timer->remainingTime() <= 1005);
        QVERIFY(shownText(view).contains(QStringLiteral("Local time")));
        // The timer really ticks.
        QSignalSpy ticks(timer, &QTimer::timeout);
        QVERIFY(ticks.wait(3000));
        QVERIFY(timer->isActive());
        view->setLive(false);
        QVERIFY(!timer->isActive());
        view->setWidget(widgetOf("clock", "", {{"zones", {"Mars/Olympus"}}}));
        QVERIFY(shownText(view).contains(QStringLiteral("Unknown time zone")));

        // The form adds and removes zones.
        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("clock")).createSettingsForm(nullptr));
        const Widget widget = typeOf(QStringLiteral("clock")).newWidget();
        form->load(widget);
        auto* picker = form->findChild<QComboBox*>();
        auto* zones = form->findChild<QListWidget*>();
        QVERIFY(picker->findText(QStringLiteral("Europe/Berlin")) >= 0);
        picker->setCurrentText(QStringLiteral("Europe/Berlin"));
        QTest::keyClick(picker, Qt::Key_Return);
        picker->setCurrentText(QStringLiteral("Nowhere/Atlantis"));
        QTest::keyClick(picker, Qt::Key_Return);
        QCOMPARE(zones->count(), 2);
        zones->setCurrentRow(0);
        const auto buttons = form->findChildren<QPushButton*>();
        for (QPushButton* button : buttons) {
            if (button->accessibleName() == u"Remove time zone") {
                QTest::mouseClick(button, Qt::LeftButton);
            }
        }
        form->findChild<QCheckBox*>()->setChecked(true);
        const Widget applied = form->apply(widget);
        QVERIFY(applied.settings["zones"] == nlohmann::json::array({"Europe/Berlin"}));
        QVERIFY(applied.settings["seconds"] == true);
        zones->clear();
        QVERIFY(!form->problem().isEmpty());
    }

    void countdownWordsAndTimer() {
        const QDateTime target =
            QDateTime::currentDateTimeUtc().addDays(3).addSecs(4 * 3600 + 12 * 60 + 30);
        Tile tile = makeTile(widgetOf(
            "countdown", "",
            {{"target", target.toString(Qt::ISODate).toStdString()}, {"label", "Launch"}}));
        WidgetView* view = tile.view.get();
        QVERIFY2(shownText(view).contains(QStringLiteral("3 days 4 h 12 min")),
                 qPrintable(shownText(view)));
        QVERIFY(shownText(view).contains(QStringLiteral("until Launch")));
        QCOMPARE(activeTimers(view), QStringList());
        view->setLive(true);
        QVERIFY(view->findChild<QTimer*>()->isActive());
        QVERIFY(view->findChild<QTimer*>()->remainingTime() <= 60005);

        // In the last hour, seconds count and the timer ticks each second.
        const QDateTime soon = QDateTime::currentDateTime().addSecs(25 * 60 + 10);
        view->setWidget(widgetOf(
            "countdown", "",
            {{"target",
              soon.toOffsetFromUtc(soon.offsetFromUtc()).toString(Qt::ISODate).toStdString()}}));
        QVERIFY2(shownText(view).contains(QStringLiteral("25 min")), qPrintable(shownText(view)));
        QVERIFY(view->findChild<QTimer*>()->remainingTime() <= 1005);

        const QDateTime past = QDateTime::currentDateTimeUtc().addSecs(-(2 * 3600 + 5 * 60 + 3));
        view->setWidget(widgetOf(
            "countdown", "",
            {{"target", past.toString(Qt::ISODate).toStdString()}, {"label", "the release"}}));
        QVERIFY(shownText(view).contains(QStringLiteral("2 h 5 min")));
        QVERIFY(shownText(view).contains(QStringLiteral("since the release")));
        view->setLive(false);
        QCOMPARE(activeTimers(view), QStringList());

        view->setWidget(widgetOf("countdown", "", {{"target", "next tuesday"}}));
        QCOMPARE(tile.lastProblem(), QStringLiteral("Not a date and time: next tuesday"));
        QVERIFY(shownText(view).contains(QStringLiteral("Set a date in Settings")));

        // The form writes a moment that reads back as the same instant.
        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("countdown")).createSettingsForm(nullptr));
        const Widget widget = typeOf(QStringLiteral("countdown")).newWidget();
        form->load(widget);
        auto* edit = form->findChild<QDateTimeEdit*>();
        const QDateTime chosen(QDate(2031, 5, 17), QTime(9, 30));
        edit->setDateTime(chosen);
        const Widget applied = form->apply(widget);
        const QDateTime written = QDateTime::fromString(
            QString::fromStdString(applied.settings["target"].get<std::string>()), Qt::ISODate);
        QVERIFY(written.isValid());
        QCOMPARE(written.toMSecsSinceEpoch(), chosen.toMSecsSinceEpoch());
    }

    void sysmonDiskIsMachineLocal() {
        FakeLocalOptions local;
        local.values[QStringLiteral("disk")] = QStringLiteral("/no/such/disk");
        Tile tile = makeTile(typeOf(QStringLiteral("sysmon")).newWidget(), &local);
        QVERIFY(tile.lastProblem().contains(QStringLiteral("/no/such/disk")));
        tile.view->setLive(true);
        QVERIFY(tile.view->findChild<QTimer*>()->isActive());
        tile.view->setLive(false);
        QCOMPARE(activeTimers(tile.view.get()), QStringList());

        // The form offers the mounted disks and writes the choice to the local options only.
        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("sysmon")).createSettingsForm(nullptr));
        form->setLocalOptions(local.options());
        const Widget widget = typeOf(QStringLiteral("sysmon")).newWidget();
        form->load(widget);
        auto* disks = form->findChild<QComboBox*>();
        const int root = disks->findData(QDir::rootPath());
        QVERIFY(root >= 0);
        QCOMPARE(disks->currentData().toString(), QStringLiteral("/no/such/disk"));
        disks->setCurrentIndex(root);
        QCOMPARE(form->apply(widget), widget);
        QCOMPARE(local.values.value(QStringLiteral("disk")).toString(), QDir::rootPath());
        tile.view->setWidget(widget);
        QCOMPARE(tile.lastProblem(), QString());
    }

    void sysmonParsesProc() {
        const QByteArray stat =
            "cpu  4705 356 584 3699 23 0 12 0 0 0\n"
            "cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0\n"
            "intr 114930548 113199788 3 0 5 263 0 4 [...]\n";
        const auto times = SystemSampler::parseStat(stat);
        QVERIFY(times.has_value());
        QCOMPARE(times->total, quint64(4705 + 356 + 584 + 3699 + 23 + 0 + 12 + 0));
        QCOMPARE(times->idle, quint64(3699 + 23));
        QVERIFY(!SystemSampler::parseStat("cpu0 1 2 3 4\n").has_value());
        QVERIFY(!SystemSampler::parseStat("cpu  1 x 3 4 5\n").has_value());

        const QByteArray meminfo =
            "MemTotal:       16314252 kB\nMemFree:         1024000 kB\n"
            "MemAvailable:    8157126 kB\nBuffers:          123 kB\n";
        const auto memory = SystemSampler::parseMeminfo(meminfo);
        QVERIFY(memory.has_value());
        QCOMPARE(memory->totalBytes, quint64(16314252) * 1024);
        QCOMPARE(memory->usedBytes, quint64(16314252 - 8157126) * 1024);
        QVERIFY(!SystemSampler::parseMeminfo("MemTotal: 100 kB\n").has_value());

        const SystemSampler::CpuTimes before{1000, 800};
        QCOMPARE(SystemSampler::cpuPercent(before, {1200, 850}), std::optional<double>(75.0));
        QCOMPARE(SystemSampler::cpuPercent(before, {1000, 800}), std::nullopt);

        // From files, the first sample has no CPU share, the second has the delta's.
        QTemporaryDir proc;
        auto write = [&](const char* name, const QByteArray& text) {
            QFile file(proc.filePath(QString::fromLatin1(name)));
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(text);
        };
        write("stat", "cpu  100 0 100 800 0 0 0 0 0 0\n");
        write("meminfo", meminfo);
        SystemSampler sampler(proc.path());
        const auto first = sampler.sample();
        QVERIFY(!first.cpuPercent.has_value());
        QVERIFY(first.memory.has_value());
        write("stat", "cpu  150 0 150 900 0 0 0 0 0 0\n");
        QCOMPARE(sampler.sample().cpuPercent, std::optional<double>(50.0));
        // This machine's real /proc reads too (the suite runs on Linux).
        SystemSampler real;
        real.sample();
        QVERIFY(real.sample().memory.has_value());
    }

    void chartFromContentAndWatchedFile() {
        Tile tile = makeTile(widgetOf("chart", "a,1\nb,3\nc,2"));
        WidgetView* view = tile.view.get();
        auto* pages = view->findChild<QStackedWidget*>();
        QWidget* canvas = pages->currentWidget();
        QVERIFY(qobject_cast<QLabel*>(canvas) == nullptr);
        QVERIFY(qobject_cast<QPlainTextEdit*>(canvas) == nullptr);
        view->setWidget(widgetOf("chart", ""));
        QVERIFY(shownText(view).contains(QStringLiteral("No values yet")));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("values.csv"));
        view->setLive(true);
        view->setWidget(widgetOf("chart", "", {{"file", path.toStdString()}}));
        QCOMPARE(tile.lastProblem(), QStringLiteral("No file at %1").arg(path));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("x,1\ny,2\n");
        }
        // The folder's watch notices the new file.
        QTRY_COMPARE(tile.lastProblem(), QString());
        QTRY_COMPARE(pages->currentWidget(), canvas);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write("not,a,number\n");
        }
        QTRY_VERIFY(qobject_cast<QPlainTextEdit*>(
                        pages->currentWidget()->findChild<QPlainTextEdit*>()) != nullptr &&
                    pages->currentWidget() != canvas);
        QCOMPARE(visibleChild<QPlainTextEdit>(view)->toPlainText(),
                 QStringLiteral("not,a,number\n"));
        view->setLive(false);
        QCOMPARE(activeTimers(view), QStringList());
        QCOMPARE(tile.changes->size(), 0);

        // The form edits the CSV (the content) and the file.
        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("chart")).createSettingsForm(nullptr));
        const Widget widget = typeOf(QStringLiteral("chart")).newWidget();
        form->load(widget);
        auto* text = form->findChild<QPlainTextEdit*>();
        text->setPlainText(QStringLiteral("q1,10\nq2,12"));
        Widget applied = form->apply(widget);
        QCOMPARE(applied.content, std::string("q1,10\nq2,12"));
        QVERIFY(!applied.settings.contains("file"));
        form->findChild<QLineEdit*>()->setText(path);
        applied = form->apply(widget);
        QVERIFY(applied.settings["file"] == path.toStdString());
        text->setPlainText(QStringLiteral("q1,ten"));
        QVERIFY(!form->problem().isEmpty());
    }

    void httpWaitsForAUrl() {
        Tile tile = makeTile(typeOf(QStringLiteral("http")).newWidget());
        tile.view->setLive(true);
        QVERIFY(shownText(tile.view.get()).contains(QStringLiteral("Set a URL in Settings")));
        QCOMPARE(activeTimers(tile.view.get()), QStringList());
        tile.view->setLive(false);

        std::unique_ptr<WidgetSettingsForm> form(
            typeOf(QStringLiteral("http")).createSettingsForm(nullptr));
        const Widget widget = typeOf(QStringLiteral("http")).newWidget();
        form->load(widget);
        auto* url = form->findChild<QLineEdit*>();
        url->setText(QStringLiteral("ftp://example.org/x"));
        QVERIFY(!form->problem().isEmpty());
        url->setText(QStringLiteral("https://example.org/x"));
        QCOMPARE(form->problem(), QString());
        form->findChild<QSpinBox*>()->setValue(1);  // clamped to the minimum
        const Widget applied = form->apply(widget);
        QVERIFY(applied.settings["url"] == "https://example.org/x");
        QVERIFY(applied.settings["intervalSeconds"] == 5);
    }

    void httpShowsValueTrendAndFailures() {
        // A responder on 127.0.0.1 answering the queued bodies in turn, then 404.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QByteArray> bodies{R"({"data": {"price": 10}})", R"({"data": {"price": 12.5}})",
                                 R"({"data": {"price": 11}})"};
        connect(&server, &QTcpServer::newConnection, &server, [&] {
            QTcpSocket* socket = server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                if (!socket->readAll().contains("\r\n\r\n")) {
                    return;
                }
                const QByteArray status = bodies.isEmpty() ? "404 Not Found" : "200 OK";
                const QByteArray body = bodies.isEmpty() ? "gone" : bodies.takeFirst();
                socket->write("HTTP/1.1 " + status +
                              "\r\nContent-Length: " + QByteArray::number(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body);
                socket->disconnectFromHost();
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        });
        const QString url = QStringLiteral("http://127.0.0.1:%1/price").arg(server.serverPort());
        Tile tile = makeTile(
            widgetOf("http", "", {{"url", url.toStdString()}, {"pointer", "/data/price"}}));
        WidgetView* view = tile.view.get();
        QVERIFY(!shownLines(view).contains(QStringLiteral("10")));  // not live: nothing fetched
        view->setLive(true);
        QTRY_VERIFY(shownText(view).contains(QStringLiteral("updated")));
        QVERIFY(shownLines(view).contains(QStringLiteral("10")));
        // Each new value comes with its trend; polling again is what the interval does.
        auto poll = [&] {
            view->setLive(false);
            view->setLive(true);
        };
        poll();
        QTRY_VERIFY(shownLines(view).contains(QStringLiteral("12.5")));
        QVERIFY(shownText(view).contains(QStringLiteral("▲")));
        poll();
        QTRY_VERIFY(shownLines(view).contains(QStringLiteral("11")));
        QVERIFY(shownText(view).contains(QStringLiteral("▼")));
        QVERIFY(tile.view->grab().save(
            QStringLiteral(DESKBOARD_SCREENSHOT_DIR "/widget-http-value.png")));
        // A failure is said in words in the tile; the last value stays.
        poll();
        QTRY_COMPARE(tile.lastProblem(), QStringLiteral("HTTP 404 Not Found"));
        QVERIFY(shownLines(view).contains(QStringLiteral("11")));
        view->setLive(false);
        QCOMPARE(activeTimers(view), QStringList());
        QCOMPARE(tile.changes->size(), 0);
    }
};

QTEST_MAIN(WidgetTypesTest)
#include "tst_widget_types.moc"
