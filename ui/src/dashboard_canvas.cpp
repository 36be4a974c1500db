#include <algorithm>
#include <cmath>
#include <regex>

#include <QPainter>
#include <QResizeEvent>
#include <QScrollArea>

#include <deskboard/ui/dashboard_canvas.h>
#include <deskboard/ui/dashboard_editor.h>
#include <deskboard/ui/widget_view.h>

namespace deskboard::ui {

namespace {

// Conflicted copies made by the merge: "<id>-c" + 8 hex digits (sync/merge.h).
bool isConflictedCopy(const std::string& widgetId) {
    static const std::regex pattern("-c[0-9a-f]{8}$");
    return std::regex_search(widgetId, pattern);
}

std::vector<std::pair<std::string, sync::WidgetRect>> inReadingOrder(const sync::Layout& layout) {
    std::vector<std::pair<std::string, sync::WidgetRect>> ordered(layout.begin(), layout.end());
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return std::tie(a.second.y, a.second.x) < std::tie(b.second.y, b.second.x);
    });
    return ordered;
}

}  // namespace

DashboardCanvas::DashboardCanvas(DashboardEditor* editor, sync::DashboardStore* store,
                                 QWidget* parent)
    : QWidget(parent), editor_(editor), store_(store) {
    setObjectName(QStringLiteral("dashboardCanvas"));
    setAccessibleName(tr("Dashboard"));
    setAccessibleDescription(tr("Widgets on a 12-column grid"));
    connect(store_, &sync::DashboardStore::documentChanged, this, &DashboardCanvas::refresh);
    connect(store_, &sync::DashboardStore::scopeChanged, this, &DashboardCanvas::refresh);
}

const sync::Dashboard* DashboardCanvas::dashboard() const {
    return store_->document().dashboard(dashboardId_);
}

void DashboardCanvas::setDashboard(const std::string& id) {
    if (id == dashboardId_ && dashboard() != nullptr) {
        return;
    }
    for (auto& [widgetId, tile] : tiles_) {
        retire(tile);
    }
    tiles_.clear();
    drag_.reset();
    dropPreview_ = {};
    dashboardId_ = id;
    refresh();
}

void DashboardCanvas::setEditMode(bool editing) {
    editing_ = editing;
    for (auto& [id, tile] : tiles_) {
        tile->setEditMode(editing);
    }
    update();
}

void DashboardCanvas::setLive(bool live) {
    if (live_ == live) {
        return;
    }
    live_ = live;
    for (auto& [id, tile] : tiles_) {
        tile->setLive(live);
    }
}

TileFrame* DashboardCanvas::tile(const std::string& widgetId) const {
    const auto found = tiles_.find(widgetId);
    return found == tiles_.end() ? nullptr : found->second;
}

std::vector<TileFrame*> DashboardCanvas::tiles() const {
    std::vector<TileFrame*> all;
    for (const auto& [id, tile] : tiles_) {
        all.push_back(tile);
    }
    return all;
}

void DashboardCanvas::retire(TileFrame* tile) {
    // Later: the tile may be the sender of the signal that removed it (its own menu's Remove).
    tile->hide();
    tile->setLive(false);
    tile->disconnect(this);
    tile->deleteLater();
}

TileFrame* DashboardCanvas::makeTile(const std::string& id, const sync::Widget& widget) {
    auto* tile = new TileFrame(id, widget, this);
    const QString prefix = QStringLiteral("widgets/%1/").arg(QString::fromStdString(id));
    tile->view()->setLocalOptions({[this, prefix](const QString& key, const QVariant& fallback) {
                                       return store_->setting(prefix + key, fallback);
                                   },
                                   [this, prefix](const QString& key, const QVariant& value) {
                                       store_->setSetting(prefix + key, value);
                                   }});
    tile->setWidget(widget);  // again, now that the view has its local options
    tile->setEditMode(editing_);
    tile->setConflicted(isConflictedCopy(id));
    connect(tile, &TileFrame::dragged, this, &DashboardCanvas::onDragged);
    connect(tile, &TileFrame::keyboardMoved, this,
            [this](TileFrame* t, int dx, int dy) { moveByKeyboard(t, dx, dy, false); });
    connect(tile, &TileFrame::keyboardResized, this,
            [this](TileFrame* t, int dw, int dh) { moveByKeyboard(t, dw, dh, true); });
    connect(tile, &TileFrame::settingsRequested, this,
            [this](TileFrame* t) { emit settingsRequested(t->widgetId()); });
    connect(tile, &TileFrame::duplicateRequested, this, [this](TileFrame* t) {
        const std::string copy = editor_->duplicateWidget(t->widgetId());
        if (TileFrame* made = this->tile(copy)) {
            made->setFocus(Qt::OtherFocusReason);
        }
    });
    connect(tile, &TileFrame::removeRequested, this,
            [this](TileFrame* t) { emit removeRequested(t->widgetId()); });
    connect(tile, &TileFrame::changeRequested, this,
            [this](TileFrame* t, const sync::Widget& next, const QString& label,
                   const QString& mergeKey) {
                editor_->setWidget(t->widgetId(), next, label, mergeKey);
            });
    tile->show();
    tile->setLive(live_);
    return tile;
}

