// The chart widget: a line chart of numbers, drawn with QPainter.
//   content        the values as CSV, one "label,value" (or just "value") row per line
//   settings.file  path of a CSV file in the same format to chart instead of the content;
//                  empty or absent: the content. The file is read when set or changed, and
//                  while live on every change (QFileSystemWatcher); a missing or unreadable
//                  file is reported in the tile.
// Content that is not CSV is shown verbatim and never rewritten. The settings form edits the
// CSV text (the content) and the file path.
#include <algorithm>
#include <cmath>

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <deskboard/sync/content_formats.h>
#include <deskboard/ui/widget_catalog.h>

#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

QString numberText(double value) {
    return QLocale().toString(value, 'g', 6);
}

// The plot: axes with the lowest and highest value, the first and last labels, a line through
// the points; hovering a point shows its label and value.
class ChartCanvas : public QWidget {
  public:
    explicit ChartCanvas(QWidget* parent) : QWidget(parent) {
        setMouseTracking(true);
        setMinimumSize(120, 80);
    }

    void setPoints(std::vector<sync::ChartPoint> points) {
        points_ = std::move(points);
        update();
    }

  protected:
    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QFontMetrics metrics = fontMetrics();
        const auto [low, high] = range();
        const QString highText = numberText(high);
        const QString lowText = numberText(low);
        const int axisWidth =
            std::max(metrics.horizontalAdvance(highText), metrics.horizontalAdvance(lowText)) + 6;
        const QRectF plot = QRectF(rect()).adjusted(axisWidth, metrics.height() / 2.0 + 2, -8,
                                                    -metrics.height() - 4);
        if (plot.width() < 10 || plot.height() < 10) {
            return;
        }
        const QColor text = palette().color(QPalette::PlaceholderText);
        const QColor grid = palette().color(QPalette::Mid);
        painter.setPen(text);
        painter.drawText(
            QRectF(0, plot.top() - metrics.height() / 2.0, axisWidth - 4, metrics.height()),
            Qt::AlignRight | Qt::AlignVCenter, highText);
        painter.drawText(
            QRectF(0, plot.bottom() - metrics.height() / 2.0, axisWidth - 4, metrics.height()),
            Qt::AlignRight | Qt::AlignVCenter, lowText);
        painter.setPen(QPen(grid, 1, Qt::DotLine));
        painter.drawLine(plot.topLeft(), plot.topRight());
        painter.setPen(QPen(grid, 1));
        painter.drawLine(plot.bottomLeft(), plot.bottomRight());
        painter.drawLine(plot.bottomLeft(), plot.topLeft());

