// The plain-text content formats: what parses, what does not (kept verbatim by the caller),
// and that writing then parsing gives back the same items, chart numbers to the last bit.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <QTest>

#include <deskboard/sync/content_formats.h>

#include "qtest_json.h"

using namespace deskboard::sync;

class ContentFormatsTest : public QObject {
    Q_OBJECT

  private slots:
    void todoListParses() {
        const auto items = parseTodoList("- [ ] milk\n- [x] bread\r\n\n  - [X] eggs and ham  \n");
        QVERIFY(items);
        QCOMPARE(items->size(), std::size_t(3));
        QVERIFY((*items)[0] == (TodoItem{false, "milk"}));
        QVERIFY((*items)[1] == (TodoItem{true, "bread"}));
        QVERIFY((*items)[2] == (TodoItem{true, "eggs and ham  "}));
        QVERIFY(parseTodoList("")->empty());
        QVERIFY(parseTodoList("\n\n")->empty());
        QVERIFY((*parseTodoList("- [ ]")) == (std::vector<TodoItem>{{false, ""}}));
    }

    void notATodoList() {
        QVERIFY(!parseTodoList("milk"));
        QVERIFY(!parseTodoList("- [ ] milk\njust a line"));
        QVERIFY(!parseTodoList("- [y] maybe"));
        QVERIFY(!parseTodoList("- [ ]milk"));
        QVERIFY(!parseTodoList("* [ ] milk"));
    }

    void todoListRoundTrips() {
        const std::vector<TodoItem> items = {
            {false, "milk"}, {true, "bread"}, {false, ""}, {true, "  spaced  "}, {false, "a | b"}};
        const std::string text = writeTodoList(items);
        QCOMPARE(text,
                 std::string("- [ ] milk\n- [x] bread\n- [ ] \n- [x]   spaced  \n- [ ] a | b"));
        QVERIFY(*parseTodoList(text) == items);
        QCOMPARE(writeTodoList(*parseTodoList(text)), text);
        QCOMPARE(writeTodoList({}), std::string());
        // A line break inside an item cannot be written: it becomes a space.
        QCOMPARE(writeTodoList({{false, "two\nlines"}}), std::string("- [ ] two lines"));
    }

    void bookmarksParse() {
        const auto bookmarks = parseBookmarks(
            "Deskboard | https://deskboard.invalid\r\n\nA | B | https://x.test/a?b=c");
        QVERIFY(bookmarks);
        QCOMPARE(bookmarks->size(), std::size_t(2));
        QVERIFY((*bookmarks)[0] == (Bookmark{"Deskboard", "https://deskboard.invalid"}));
        QVERIFY((*bookmarks)[1] == (Bookmark{"A | B", "https://x.test/a?b=c"}));
        QVERIFY(parseBookmarks("")->empty());
        QVERIFY(!parseBookmarks("https://no.title.test"));
        QVERIFY(!parseBookmarks("Title | "));
        QVERIFY(!parseBookmarks("Title | two words"));
        QVERIFY(!parseBookmarks("Title|https://a.test"));
    }

    void bookmarksRoundTrip() {
        const std::vector<Bookmark> bookmarks = {{"News", "https://news.test/"},
                                                 {"Pipe | inside", "http://127.0.0.1:8080/x"},
                                                 {"", "file:///tmp/a"}};
        const std::string text = writeBookmarks(bookmarks);
        QCOMPARE(text, std::string("News | https://news.test/\nPipe | inside | "
                                   "http://127.0.0.1:8080/x\n | file:///tmp/a"));
        QVERIFY(*parseBookmarks(text) == bookmarks);
    }

    void chartCsvParses() {
        const auto points = parseChartCsv("Mon,3\nTue, 4.5 \n7\r\nA, b,-1e3\n\n");
        QVERIFY(points);
        QCOMPARE(points->size(), std::size_t(4));
        QVERIFY((*points)[0] == (ChartPoint{"Mon", 3}));
        QVERIFY((*points)[1] == (ChartPoint{"Tue", 4.5}));
        QVERIFY((*points)[2] == (ChartPoint{"", 7}));
        QVERIFY((*points)[3] == (ChartPoint{"A, b", -1000}));
        QVERIFY(parseChartCsv("")->empty());
    }

    void notAChart() {
        QVERIFY(!parseChartCsv("label,value\n1,2"));  // a header row is not a number
        QVERIFY(!parseChartCsv("Mon,"));
        QVERIFY(!parseChartCsv("Mon,3x"));
        QVERIFY(!parseChartCsv("nan"));
        QVERIFY(!parseChartCsv("inf"));
        QVERIFY(!parseChartCsv("1e400"));
        QVERIFY(!parseChartCsv("0x10"));
        QVERIFY(!parseChartCsv("just words"));
    }

    void chartNumbersRoundTripExactly() {
        const std::vector<double> values = {0.1,
                                            0.1 + 0.2,
                                            1.0 / 3.0,
                                            1e21,
                                            1e-7,
                                            123456789012345680000.0,
                                            9007199254740993.0,
                                            -2.5e-308,
                                            std::numeric_limits<double>::denorm_min(),
                                            std::numeric_limits<double>::max(),
                                            std::numeric_limits<double>::lowest(),
                                            -0.0,
                                            42};
        std::vector<ChartPoint> points;
        for (std::size_t i = 0; i < values.size(); ++i) {
            points.push_back({i % 2 == 0 ? "p" + std::to_string(i) : std::string(), values[i]});
        }
        const std::string text = writeChartCsv(points);
        const auto back = parseChartCsv(text);
        QVERIFY(back);
        QCOMPARE(back->size(), points.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            QCOMPARE((*back)[i].label, points[i].label);
            // -0 is written "0" (ECMAScript); everything else comes back bit for bit.
            const double expected = values[i] == 0 ? 0.0 : values[i];
            QCOMPARE(std::bit_cast<std::uint64_t>((*back)[i].value),
                     std::bit_cast<std::uint64_t>(expected));
        }
        QCOMPARE(writeChartCsv({{"a", 0.1}, {"", 1e21}, {"b", 1e-7}}),
                 std::string("a,0.1\n1e+21\nb,1e-7"));
    }
};

QTEST_APPLESS_MAIN(ContentFormatsTest)
#include "tst_content_formats.moc"
