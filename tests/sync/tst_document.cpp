// The document as JSON: round trips, validation that names the path of what is wrong,
// migration from schema 0, a newer schema refused, settings numbers exact (RFC 8785), ids.
#include <set>
#include <string>

#include <QTest>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/protocol/json_parse.h>
#include <deskboard/sync/document.h>
#include <deskboard/sync/layout.h>

#include "qtest_json.h"

using deskboard::protocol::canonicalJson;
using deskboard::protocol::ErrorCode;
using namespace deskboard::sync;
using nlohmann::json;

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

json sampleJson() {
    return json::parse(R"({
      "schema": 1,
      "dashboards": [
        {"id": "main", "title": "Home",
         "widgets": {
           "w1": {"type": "note", "title": "Note", "settings": {"fontSize": 12.5},
                  "content": "Buy milk"},
           "w2": {"type": "todo", "title": "Today", "settings": {},
                  "content": "- [ ] one\n- [x] two"},
           "w3": {"type": "gizmo", "title": "From a newer client", "settings": {"a": [1, {"b": null}]},
                  "content": ""}
         },
         "layout": {"w1": {"x": 0, "y": 0, "w": 4, "h": 3},
                    "w2": {"x": 4, "y": 0, "w": 4, "h": 4},
                    "w3": {"x": 0, "y": 3, "w": 12, "h": 1}}},
        {"id": "work_2", "title": "", "widgets": {}, "layout": {}}
      ],
      "preferences": {"theme": "dark"}
    })");
}

// documentFromJson's error message, or "" when the document was accepted.
std::string errorOf(const json& value) {
    const auto result = documentFromJson(value);
    if (result) {
        return {};
    }
    if (result.error().code != ErrorCode::InvalidBody) {
        return "wrong code: " + result.error().message;
    }
    return result.error().message;
}

}  // namespace

class DocumentTest : public QObject {
    Q_OBJECT