        positions_.clear();
        for (std::size_t i = 0; i < points_.size(); ++i) {
            positions_.push_back(position(i, plot, low, high));
        }
        if (!points_.empty()) {
            painter.setPen(text);
            const QRectF labels(plot.left(), plot.bottom() + 2, plot.width(), metrics.height());
            painter.drawText(labels, Qt::AlignLeft | Qt::AlignTop, labelOf(0));
            if (points_.size() > 1) {
                painter.drawText(labels, Qt::AlignRight | Qt::AlignTop,
                                 labelOf(points_.size() - 1));
            }
        }
        const QColor highlight = palette().color(QPalette::Highlight);
        if (positions_.size() > 1) {
            QPainterPath line(positions_.front());
            for (std::size_t i = 1; i < positions_.size(); ++i) {
                line.lineTo(positions_[i]);
            }
            painter.setPen(QPen(highlight, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter.drawPath(line);
        }
        if (positions_.size() <= 40) {
            painter.setPen(QPen(palette().color(QPalette::Base), 1));
            painter.setBrush(highlight);
            for (const QPointF& point : positions_) {
                painter.drawEllipse(point, 3.5, 3.5);
            }
        }
    }

    void mouseMoveEvent(QMouseEvent* event) override {
        const QPointF at = event->position();
        std::optional<std::size_t> nearest;
        double best = 15 * 15;
        for (std::size_t i = 0; i < positions_.size(); ++i) {
            const QPointF d = positions_[i] - at;
            const double distance = QPointF::dotProduct(d, d);
            if (distance < best) {
                best = distance;
                nearest = i;
            }
        }
        if (nearest) {
            QToolTip::showText(event->globalPosition().toPoint(),
                               QStringLiteral("%1: %2").arg(labelOf(*nearest),
                                                            numberText(points_[*nearest].value)),
                               this);
        } else {
            QToolTip::hideText();
        }
    }

  private:
    std::pair<double, double> range() const {
        if (points_.empty()) {
            return {0, 1};
        }
        const auto [lowest, highest] = std::minmax_element(
            points_.begin(), points_.end(),
            [](const sync::ChartPoint& a, const sync::ChartPoint& b) { return a.value < b.value; });
        double low = lowest->value;
        double high = highest->value;
        if (high - low < 1e-12) {
            low -= std::max(1.0, std::abs(low) * 0.1);
            high += std::max(1.0, std::abs(high) * 0.1);
        }
        return {low, high};
    }

    QPointF position(std::size_t i, const QRectF& plot, double low, double high) const {
        const double x = points_.size() == 1
                             ? plot.center().x()
                             : plot.left() + plot.width() * static_cast<double>(i) /
                                                 static_cast<double>(points_.size() - 1);
        const double y = plot.bottom() - plot.height() * (points_[i].value - low) / (high - low);
        return {x, y};
    }

    QString labelOf(std::size_t i) const {
        return points_[i].label.empty() ? QString::number(i + 1) : qs(points_[i].label);
    }

    std::vector<sync::ChartPoint> points_;
    std::vector<QPointF> positions_;
};

class ChartView : public WidgetView {
  public:
    explicit ChartView(QWidget* parent) : WidgetView(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(4, 4, 4, 4);
        pages_ = new QStackedWidget(this);
        canvas_ = new ChartCanvas(pages_);
        empty_ =
            makeEmptyStateLabel(tr("No values yet — add \"label,value\" rows in Settings"), pages_);
        auto* rawPage = new QWidget(pages_);
        auto* rawLayout = new QVBoxLayout(rawPage);
        rawLayout->setContentsMargins(0, 0, 0, 0);
        auto* rawNote = new QLabel(
            tr("These values are not CSV (\"label,value\" per line), so they are shown as they "
               "are:"),
            rawPage);
        rawNote->setWordWrap(true);
        rawNote->setForegroundRole(QPalette::PlaceholderText);
        raw_ = new QPlainTextEdit(rawPage);
        raw_->setReadOnly(true);
        raw_->setAccessibleName(tr("Chart values as text"));
        rawLayout->addWidget(rawNote);
        rawLayout->addWidget(raw_, 1);
        rawPage_ = rawPage;
        pages_->addWidget(canvas_);
        pages_->addWidget(empty_);
        pages_->addWidget(rawPage);
        layout->addWidget(pages_);
        setMinimumSize(160, 100);

        watcher_ = new QFileSystemWatcher(this);
        connect(watcher_, &QFileSystemWatcher::fileChanged, this, [this] { reload(); });
        connect(watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { reload(); });
    }

    void setWidget(const sync::Widget& widget) override {
        widget_ = widget;
        file_ = settingString(widget.settings, "file").trimmed();
        reload();
    }

    void setLive(bool live) override {
        WidgetView::setLive(live);
        reload();
    }

  private:
    // Reads the values (content or file), shows them and (re)arms the file watch while live.
    void reload() {
        watch();
        QString problem;
        std::string text = widget_.content;
        if (!file_.isEmpty()) {
            QFile file(file_);
            if (!file.open(QIODevice::ReadOnly)) {
                problem = file.exists() ? tr("Cannot read %1: %2").arg(file_, file.errorString())
                                        : tr("No file at %1").arg(file_);
                text.clear();
            } else {
                text = file.readAll().toStdString();
            }
        }
        const std::optional<std::vector<sync::ChartPoint>> points = sync::parseChartCsv(text);
        if (!points) {
            raw_->setPlainText(qs(text));
            pages_->setCurrentWidget(rawPage_);
        } else if (points->empty()) {
            empty_->setText(file_.isEmpty() || !problem.isEmpty()
                                ? tr("No values yet — add \"label,value\" rows in Settings")
                                : tr("No values in %1 yet").arg(file_));
            pages_->setCurrentWidget(empty_);
        } else {
            canvas_->setPoints(*points);
            pages_->setCurrentWidget(canvas_);
        }
        if (problem != problem_) {
            problem_ = problem;
            emit problemChanged(problem);
        }
    }

