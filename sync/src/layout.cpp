// Grid geometry: overlap tests, the first free cell and vertical push-down. Both searches keep
// one sorted list of occupied row intervals per column, so a 1 MB document (thousands of
// tiles) is laid out in milliseconds rather than by comparing every pair.
#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include <deskboard/sync/layout.h>

namespace deskboard::sync {
namespace {

using Interval = std::pair<int, int>;  // [first, second) rows

// Each column's held rows as sorted, disjoint intervals (touching or overlapping tiles merged).
// Held blocks are all a search needs: a tile pushed below one block, then below the next,
// lands where it would have landed tile by tile (the lowest free row at or below its own).
class Columns {
  public:
    Columns() = default;
    explicit Columns(const Layout& layout) {
        for (const auto& [id, raw] : layout) {
            const WidgetRect rect = clampToGrid(raw);
            for (int c = rect.x; c < rect.x + rect.w; ++c) {
                columns_[static_cast<std::size_t>(c)].emplace_back(rect.y, rect.y + rect.h);
            }
        }
        for (auto& column : columns_) {
            std::sort(column.begin(), column.end());
            std::vector<Interval> merged;
            for (const auto& interval : column) {
                if (!merged.empty() && interval.first <= merged.back().second) {
                    merged.back().second = std::max(merged.back().second, interval.second);
                } else {
                    merged.push_back(interval);
                }
            }
            column = std::move(merged);
        }
    }

    // True when rows [y, y + h) of column c hold a tile.
    bool occupied(int c, int y, int h) const {
        const auto& column = columns_[static_cast<std::size_t>(c)];
        // The first interval that ends after y (ends are sorted too: the intervals are disjoint).
        const auto it = std::upper_bound(column.begin(), column.end(), y,
                                         [](int row, const Interval& i) { return row < i.second; });
        return it != column.end() && it->first < y + h;
    }

    // The bottom of a held block that `rect` collides with, or nothing when its cells are free.
    std::optional<int> collisionBottom(const WidgetRect& rect) const {
        std::optional<int> bottom;
        for (int c = rect.x; c < rect.x + rect.w; ++c) {
            const auto& column = columns_[static_cast<std::size_t>(c)];
            const auto it =
                std::upper_bound(column.begin(), column.end(), rect.y,
                                 [](int row, const Interval& i) { return row < i.second; });
            if (it != column.end() && it->first < rect.y + rect.h) {
                bottom = std::max(bottom.value_or(it->second), it->second);
            }
        }
        return bottom;
    }

    // Marks rows [y, y + h) of the rect's columns as held, keeping each column merged.
    void add(const WidgetRect& rect) {
        for (int c = rect.x; c < rect.x + rect.w; ++c) {
            auto& column = columns_[static_cast<std::size_t>(c)];
            Interval added{rect.y, rect.y + rect.h};
            // The first interval that ends at or after the new start, up to the last that
            // starts at or before its end: all of them merge with it.
            auto first =
                std::lower_bound(column.begin(), column.end(), added.first,
                                 [](const Interval& i, int row) { return i.second < row; });
            auto last = first;
            while (last != column.end() && last->first <= added.second) {
                added.first = std::min(added.first, last->first);
                added.second = std::max(added.second, last->second);
                ++last;
            }
            const auto at = column.erase(first, last);
            column.insert(at, added);
        }
    }

    // The first free cell for a tile of `size` (already clamped to the grid).
    WidgetRect firstFree(const WidgetRect& size) const {
        for (const int y : candidateRows()) {
            std::array<bool, kGridColumns> blocked{};
            for (int c = 0; c < kGridColumns; ++c) {
                blocked[static_cast<std::size_t>(c)] = occupied(c, y, size.h);
            }
            int run = 0;  // free columns ending at c
            for (int c = 0; c < kGridColumns; ++c) {
                run = blocked[static_cast<std::size_t>(c)] ? 0 : run + 1;
                if (run >= size.w) {
                    return {c - size.w + 1, y, size.w, size.h};
                }
            }
        }
        return {0, 0, size.w, size.h};  // unreachable: below the lowest bottom all is free
    }

    // Row 0 and every tile's bottom: the only rows where a first free cell can start.
    std::vector<int> candidateRows() const {
        std::vector<int> rows{0};
        for (const auto& column : columns_) {
            for (const auto& interval : column) {
                rows.push_back(interval.second);
            }
        }
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        return rows;
    }

  private:
    std::array<std::vector<Interval>, kGridColumns> columns_;
};

}  // namespace

bool overlaps(const WidgetRect& a, const WidgetRect& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool hasOverlaps(const Layout& layout) {
    // Sweep by top row: only tiles that started above and have not ended can meet.
    std::vector<WidgetRect> rects;
    rects.reserve(layout.size());
    for (const auto& [id, rect] : layout) {
        rects.push_back(rect);
    }
    std::sort(rects.begin(), rects.end(),
              [](const WidgetRect& a, const WidgetRect& b) { return a.y < b.y; });
    std::vector<WidgetRect> open;
    for (const auto& rect : rects) {
        std::erase_if(open, [&](const WidgetRect& o) { return o.y + o.h <= rect.y; });
        for (const auto& o : open) {
            if (overlaps(o, rect)) {
                return true;
            }
        }
        open.push_back(rect);
    }
    return false;
}

WidgetRect clampToGrid(WidgetRect rect) {
    rect.w = std::clamp(rect.w, 1, kGridColumns);
    rect.h = std::max(rect.h, 1);
    rect.x = std::clamp(rect.x, 0, kGridColumns - rect.w);
    rect.y = std::max(rect.y, 0);
    return rect;
}

WidgetRect firstFreeRect(const Layout& layout, int w, int h) {
    return Columns(layout).firstFree(clampToGrid({0, 0, w, h}));
}

void placeInFirstFreeCells(Layout& layout,
                           const std::vector<std::pair<std::string, WidgetRect>>& tiles) {
    Columns columns(layout);
    for (const auto& [id, size] : tiles) {
        const WidgetRect rect = columns.firstFree(clampToGrid({0, 0, size.w, size.h}));
        columns.add(rect);
        layout[id] = rect;
    }
}

void pushDownOverlaps(Layout& layout, const std::string& pinnedId) {
    std::vector<std::pair<const std::string*, WidgetRect*>> order;
    order.reserve(layout.size());
    Columns placed;
    const auto pinned = pinnedId.empty() ? layout.end() : layout.find(pinnedId);
    if (pinned != layout.end()) {
        pinned->second = clampToGrid(pinned->second);
        placed.add(pinned->second);
    }
    for (auto it = layout.begin(); it != layout.end(); ++it) {
        if (it != pinned) {
            it->second = clampToGrid(it->second);
            order.emplace_back(&it->first, &it->second);
        }
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return std::tie(a.second->y, a.second->x, *a.first) <
               std::tie(b.second->y, b.second->x, *b.first);
    });
    for (auto& [id, rect] : order) {
        while (const auto bottom = placed.collisionBottom(*rect)) {
            rect->y = *bottom;
        }
        placed.add(*rect);
    }
}

}  // namespace deskboard::sync
