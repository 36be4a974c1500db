// What a save costs the server's CPU before Redis sees it: validating a save body and writing
// its state in canonical JSON (RFC 8785) with its checksum (SaveBodyParser::parse), on the
// ~10 KB state that bench/server/run.sh posts. Run: build/bench/bench_save_body
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <deskboard/protocol/canonical_json.h>

#include "api/save_body.h"

namespace {

// The same shape as bench_state in bench/lib.sh: a grid of KPI widgets, padded by a notes
// string, about `targetBytes` of compact JSON.
nlohmann::json benchState(std::size_t targetBytes) {
    nlohmann::json state = {{"layout", {{"columns", 12}, {"rowHeight", 40}}},
                            {"theme", "dark"},
                            {"widgets", nlohmann::json::array()},
                            {"notes", ""}};
    for (int i = 0; state.dump().size() < targetBytes - 200; ++i) {
        state["widgets"].push_back(
            {{"id", "w-" + std::to_string(i)},
             {"type", "kpi"},
             {"title", "Widget " + std::to_string(i)},
             {"position", {{"x", (i * 4) % 12}, {"y", i / 3 * 4}, {"w", 4}, {"h", 4}}}});
    }
    const std::size_t size = state.dump().size();
    state["notes"] = std::string(targetBytes > size ? targetBytes - size : 0, 'x');
    return state;
}

std::string saveBody() {
    const nlohmann::json state = benchState(10 * 1024);
    return nlohmann::json{
        {"version", 7}, {"state", state}, {"checksum", deskboard::protocol::stateChecksum(state)}}
        .dump();
}

void BM_ParseSaveBody10k(benchmark::State& state) {
    const std::string body = saveBody();
    deskboard::server::api::SaveBodyParser parser(1024 * 1024, 64);
    for (auto _ : state) {
        auto parsed = parser.parse(body);
        if (!parsed) {
            state.SkipWithError(parsed.error().message.c_str());
            return;
        }
        benchmark::DoNotOptimize(parsed);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseSaveBody10k);

}  // namespace

BENCHMARK_MAIN();
