// A small line of recent numbers (the system monitor's CPU and memory, the HTTP value's
// history), painted with QPainter in the palette's highlight colour so it suits light and dark
// themes. Keeps at most `capacity` values; older ones scroll off the left.
#pragma once

#include <deque>
#include <optional>

#include <QWidget>

namespace deskboard::ui::widgets {

class Sparkline : public QWidget {
    Q_OBJECT

  public:
    explicit Sparkline(QWidget* parent = nullptr);

    void setCapacity(int capacity);
    // Fixes the vertical range (e.g. 0..100 for a percentage); unset scales to the values.
    void setRange(std::optional<double> minimum, std::optional<double> maximum);
    void addValue(double value);
    void clear();
    const std::deque<double>& values() const { return values_; }

    QSize sizeHint() const override { return {120, 28}; }
    QSize minimumSizeHint() const override { return {40, 16}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    std::deque<double> values_;
    int capacity_ = 120;
    std::optional<double> minimum_;
    std::optional<double> maximum_;
};

}  // namespace deskboard::ui::widgets
