// Costs of the client's local store (DashboardStore, QSettings INI files under a profile) on a
// 50-widget and a ~1 MB document:
//   - load: what a start-up pays before first paint, the constructor (lock, profile.ini, the last
//     scope's document.ini and base.ini) and openScope() of that scope (which reads them again);
//   - keystroke: one character typed into a note: copy the document, change the note, and
//     commitEdit(), which rewrites document.ini before it returns.
// The ~1 MB profile has 20 snapshots (the most kept) beside the document, as after a long day of
// syncs, and a base as large as the document (a signed-in profile after its first sync).
// Each profile lives in a QTemporaryDir (under $TMPDIR, else /tmp: a real disk here, not tmpfs).
// Run: build/bench/sync/bench_store
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/document.h>

namespace {

using deskboard::sync::DashboardStore;
using deskboard::sync::Document;
using deskboard::sync::toJson;
using deskboard::sync::Widget;
using deskboard::sync::WidgetRect;

// Notes, to-do lists and charts on a grid of 3x2 tiles, four a row, no overlaps (the same
// documents as bench_merge).
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

Document document1MB() {
    int count = 1000;
    while (toJson(documentOfWidgets(count)).dump().size() < 1024 * 1024) {
        count += 500;
    }
    return documentOfWidgets(count);
}

// A profile on disk holding `document` in the local scope, with `snapshots` snapshots beside it
// and the same document as the base.
struct Profile {
    std::unique_ptr<QTemporaryDir> dir;
    std::size_t documentBytes = 0;
    std::size_t widgets = 0;
    std::int64_t diskBytes = 0;
};

std::int64_t bytesUnder(const QString& path) {
    std::int64_t total = 0;
    const QFileInfo info(path);
    if (info.isFile()) {
        return info.size();
    }
    const auto entries = QDir(path).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo& entry : entries) {
        total += bytesUnder(entry.absoluteFilePath());
    }
    return total;
}

Profile makeProfile(const Document& document, int snapshots) {
    Profile profile;
    profile.dir = std::make_unique<QTemporaryDir>();
    if (!profile.dir->isValid()) {
        throw std::runtime_error("cannot create a temporary folder");
    }
    {
        DashboardStore store(profile.dir->path());
        store.openScope(deskboard::sync::localScope());
        store.commitEdit(document, QStringLiteral("bench"));
        store.setBase(document);
        for (int i = 0; i < snapshots; ++i) {
            store.takeSnapshot(QStringLiteral("before applying version %1 from the server").arg(i));
        }
        if (static_cast<int>(store.snapshots().size()) != snapshots) {
            throw std::runtime_error("the profile does not hold the snapshots asked for");
        }
    }
    profile.documentBytes = toJson(document).dump().size();
    profile.widgets = document.widgetCount();
    profile.diskBytes = bytesUnder(profile.dir->path());
    return profile;
}

const Profile& profile50() {
    static const Profile profile = makeProfile(documentOfWidgets(50), 0);
    return profile;
}

const Profile& profile1MB() {
    static const Profile profile = makeProfile(document1MB(), DashboardStore::kMaxSnapshots);
    return profile;
}

void describe(benchmark::State& state, const Profile& profile) {
    state.counters["widgets"] = static_cast<double>(profile.widgets);
    state.counters["docKB"] = static_cast<double>(profile.documentBytes) / 1024.0;
    state.counters["diskKB"] = static_cast<double>(profile.diskBytes) / 1024.0;
}

void load(benchmark::State& state, const Profile& profile) {
    for (auto _ : state) {
        DashboardStore store(profile.dir->path());
        store.openScope(deskboard::sync::localScope());
        benchmark::DoNotOptimize(store.document().widgetCount());
    }
    describe(state, profile);
}

// One character typed into the first note; the document grows by one character an iteration.
void keystroke(benchmark::State& state, const Profile& profile) {
    DashboardStore store(profile.dir->path());
    store.openScope(deskboard::sync::localScope());
    const std::string noteId = store.document().dashboards[0].widgets.begin()->first;
    for (auto _ : state) {
        Document next = store.document();
        next.dashboards[0].widgets[noteId].content += 'x';
        if (!store.commitEdit(std::move(next), QStringLiteral("Edit note"))) {
            state.SkipWithError("commitEdit changed nothing");
            break;
        }
    }
    describe(state, profile);
}

void BM_StoreLoad50(benchmark::State& state) {
    load(state, profile50());
}
BENCHMARK(BM_StoreLoad50)->Unit(benchmark::kMillisecond);

void BM_StoreLoad1MB20Snapshots(benchmark::State& state) {
    load(state, profile1MB());
}
BENCHMARK(BM_StoreLoad1MB20Snapshots)->Unit(benchmark::kMillisecond);

void BM_Keystroke50(benchmark::State& state) {
    keystroke(state, profile50());
}
BENCHMARK(BM_Keystroke50)->Unit(benchmark::kMillisecond);

void BM_Keystroke1MB20Snapshots(benchmark::State& state) {
    keystroke(state, profile1MB());
}
BENCHMARK(BM_Keystroke1MB20Snapshots)->Unit(benchmark::kMillisecond);

}  // namespace

// BENCHMARK_MAIN with a QCoreApplication alive, as in the client (QSettings, QLockFile).
int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