    void watch() {
        QStringList wanted;
        if (isLive() && !file_.isEmpty()) {
            // Editors often save by replacing the file: watch its folder as well.
            const QFileInfo info(file_);
            if (info.exists()) {
                wanted.append(info.absoluteFilePath());
            }
            if (info.absoluteDir().exists()) {
                wanted.append(info.absolutePath());
            }
        }
        QStringList watched = watcher_->files() + watcher_->directories();
        std::sort(wanted.begin(), wanted.end());
        std::sort(watched.begin(), watched.end());
        if (wanted != watched) {
            if (!watched.isEmpty()) {
                watcher_->removePaths(watched);
            }
            if (!wanted.isEmpty()) {
                watcher_->addPaths(wanted);
            }
        }
    }

    QStackedWidget* pages_ = nullptr;
    ChartCanvas* canvas_ = nullptr;
    QLabel* empty_ = nullptr;
    QWidget* rawPage_ = nullptr;
    QPlainTextEdit* raw_ = nullptr;
    QFileSystemWatcher* watcher_ = nullptr;
    sync::Widget widget_;
    QString file_;
    QString problem_;
};

class ChartSettingsForm : public WidgetSettingsForm {
  public:
    explicit ChartSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        auto* valuesLabel = new QLabel(tr("Values, one \"label,value\" row per line:"), this);
        values_ = new QPlainTextEdit(this);
        values_->setAccessibleName(tr("Chart values"));
        values_->setPlaceholderText(QStringLiteral("Mon,3\nTue,5\nWed,4"));
        values_->setTabChangesFocus(true);
        valuesLabel->setBuddy(values_);
        layout->addWidget(valuesLabel);
        layout->addWidget(values_, 1);

        auto* fileLabel = new QLabel(tr("Or chart a CSV file:"), this);
        auto* row = new QHBoxLayout;
        file_ = new QLineEdit(this);
        file_->setAccessibleName(tr("CSV file"));
        file_->setPlaceholderText(tr("Empty: chart the values above"));
        file_->setClearButtonEnabled(true);
        fileLabel->setBuddy(file_);
        browse_ = new QPushButton(tr("Browse…"), this);
        browse_->setAccessibleName(tr("Browse for a CSV file"));
        row->addWidget(file_, 1);
        row->addWidget(browse_);
        layout->addWidget(fileLabel);
        layout->addLayout(row);

        connect(browse_, &QPushButton::clicked, this, [this] {
            auto* dialog = new QFileDialog(this, tr("Chart a CSV file"), file_->text(),
                                           tr("CSV files (*.csv *.txt);;All files (*)"));
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setFileMode(QFileDialog::ExistingFile);
            connect(dialog, &QFileDialog::fileSelected, file_, &QLineEdit::setText);
            dialog->open();
        });
    }

    void load(const sync::Widget& widget) override {
        loadedContent_ = qs(widget.content);
        values_->setPlainText(loadedContent_);
        file_->setText(settingString(widget.settings, "file"));
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        const QString text = values_->toPlainText();
        // Untouched text stays byte for byte, even when it is not CSV.
        if (text != loadedContent_) {
            widget.content = ss(text);
        }
        const QString file = file_->text().trimmed();
        if (file.isEmpty()) {
            widget.settings.erase("file");
        } else {
            widget.settings["file"] = ss(file);
        }
        return widget;
    }

    QString problem() const override {
        const QString text = values_->toPlainText();
        if (text != loadedContent_ && !sync::parseChartCsv(ss(text))) {
            return tr("Each line of values must be \"label,value\" or a number.");
        }
        return {};
    }

  private:
    QPlainTextEdit* values_ = nullptr;
    QLineEdit* file_ = nullptr;
    QPushButton* browse_ = nullptr;
    QString loadedContent_;
};

}  // namespace

WidgetType chartWidgetType() {
    return makeWidgetType<ChartView, ChartSettingsForm>(
        "chart", QObject::tr("Chart"),
        QObject::tr("A line chart of values typed in or read from a CSV file"),
        [](sync::Widget& widget) {
            widget.title = ss(QObject::tr("Chart"));
            widget.content = "Mon,3\nTue,5\nWed,4\nThu,7\nFri,6";
        });
}

}  // namespace deskboard::ui
