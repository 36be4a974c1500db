// The dashboard document: JSON in and out with validation that names the offending path,
// schema migration, widget types and their default sizes, and fresh widget ids.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/sync/content_formats.h>
#include <deskboard/sync/document.h>
#include <deskboard/sync/layout.h>

namespace deskboard::sync {
namespace {

using nlohmann::json;
using protocol::ApiError;
using protocol::ErrorCode;
using protocol::Expected;

// Bounds that keep grid arithmetic far from integer overflow.
constexpr int kMaxRow = 1'000'000;
constexpr int kMaxHeight = 10'000;

constexpr std::array<std::string_view, 8> kWidgetTypes = {
    "note", "todo", "clock", "sysmon", "chart", "bookmarks", "countdown", "http"};

// Thrown inside this file only, turned into an ApiError at the public boundary.
struct InvalidDocument {
    std::string message;
};

[[noreturn]] void fail(std::string message) {
    throw InvalidDocument{std::move(message)};
}

// A key or id for a message: quoted, cut short (at a UTF-8 boundary) when long.
std::string quote(std::string_view text) {
    constexpr std::size_t kMax = 70;
    if (text.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        return "\"" + std::string(text.substr(0, cut)) + "...\"";
    }
    return "\"" + std::string(text) + "\"";
}

// "parent.key" for an identifier key, "parent[\"key\"]" for anything else.
std::string member(const std::string& parent, std::string_view key) {
    if (protocol::isValidIdentifier(key)) {
        return parent.empty() ? std::string(key) : parent + "." + std::string(key);
    }
    return parent + "[" + quote(key) + "]";
}

const char* typeName(const json& value) {
    switch (value.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        case json::value_t::string:
            return "a string";
        case json::value_t::array:
            return "an array";
        case json::value_t::object:
            return "an object";
        default:
            return "not JSON";
    }
}

const json& requireObject(const json& value, const std::string& path) {
    if (!value.is_object()) {
        fail(path + " must be an object, not " + typeName(value));
    }
    return value;
}

std::string requireString(const json& value, const std::string& path) {
    if (!value.is_string()) {
        fail(path + " must be a string, not " + typeName(value));
    }
    return value.get<std::string>();
}

// An integer in [min, max]; a float with an integral value counts (3.0 is 3).
std::optional<long long> integerIn(const json& value, long long min, long long max) {
    long long number = 0;
    if (value.is_number_integer()) {
        if (value.is_number_unsigned()) {
            const auto u = value.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
                return std::nullopt;
            }
            number = static_cast<long long>(u);
        } else {
            number = value.get<long long>();
        }
    } else if (value.is_number_float()) {
        const double d = value.get<double>();
        if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) ||
            std::trunc(d) != d) {
            return std::nullopt;
        }
        number = static_cast<long long>(d);
    } else {
        return std::nullopt;
    }
    if (number < min || number > max) {
        return std::nullopt;
    }
    return number;
}

