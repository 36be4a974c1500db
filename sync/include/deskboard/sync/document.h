// The dashboard document, as PRODUCT.md section 3 defines it and as it travels to the server:
// {schema, dashboards: [{id, title, widgets: {<id>: {type, title, settings, content}},
// layout: {<id>: {x, y, w, h}}}], preferences}. Plain values with no Qt, so the merge, the
// store and the tests all reason about the same thing; a 12-column grid.
// A widget's `content` is always a string in its type's plain format (content_formats.h);
// `settings` is a JSON object of the type's options, kept as JSON so numbers round-trip exactly.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>

namespace deskboard::sync {

inline constexpr int kGridColumns = 12;
// The document schema this build writes; older ones are migrated when read (documentFromJson).
inline constexpr int kDocumentSchema = 1;

// A tile's place on the grid, in cells: 0 <= x, x + w <= kGridColumns, 0 <= y, w >= 1, h >= 1.
struct WidgetRect {
    int x = 0;
    int y = 0;
    int w = 4;
    int h = 3;

    friend bool operator==(const WidgetRect&, const WidgetRect&) = default;
};

struct Widget {
    std::string type;
    std::string title;
    nlohmann::json settings = nlohmann::json::object();
    std::string content;

    friend bool operator==(const Widget&, const Widget&) = default;
};

struct Dashboard {
    std::string id;
    std::string title;
    std::map<std::string, Widget> widgets;
    // Every widget has a rect; a widget without one gets the first free cell when read.
    std::map<std::string, WidgetRect> layout;

    friend bool operator==(const Dashboard&, const Dashboard&) = default;
};

struct Document {
    int schema = kDocumentSchema;
    std::vector<Dashboard> dashboards;
    nlohmann::json preferences = nlohmann::json::object();

    friend bool operator==(const Document&, const Document&) = default;

    const Dashboard* dashboard(std::string_view id) const;
    Dashboard* dashboard(std::string_view id);
    // The dashboard holding widget `widgetId`, or null.
    const Dashboard* dashboardOfWidget(std::string_view widgetId) const;
    Dashboard* dashboardOfWidget(std::string_view widgetId);
    std::size_t widgetCount() const;
};

// A new person's document: one dashboard, id "main", titled "Dashboard", no widgets.
Document emptyDocument();

// The document as JSON (the state sent to the server).
nlohmann::json toJson(const Document& document);
nlohmann::json toJson(const Widget& widget);
nlohmann::json toJson(const WidgetRect& rect);

// Reads a document, checking its shape (invalid_body naming the path, e.g.
// "dashboards[0].widgets.w1.content must be a string"); migrates older schemas; refuses a
// newer schema than kDocumentSchema. Unknown widget types are kept (a newer client may have
// added them). Layout entries without a widget are dropped; widgets without a rect are placed.
protocol::Expected<Document> documentFromJson(const nlohmann::json& json);
protocol::Expected<Widget> widgetFromJson(const nlohmann::json& json);

// The widget types this client knows: note todo clock sysmon chart bookmarks countdown http.
std::span<const std::string_view> widgetTypes();
bool isKnownWidgetType(std::string_view type);
// The size a new widget of `type` gets.
WidgetRect defaultRect(std::string_view type);

// A fresh random widget id ("w" + 16 hex digits), unique in practice across machines.
std::string newWidgetId();

}  // namespace deskboard::sync
