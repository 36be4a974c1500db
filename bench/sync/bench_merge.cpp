// Costs of the client's document layer on a 50-widget and a ~1 MB document: the three-way
// merge of a 409 (goal: under 20 ms for two ~1 MB sides), and reading and writing the JSON.
// Run: build/bench/sync/bench_merge
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>

#include <deskboard/sync/document.h>
#include <deskboard/sync/merge.h>

namespace {

using deskboard::sync::Document;
using deskboard::sync::documentFromJson;
using deskboard::sync::mergeDocuments;
using deskboard::sync::toJson;
using deskboard::sync::Widget;
using deskboard::sync::WidgetRect;

// Notes, to-do lists and charts on a grid of 3x2 tiles, four a row, no overlaps.
Document documentOfWidgets(int count) {
    Document document = deskboard::sync::emptyDocument();
    auto& board = document.dashboards[0];
    static const char* const kTypes[] = {"note", "todo", "chart", "bookmarks"};
    for (int i = 0; i < count; ++i) {
        const std::string id = "w" + std::to_string(1000000 + i);
        const char* type = kTypes[i % 4];
        board.widgets[id] = Widget{type,
                                   "Widget " + std::to_string(i),
                                   {{"fontSize", 12.5}, {"color", "#ffeeaa"}, {"refresh", i}},
                                   "Remember to water the plants and call the bank, item " +
                                       std::to_string(i) + "\n- [ ] and one more thing"};
        board.layout[id] = WidgetRect{(i % 4) * 3, (i / 4) * 2, 3, 2};
    }
    document.preferences = {{"theme", "dark"}, {"zoom", 1.25}};
    return document;
}

const Document& document50() {
    static const Document document = documentOfWidgets(50);
    return document;
}

// About 1 MB of JSON.
const Document& document1MB() {
    static const Document document = [] {
        int count = 1000;
        while (toJson(documentOfWidgets(count)).dump().size() < 1024 * 1024) {
            count += 500;
        }
        return documentOfWidgets(count);
    }();
    return document;
}

struct MergeInputs {
    Document base;
    Document local;
    Document server;
};

// Two sides of a day's edits on the 1 MB document: texts edited on both (some on the same
// widgets: conflicted copies), settings, moves that collide, additions and deletions.
const MergeInputs& inputs1MB() {
    static const MergeInputs inputs = [] {
        MergeInputs in{document1MB(), document1MB(), document1MB()};
        auto& local = in.local.dashboards[0];
        auto& server = in.server.dashboards[0];
        int i = 0;
        for (auto& [id, widget] : local.widgets) {
            if (i % 20 == 0) {
                widget.content += " (edited here)";
            }
            if (i % 50 == 0) {
                local.layout[id].y += 1;  // overlaps the tile below: pushed down
            }
            ++i;
        }
        i = 0;
        for (auto& [id, widget] : server.widgets) {
            if (i % 30 == 0) {
                widget.content += " (edited there)";
            }
            if (i % 40 == 0) {
                widget.settings["color"] = "#000000";
            }
            ++i;
        }
        for (int n = 0; n < 50; ++n) {
            const std::string id = "n" + std::to_string(n);
            server.widgets[id] = Widget{"note", "New", {}, "new note"};
            server.layout[id] = WidgetRect{0, n * 3, 4, 3};  // over existing tiles
        }
        for (int n = 0; n < 20; ++n) {
            const std::string id = "w" + std::to_string(1000000 + 7 + n * 13);
            server.widgets.erase(id);
            server.layout.erase(id);
        }
        return in;
    }();
    return inputs;
}

void BM_Merge1MB(benchmark::State& state) {
    const MergeInputs& in = inputs1MB();
    std::size_t copies = 0;
    for (auto _ : state) {
        auto result = mergeDocuments(in.base, in.local, in.server);
        copies = result.conflictedCopies.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["widgets"] = static_cast<double>(in.base.widgetCount());
    state.counters["copies"] = static_cast<double>(copies);
}
BENCHMARK(BM_Merge1MB)->Unit(benchmark::kMillisecond);

void BM_MergeUnchanged1MB(benchmark::State& state) {
    const Document& document = document1MB();
    for (auto _ : state) {
        benchmark::DoNotOptimize(mergeDocuments(document, document, document));
    }
}
BENCHMARK(BM_MergeUnchanged1MB)->Unit(benchmark::kMillisecond);

void fromJson(benchmark::State& state, const Document& document) {
    const nlohmann::json json = toJson(document);
    for (auto _ : state) {
        benchmark::DoNotOptimize(documentFromJson(json));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(json.dump().size()));
}

void writeJson(benchmark::State& state, const Document& document) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(toJson(document));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(toJson(document).dump().size()));
}

void BM_DocumentFromJson50(benchmark::State& state) {
    fromJson(state, document50());
}
BENCHMARK(BM_DocumentFromJson50)->Unit(benchmark::kMicrosecond);
void BM_ToJson50(benchmark::State& state) {
    writeJson(state, document50());
}
BENCHMARK(BM_ToJson50)->Unit(benchmark::kMicrosecond);
void BM_DocumentFromJson1MB(benchmark::State& state) {
    fromJson(state, document1MB());
}
BENCHMARK(BM_DocumentFromJson1MB)->Unit(benchmark::kMillisecond);
void BM_ToJson1MB(benchmark::State& state) {
    writeJson(state, document1MB());
}
BENCHMARK(BM_ToJson1MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