// A member that may be absent: null when absent.
const json* find(const json& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// Schema 0 (or no `schema`): the format of the first builds. Same shape as schema 1, except
// that a widget's `content` could be any JSON value and `settings` could be null. Content is
// migrated into its type's plain text: to-do items [{text, done}], bookmarks [{title, url}] and
// chart points [number | {label, value}] become their text formats; a string stays as it is;
// null is ""; anything else becomes its canonical JSON text (nothing typed is dropped).
std::optional<std::string> migrateTypedContent(std::string_view type, const json& content) {
    if (!content.is_array()) {
        return std::nullopt;
    }
    if (type == "todo") {
        std::vector<TodoItem> items;
        for (const auto& item : content) {
            const json* text = item.is_object() ? find(item, "text") : nullptr;
            const json* done = item.is_object() ? find(item, "done") : nullptr;
            if (!text || !text->is_string() || (done && !done->is_boolean())) {
                return std::nullopt;
            }
            items.push_back({done && done->get<bool>(), text->get<std::string>()});
        }
        return writeTodoList(items);
    }
    if (type == "bookmarks") {
        std::vector<Bookmark> bookmarks;
        for (const auto& item : content) {
            const json* title = item.is_object() ? find(item, "title") : nullptr;
            const json* url = item.is_object() ? find(item, "url") : nullptr;
            if (!title || !title->is_string() || !url || !url->is_string()) {
                return std::nullopt;
            }
            bookmarks.push_back({title->get<std::string>(), url->get<std::string>()});
        }
        return writeBookmarks(bookmarks);
    }
    if (type == "chart") {
        std::vector<ChartPoint> points;
        for (const auto& item : content) {
            if (item.is_number()) {
                points.push_back({{}, item.get<double>()});
                continue;
            }
            const json* label = item.is_object() ? find(item, "label") : nullptr;
            const json* value = item.is_object() ? find(item, "value") : nullptr;
            if (!label || !label->is_string() || !value || !value->is_number()) {
                return std::nullopt;
            }
            points.push_back({label->get<std::string>(), value->get<double>()});
        }
        return writeChartCsv(points);
    }
    return std::nullopt;
}

std::string migrateContent(std::string_view type, const json& content) {
    if (content.is_string()) {
        return content.get<std::string>();
    }
    if (content.is_null()) {
        return {};
    }
    if (auto text = migrateTypedContent(type, content)) {
        return *std::move(text);
    }
    return protocol::canonicalJson(content);
}

Widget readWidget(const json& value, const std::string& path, int schema) {
    requireObject(value, path);
    Widget widget;
    const json* type = find(value, "type");
    if (!type) {
        fail(path + ".type is missing");
    }
    widget.type = requireString(*type, path + ".type");
    if (widget.type.empty()) {
        fail(path + ".type must not be empty");
    }
    if (const json* title = find(value, "title")) {
        widget.title = requireString(*title, path + ".title");
    }
    if (const json* settings = find(value, "settings");
        settings && !(schema == 0 && settings->is_null())) {
        widget.settings = requireObject(*settings, path + ".settings");
    }
    if (const json* content = find(value, "content")) {
        widget.content = schema == 0 ? migrateContent(widget.type, *content)
                                     : requireString(*content, path + ".content");
    }
    return widget;
}

WidgetRect readRect(const json& value, const std::string& path) {
    requireObject(value, path);
    auto field = [&](const char* name, long long min, long long max) {
        const json* member = find(value, name);
        const std::string fieldPath = path + "." + name;
        if (!member) {
            fail(fieldPath + " is missing");
        }
        const auto number = integerIn(*member, min, max);
        if (!number) {
            fail(fieldPath + " must be an integer from " + std::to_string(min) + " to " +
                 std::to_string(max));
        }
        return static_cast<int>(*number);
    };
    WidgetRect rect;
    rect.w = field("w", 1, kGridColumns);
    rect.h = field("h", 1, kMaxHeight);
    rect.x = field("x", 0, kGridColumns - rect.w);
    rect.y = field("y", 0, kMaxRow);
    return rect;
}

Dashboard readDashboard(const json& value, const std::string& path, int schema,
                        std::set<std::string>& widgetIds) {
    requireObject(value, path);
    Dashboard dashboard;
    const json* id = find(value, "id");
    if (!id) {
        fail(path + ".id is missing");
    }
    dashboard.id = requireString(*id, path + ".id");
    if (!protocol::isValidIdentifier(dashboard.id)) {
        fail(path + ".id " + quote(dashboard.id) +
             " is not a valid id (1 to 64 of A-Z a-z 0-9 _ -)");
    }
    if (const json* title = find(value, "title")) {
        dashboard.title = requireString(*title, path + ".title");
    }
    if (const json* widgets = find(value, "widgets")) {
        const std::string widgetsPath = path + ".widgets";
        for (const auto& [key, widget] : requireObject(*widgets, widgetsPath).items()) {
            if (!protocol::isValidIdentifier(key)) {
                fail(widgetsPath + ": " + quote(key) +
                     " is not a valid widget id (1 to 64 of A-Z a-z 0-9 _ -)");
            }
            if (!widgetIds.insert(key).second) {
                fail(widgetsPath + "." + key + " is a widget id used twice in the document");
            }
            dashboard.widgets.emplace(key, readWidget(widget, widgetsPath + "." + key, schema));
        }
    } else if (schema != 0) {
        fail(path + ".widgets is missing");
    }
    if (const json* layout = find(value, "layout")) {
        const std::string layoutPath = path + ".layout";
        for (const auto& [key, rect] : requireObject(*layout, layoutPath).items()) {
            if (!dashboard.widgets.contains(key)) {
                continue;  // a rect without a widget: dropped
            }
            dashboard.layout.emplace(key, readRect(rect, member(layoutPath, key)));
        }
    }
    // Widgets without a rect get the first free cell of their size, in id order.
    for (const auto& [widgetId, widget] : dashboard.widgets) {
        if (!dashboard.layout.contains(widgetId)) {
            const WidgetRect size = defaultRect(widget.type);
            dashboard.layout.emplace(widgetId, firstFreeRect(dashboard.layout, size.w, size.h));
        }
    }
    return dashboard;
}

Document readDocument(const json& value) {
    requireObject(value, "document");
    Document document;
    int schema = 0;
    if (const json* schemaValue = find(value, "schema")) {
        const auto number = integerIn(*schemaValue, 0, std::numeric_limits<int>::max());
        if (!number) {
            fail("schema must be a whole number from 0 up");
        }
        if (*number > kDocumentSchema) {
            fail("schema " + std::to_string(*number) +
                 " is newer than this version of Deskboard reads (up to " +
                 std::to_string(kDocumentSchema) + "); update Deskboard to open this document");
        }
        schema = static_cast<int>(*number);
    }
    const json* dashboards = find(value, "dashboards");
    if (!dashboards) {
        fail("dashboards is missing");
    }
    if (!dashboards->is_array()) {
        fail(std::string("dashboards must be an array, not ") + typeName(*dashboards));
    }
    std::set<std::string> dashboardIds;
    std::set<std::string> widgetIds;
    for (std::size_t i = 0; i < dashboards->size(); ++i) {
        const std::string path = "dashboards[" + std::to_string(i) + "]";
        Dashboard dashboard = readDashboard((*dashboards)[i], path, schema, widgetIds);
        if (!dashboardIds.insert(dashboard.id).second) {
            fail(path + ".id " + quote(dashboard.id) + " is used by an earlier dashboard");
        }
        document.dashboards.push_back(std::move(dashboard));
    }
    if (const json* preferences = find(value, "preferences")) {
        if (!(schema == 0 && preferences->is_null())) {
            document.preferences = requireObject(*preferences, "preferences");
        }
    }
    document.schema = kDocumentSchema;
    return document;
}

template <typename Function>
auto guarded(Function&& function) -> Expected<decltype(function())> {
    try {
        return function();
    } catch (const InvalidDocument& invalid) {
        return ApiError{ErrorCode::InvalidBody, invalid.message};
    } catch (const std::domain_error& error) {
        // canonicalJson refuses what JSON cannot carry (migration of odd content).
        return ApiError{ErrorCode::InvalidBody, std::string("document: ") + error.what()};
    }
}

}  // namespace

