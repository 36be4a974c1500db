// A small line of recent numbers; see sparkline.h.
#include "sparkline.h"

#include <algorithm>

#include <QPainter>
#include <QPainterPath>

namespace deskboard::ui::widgets {

Sparkline::Sparkline(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void Sparkline::setCapacity(int capacity) {
    capacity_ = std::max(2, capacity);
    while (static_cast<int>(values_.size()) > capacity_) {
        values_.pop_front();
    }
    update();
}

void Sparkline::setRange(std::optional<double> minimum, std::optional<double> maximum) {
    minimum_ = minimum;
    maximum_ = maximum;
    update();
}

void Sparkline::addValue(double value) {
    values_.push_back(value);
    while (static_cast<int>(values_.size()) > capacity_) {
        values_.pop_front();
    }
    update();
}

void Sparkline::clear() {
    values_.clear();
    update();
}

void Sparkline::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1.5, 1.5, -1.5, -1.5);
    QColor baseLine = palette().color(QPalette::Mid);
    painter.setPen(QPen(baseLine, 1));
    painter.drawLine(area.bottomLeft(), area.bottomRight());
    if (values_.size() < 2) {
        return;
    }
    const auto [lowest, highest] = std::minmax_element(values_.begin(), values_.end());
    double low = minimum_.value_or(*lowest);
    double high = maximum_.value_or(*highest);
    if (high - low < 1e-9) {
        low -= 1;
        high += 1;
    }
    // The values span the width; once `capacity` are kept, the oldest scroll off the left.
    const double step = area.width() / static_cast<double>(values_.size() - 1);
    const double firstX = area.right() - step * static_cast<double>(values_.size() - 1);
    QPainterPath line;
    for (std::size_t i = 0; i < values_.size(); ++i) {
        const double fraction = std::clamp((values_[i] - low) / (high - low), 0.0, 1.0);
        const QPointF point(firstX + step * static_cast<double>(i),
                            area.bottom() - fraction * area.height());
        if (i == 0) {
            line.moveTo(point);
        } else {
            line.lineTo(point);
        }
    }
    QPainterPath fill = line;
    fill.lineTo(area.right(), area.bottom());
    fill.lineTo(firstX, area.bottom());
    fill.closeSubpath();
    QColor highlight = palette().color(QPalette::Highlight);
    QColor shade = highlight;
    shade.setAlphaF(0.18F);
    painter.fillPath(fill, shade);
    painter.setPen(QPen(highlight, 1.5));
    painter.drawPath(line);
}

}  // namespace deskboard::ui::widgets
