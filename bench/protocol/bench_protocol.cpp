// Costs of the protocol's per-request work on a dashboard-sized state: parsing a save body
// with the limits on, canonical JSON, and the checksum. Run: build/bench/bench_protocol
#include <string>

#include <benchmark/benchmark.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/json_parse.h>
#include <deskboard/protocol/messages.h>

namespace {

using deskboard::protocol::canonicalJson;
using deskboard::protocol::parseJson;
using deskboard::protocol::parseSaveStateRequest;
using deskboard::protocol::stateChecksum;

// A dashboard document of about `targetBytes` of JSON: notes with text and a grid layout.
nlohmann::json dashboardOfSize(std::size_t targetBytes) {
    nlohmann::json widgets = nlohmann::json::object();
    nlohmann::json layout = nlohmann::json::object();
    for (int i = 0; widgets.dump().size() + layout.dump().size() < targetBytes; ++i) {
        const std::string id = "w" + std::to_string(i);
        widgets[id] = {{"type", "note"},
                       {"title", "Note " + std::to_string(i)},
                       {"settings", {{"fontSize", 12.5}, {"color", "#ffeeaa"}}},
                       {"content", "Remember to water the plants and call the bank, item " +
                                       std::to_string(i)}};
        layout[id] = {{"x", (i * 3) % 12}, {"y", i / 4}, {"w", 3}, {"h", 2}};
    }
    return {{"schema", 1},
            {"dashboards",
             {{{"id", "main"}, {"title", "Main"}, {"widgets", widgets}, {"layout", layout}}}},
            {"preferences", {{"theme", "dark"}}}};
}

const nlohmann::json& state10k() {
    static const nlohmann::json state = dashboardOfSize(10 * 1024);
    return state;
}

void BM_ParseJson10k(benchmark::State& state) {
    const std::string text = state10k().dump();
    for (auto _ : state) {
        benchmark::DoNotOptimize(parseJson(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseJson10k);

void BM_NlohmannPlainParse10k(benchmark::State& state) {
    const std::string text = state10k().dump();
    for (auto _ : state) {
        benchmark::DoNotOptimize(nlohmann::json::parse(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NlohmannPlainParse10k);

void BM_CanonicalJson10k(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(canonicalJson(state10k()));
    }
}
BENCHMARK(BM_CanonicalJson10k);

void BM_StateChecksum10k(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(stateChecksum(state10k()));
    }
}
BENCHMARK(BM_StateChecksum10k);

void BM_ParseSaveStateRequest10k(benchmark::State& state) {
    const nlohmann::json body{{"version", 42}, {"state", state10k()}};
    const std::string text = body.dump();
    for (auto _ : state) {
        benchmark::DoNotOptimize(parseSaveStateRequest(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseSaveStateRequest10k);

}  // namespace

BENCHMARK_MAIN();
