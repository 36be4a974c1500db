// One dashboard's tiles on the 12-column grid, inside the window's scroll area. It mirrors the
// store's document (rebuilding only the tiles that changed, so an editor keeps its cursor when
// sync applies another computer's edit) and turns what the person does into edits:
//   - in edit mode, dragging a tile's header moves it and its corner grip resizes it, snapping
//     to cells, with a drop preview; tiles in the way are pushed down (sync/layout.h), and the
//     whole drag is one undo step;
//   - Alt+arrows move the focused tile, Alt+Shift+arrows resize it (edit mode);
//   - the tile menu's Duplicate and Remove.
// When the window is narrower than a usable grid the tiles stack in one column in reading
// order instead of being clipped (moving and resizing pause until it is wide again).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QPoint>
#include <QRect>
#include <QWidget>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>
#include <deskboard/ui/tile_frame.h>

namespace deskboard::ui {

class DashboardEditor;

class DashboardCanvas : public QWidget {
    Q_OBJECT

  public:
    static constexpr int kMargin = 12;
    static constexpr int kGap = 10;
    static constexpr int kRowHeight = 56;
    // Below this width the tiles stack in one column.
    static constexpr int kNarrowWidth = 560;

    DashboardCanvas(DashboardEditor* editor, sync::DashboardStore* store,
                    QWidget* parent = nullptr);

    // Shows dashboard `id` (the first one when it does not exist).
    void setDashboard(const std::string& id);
    const std::string& dashboardId() const { return dashboardId_; }

    void setEditMode(bool editing);
    bool editMode() const { return editing_; }
    // Timers of the views run only while live (the window visible and not minimised).
    void setLive(bool live);
    bool isLive() const { return live_; }

    TileFrame* tile(const std::string& widgetId) const;
    std::vector<TileFrame*> tiles() const;
    bool isStacked() const { return width() < kNarrowWidth; }
    // Where a grid rect is drawn at the current width (grid mode).
    QRect cellRect(const sync::WidgetRect& rect) const;
    // The drop preview of a drag in progress (empty when none).
    QRect dropPreview() const { return dropPreview_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  signals:
    void settingsRequested(const std::string& widgetId);
    void removeRequested(const std::string& widgetId);
    // The person changed something through a tile (for the window's status line).
    void tileFocused(const std::string& widgetId);

  public slots:
    // Brings the tiles in line with the store's document.
    void refresh();

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

  private:
    const sync::Dashboard* dashboard() const;
    void placeTiles(const sync::Layout& layout, const TileFrame* except = nullptr);
    int contentHeight(const sync::Layout& layout) const;
    double cellWidth() const;
    void retire(TileFrame* tile);
    TileFrame* makeTile(const std::string& id, const sync::Widget& widget);
    void onDragged(TileFrame* tile, TileFrame::DragKind kind, TileFrame::DragPhase phase,
                   QPoint globalPos);
    void moveByKeyboard(TileFrame* tile, int dx, int dy, bool resize);

    DashboardEditor* editor_;
    sync::DashboardStore* store_;
    std::string dashboardId_;
    std::map<std::string, TileFrame*> tiles_;
    bool editing_ = false;
    bool live_ = false;

    // The drag in progress.
    struct Drag {
        std::string widgetId;
        TileFrame::DragKind kind = TileFrame::DragKind::Move;
        QPoint pointerStart;
        QRect tileStart;
        sync::Layout layoutAtStart;
        sync::Layout preview;
    };
    std::optional<Drag> drag_;
    QRect dropPreview_;
};

}  // namespace deskboard::ui
