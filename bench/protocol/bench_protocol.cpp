// Costs of the protocol's per-request work on a dashboard-sized state: parsing a save body
// with the limits on, canonical JSON, the checksum, and the server's answer writers (GET
// answer, save answers, one event). Run: build/bench/bench_protocol
#include <string>

#include <benchmark/benchmark.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/event_stream.h>
#include <deskboard/protocol/history_messages.h>
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

// The GET answer as the server writes it: the stored canonical state spliced in.
void BM_AppendGetStateResponse10k(benchmark::State& state) {
    const std::string stored = canonicalJson(state10k());
    for (auto _ : state) {
        std::string body;
        deskboard::protocol::appendGetStateResponse(body, 42, stored, "2026-11-25T10:00:00.000Z");
        benchmark::DoNotOptimize(body);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stored.size()));
}
BENCHMARK(BM_AppendGetStateResponse10k);

void BM_AppendSaveWritten(benchmark::State& state) {
    for (auto _ : state) {
        std::string body;
        deskboard::protocol::appendSaveWritten(body, 42);
        benchmark::DoNotOptimize(body);
    }
}
BENCHMARK(BM_AppendSaveWritten);

// The event payload of one save and its SSE frame.
void BM_AppendStateEventFrame(benchmark::State& state) {
    for (auto _ : state) {
        std::string payload;
        deskboard::protocol::appendStateEvent(payload, 42, "2026-11-25T10:00:00.000Z", "laptop-1");
        std::string frame;
        deskboard::protocol::appendSseEvent(frame, "42", "version", payload);
        benchmark::DoNotOptimize(frame);
    }
}
BENCHMARK(BM_AppendStateEventFrame);

}  // namespace

BENCHMARK_MAIN();
