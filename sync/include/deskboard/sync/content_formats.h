// The plain-text formats of widget content (PRODUCT.md section 3): what a person could type
// in a text editor, so content is compared, merged and scripted the same way for every type.
//   todo:       one item per line, "- [ ] text" or "- [x] text"
//   bookmarks:  one per line, "Title | URL"
//   chart:      CSV, one row per line: "label,value" or "value"
// Parsers return nothing when the text is not in the format: such content is kept verbatim
// and shown as text, never rewritten.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deskboard::sync {

struct TodoItem {
    bool done = false;
    std::string text;
    friend bool operator==(const TodoItem&, const TodoItem&) = default;
};
std::optional<std::vector<TodoItem>> parseTodoList(std::string_view content);
std::string writeTodoList(const std::vector<TodoItem>& items);

struct Bookmark {
    std::string title;
    std::string url;
    friend bool operator==(const Bookmark&, const Bookmark&) = default;
};
std::optional<std::vector<Bookmark>> parseBookmarks(std::string_view content);
std::string writeBookmarks(const std::vector<Bookmark>& bookmarks);

struct ChartPoint {
    std::string label;  // empty when the row had only a value
    double value = 0;
    friend bool operator==(const ChartPoint&, const ChartPoint&) = default;
};
std::optional<std::vector<ChartPoint>> parseChartCsv(std::string_view content);
std::string writeChartCsv(const std::vector<ChartPoint>& points);

}  // namespace deskboard::sync
