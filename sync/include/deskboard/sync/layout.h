// Grid geometry of one dashboard's tiles (12 columns, rows unbounded): where a new tile goes,
// and vertical compaction, which pushes tiles down until no two overlap. Pure functions, used
// by the document edits, the merge and the canvas alike, so every path yields the same layout.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <deskboard/sync/document.h>

namespace deskboard::sync {

using Layout = std::map<std::string, WidgetRect>;

bool overlaps(const WidgetRect& a, const WidgetRect& b);
bool hasOverlaps(const Layout& layout);

// `rect` made valid: w in [1, 12], h >= 1, x in [0, 12 - w], y >= 0.
WidgetRect clampToGrid(WidgetRect rect);

// The first free cell (top to bottom, left to right) where a w x h tile fits.
WidgetRect firstFreeRect(const Layout& layout, int w, int h);

// Places the tiles one after another, each (id, rect: only w and h count) in the first free cell
// left by the layout and the tiles placed before it: what firstFreeRect and an insert would do
// in turn, with the grid's occupancy built once (for many new tiles on a large layout).
void placeInFirstFreeCells(Layout& layout,
                           const std::vector<std::pair<std::string, WidgetRect>>& tiles);

// Resolves overlaps by pushing tiles down: the tile `pinnedId` (when given and present) keeps
// its place; the others, in order of (y, x, id), move down just below what they collide with.
// Deterministic: the same layout gives the same result on every machine.
void pushDownOverlaps(Layout& layout, const std::string& pinnedId = {});

}  // namespace deskboard::sync
