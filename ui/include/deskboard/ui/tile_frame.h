// One widget on the canvas: a header (type icon, title, conflicted-copy mark, the tile menu
// with Settings, Duplicate and Remove), the widget type's view as its body, a line for the
// view's own problems, and in edit mode a resize grip. For assistive technology the tile is one
// object named by its title, described by its type. The tile reports what the person does
// (drags, keyboard moves, menu choices) and leaves the deciding to the canvas.
#pragma once

#include <string>

#include <QFrame>
#include <QPoint>

#include <deskboard/sync/document.h>

class QLabel;
class QToolButton;

namespace deskboard::ui {

class WidgetView;
struct WidgetType;

class TileFrame : public QFrame {
    Q_OBJECT

  public:
    enum class DragKind { Move, Resize };
    enum class DragPhase { Start, Update, Finish, Cancel };

    TileFrame(std::string widgetId, const sync::Widget& widget, QWidget* parent);

    const std::string& widgetId() const { return widgetId_; }
    // Shows `widget` (a new title, settings or content); the view keeps the person's cursor.
    void setWidget(const sync::Widget& widget);
    const sync::Widget& widget() const { return widget_; }
    WidgetView* view() const { return view_; }

    // Edit mode: the header drags, the corner resizes, Alt+arrows move and resize.
    void setEditMode(bool editing);
    void setLive(bool live);
    // Marks the tile as a conflicted copy made by a merge.
    void setConflicted(bool conflicted);
    QToolButton* menuButton() const { return menuButton_; }

  signals:
    // A drag by the header (Move) or the corner grip (Resize); `globalPos` is the pointer.
    void dragged(deskboard::ui::TileFrame* tile, deskboard::ui::TileFrame::DragKind kind,
                 deskboard::ui::TileFrame::DragPhase phase, QPoint globalPos);
    // Alt+arrow (move) or Alt+Shift+arrow (resize) by one cell.
    void keyboardMoved(deskboard::ui::TileFrame* tile, int dx, int dy);
    void keyboardResized(deskboard::ui::TileFrame* tile, int dw, int dh);
    void settingsRequested(deskboard::ui::TileFrame* tile);
    void duplicateRequested(deskboard::ui::TileFrame* tile);
    void removeRequested(deskboard::ui::TileFrame* tile);
    // The view proposed a change of the widget.
    void changeRequested(deskboard::ui::TileFrame* tile, const deskboard::sync::Widget& next,
                         const QString& label, const QString& mergeKey);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

  private:
    void updateTexts();
    void placeGrip();
    void showProblem(const QString& problem);

    std::string widgetId_;
    sync::Widget widget_;
    const WidgetType* type_ = nullptr;
    QWidget* header_ = nullptr;
    QLabel* icon_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* conflictMark_ = nullptr;
    QToolButton* menuButton_ = nullptr;
    WidgetView* view_ = nullptr;
    QLabel* problem_ = nullptr;
    QLabel* grip_ = nullptr;
    bool editing_ = false;
    bool dragging_ = false;
    DragKind dragKind_ = DragKind::Move;
};

}  // namespace deskboard::ui