void DashboardCanvas::refresh() {
    const sync::Dashboard* shown = dashboard();
    if (shown == nullptr && !store_->document().dashboards.empty()) {
        dashboardId_ = store_->document().dashboards.front().id;
        shown = dashboard();
    }
    if (shown == nullptr) {
        return;
    }
    for (auto it = tiles_.begin(); it != tiles_.end();) {
        if (!shown->widgets.contains(it->first)) {
            if (drag_ && drag_->widgetId == it->first) {
                drag_.reset();
                dropPreview_ = {};
            }
            retire(it->second);
            it = tiles_.erase(it);
        } else {
            ++it;
        }
    }
    // New tiles in reading order, so the keyboard's tab order follows the grid.
    for (const auto& [id, rect] : inReadingOrder(shown->layout)) {
        const auto widget = shown->widgets.find(id);
        if (widget == shown->widgets.end()) {
            continue;
        }
        if (TileFrame* existing = tile(id)) {
            if (!(existing->widget() == widget->second)) {
                existing->setWidget(widget->second);
            }
        } else {
            tiles_.emplace(id, makeTile(id, widget->second));
        }
    }
    if (drag_) {
        placeTiles(drag_->preview, tile(drag_->widgetId));
    } else {
        placeTiles(shown->layout);
    }
    update();
}

double DashboardCanvas::cellWidth() const {
    const int usable = width() - 2 * kMargin - (sync::kGridColumns - 1) * kGap;
    return std::max(1.0, usable / static_cast<double>(sync::kGridColumns));
}

QRect DashboardCanvas::cellRect(const sync::WidgetRect& rect) const {
    const double cell = cellWidth();
    const int left = kMargin + static_cast<int>(std::lround(rect.x * (cell + kGap)));
    const int right =
        kMargin + static_cast<int>(std::lround((rect.x + rect.w) * (cell + kGap) - kGap));
    const int top = kMargin + rect.y * (kRowHeight + kGap);
    const int height = rect.h * kRowHeight + (rect.h - 1) * kGap;
    return {left, top, std::max(1, right - left), height};
}

int DashboardCanvas::contentHeight(const sync::Layout& layout) const {
    if (isStacked()) {
        int total = kMargin;
        for (const auto& [id, rect] : layout) {
            total += rect.h * kRowHeight + (rect.h - 1) * kGap + kGap;
        }
        return total + kMargin;
    }
    int rows = 0;
    for (const auto& [id, rect] : layout) {
        rows = std::max(rows, rect.y + rect.h);
    }
    return 2 * kMargin + rows * (kRowHeight + kGap);
}

void DashboardCanvas::placeTiles(const sync::Layout& layout, const TileFrame* except) {
    if (isStacked()) {
        int top = kMargin;
        for (const auto& [id, rect] : inReadingOrder(layout)) {
            const int height = rect.h * kRowHeight + (rect.h - 1) * kGap;
            if (TileFrame* t = tile(id); t != nullptr && t != except) {
                t->setGeometry(kMargin, top, width() - 2 * kMargin, height);
            }
            top += height + kGap;
        }
    } else {
        for (const auto& [id, rect] : layout) {
            if (TileFrame* t = tile(id); t != nullptr && t != except) {
                t->setGeometry(cellRect(rect));
            }
        }
    }
    // Room for one more row while dragging, so a tile can go below the last one.
    const int extra = drag_ ? kRowHeight * 3 : 0;
    setMinimumHeight(contentHeight(layout) + extra);
}

QSize DashboardCanvas::sizeHint() const {
    const sync::Dashboard* shown = dashboard();
    return {960, shown != nullptr ? contentHeight(shown->layout) : 400};
}

QSize DashboardCanvas::minimumSizeHint() const {
    return {240, 200};
}

void DashboardCanvas::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (const sync::Dashboard* shown = dashboard()) {
        placeTiles(drag_ ? drag_->preview : shown->layout, drag_ ? tile(drag_->widgetId) : nullptr);
    }
}

void DashboardCanvas::paintEvent(QPaintEvent* event) {
    QWidget::paintEvent(event);
    QPainter painter(this);
    const QPalette& colours = palette();
    if (editing_ && !isStacked()) {
        // The grid's columns, faintly, while arranging.
        QColor column = colours.color(QPalette::Highlight);
        column.setAlpha(18);
        for (int x = 0; x < sync::kGridColumns; ++x) {
            const QRect cell = cellRect({x, 0, 1, 1});
            painter.fillRect(QRect(cell.left(), kMargin, cell.width(), height() - 2 * kMargin),
                             column);
        }
    }
    if (!dropPreview_.isNull()) {
        QColor fill = colours.color(QPalette::Highlight);
        fill.setAlpha(60);
        painter.setPen(QPen(colours.color(QPalette::Highlight), 2, Qt::DashLine));
        painter.setBrush(fill);
        painter.drawRoundedRect(dropPreview_.adjusted(1, 1, -1, -1), 6, 6);
    }
    if (tiles_.empty()) {
        painter.setPen(colours.color(QPalette::PlaceholderText));
        QFont font = painter.font();
        font.setPointSizeF(font.pointSizeF() * 1.2);
        painter.setFont(font);
        painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("This dashboard is empty.\nAdd a widget from the toolbar's "
                            "\"Add widget\" menu (Ctrl+Shift+A)."));
    }
}

