// The three-way merge: a table with a row per rule of merge.h and PRODUCT.md section 3, then
// properties over a few hundred random documents (fixed seeds, printed on failure): an edit on
// one side only is taken as it is, swapping sides keeps the same widgets and texts, no tile
// overlaps, the result is deterministic, and merging it again creates nothing new.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <QTest>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/sync/layout.h>
#include <deskboard/sync/merge.h>

#include "qtest_json.h"

using namespace deskboard::sync;
using deskboard::protocol::sha256Hex;
using nlohmann::json;

Q_DECLARE_METATYPE(deskboard::sync::Document)

namespace deskboard::sync {
char* toString(const WidgetRect& r) {
    return qstrdup(QStringLiteral("(x %1, y %2, w %3, h %4)")
                       .arg(r.x)
                       .arg(r.y)
                       .arg(r.w)
                       .arg(r.h)
                       .toUtf8()
                       .constData());
}
}  // namespace deskboard::sync

namespace {

Widget widget(std::string type, std::string title, std::string content,
              json settings = json::object()) {
    return Widget{std::move(type), std::move(title), std::move(settings), std::move(content)};
}

void put(Dashboard& board, const std::string& id, Widget w, WidgetRect rect) {
    board.widgets[id] = std::move(w);
    board.layout[id] = rect;
}

// main "Main": w1 (0,0) w2 (4,0) w3 (8,0), all 4x3; side "Side": w4 (0,0).
Document baseDocument() {
    Document document;
    Dashboard main{"main", "Main", {}, {}};
    put(main, "w1",
        widget("note", "One", "alpha", {{"size", 1}, {"color", "red"}, {"font", "mono"}}),
        {0, 0, 4, 3});
    put(main, "w2", widget("note", "Two", "beta"), {4, 0, 4, 3});
    put(main, "w3", widget("todo", "Three", "- [ ] x"), {8, 0, 4, 3});
    Dashboard side{"side", "Side", {}, {}};
    put(side, "w4", widget("note", "Four", "delta"), {0, 0, 4, 3});
    document.dashboards = {main, side};
    document.preferences = {{"theme", "dark"}, {"zoom", 1}};
    return document;
}

Document edit(const Document& from, const std::function<void(Document&)>& change) {
    Document copy = from;
    change(copy);
    return copy;
}

Widget& w(Document& d, const std::string& id) {
    return d.dashboardOfWidget(id)->widgets.at(id);
}
WidgetRect& rect(Document& d, const std::string& id) {
    return d.dashboardOfWidget(id)->layout.at(id);
}
void remove(Document& d, const std::string& id) {
    Dashboard* board = d.dashboardOfWidget(id);
    board->widgets.erase(id);
    board->layout.erase(id);
}
void removeDashboard(Document& d, const std::string& id) {
    std::erase_if(d.dashboards, [&](const Dashboard& b) { return b.id == id; });
}

std::string copyId(const std::string& id, const std::string& localContent) {
    return id + "-c" + sha256Hex(localContent).substr(0, 8);
}

QString dump(const Document& d) {
    return QString::fromStdString(toJson(d).dump());
}

bool sameDocument(const Document& a, const Document& b, QString& why) {
    if (a == b) {
        return true;
    }
    why = QStringLiteral("\n  actual:   %1\n  expected: %2").arg(dump(a), dump(b));
    return false;
}

// ---- random documents -------------------------------------------------------------------------

class Random {
  public:
    explicit Random(std::uint64_t seed) : rng_(seed) {}
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    std::string id() {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string text = "w";
        for (int i = 0; i < 6; ++i) {
            text += kHex[below(16)];
        }
        return text;
    }
    std::string text() {
        static const char* const kWords[] = {"milk",    "bread",   "call", "the bank",
                                             "ünïcode", "- [ ] a", "1,2",  "x | https://y.test"};
        std::string result;
        const int words = 1 + below(4);
        for (int i = 0; i < words; ++i) {
            result += std::string(i ? " " : "") + kWords[below(8)];
        }
        return result;
    }
    json value() {
        switch (below(4)) {
            case 0:
                return below(100);
            case 1:
                return 0.1 * below(50);
            case 2:
                return below(2) == 1;
            default:
                return text();
        }
    }
    Widget widget() {
        const auto types = widgetTypes();
        Widget result;
        result.type =
            std::string(types[static_cast<std::size_t>(below(static_cast<int>(types.size())))]);
        result.title = "T" + std::to_string(below(1000));
        result.content = chance(20) ? std::string() : text();
        const int keys = below(4);
        for (int i = 0; i < keys; ++i) {
            result.settings["k" + std::to_string(below(6))] = value();
        }
        return result;
    }
    // A new tile somewhere free: the first free cell of a random size.
    void add(Dashboard& board, const std::string& id, Widget widget) {
        const WidgetRect r = firstFreeRect(board.layout, 1 + below(6), 1 + below(4));
        board.widgets[id] = std::move(widget);
        board.layout[id] = r;
    }

