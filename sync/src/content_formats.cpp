// The plain-text content formats. Parsers are strict about each line (content that is not in
// the format is kept verbatim by the caller) but forgive what a text editor adds: blank lines,
// "\r\n" line ends, spaces around fields. Writers produce the canonical form, one item per line
// with no final newline; a line break inside a field is written as a space.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/sync/content_formats.h>

namespace deskboard::sync {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Calls `onLine` for every non-blank line (without its "\r\n" or "\n"); stops and returns
// false as soon as `onLine` does.
template <typename OnLine>
bool forEachLine(std::string_view content, OnLine&& onLine) {
    while (!content.empty()) {
        const auto end = content.find('\n');
        std::string_view line = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view{} : content.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (trim(line).empty()) {
            continue;
        }
        if (!onLine(line)) {
            return false;
        }
    }
    return true;
}

// A field for one line: line breaks become spaces.
std::string oneLine(std::string_view text) {
    std::string result(text);
    for (char& c : result) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return result;
}

void appendLine(std::string& out, std::string_view line) {
    if (!out.empty()) {
        out += '\n';
    }
    out += line;
}

}  // namespace

std::optional<std::vector<TodoItem>> parseTodoList(std::string_view content) {
    std::vector<TodoItem> items;
    const bool ok = forEachLine(content, [&](std::string_view line) {
        line.remove_prefix(std::min(line.size(), line.find_first_not_of(" \t")));
        if (line.size() < 5 || line.substr(0, 3) != "- [" || line[4] != ']') {
            return false;
        }
        const char mark = line[3];
        if (mark != ' ' && mark != 'x' && mark != 'X') {
            return false;
        }
        std::string_view text = line.substr(5);
        if (!text.empty() && text.front() != ' ') {
            return false;
        }
        if (!text.empty()) {
            text.remove_prefix(1);
        }
        items.push_back({mark != ' ', std::string(text)});
        return true;
    });
    if (!ok) {
        return std::nullopt;
    }
    return items;
}

std::string writeTodoList(const std::vector<TodoItem>& items) {
    std::string out;
    for (const auto& item : items) {
        appendLine(out, std::string(item.done ? "- [x] " : "- [ ] ") + oneLine(item.text));
    }
    return out;
}

std::optional<std::vector<Bookmark>> parseBookmarks(std::string_view content) {
    std::vector<Bookmark> bookmarks;
    const bool ok = forEachLine(content, [&](std::string_view line) {
        // The last " | " separates: titles may hold one, URLs never hold spaces.
        const auto bar = line.rfind(" | ");
        if (bar == std::string_view::npos) {
            return false;
        }
        const std::string_view url = trim(line.substr(bar + 3));
        if (url.empty() || url.find_first_of(" \t") != std::string_view::npos) {
            return false;
        }
        bookmarks.push_back({std::string(trim(line.substr(0, bar))), std::string(url)});
        return true;
    });
    if (!ok) {
        return std::nullopt;
    }
    return bookmarks;
}

std::string writeBookmarks(const std::vector<Bookmark>& bookmarks) {
    std::string out;
    for (const auto& bookmark : bookmarks) {
        appendLine(out, oneLine(bookmark.title) + " | " + oneLine(bookmark.url));
    }
    return out;
}

std::optional<std::vector<ChartPoint>> parseChartCsv(std::string_view content) {
    std::vector<ChartPoint> points;
    const bool ok = forEachLine(content, [&](std::string_view line) {
        // The last comma separates: labels may hold commas, numbers never do.
        const auto comma = line.rfind(',');
        const std::string_view label =
            comma == std::string_view::npos ? std::string_view{} : trim(line.substr(0, comma));
        const std::string_view number =
            trim(comma == std::string_view::npos ? line : line.substr(comma + 1));
        double value = 0;
        const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(),
                                                  value, std::chars_format::general);
        if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
            !std::isfinite(value)) {
            return false;
        }
        points.push_back({std::string(label), value});
        return true;
    });
    if (!ok) {
        return std::nullopt;
    }
    return points;
}

std::string writeChartCsv(const std::vector<ChartPoint>& points) {
    std::string out;
    for (const auto& point : points) {
        // Shortest digits that read back as the same double (RFC 8785 / ECMAScript form).
        std::string number = protocol::formatEcmascriptNumber(point.value);
        appendLine(out, point.label.empty() ? number : oneLine(point.label) + "," + number);
    }
    return out;
}

}  // namespace deskboard::sync
