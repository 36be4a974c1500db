// Test helper for sync.dashboard_store: opens the store of the profile given as argument and
// commits edits as fast as it can, printing "ready" after the first, until it is killed.
#include <cstdio>

#include <QCoreApplication>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: store_writer PROFILE_DIR\n");
        return 2;
    }
    deskboard::sync::DashboardStore store(QString::fromLocal8Bit(argv[1]));
    for (long i = 0;; ++i) {
        deskboard::sync::Document next = store.document();
        auto& dashboard = next.dashboards.front();
        const std::string id = "w" + std::to_string(i % 40);
        dashboard.widgets[id] = {"note", "Note " + std::to_string(i), nlohmann::json::object(),
                                 std::string(2000 + i % 500, 'x') + std::to_string(i)};
        if (!dashboard.layout.count(id)) {
            dashboard.layout[id] = deskboard::sync::firstFreeRect(dashboard.layout, 4, 3);
        }
        store.commitEdit(std::move(next));
        if (i % 7 == 0) {
            store.takeSnapshot(QStringLiteral("burst"));
        }
        if (i == 0) {
            std::printf("ready\n");
            std::fflush(stdout);
        }
    }
}
