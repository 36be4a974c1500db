// Grid geometry: overlap tests, the first free cell (checked against a brute-force scan) and the
// push-down that the merge and the canvas rely on (pinned tile kept, never an overlap,
// deterministic, a layout without overlaps left alone).
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <QTest>

#include <deskboard/sync/layout.h>

using deskboard::sync::clampToGrid;
using deskboard::sync::firstFreeRect;
using deskboard::sync::hasOverlaps;
using deskboard::sync::kGridColumns;
using deskboard::sync::Layout;
using deskboard::sync::overlaps;
using deskboard::sync::pushDownOverlaps;
using deskboard::sync::WidgetRect;

namespace deskboard::sync {
// Found by QTest through argument-dependent lookup: readable QCOMPARE failures.
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

constexpr std::uint64_t kSeed = 0x5eed1a70;

int below(std::mt19937_64& rng, int n) {
    return static_cast<int>(rng() % static_cast<std::uint64_t>(n));
}

// A random layout, overlaps allowed: `count` tiles in the first rows.
Layout randomLayout(std::mt19937_64& rng, int count) {
    Layout layout;
    for (int i = 0; i < count; ++i) {
        const int w = 1 + below(rng, 6);
        const int h = 1 + below(rng, 4);
        layout["t" + std::to_string(i)] = {below(rng, kGridColumns - w + 1), below(rng, 12), w, h};
    }
    return layout;
}

bool overlapsAny(const Layout& layout, const WidgetRect& rect) {
    for (const auto& [id, other] : layout) {
        if (overlaps(other, rect)) {
            return true;
        }
    }
    return false;
}

// The first free cell by trying every cell in reading order.
WidgetRect bruteForceFirstFree(const Layout& layout, int w, int h) {
    for (int y = 0;; ++y) {
        for (int x = 0; x + w <= kGridColumns; ++x) {
            if (!overlapsAny(layout, {x, y, w, h})) {
                return {x, y, w, h};
            }
        }
    }
}

QString describe(const Layout& layout) {
    QString text;
    for (const auto& [id, r] : layout) {
        text += QStringLiteral("%1=(%2,%3,%4,%5) ")
                    .arg(QString::fromStdString(id))
                    .arg(r.x)
                    .arg(r.y)
                    .arg(r.w)
                    .arg(r.h);
    }
    return text;
}

}  // namespace

class LayoutTest : public QObject {
    Q_OBJECT

  private slots:
    void overlapIsStrict() {
        QVERIFY(overlaps({0, 0, 4, 3}, {3, 2, 4, 3}));
        QVERIFY(!overlaps({0, 0, 4, 3}, {4, 0, 4, 3}));  // side by side
        QVERIFY(!overlaps({0, 0, 4, 3}, {0, 3, 4, 3}));  // one below the other
        QVERIFY(overlaps({0, 0, 12, 1}, {5, 0, 1, 1}));
        QVERIFY(!hasOverlaps({}));
        QVERIFY(!hasOverlaps({{"a", {0, 0, 4, 3}}, {"b", {4, 0, 4, 3}}, {"c", {0, 3, 12, 1}}}));
        QVERIFY(hasOverlaps({{"a", {0, 0, 4, 3}}, {"b", {4, 0, 4, 3}}, {"c", {7, 2, 2, 2}}}));
    }

    void clampKeepsTilesOnTheGrid() {
        QCOMPARE(clampToGrid({-1, -5, 0, 0}), (WidgetRect{0, 0, 1, 1}));
        QCOMPARE(clampToGrid({10, 2, 4, 3}), (WidgetRect{8, 2, 4, 3}));
        QCOMPARE(clampToGrid({0, 0, 20, 2}), (WidgetRect{0, 0, 12, 2}));
        QCOMPARE(clampToGrid({3, 4, 5, 6}), (WidgetRect{3, 4, 5, 6}));
    }

    void firstFreeRectReadsTopToBottomLeftToRight() {
        QCOMPARE(firstFreeRect({}, 4, 3), (WidgetRect{0, 0, 4, 3}));
        const Layout row = {{"a", {0, 0, 4, 3}}, {"b", {8, 0, 4, 3}}};
        QCOMPARE(firstFreeRect(row, 4, 3), (WidgetRect{4, 0, 4, 3}));
        QCOMPARE(firstFreeRect(row, 5, 1), (WidgetRect{0, 3, 5, 1}));
        // A short tile leaves room below it in its own columns.
        const Layout shortTile = {{"a", {0, 0, 6, 1}}, {"b", {6, 0, 6, 4}}};
        QCOMPARE(firstFreeRect(shortTile, 6, 2), (WidgetRect{0, 1, 6, 2}));
        // Too wide is clamped to the grid.
        QCOMPARE(firstFreeRect(row, 40, 1), (WidgetRect{0, 3, 12, 1}));
    }

    void firstFreeRectMatchesBruteForceOnRandomLayouts() {
        for (std::uint64_t round = 0; round < 300; ++round) {
            const std::uint64_t seed = kSeed + round;
            std::mt19937_64 rng(seed);
            const Layout layout = randomLayout(rng, below(rng, 25));
            const int w = 1 + below(rng, kGridColumns);
            const int h = 1 + below(rng, 5);
            const WidgetRect found = firstFreeRect(layout, w, h);
            QVERIFY2(found == bruteForceFirstFree(layout, w, h),
                     qPrintable(QStringLiteral("seed %1, %2x%3 in %4")
                                    .arg(seed)
                                    .arg(w)
                                    .arg(h)
                                    .arg(describe(layout))));
        }
    }