  private slots:
    void emptyDocumentHasOneDashboard() {
        const Document document = emptyDocument();
        QCOMPARE(document.schema, kDocumentSchema);
        QCOMPARE(document.dashboards.size(), std::size_t(1));
        QCOMPARE(document.dashboards[0].id, std::string("main"));
        QCOMPARE(document.dashboards[0].title, std::string("Dashboard"));
        QCOMPARE(document.widgetCount(), std::size_t(0));
        QCOMPARE_JSON(toJson(document),
                      json::parse(R"({"schema":1,"dashboards":[{"id":"main","title":"Dashboard",
                                              "widgets":{},"layout":{}}],"preferences":{}})"));
        QVERIFY(documentFromJson(toJson(document)).value() == document);
    }

    void roundTrips() {
        const json input = sampleJson();
        const auto document = documentFromJson(input);
        QVERIFY2(document, document ? "" : document.error().message.c_str());
        QCOMPARE_JSON(toJson(document.value()), input);
        QVERIFY(documentFromJson(toJson(document.value())).value() == document.value());
        const Document& d = document.value();
        QCOMPARE(d.widgetCount(), std::size_t(3));
        QCOMPARE(d.dashboard("work_2")->title, std::string(""));
        QVERIFY(d.dashboard("nope") == nullptr);
        QCOMPARE(d.dashboardOfWidget("w2")->id, std::string("main"));
        QVERIFY(d.dashboardOfWidget("w9") == nullptr);
        QCOMPARE(d.dashboards[0].widgets.at("w3").type, std::string("gizmo"));  // unknown: kept
        QCOMPARE(d.dashboards[0].layout.at("w2"), (WidgetRect{4, 0, 4, 4}));
        QCOMPARE_JSON(toJson(d.dashboards[0].widgets.at("w1")),
                      input["dashboards"][0]["widgets"]["w1"]);
        QCOMPARE_JSON(toJson(WidgetRect{1, 2, 3, 4}), json::parse(R"({"x":1,"y":2,"w":3,"h":4})"));
    }

    void layoutIsRepaired() {
        json input = sampleJson();
        auto& board = input["dashboards"][0];
        board["layout"].erase("w2");                                          // placed
        board["layout"]["ghost"] = {{"x", 0}, {"y", 0}, {"w", 1}, {"h", 1}};  // dropped
        board["layout"]["not an id!"] = 5;                                    // dropped unread
        const Document document = documentFromJson(input).value();
        const auto& layout = document.dashboards[0].layout;
        QCOMPARE(layout.size(), std::size_t(3));
        QVERIFY(!layout.contains("ghost"));
        // A todo's size in the first free cell: below the full-width w3 (row 3).
        QCOMPARE(layout.at("w2"), (WidgetRect{0, 4, 4, 4}));
        QVERIFY(!hasOverlaps(layout));
        // A whole number written as a float is still an integer.
        board["layout"]["w2"] = {{"x", 4.0}, {"y", 0}, {"w", 4}, {"h", 4.0}};
        QCOMPARE(documentFromJson(input).value().dashboards[0].layout.at("w2"),
                 (WidgetRect{4, 0, 4, 4}));
    }

    void validationNamesThePath_data() {
        QTest::addColumn<QString>("pointer");  // JSON pointer of the member to replace
        QTest::addColumn<QString>("value");    // its new value ("<erase>" removes it)
        QTest::addColumn<QString>("message");  // the error message starts with this
        auto row = [](const char* name, const char* pointer, const char* value,
                      const char* message) {
            QTest::newRow(name) << QString::fromUtf8(pointer) << QString::fromUtf8(value)
                                << QString::fromUtf8(message);
        };
        row("root not object", "", "[]", "document must be an object");
        row("schema string", "/schema", "\"1\"", "schema must be a whole number");
        row("schema negative", "/schema", "-1", "schema must be a whole number");
        row("schema fraction", "/schema", "0.5", "schema must be a whole number");
        row("no dashboards", "/dashboards", "<erase>", "dashboards is missing");
        row("dashboards object", "/dashboards", "{}", "dashboards must be an array");
        row("dashboard not object", "/dashboards/1", "3", "dashboards[1] must be an object");
        row("no id", "/dashboards/0/id", "<erase>", "dashboards[0].id is missing");
        row("id number", "/dashboards/0/id", "7", "dashboards[0].id must be a string");
        row("id invalid", "/dashboards/1/id", "\"a b\"",
            "dashboards[1].id \"a b\" is not a valid id");
        row("id too long", "/dashboards/1/id",
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
            "dashboards[1].id \"aaaa");
        row("id twice", "/dashboards/1/id", "\"main\"",
            "dashboards[1].id \"main\" is used by an earlier dashboard");
        row("title number", "/dashboards/0/title", "1", "dashboards[0].title must be a string");
        row("no widgets", "/dashboards/1/widgets", "<erase>", "dashboards[1].widgets is missing");
        row("widgets array", "/dashboards/0/widgets", "[]",
            "dashboards[0].widgets must be an object");
        row("widget id invalid", "/dashboards/1/widgets/a.b", "{}",
            "dashboards[1].widgets: \"a.b\" is not a valid widget id");
        row("widget id twice", "/dashboards/1/widgets/w1",
            R"({"type":"note","title":"","settings":{},"content":""})",
            "dashboards[1].widgets.w1 is a widget id used twice");
        row("widget not object", "/dashboards/0/widgets/w1", "null",
            "dashboards[0].widgets.w1 must be an object, not null");
        row("no type", "/dashboards/0/widgets/w1/type", "<erase>",
            "dashboards[0].widgets.w1.type is missing");
        row("type empty", "/dashboards/0/widgets/w1/type", "\"\"",
            "dashboards[0].widgets.w1.type must not be empty");
        row("widget title", "/dashboards/0/widgets/w2/title", "false",
            "dashboards[0].widgets.w2.title must be a string, not a boolean");
        row("settings array", "/dashboards/0/widgets/w1/settings", "[]",
            "dashboards[0].widgets.w1.settings must be an object, not an array");
        row("content number", "/dashboards/0/widgets/w1/content", "3",
            "dashboards[0].widgets.w1.content must be a string, not a number");
        row("layout array", "/dashboards/0/layout", "[]", "dashboards[0].layout must be an object");
        row("rect not object", "/dashboards/0/layout/w1", "\"0,0\"",
            "dashboards[0].layout.w1 must be an object");
        row("rect missing x", "/dashboards/0/layout/w1/x", "<erase>",
            "dashboards[0].layout.w1.x is missing");
        row("rect w zero", "/dashboards/0/layout/w1/w", "0",
            "dashboards[0].layout.w1.w must be an integer from 1 to 12");
        row("rect w 13", "/dashboards/0/layout/w1/w", "13",
            "dashboards[0].layout.w1.w must be an integer from 1 to 12");
        row("rect x off grid", "/dashboards/0/layout/w2/x", "9",
            "dashboards[0].layout.w2.x must be an integer from 0 to 8");
        row("rect y negative", "/dashboards/0/layout/w1/y", "-1",
            "dashboards[0].layout.w1.y must be an integer from 0 to");
        row("rect h fraction", "/dashboards/0/layout/w1/h", "2.5",
            "dashboards[0].layout.w1.h must be an integer from 1 to");
        row("rect y string", "/dashboards/0/layout/w1/y", "\"1\"",
            "dashboards[0].layout.w1.y must be an integer");
        row("preferences array", "/preferences", "[]", "preferences must be an object");
    }

    void validationNamesThePath() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, message);
        json input = sampleJson();
        const json::json_pointer where(pointer.toStdString());
        if (value == QStringLiteral("<erase>")) {
            input[where.parent_pointer()].erase(where.back());
        } else {
            input[where] = json::parse(value.toStdString());
        }
        const std::string error = errorOf(input);
        QVERIFY2(error.starts_with(message.toStdString()),
                 qPrintable(QStringLiteral("got: ") + QString::fromStdString(error)));
        // Messages are valid UTF-8 that can travel in an error body.
        QVERIFY(!canonicalJson(json(error)).empty());
    }

    void longBadKeysAreCutInMessages() {
        json input = sampleJson();
        const std::string key = std::string(200, 'k') + " \xC3\xA9";
        input["dashboards"][0]["widgets"][key] = json::object();
        const std::string error = errorOf(input);
        QVERIFY(error.size() < 200);
        QVERIFY(error.find("...") != std::string::npos);
    }

    void newerSchemaIsRefused() {
        json input = sampleJson();
        input["schema"] = kDocumentSchema + 1;
        const std::string error = errorOf(input);
        QVERIFY2(
            error.starts_with("schema 2 is newer than this version of Deskboard reads (up to 1)"),
            error.c_str());
        QVERIFY(error.find("update Deskboard") != std::string::npos);
    }

    void oldSchemaIsMigrated() {
        // Schema 0 (or none): content could be any JSON value, settings null, members missing.
        // The URL is written with JSON "\/" escapes: moc reads "//" in a raw string as a comment.
        const json old = json::parse(R"({
          "dashboards": [{"id": "main", "title": "Home", "widgets": {
            "n": {"type": "note", "title": "Note", "content": "kept as is"},
            "t": {"type": "todo", "title": "Todo", "settings": null,
                  "content": [{"text": "milk", "done": false}, {"text": "bread", "done": true},
                              {"text": "eggs"}]},
            "b": {"type": "bookmarks", "title": "Links",
                  "content": [{"title": "News", "url": "https:\/\/news.test\/"}]},
            "c": {"type": "chart", "title": "Chart",
                  "content": [1, 0.1, {"label": "Tue", "value": 1e21}]},
            "o": {"type": "sysmon", "title": "Odd", "content": {"b": 2, "a": [true, 1.5]}},
            "x": {"type": "todo", "title": "Not items", "content": [1, 2]},
            "z": {"type": "clock", "title": "No content", "content": null},
            "m": {"type": "countdown"}
          }}],
          "preferences": null
        })");
        for (const json& schema : {json(), json(0)}) {
            json input = old;
            if (!schema.is_null()) {
                input["schema"] = schema;
            }
            const auto migrated = documentFromJson(input);
            QVERIFY2(migrated, migrated ? "" : migrated.error().message.c_str());
            const Document& d = migrated.value();
            QCOMPARE(d.schema, kDocumentSchema);
            const auto& widgets = d.dashboards[0].widgets;
            QCOMPARE(widgets.at("n").content, std::string("kept as is"));
            QCOMPARE(widgets.at("t").content, std::string("- [ ] milk\n- [x] bread\n- [ ] eggs"));
            QCOMPARE_JSON(widgets.at("t").settings, json::object());
            QCOMPARE(widgets.at("b").content, std::string("News | https://news.test/"));
            QCOMPARE(widgets.at("c").content, std::string("1\n0.1\nTue,1e+21"));
            QCOMPARE(widgets.at("o").content, std::string(R"({"a":[true,1.5],"b":2})"));
            QCOMPARE(widgets.at("x").content, std::string("[1,2]"));
            QCOMPARE(widgets.at("z").content, std::string());
            QCOMPARE(widgets.at("m").title, std::string());
            QCOMPARE(d.dashboards[0].layout.size(), std::size_t(8));  // all placed
            QVERIFY(!hasOverlaps(d.dashboards[0].layout));
            QCOMPARE_JSON(d.preferences, json::object());
            // Written back in the current schema, it reads again unchanged.
            const json written = toJson(d);
            QCOMPARE(written["schema"].get<int>(), kDocumentSchema);
            QVERIFY(documentFromJson(written).value() == d);
        }
        // Schema 1 is not migrated: the same content is an error there.
        json strict = old;
        strict["schema"] = 1;
        QVERIFY(errorOf(strict).starts_with("dashboards[0].widgets.b.content must be a string"));
    }

    void settingsNumbersRoundTripExactly() {
        const std::string text =
            R"({"schema":1,"dashboards":[{"id":"main","title":"","widgets":{"w":{"type":"chart",
                "title":"","content":"","settings":{"a":0.1,"b":1e21,"c":9007199254740993,
                "d":-0.0,"e":5e-324,"f":1.7976931348623157e308,"g":123456789012345678901234567890,
                "h":-9223372036854775808,"i":18446744073709551615,"j":1E-7,"k":[0.30000000000000004]}}},
                "layout":{"w":{"x":0,"y":0,"w":4,"h":3}}}],"preferences":{"zoom":1.25}})";
        const auto parsed = deskboard::protocol::parseJson(text);
        QVERIFY(parsed);
        const Document document = documentFromJson(parsed.value()).value();
        const std::string canonical = canonicalJson(toJson(document));
        QCOMPARE(canonical, canonicalJson(parsed.value()));
        // Spot checks of the RFC 8785 forms.
        for (const char* expected :
             {"\"a\":0.1", "\"b\":1e+21", "\"c\":9007199254740992", "\"d\":0", "\"e\":5e-324",
              "\"f\":1.7976931348623157e+308", "\"g\":1.2345678901234568e+29",
              "\"h\":-9223372036854776000", "\"i\":18446744073709552000", "\"j\":1e-7",
              "\"k\":[0.30000000000000004]", "\"zoom\":1.25"}) {
            QVERIFY2(canonical.find(expected) != std::string::npos, expected);
        }
        // Through a second trip the canonical bytes do not move.
        const Document again = documentFromJson(json::parse(toJson(document).dump())).value();
        QCOMPARE(canonicalJson(toJson(again)), canonical);
    }

    void widgetFromJsonChecksOneWidget() {
        const auto widget = widgetFromJson(
            json::parse(R"({"type":"note","title":"T","settings":{"x":1},"content":"c"})"));
        QVERIFY(widget);
        QVERIFY(widget.value() == (Widget{"note", "T", {{"x", 1}}, "c"}));
        const auto bad = widgetFromJson(json::parse(R"({"type":"note","content":[]})"));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidBody);
        QCOMPARE(bad.error().message, std::string("widget.content must be a string, not an array"));
        QCOMPARE(widgetFromJson(json(1)).error().message,
                 std::string("widget must be an object, not a number"));
    }

    void widgetTypesAndSizes() {
        const auto types = widgetTypes();
        QCOMPARE(types.size(), std::size_t(8));
        for (const char* type :
             {"note", "todo", "clock", "sysmon", "chart", "bookmarks", "countdown", "http"}) {
            QVERIFY2(isKnownWidgetType(type), type);
            const WidgetRect rect = defaultRect(type);
            QVERIFY(rect.w >= 1 && rect.w <= kGridColumns && rect.h >= 1);
            QCOMPARE(rect.x, 0);
            QCOMPARE(rect.y, 0);
        }
        QVERIFY(!isKnownWidgetType("gizmo"));
        QVERIFY(!isKnownWidgetType(""));
        QCOMPARE(defaultRect("gizmo"), (WidgetRect{0, 0, 4, 3}));
        QCOMPARE(defaultRect("chart"), (WidgetRect{0, 0, 6, 4}));
        QCOMPARE(defaultRect("clock"), (WidgetRect{0, 0, 3, 2}));
    }

    void newWidgetIdsAreValidAndUnique() {
        std::set<std::string> ids;
        for (int i = 0; i < 2000; ++i) {
            const std::string id = newWidgetId();
            QCOMPARE(id.size(), std::size_t(17));
            QCOMPARE(id[0], 'w');
            QVERIFY(id.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
            QVERIFY(deskboard::protocol::isValidIdentifier(id));
            ids.insert(id);
        }
        QCOMPARE(ids.size(), std::size_t(2000));
    }
};

QTEST_APPLESS_MAIN(DocumentTest)
#include "tst_document.moc"