  private:
    std::mt19937_64 rng_;
};

Document randomDocument(Random& random) {
    Document document;
    const int boards = 1 + random.below(3);
    for (int b = 0; b < boards; ++b) {
        Dashboard board{"d" + std::to_string(b), "Board " + std::to_string(b), {}, {}};
        const int widgets = random.below(10);
        for (int i = 0; i < widgets; ++i) {
            random.add(board, random.id(), random.widget());
        }
        document.dashboards.push_back(std::move(board));
    }
    document.preferences = {{"theme", "dark"}, {"p" + std::to_string(random.below(5)), 1}};
    return document;
}

std::vector<std::string> widgetIds(const Document& d) {
    std::vector<std::string> ids;
    for (const auto& board : d.dashboards) {
        for (const auto& [id, widget] : board.widgets) {
            ids.push_back(id);
        }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// One person's session of edits: never an overlap (a moved tile pushes the others down),
// new dashboards appended, the others kept in order.
Document randomEdits(const Document& from, Random& random, int& newBoards) {
    Document d = from;
    const int edits = random.below(8);
    for (int e = 0; e < edits; ++e) {
        const auto ids = widgetIds(d);
        const std::string target =
            ids.empty() ? std::string()
                        : ids[static_cast<std::size_t>(random.below(
                              // Half the edits go to the first few widgets, so both sides meet.
                              std::min(static_cast<int>(ids.size()), random.chance(50) ? 2 : 99)))];
        Dashboard* board = target.empty() ? nullptr : d.dashboardOfWidget(target);
        const int operation = random.below(15);  // 12 to 14: more text edits
        switch (operation >= 12 ? 0 : operation) {
            case 0:
            case 1:
                if (board) {
                    board->widgets.at(target).content = random.text();
                }
                break;
            case 2:
                if (board) {
                    board->widgets.at(target).title = "T" + std::to_string(random.below(1000));
                }
                break;
            case 3:
                if (board) {
                    auto& settings = board->widgets.at(target).settings;
                    const std::string key = "k" + std::to_string(random.below(6));
                    if (random.chance(30)) {
                        settings.erase(key);
                    } else {
                        settings[key] = random.value();
                    }
                }
                break;
            case 4:
                if (board) {
                    remove(d, target);
                }
                break;
            case 5:
            case 6:
                if (!d.dashboards.empty()) {
                    Dashboard& into = d.dashboards[static_cast<std::size_t>(
                        random.below(static_cast<int>(d.dashboards.size())))];
                    random.add(into, random.id(), random.widget());
                }
                break;
            case 7:
            case 8:
                if (board) {
                    WidgetRect& r = board->layout.at(target);
                    r = clampToGrid({random.below(12), random.below(8), 1 + random.below(6),
                                     1 + random.below(4)});
                    pushDownOverlaps(board->layout, target);
                }
                break;
            case 9:
                if (board && d.dashboards.size() > 1) {  // to another dashboard
                    Dashboard& into = d.dashboards[static_cast<std::size_t>(
                        random.below(static_cast<int>(d.dashboards.size())))];
                    if (&into != board) {
                        Widget moved = board->widgets.at(target);
                        remove(d, target);
                        random.add(into, target, std::move(moved));
                    }
                }
                break;
            case 10:
                if (random.chance(50) && !d.dashboards.empty()) {
                    d.dashboards[static_cast<std::size_t>(
                                     random.below(static_cast<int>(d.dashboards.size())))]
                        .title = "Renamed " + std::to_string(random.below(9));
                } else {
                    d.preferences["p" + std::to_string(random.below(5))] = random.value();
                }
                break;
            default:
                if (random.chance(50)) {
                    Dashboard fresh{"n" + std::to_string(newBoards++) + random.id(), "New", {}, {}};
                    random.add(fresh, random.id(), random.widget());
                    d.dashboards.push_back(std::move(fresh));
                } else if (d.dashboards.size() > 1) {
                    d.dashboards.erase(d.dashboards.begin() +
                                       random.below(static_cast<int>(d.dashboards.size())));
                }
                break;
        }
    }
    return d;
}

std::vector<std::string> contents(const Document& d) {
    std::vector<std::string> texts;
    for (const auto& board : d.dashboards) {
        for (const auto& [id, widget] : board.widgets) {
            texts.push_back(widget.content);
        }
    }
    std::sort(texts.begin(), texts.end());
    return texts;
}

bool isCopyId(const std::string& id) {
    return id.size() > 10 && id.compare(id.size() - 10, 2, "-c") == 0;
}

// Every widget has a valid rect, every rect a widget, no overlaps.
bool wellFormed(const Document& d, QString& why) {
    for (const auto& board : d.dashboards) {
        if (board.widgets.size() != board.layout.size()) {
            why =
                QStringLiteral("widgets and layout differ in ") + QString::fromStdString(board.id);
            return false;
        }
        for (const auto& [id, r] : board.layout) {
            if (!board.widgets.contains(id) || clampToGrid(r) != r) {
                why = QStringLiteral("bad rect ") + QString::fromStdString(id);
                return false;
            }
        }
        if (hasOverlaps(board.layout)) {
            why = QStringLiteral("overlaps in ") + QString::fromStdString(board.id);
            return false;
        }
    }
    const auto result = documentFromJson(toJson(d));
    if (!result || !(result.value() == d)) {
        why = QStringLiteral("does not read back");
        return false;
    }
    return true;
}

}  // namespace

class MergeTest : public QObject {
    Q_OBJECT

  private slots:
    void rules_data() {
        QTest::addColumn<Document>("local");
        QTest::addColumn<Document>("server");
        QTest::addColumn<Document>("expected");
        const Document b = baseDocument();
        auto row = [](const char* name, const Document& l, const Document& s, const Document& e) {
            QTest::newRow(name) << l << s << e;
        };

        row("nothing changed", b, b, b);
        row("local edit only", edit(b, [](Document& d) { w(d, "w1").content = "local"; }), b,
            edit(b, [](Document& d) { w(d, "w1").content = "local"; }));
        row("server edit only", b, edit(b, [](Document& d) { w(d, "w2").title = "S"; }),
            edit(b, [](Document& d) { w(d, "w2").title = "S"; }));
        row("edits to different widgets both survive",
            edit(b, [](Document& d) { w(d, "w1").content = "L"; }),
            edit(b, [](Document& d) { w(d, "w2").content = "S"; }), edit(b, [](Document& d) {
                w(d, "w1").content = "L";
                w(d, "w2").content = "S";
            }));
        row("edits to different fields of one widget both survive",
            edit(b, [](Document& d) { w(d, "w1").content = "L"; }),
            edit(b, [](Document& d) { w(d, "w1").title = "S title"; }), edit(b, [](Document& d) {
                w(d, "w1").content = "L";
                w(d, "w1").title = "S title";
            }));
        row("same change on both sides is no conflict",
            edit(b, [](Document& d) { w(d, "w1").content = "same"; }),
            edit(b, [](Document& d) { w(d, "w1").content = "same"; }),
            edit(b, [](Document& d) { w(d, "w1").content = "same"; }));
        row("both changed the text: server's stays, local's becomes a conflicted copy",
            edit(b,
                 [](Document& d) {
                     w(d, "w1").content = "local text";
                     w(d, "w1").title = "Local title";
                     w(d, "w1").settings["size"] = 2;
                 }),
            edit(b, [](Document& d) { w(d, "w1").content = "server text"; }),
            edit(b, [](Document& d) {
                w(d, "w1").content = "server text";
                w(d, "w1").title = "Local title";
                w(d, "w1").settings["size"] = 2;
                const std::string copy = copyId("w1", "local text");
                Dashboard& main = *d.dashboard("main");
                main.widgets[copy] = widget("note", "Local title (conflicted copy)", "local text",
                                            {{"size", 2}, {"color", "red"}, {"font", "mono"}});
                main.layout[copy] = {0, 3, 4, 3};  // the first free cell
            }));
        row("title changed on both sides: server's, no copy",
            edit(b, [](Document& d) { w(d, "w1").title = "L"; }),
            edit(b, [](Document& d) { w(d, "w1").title = "S"; }),
            edit(b, [](Document& d) { w(d, "w1").title = "S"; }));
        row("type changed on both sides: server's",
            edit(b, [](Document& d) { w(d, "w1").type = "todo"; }),
            edit(b, [](Document& d) { w(d, "w1").type = "chart"; }),
            edit(b, [](Document& d) { w(d, "w1").type = "chart"; }));
        row("settings merge key by key",
            edit(b,
                 [](Document& d) {
                     auto& s = w(d, "w1").settings;
                     s["size"] = 2;         // local only
                     s.erase("font");       // deleted locally
                     s["color"] = "green";  // conflict
                     s["new"] = true;       // added locally
                 }),
            edit(b,
                 [](Document& d) {
                     auto& s = w(d, "w1").settings;
                     s["color"] = "blue";
                     s["other"] = 0.1;
                 }),
            edit(b, [](Document& d) {
                w(d, "w1").settings = {
                    {"size", 2}, {"color", "blue"}, {"new", true}, {"other", 0.1}};
            }));
        row("settings key deleted on one side, changed on the other: changed",
            edit(b, [](Document& d) { w(d, "w1").settings.erase("size"); }),
            edit(b, [](Document& d) { w(d, "w1").settings["size"] = 5; }),
            edit(b, [](Document& d) { w(d, "w1").settings["size"] = 5; }));
        row("deleted locally, edited on the server: kept",
            edit(b, [](Document& d) { remove(d, "w2"); }),
            edit(b, [](Document& d) { w(d, "w2").content = "S"; }),
            edit(b, [](Document& d) { w(d, "w2").content = "S"; }));
        row("edited locally, deleted on the server: kept",
            edit(b, [](Document& d) { w(d, "w2").settings["x"] = 1; }),
            edit(b, [](Document& d) { remove(d, "w2"); }),
            edit(b, [](Document& d) { w(d, "w2").settings["x"] = 1; }));
        row("deleted locally, only moved on the server: removed",
            edit(b, [](Document& d) { remove(d, "w2"); }),
            edit(b,
                 [](Document& d) {
                     rect(d, "w2") = {4, 6, 4, 3};
                 }),
            edit(b, [](Document& d) { remove(d, "w2"); }));
        row("resized locally, deleted on the server: removed",
            edit(b,
                 [](Document& d) {
                     rect(d, "w2") = {4, 0, 2, 2};
                 }),
            edit(b, [](Document& d) { remove(d, "w2"); }),
            edit(b, [](Document& d) { remove(d, "w2"); }));
        row("deleted on both sides", edit(b, [](Document& d) { remove(d, "w3"); }),
            edit(b, [](Document& d) { remove(d, "w3"); }),
            edit(b, [](Document& d) { remove(d, "w3"); }));
        row("moved locally, edited on the server: both",
            edit(b,
                 [](Document& d) {
                     rect(d, "w1") = {0, 3, 6, 2};
                 }),
            edit(b, [](Document& d) { w(d, "w1").content = "S"; }), edit(b, [](Document& d) {
                rect(d, "w1") = {0, 3, 6, 2};
                w(d, "w1").content = "S";
            }));
        row("moved differently on both sides: server's",
            edit(b,
                 [](Document& d) {
                     rect(d, "w1") = {0, 3, 4, 3};
                 }),
            edit(b,
                 [](Document& d) {
                     rect(d, "w1") = {0, 6, 4, 3};
                 }),
            edit(b, [](Document& d) {
                rect(d, "w1") = {0, 6, 4, 3};
            }));
        row("moves on both sides that collide: pushed down",
            edit(b,
                 [](Document& d) {
                     rect(d, "w1") = {0, 3, 4, 3};
                 }),
            edit(b,
                 [](Document& d) {
                     rect(d, "w2") = {0, 4, 4, 3};
                 }),
            edit(b, [](Document& d) {
                rect(d, "w1") = {0, 3, 4, 3};
                rect(d, "w2") = {0, 6, 4, 3};
            }));
        row("added on both sides in the same cell: both, one pushed down",
            edit(b,
                 [](Document& d) {
                     put(*d.dashboard("main"), "a", widget("note", "A", "a"), {0, 3, 4, 3});
                 }),
            edit(b,
                 [](Document& d) {
                     put(*d.dashboard("main"), "b", widget("clock", "B", ""), {0, 3, 3, 2});
                 }),
            edit(b, [](Document& d) {
                put(*d.dashboard("main"), "a", widget("note", "A", "a"), {0, 3, 4, 3});
                put(*d.dashboard("main"), "b", widget("clock", "B", ""), {0, 6, 3, 2});
            }));
        row("moved to another dashboard locally, edited on the server",
            edit(b,
                 [](Document& d) {
                     const Widget moved = w(d, "w3");
                     remove(d, "w3");
                     put(*d.dashboard("side"), "w3", moved, {4, 0, 4, 3});
                 }),
            edit(b, [](Document& d) { w(d, "w3").content = "- [x] x"; }), edit(b, [](Document& d) {
                Widget moved = w(d, "w3");
                moved.content = "- [x] x";
                remove(d, "w3");
                put(*d.dashboard("side"), "w3", moved, {4, 0, 4, 3});
            }));
        row("dashboards added on both sides: server's order, then local's",
            edit(b,
                 [](Document& d) {
                     d.dashboards.push_back({"local1", "L", {}, {}});
                 }),
            edit(b,
                 [](Document& d) {
                     d.dashboards.insert(d.dashboards.begin(), Dashboard{"server1", "S", {}, {}});
                 }),
            edit(b, [](Document& d) {
                d.dashboards.insert(d.dashboards.begin(), Dashboard{"server1", "S", {}, {}});
                d.dashboards.push_back({"local1", "L", {}, {}});
            }));
        row("dashboards reordered locally only: local's order",
            edit(b, [](Document& d) { std::swap(d.dashboards[0], d.dashboards[1]); }),
            edit(b, [](Document& d) { d.dashboard("main")->title = "Home"; }),
            edit(b, [](Document& d) {
                d.dashboard("main")->title = "Home";
                std::swap(d.dashboards[0], d.dashboards[1]);
            }));
        row("dashboard title: three-way, server wins a conflict",
            edit(b,
                 [](Document& d) {
                     d.dashboard("main")->title = "L";
                     d.dashboard("side")->title = "L side";
                 }),
            edit(b, [](Document& d) { d.dashboard("main")->title = "S"; }),
            edit(b, [](Document& d) {
                d.dashboard("main")->title = "S";
                d.dashboard("side")->title = "L side";
            }));
        row("dashboard deleted locally, a widget in it edited on the server: kept",
            edit(b, [](Document& d) { removeDashboard(d, "side"); }),
            edit(b, [](Document& d) { w(d, "w4").content = "S"; }),
            edit(b, [](Document& d) { w(d, "w4").content = "S"; }));
        row("dashboard deleted on the server, unchanged locally: removed", b,
            edit(b, [](Document& d) { removeDashboard(d, "side"); }),
            edit(b, [](Document& d) { removeDashboard(d, "side"); }));
        row("dashboard deleted on the server, a widget added in it locally: kept with it",
            edit(b,
                 [](Document& d) {
                     put(*d.dashboard("side"), "n", widget("note", "N", "n"), {4, 0, 4, 3});
                 }),
            edit(b, [](Document& d) { removeDashboard(d, "side"); }), edit(b, [](Document& d) {
                Dashboard& side = *d.dashboard("side");
                side.widgets.clear();
                side.layout.clear();
                put(side, "n", widget("note", "N", "n"), {4, 0, 4, 3});  // w4 stays deleted
            }));
        row("preferences key by key, server wins a conflict",
            edit(b,
                 [](Document& d) {
                     d.preferences["zoom"] = 2;
                     d.preferences["theme"] = "light";
                     d.preferences["l"] = true;
                 }),
            edit(b,
                 [](Document& d) {
                     d.preferences["theme"] = "solar";
                     d.preferences.erase("zoom");
                 }),
            edit(b, [](Document& d) {
                // zoom: changed locally, deleted on the server: a true conflict, the server wins.
                d.preferences = {{"theme", "solar"}, {"l", true}};
            }));
    }

    void rules() {
        QFETCH(Document, local);
        QFETCH(Document, server);
        QFETCH(Document, expected);
        const MergeResult result = mergeDocuments(baseDocument(), local, server);
        QString why;
        QVERIFY2(sameDocument(result.document, expected, why), qPrintable(why));
        // Merging the result again against the server creates nothing new.
        const MergeResult again = mergeDocuments(server, result.document, server);
        QVERIFY2(sameDocument(again.document, result.document, why), qPrintable(why));
        QVERIFY(again.conflictedCopies.empty());
    }

    void reportsCopiesAndRemovals() {
        const Document b = baseDocument();
        const Document local = edit(b, [](Document& d) {
            w(d, "w1").content = "mine";
            w(d, "w2").content = "mine too";
        });
        const Document server = edit(b, [](Document& d) {
            w(d, "w1").content = "theirs";
            w(d, "w2").content = "theirs too";
            remove(d, "w3");
            removeDashboard(d, "side");
        });
        const MergeResult result = mergeDocuments(b, local, server);
        QCOMPARE(result.conflictedCopies,
                 (std::vector<std::string>{copyId("w1", "mine"), copyId("w2", "mine too")}));
        QCOMPARE(result.removedFromLocal, (std::vector<std::string>{"w3", "w4"}));
        const Dashboard& main = *result.document.dashboard("main");
        QCOMPARE(main.widgets.at(copyId("w2", "mine too")).title,
                 std::string("Two (conflicted copy)"));
        // In id order, each in the first free cell: w3's old place, then the next row.
        QCOMPARE(main.layout.at(copyId("w1", "mine")), (WidgetRect{8, 0, 4, 3}));
        QCOMPARE(main.layout.at(copyId("w2", "mine too")), (WidgetRect{0, 3, 4, 3}));
        QVERIFY(!hasOverlaps(main.layout));
    }

    void aCopyIsNotMadeTwice() {
        // Machine A merged first and pushed its copy; machine B holds the same local text.
        const Document b = baseDocument();
        const Document local = edit(b, [](Document& d) { w(d, "w1").content = "mine"; });
        const Document server = edit(b, [](Document& d) { w(d, "w1").content = "theirs"; });
        const MergeResult first = mergeDocuments(b, local, server);
        QCOMPARE(first.conflictedCopies.size(), std::size_t(1));
        const MergeResult second = mergeDocuments(b, local, first.document);
        QVERIFY(second.conflictedCopies.empty());
        QString why;
        QVERIFY2(sameDocument(second.document, first.document, why), qPrintable(why));
        // A copy id that holds other text: the next digits of the hash.
        Document taken = server;
        const std::string id = copyId("w1", "mine");
        put(*taken.dashboard("side"), id, widget("note", "Squatter", "other"), {4, 0, 4, 3});
        const MergeResult third = mergeDocuments(b, local, taken);
        QCOMPARE(third.conflictedCopies,
                 (std::vector<std::string>{"w1-c" + sha256Hex("mine").substr(8, 8)}));
    }

    void longIdsKeepCopiesValid() {
        Document b = baseDocument();
        const std::string longId(64, 'a');
        put(*b.dashboard("main"), longId, widget("note", "Long", "x"), {0, 3, 4, 3});
        const Document local = edit(b, [&](Document& d) { w(d, longId).content = "L"; });
        const Document server = edit(b, [&](Document& d) { w(d, longId).content = "S"; });
        const MergeResult result = mergeDocuments(b, local, server);
        QCOMPARE(result.conflictedCopies.size(), std::size_t(1));
        QCOMPARE(result.conflictedCopies[0].size(), std::size_t(64));
        QVERIFY(documentFromJson(toJson(result.document)));
    }

    void properties() {
        constexpr std::uint64_t kSeed = 0xdeb0a2d;
        std::size_t copies = 0;
        std::size_t removed = 0;
        for (std::uint64_t round = 0; round < 400; ++round) {
            const std::uint64_t seed = kSeed + round;
            Random random(seed);
            int newBoards = 0;
            const Document base = randomDocument(random);
            const Document x = randomEdits(base, random, newBoards);
            const Document y = randomEdits(random.chance(10) ? x : base, random, newBoards);
            const QString context = QStringLiteral("seed %1\n  base: %2\n  x: %3\n  y: %4")
                                        .arg(seed)
                                        .arg(dump(base), dump(x), dump(y));
            QString why;
            // An edit on one side only is taken as it is.
            QVERIFY2(sameDocument(mergeDocuments(base, x, base).document, x, why),
                     qPrintable(context + why));
            QVERIFY2(sameDocument(mergeDocuments(base, base, y).document, y, why),
                     qPrintable(context + why));
            QVERIFY2(sameDocument(mergeDocuments(base, x, x).document, x, why),
                     qPrintable(context + why));

            const MergeResult xy = mergeDocuments(base, x, y);
            const MergeResult yx = mergeDocuments(base, y, x);
            QVERIFY2(wellFormed(xy.document, why), qPrintable(context + why));
            QVERIFY2(wellFormed(yx.document, why), qPrintable(context + why));
            // Deterministic, bytes included.
            const MergeResult xyAgain = mergeDocuments(base, x, y);
            QVERIFY2(
                xyAgain.document == xy.document && xyAgain.conflictedCopies == xy.conflictedCopies,
                qPrintable(context));
            // Swapping sides: the same widgets (copies named after the other side's text) and
            // the same texts; nothing typed is lost either way.
            auto original = [](std::vector<std::string> ids) {
                std::erase_if(ids, isCopyId);
                return ids;
            };
            QVERIFY2(original(widgetIds(xy.document)) == original(widgetIds(yx.document)),
                     qPrintable(context));
            QVERIFY2(xy.conflictedCopies.size() == yx.conflictedCopies.size(), qPrintable(context));
            QVERIFY2(contents(xy.document) == contents(yx.document), qPrintable(context));
            for (const auto& copy : xy.conflictedCopies) {
                const std::string originalId = copy.substr(0, copy.size() - 10);
                const Dashboard* board = x.dashboardOfWidget(originalId);
                QVERIFY2(board, qPrintable(context));
                QCOMPARE(copy, copyId(originalId, board->widgets.at(originalId).content));
            }
            // Stable: merging the result again (as one side) creates nothing new.
            const MergeResult again = mergeDocuments(y, xy.document, y);
            QVERIFY2(sameDocument(again.document, xy.document, why), qPrintable(context + why));
            QVERIFY2(again.conflictedCopies.empty(), qPrintable(context));
            const MergeResult settled = mergeDocuments(xy.document, xy.document, xy.document);
            QVERIFY2(settled.document == xy.document, qPrintable(context));
            copies += xy.conflictedCopies.size();
            removed += xy.removedFromLocal.size();
        }
        // The random edits do reach the interesting cases.
        qInfo("%zu conflicted copies, %zu widgets removed from local", copies, removed);
        QVERIFY(copies > 30);
        QVERIFY(removed > 50);
    }
};

QTEST_APPLESS_MAIN(MergeTest)
#include "tst_merge.moc"