const Dashboard* Document::dashboard(std::string_view id) const {
    for (const auto& board : dashboards) {
        if (board.id == id) {
            return &board;
        }
    }
    return nullptr;
}

Dashboard* Document::dashboard(std::string_view id) {
    return const_cast<Dashboard*>(std::as_const(*this).dashboard(id));
}

const Dashboard* Document::dashboardOfWidget(std::string_view widgetId) const {
    for (const auto& board : dashboards) {
        if (board.widgets.find(std::string(widgetId)) != board.widgets.end()) {
            return &board;
        }
    }
    return nullptr;
}

Dashboard* Document::dashboardOfWidget(std::string_view widgetId) {
    return const_cast<Dashboard*>(std::as_const(*this).dashboardOfWidget(widgetId));
}

std::size_t Document::widgetCount() const {
    std::size_t count = 0;
    for (const auto& board : dashboards) {
        count += board.widgets.size();
    }
    return count;
}

Document emptyDocument() {
    Document document;
    document.dashboards.push_back(Dashboard{"main", "Dashboard", {}, {}});
    return document;
}

nlohmann::json toJson(const Widget& widget) {
    return {{"type", widget.type},
            {"title", widget.title},
            {"settings", widget.settings},
            {"content", widget.content}};
}

nlohmann::json toJson(const WidgetRect& rect) {
    return {{"x", rect.x}, {"y", rect.y}, {"w", rect.w}, {"h", rect.h}};
}

nlohmann::json toJson(const Document& document) {
    json dashboards = json::array();
    for (const auto& board : document.dashboards) {
        json widgets = json::object();
        for (const auto& [id, widget] : board.widgets) {
            widgets[id] = toJson(widget);
        }
        json layout = json::object();
        for (const auto& [id, rect] : board.layout) {
            layout[id] = toJson(rect);
        }
        dashboards.push_back({{"id", board.id},
                              {"title", board.title},
                              {"widgets", std::move(widgets)},
                              {"layout", std::move(layout)}});
    }
    return {
        {"schema", kDocumentSchema},
        {"dashboards", std::move(dashboards)},
        {"preferences", document.preferences.is_object() ? document.preferences : json::object()}};
}

protocol::Expected<Document> documentFromJson(const nlohmann::json& json) {
    return guarded([&] { return readDocument(json); });
}

protocol::Expected<Widget> widgetFromJson(const nlohmann::json& json) {
    return guarded([&] { return readWidget(json, "widget", kDocumentSchema); });
}

std::span<const std::string_view> widgetTypes() {
    return kWidgetTypes;
}

bool isKnownWidgetType(std::string_view type) {
    return std::find(kWidgetTypes.begin(), kWidgetTypes.end(), type) != kWidgetTypes.end();
}

WidgetRect defaultRect(std::string_view type) {
    if (type == "clock" || type == "countdown") {
        return {0, 0, 3, 2};
    }
    if (type == "todo" || type == "bookmarks") {
        return {0, 0, 4, 4};
    }
    if (type == "chart") {
        return {0, 0, 6, 4};
    }
    if (type == "sysmon") {
        return {0, 0, 4, 3};
    }
    return {0, 0, 4, 3};  // note, http and types this build does not know
}

std::string newWidgetId() {
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t bits = engine();
    std::string id(17, 'w');
    for (int i = 16; i >= 1; --i) {
        id[static_cast<std::size_t>(i)] = kHex[bits & 0xF];
        bits >>= 4;
    }
    return id;
}

}  // namespace deskboard::sync
