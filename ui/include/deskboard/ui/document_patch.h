// One edit of the dashboard document, kept as the dashboards and widgets it touched with their
// values before and after. Undo puts back exactly those values on top of whatever the document
// holds now, so a remote change that sync applied in between (to other widgets) survives
// Ctrl+Z: it can only be reverted from the history. Pure values, no Qt.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <deskboard/sync/document.h>

namespace deskboard::ui {

class DocumentPatch {
  public:
    // A dashboard's own fields (its widgets are separate entries).
    struct DashboardState {
        std::string title;
        std::size_t index = 0;
        friend bool operator==(const DashboardState&, const DashboardState&) = default;
    };
    // A widget, its tile and the dashboard holding it.
    struct WidgetState {
        std::string dashboardId;
        sync::Widget widget;
        sync::WidgetRect rect;
        friend bool operator==(const WidgetState&, const WidgetState&) = default;
    };
    template <typename State>
    struct Change {
        std::optional<State> before;  // nullopt: absent
        std::optional<State> after;
    };
    enum class Side { Before, After };

    // What changed from `before` to `after` (empty when they are equal).
    static DocumentPatch between(const sync::Document& before, const sync::Document& after);

    bool empty() const { return dashboards_.empty() && widgets_.empty(); }
    // `document` with this patch's values of one side put back (Before: undo, After: redo);
    // tiles that now overlap are pushed down, the patched ones keeping their place.
    sync::Document applyTo(sync::Document document, Side side) const;
    // This patch followed by `next`, as one (for merging continuous edits into one undo step).
    void append(const DocumentPatch& next);

    const std::map<std::string, Change<DashboardState>>& dashboards() const { return dashboards_; }
    const std::map<std::string, Change<WidgetState>>& widgets() const { return widgets_; }

  private:
    std::map<std::string, Change<DashboardState>> dashboards_;
    std::map<std::string, Change<WidgetState>> widgets_;
};

}  // namespace deskboard::ui
