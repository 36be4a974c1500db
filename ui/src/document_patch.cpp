#include <algorithm>
#include <set>
#include <vector>

#include <deskboard/sync/layout.h>
#include <deskboard/ui/document_patch.h>

namespace deskboard::ui {

namespace {

using DashboardState = DocumentPatch::DashboardState;
using WidgetState = DocumentPatch::WidgetState;

std::map<std::string, DashboardState> dashboardStates(const sync::Document& document) {
    std::map<std::string, DashboardState> states;
    for (std::size_t i = 0; i < document.dashboards.size(); ++i) {
        const sync::Dashboard& dashboard = document.dashboards[i];
        states.emplace(dashboard.id, DashboardState{dashboard.title, i});
    }
    return states;
}

std::map<std::string, WidgetState> widgetStates(const sync::Document& document) {
    std::map<std::string, WidgetState> states;
    for (const sync::Dashboard& dashboard : document.dashboards) {
        for (const auto& [id, widget] : dashboard.widgets) {
            const auto rect = dashboard.layout.find(id);
            states.emplace(id, WidgetState{dashboard.id, widget,
                                           rect != dashboard.layout.end() ? rect->second
                                                                          : sync::WidgetRect{}});
        }
    }
    return states;
}

template <typename State>
void diffStates(const std::map<std::string, State>& before,
                const std::map<std::string, State>& after,
                std::map<std::string, DocumentPatch::Change<State>>& changes) {
    for (const auto& [id, state] : before) {
        const auto other = after.find(id);
        if (other == after.end()) {
            changes[id] = {state, std::nullopt};
        } else if (!(other->second == state)) {
            changes[id] = {state, other->second};
        }
    }
    for (const auto& [id, state] : after) {
        if (!before.contains(id)) {
            changes[id] = {std::nullopt, state};
        }
    }
}

template <typename State>
const std::optional<State>& sideOf(const DocumentPatch::Change<State>& change,
                                   DocumentPatch::Side side) {
    return side == DocumentPatch::Side::Before ? change.before : change.after;
}

}  // namespace

DocumentPatch DocumentPatch::between(const sync::Document& before, const sync::Document& after) {
    DocumentPatch patch;
    diffStates(dashboardStates(before), dashboardStates(after), patch.dashboards_);
    diffStates(widgetStates(before), widgetStates(after), patch.widgets_);
    return patch;
}

sync::Document DocumentPatch::applyTo(sync::Document document, Side side) const {
    // Dashboards: remove the absent ones, then insert or update the others in index order.
    std::vector<std::pair<std::string, DashboardState>> placed;
    for (const auto& [id, change] : dashboards_) {
        const auto& state = sideOf(change, side);
        if (!state) {
            std::erase_if(document.dashboards,
                          [&id](const sync::Dashboard& d) { return d.id == id; });
        } else {
            placed.emplace_back(id, *state);
        }
    }
    std::sort(placed.begin(), placed.end(),
              [](const auto& a, const auto& b) { return a.second.index < b.second.index; });
    for (const auto& [id, state] : placed) {
        sync::Dashboard dashboard;
        const auto existing = std::find_if(document.dashboards.begin(), document.dashboards.end(),
                                           [&id](const sync::Dashboard& d) { return d.id == id; });
        if (existing != document.dashboards.end()) {
            dashboard = std::move(*existing);
            document.dashboards.erase(existing);
        } else {
            dashboard.id = id;
        }
        dashboard.title = state.title;
        const auto at = std::min(state.index, document.dashboards.size());
        document.dashboards.insert(document.dashboards.begin() + static_cast<std::ptrdiff_t>(at),
                                   std::move(dashboard));
    }

    // Widgets: take each patched one out of wherever it is now, then put back this side's.
    std::set<std::string> touched;
    for (const auto& [id, change] : widgets_) {
        if (sync::Dashboard* holder = document.dashboardOfWidget(id)) {
            holder->widgets.erase(id);
            holder->layout.erase(id);
            touched.insert(holder->id);
        }
        if (const auto& state = sideOf(change, side)) {
            if (sync::Dashboard* target = document.dashboard(state->dashboardId)) {
                target->widgets[id] = state->widget;
                target->layout[id] = sync::clampToGrid(state->rect);
                touched.insert(target->id);
            }
        }
    }
    for (const std::string& dashboardId : touched) {
        if (sync::Dashboard* dashboard = document.dashboard(dashboardId)) {
            std::string pinned;
            for (const auto& [id, change] : widgets_) {
                const auto& state = sideOf(change, side);
                if (state && state->dashboardId == dashboardId) {
                    pinned = id;
                    break;
                }
            }
            sync::pushDownOverlaps(dashboard->layout, pinned);
        }
    }
    return document;
}

void DocumentPatch::append(const DocumentPatch& next) {
    auto combine = [](auto& mine, const auto& theirs) {
        for (const auto& [id, change] : theirs) {
            const auto found = mine.find(id);
            if (found == mine.end()) {
                mine.emplace(id, change);
            } else {
                found->second.after = change.after;
            }
        }
        std::erase_if(mine,
                      [](const auto& entry) { return entry.second.before == entry.second.after; });
    };
    combine(dashboards_, next.dashboards_);
    combine(widgets_, next.widgets_);
}

}  // namespace deskboard::ui
