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

// Each column's occupied rows as sorted, disjoint intervals (overlapping tiles merged).
class StaticColumns {
  public:
    explicit StaticColumns(const Layout& layout) {
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

// Occupied rows per column for tiles that never overlap, growing as tiles are placed.
class PlacedColumns {
  public:
    // The lowest bottom among placed tiles that `rect` collides with, or nothing.
    std::optional<int> collisionBottom(const WidgetRect& rect) const {
        std::optional<int> bottom;
        for (int c = rect.x; c < rect.x + rect.w; ++c) {
            const auto& column = columns_[static_cast<std::size_t>(c)];
            auto it = column.upper_bound(rect.y);
            if (it != column.begin()) {
                const auto previous = std::prev(it);
                if (previous->second > rect.y) {
                    it = previous;
                }
            }
            for (; it != column.end() && it->first < rect.y + rect.h; ++it) {
                if (it->second > rect.y) {
                    bottom = std::max(bottom.value_or(it->second), it->second);
                }
            }
        }
        return bottom;
    }

    void add(const WidgetRect& rect) {
        for (int c = rect.x; c < rect.x + rect.w; ++c) {
            columns_[static_cast<std::size_t>(c)].emplace(rect.y, rect.y + rect.h);
        }
    }

  private:
    std::array<std::map<int, int>, kGridColumns> columns_;
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
    const WidgetRect size = clampToGrid({0, 0, w, h});
    const StaticColumns columns(layout);
    for (const int y : columns.candidateRows()) {
        std::array<bool, kGridColumns> blocked{};
        for (int c = 0; c < kGridColumns; ++c) {
            blocked[static_cast<std::size_t>(c)] = columns.occupied(c, y, size.h);
        }
        int run = 0;  // free columns ending at c
        for (int c = 0; c < kGridColumns; ++c) {
            run = blocked[static_cast<std::size_t>(c)] ? 0 : run + 1;
            if (run >= size.w) {
                return {c - size.w + 1, y, size.w, size.h};
            }
        }
    }
    return {0, 0, size.w, size.h};  // unreachable: below the lowest bottom every cell is free
}

void pushDownOverlaps(Layout& layout, const std::string& pinnedId) {
    std::vector<std::pair<const std::string*, WidgetRect*>> order;
    order.reserve(layout.size());
    PlacedColumns placed;
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