    void placeInFirstFreeCellsIsFirstFreeRectInTurn() {
        for (std::uint64_t round = 0; round < 200; ++round) {
            const std::uint64_t seed = kSeed * 5 + round;
            std::mt19937_64 rng(seed);
            const Layout original = randomLayout(rng, below(rng, 30));
            std::vector<std::pair<std::string, WidgetRect>> tiles;
            Layout expected = original;
            for (int i = 0; i < 1 + below(rng, 8); ++i) {
                const std::string id = "new" + std::to_string(i);
                const int w = 1 + below(rng, kGridColumns);
                const int h = 1 + below(rng, 4);
                tiles.emplace_back(id, WidgetRect{0, 0, w, h});
                expected[id] = firstFreeRect(expected, w, h);
            }
            Layout placed = original;
            deskboard::sync::placeInFirstFreeCells(placed, tiles);
            QVERIFY2(placed == expected, qPrintable(QStringLiteral("seed %1").arg(seed)));
        }
    }

    void pushDownLeavesALayoutWithoutOverlapsAlone() {
        Layout layout = {{"a", {0, 0, 4, 3}}, {"b", {4, 1, 4, 3}}, {"c", {0, 4, 12, 2}}};
        const Layout before = layout;
        pushDownOverlaps(layout);
        QCOMPARE(layout, before);
        pushDownOverlaps(layout, "c");
        QCOMPARE(layout, before);
    }

    void pushDownMovesTheLaterTileJustBelow() {
        Layout layout = {{"a", {0, 0, 4, 3}}, {"b", {2, 1, 4, 2}}};
        pushDownOverlaps(layout);
        QCOMPARE(layout.at("a"), (WidgetRect{0, 0, 4, 3}));
        QCOMPARE(layout.at("b"), (WidgetRect{2, 3, 4, 2}));
        // Same cell: the id breaks the tie.
        Layout tie = {{"z", {0, 0, 4, 3}}, {"m", {0, 0, 4, 3}}};
        pushDownOverlaps(tie);
        QCOMPARE(tie.at("m"), (WidgetRect{0, 0, 4, 3}));
        QCOMPARE(tie.at("z"), (WidgetRect{0, 3, 4, 3}));
    }

    void pushDownKeepsThePinnedTile() {
        Layout layout = {{"a", {0, 0, 4, 3}}, {"b", {0, 2, 4, 2}}, {"c", {0, 4, 4, 1}}};
        pushDownOverlaps(layout, "b");
        QCOMPARE(layout.at("b"), (WidgetRect{0, 2, 4, 2}));
        QCOMPARE(layout.at("a"), (WidgetRect{0, 4, 4, 3}));  // below b
        QCOMPARE(layout.at("c"), (WidgetRect{0, 7, 4, 1}));  // cascaded below a
        QVERIFY(!hasOverlaps(layout));
        // An unknown pinned id pins nothing.
        Layout same = {{"a", {0, 0, 4, 3}}, {"b", {0, 2, 4, 2}}};
        pushDownOverlaps(same, "nope");
        QCOMPARE(same.at("b"), (WidgetRect{0, 3, 4, 2}));
    }

    void pushDownNeverLeavesOverlapsAndIsDeterministic() {
        for (std::uint64_t round = 0; round < 400; ++round) {
            const std::uint64_t seed = kSeed * 3 + round;
            std::mt19937_64 rng(seed);
            const Layout original = randomLayout(rng, below(rng, 40));
            const std::string pinned =
                original.empty()
                    ? std::string()
                    : "t" + std::to_string(below(rng, static_cast<int>(original.size())));
            Layout layout = original;
            pushDownOverlaps(layout, pinned);
            const QString context = QStringLiteral("seed %1, pinned %2, layout %3")
                                        .arg(seed)
                                        .arg(QString::fromStdString(pinned), describe(original));
            QVERIFY2(!hasOverlaps(layout), qPrintable(context));
            QCOMPARE(layout.size(), original.size());
            for (const auto& [id, rect] : layout) {
                const WidgetRect before = original.at(id);
                QVERIFY2(rect.x == before.x && rect.w == before.w && rect.h == before.h &&
                             rect.y >= before.y,
                         qPrintable(context));
                if (id == pinned) {
                    QVERIFY2(rect == before, qPrintable(context));
                }
            }
            Layout again = original;
            pushDownOverlaps(again, pinned);
            QVERIFY2(again == layout, qPrintable(context));
            Layout twice = layout;
            pushDownOverlaps(twice, pinned);
            QVERIFY2(twice == layout, qPrintable(context));  // stable
        }
    }

    void pushDownHandlesThousandsOfTiles() {
        // Every tile in one cell: a tall stack, built without comparing every pair each time.
        Layout layout;
        for (int i = 0; i < 3000; ++i) {
            layout["t" + std::to_string(100000 + i)] = {(i % 3) * 4, 0, 4, 2};
        }
        pushDownOverlaps(layout);
        QVERIFY(!hasOverlaps(layout));
        QCOMPARE(layout.at("t100000"), (WidgetRect{0, 0, 4, 2}));
        QCOMPARE(layout.at("t100003"), (WidgetRect{0, 2, 4, 2}));
    }
};

QTEST_APPLESS_MAIN(LayoutTest)
#include "tst_layout.moc"