void DashboardCanvas::onDragged(TileFrame* tile, TileFrame::DragKind kind,
                                TileFrame::DragPhase phase, QPoint globalPos) {
    const sync::Dashboard* shown = dashboard();
    if (shown == nullptr || isStacked()) {
        return;
    }
    const std::string& id = tile->widgetId();
    switch (phase) {
        case TileFrame::DragPhase::Start: {
            if (!shown->layout.contains(id)) {
                return;
            }
            drag_ = Drag{id, kind, globalPos, tile->geometry(), shown->layout, shown->layout};
            tile->raise();
            return;
        }
        case TileFrame::DragPhase::Update: {
            if (!drag_ || drag_->widgetId != id) {
                return;
            }
            const QPoint delta = globalPos - drag_->pointerStart;
            const double cell = cellWidth();
            sync::WidgetRect rect = drag_->layoutAtStart.at(id);
            QRect pixels = drag_->tileStart;
            if (kind == TileFrame::DragKind::Move) {
                pixels.translate(delta);
                pixels.moveLeft(
                    std::clamp(pixels.left(), 0, std::max(0, width() - pixels.width())));
                pixels.moveTop(std::max(0, pixels.top()));
                rect.x = static_cast<int>(std::lround((pixels.left() - kMargin) / (cell + kGap)));
                rect.y = static_cast<int>(
                    std::lround((pixels.top() - kMargin) / double(kRowHeight + kGap)));
            } else {
                pixels.setSize(QSize(std::max(40, pixels.width() + delta.x()),
                                     std::max(kRowHeight / 2, pixels.height() + delta.y())));
                rect.w = static_cast<int>(std::lround((pixels.width() + kGap) / (cell + kGap)));
                rect.h = static_cast<int>(
                    std::lround((pixels.height() + kGap) / double(kRowHeight + kGap)));
                rect.w = std::min(rect.w, sync::kGridColumns - rect.x);
            }
            rect = sync::clampToGrid(rect);
            sync::Layout preview = drag_->layoutAtStart;
            preview[id] = rect;
            sync::pushDownOverlaps(preview, id);
            drag_->preview = preview;
            dropPreview_ = cellRect(preview.at(id));
            placeTiles(preview, tile);
            tile->setGeometry(pixels);
            tile->raise();
            update();
            return;
        }
        case TileFrame::DragPhase::Finish: {
            if (!drag_ || drag_->widgetId != id) {
                return;
            }
            const Drag done = *drag_;
            drag_.reset();
            dropPreview_ = {};
            const QString title = QString::fromStdString(tile->widget().title);
            const QString label = done.kind == TileFrame::DragKind::Move
                                      ? tr("Move %1").arg(title)
                                      : tr("Resize %1").arg(title);
            if (done.preview != done.layoutAtStart) {
                editor_->setLayout(dashboardId_, done.preview, label);
            }
            refresh();
            return;
        }
        case TileFrame::DragPhase::Cancel:
            drag_.reset();
            dropPreview_ = {};
            refresh();
            return;
    }
}

void DashboardCanvas::moveByKeyboard(TileFrame* tile, int dx, int dy, bool resize) {
    const sync::Dashboard* shown = dashboard();
    if (shown == nullptr || !shown->layout.contains(tile->widgetId()) || isStacked()) {
        return;
    }
    const std::string& id = tile->widgetId();
    sync::Layout layout = shown->layout;
    sync::WidgetRect rect = layout.at(id);
    if (resize) {
        rect.w = std::min(rect.w + dx, sync::kGridColumns - rect.x);
        rect.h += dy;
    } else {
        rect.x += dx;
        rect.y += dy;
    }
    rect = sync::clampToGrid(rect);
    if (rect == layout.at(id)) {
        return;
    }
    layout[id] = rect;
    sync::pushDownOverlaps(layout, id);
    const QString title = QString::fromStdString(tile->widget().title);
    editor_->setLayout(dashboardId_, layout,
                       resize ? tr("Resize %1").arg(title) : tr("Move %1").arg(title),
                       resize ? QStringLiteral("keyboard-resize:") + QString::fromStdString(id)
                              : QStringLiteral("keyboard-move:") + QString::fromStdString(id));
    tile->setFocus(Qt::OtherFocusReason);
    if (auto* area =
            qobject_cast<QScrollArea*>(parentWidget() ? parentWidget()->parentWidget() : nullptr)) {
        area->ensureWidgetVisible(tile, kMargin, kMargin);
    }
}

}  // namespace deskboard::ui
