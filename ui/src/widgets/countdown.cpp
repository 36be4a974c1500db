// The countdown widget: the time to go until a moment, or the time since it once past.
//   settings.target  ISO 8601 date-time, UTC ("2026-01-01T00:00:00Z") or with an offset
//                    ("2026-01-01T00:00:00+01:00"); without either it is this computer's time
//   settings.label   optional, what the moment is ("New Year")
// While live a single-shot timer fires when the shown text changes: each minute, each second
// in the last hour.
#include <cstdlib>

#include <QDateTime>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QLineEdit>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

#include <deskboard/ui/widget_catalog.h>

#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QDateTime targetOf(const sync::Widget& widget) {
    return QDateTime::fromString(settingString(widget.settings, "target").trimmed(),
                                 Qt::ISODateWithMs);
}

// "3 days 4 h 12 min", "4 h 12 min", "12 min 5 s" (under an hour, seconds count).
QString durationText(qint64 ms) {
    const qint64 days = ms / kDay;
    const qint64 hours = ms % kDay / kHour;
    const qint64 minutes = ms % kHour / kMinute;
    const qint64 seconds = ms % kMinute / 1000;
    QStringList parts;
    if (days > 0) {
        parts.append(days == 1 ? QObject::tr("1 day") : QObject::tr("%1 days").arg(days));
    }
    if (days > 0 || hours > 0) {
        parts.append(QObject::tr("%1 h").arg(hours));
    }
    parts.append(QObject::tr("%1 min").arg(minutes));
    if (days == 0 && hours == 0) {
        parts.append(QObject::tr("%1 s").arg(seconds));
    }
    return parts.join(QLatin1Char(' '));
}

class CountdownView : public WidgetView {
  public:
    explicit CountdownView(QWidget* parent) : WidgetView(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(8, 4, 8, 4);
        layout->addStretch();
        remaining_ = new QLabel(this);
        remaining_->setAlignment(Qt::AlignCenter);
        remaining_->setWordWrap(true);
        QFont big = remaining_->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        remaining_->setFont(big);
        caption_ = new QLabel(this);
        caption_->setAlignment(Qt::AlignCenter);
        caption_->setWordWrap(true);
        when_ = new QLabel(this);
        when_->setAlignment(Qt::AlignCenter);
        when_->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(remaining_);
        layout->addWidget(caption_);
        layout->addWidget(when_);
        layout->addStretch();
        timer_ = new QTimer(this);
        timer_->setSingleShot(true);
        connect(timer_, &QTimer::timeout, this, [this] { refresh(); });
        setMinimumSize(140, 70);
    }

    void setWidget(const sync::Widget& widget) override {
        target_ = targetOf(widget);
        label_ = settingString(widget.settings, "label").trimmed();
        const QString text = settingString(widget.settings, "target").trimmed();
        const QString problem = !text.isEmpty() && !target_.isValid()
                                    ? tr("Not a date and time: %1").arg(text)
                                    : QString();
        if (problem != problem_) {
            problem_ = problem;
            emit problemChanged(problem);
        }
        refresh();
    }

    void setLive(bool live) override {
        WidgetView::setLive(live);
        refresh();
    }

  private:
    void refresh() {
        timer_->stop();
        if (!target_.isValid()) {
            remaining_->setText(QStringLiteral("—"));
            caption_->setText(tr("Set a date in Settings"));
            when_->clear();
            return;
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 delta = target_.toMSecsSinceEpoch() - now;
        const bool future = delta > 0;
        const qint64 distance = std::abs(delta);
        remaining_->setText(durationText(distance));
        if (label_.isEmpty()) {
            caption_->setText(future ? tr("to go") : tr("since then"));
        } else {
            caption_->setText(future ? tr("until %1").arg(label_) : tr("since %1").arg(label_));
        }
        when_->setText(QLocale().toString(target_.toLocalTime(), QLocale::ShortFormat));
        if (!isLive()) {
            return;
        }
        // The next moment the text changes: a whole minute (or second) of the distance.
        const qint64 step = distance < kHour ? 1000 : kMinute;
        const qint64 wait = future ? distance % step : step - distance % step;
        timer_->start(static_cast<int>(std::max<qint64>(wait, 1) + 5));
    }

    QLabel* remaining_ = nullptr;
    QLabel* caption_ = nullptr;
    QLabel* when_ = nullptr;
    QTimer* timer_ = nullptr;
    QDateTime target_;
    QString label_;
    QString problem_;
};

class CountdownSettingsForm : public WidgetSettingsForm {
  public:
    explicit CountdownSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QFormLayout(this);
        target_ = new QDateTimeEdit(this);
        target_->setCalendarPopup(true);
        target_->setTimeSpec(Qt::LocalTime);
        target_->setDisplayFormat(QLocale().dateTimeFormat(QLocale::ShortFormat));
        target_->setAccessibleName(tr("Date and time"));
        label_ = new QLineEdit(this);
        label_->setPlaceholderText(tr("e.g. New Year"));
        label_->setAccessibleName(tr("What it is"));
        layout->addRow(tr("&Date and time:"), target_);
        layout->addRow(tr("&What it is:"), label_);
    }

    void load(const sync::Widget& widget) override {
        loadedTarget_ = targetOf(widget);
        target_->setDateTime(loadedTarget_.isValid() ? loadedTarget_.toLocalTime()
                                                     : QDateTime::currentDateTime().addDays(1));
        label_->setText(settingString(widget.settings, "label"));
        loadedLabel_ = label_->text();
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        // An unchanged moment keeps its text (and its offset) as it was written.
        const QDateTime chosen = target_->dateTime();
        if (!loadedTarget_.isValid() || chosen != loadedTarget_) {
            widget.settings["target"] =
                ss(chosen.toOffsetFromUtc(chosen.offsetFromUtc()).toString(Qt::ISODate));
        }
        const QString label = label_->text().trimmed();
        if (label != loadedLabel_.trimmed()) {
            if (label.isEmpty()) {
                widget.settings.erase("label");
            } else {
                widget.settings["label"] = ss(label);
            }
        }
        return widget;
    }

  private:
    QDateTimeEdit* target_ = nullptr;
    QLineEdit* label_ = nullptr;
    QDateTime loadedTarget_;
    QString loadedLabel_;
};

}  // namespace

WidgetType countdownWidgetType() {
    return makeWidgetType<CountdownView, CountdownSettingsForm>(
        "countdown", QObject::tr("Countdown"),
        QObject::tr("The time left until a date, or since it"), [](sync::Widget& widget) {
            // The next New Year, at midnight here, written with this computer's offset.
            const QDate next(QDate::currentDate().year() + 1, 1, 1);
            const QDateTime midnight(next, QTime(0, 0));
            widget.title = ss(QObject::tr("New Year"));
            widget.settings = {
                {"target",
                 ss(midnight.toOffsetFromUtc(midnight.offsetFromUtc()).toString(Qt::ISODate))},
                {"label", ss(QObject::tr("New Year %1").arg(next.year()))}};
        });
}

}  // namespace deskboard::ui
