// The clock widget: the time now in one or more time zones.
//   settings.zones    JSON array of IANA ids, "local" for this computer's zone; default
//                     ["local"]. A plain string is read as a list separated by commas or spaces
//                     (`deskboard ctl widget set ID settings.zones Europe/Paris,Asia/Tokyo`).
//   settings.seconds  bool, default false: show seconds
// While live, one single-shot timer fires at the next minute (or second) boundary; stopped,
// the view costs nothing.
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include <deskboard/ui/widget_catalog.h>

#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

const QString kLocal = QStringLiteral("local");

QStringList zonesOf(const sync::Widget& widget) {
    QStringList zones = settingStringList(widget.settings, "zones");
    if (zones.isEmpty()) {
        zones.append(kLocal);
    }
    return zones;
}

// "Europe/Paris" -> "Paris", "America/Argentina/Buenos_Aires" -> "Buenos Aires".
QString cityName(const QString& zoneId) {
    if (zoneId == kLocal) {
        return QObject::tr("Local time");
    }
    QString city = zoneId.section(QLatin1Char('/'), -1);
    city.replace(QLatin1Char('_'), QLatin1Char(' '));
    return city;
}

QString timeFormat(bool seconds) {
    QString format = QLocale().timeFormat(QLocale::ShortFormat);
    if (seconds && !format.contains(QLatin1Char('s'))) {
        const qsizetype minutes = format.indexOf(QStringLiteral("mm"));
        if (minutes >= 0) {
            format.insert(minutes + 2, QStringLiteral(":ss"));
        }
    }
    return format;
}

class ClockView : public WidgetView {
  public:
    explicit ClockView(QWidget* parent) : WidgetView(parent) {
        grid_ = new QGridLayout(this);
        grid_->setContentsMargins(8, 4, 8, 4);
        grid_->setVerticalSpacing(2);
        timer_ = new QTimer(this);
        timer_->setSingleShot(true);
        timer_->setTimerType(Qt::PreciseTimer);
        connect(timer_, &QTimer::timeout, this, [this] {
            refresh();
            schedule();
        });
        setMinimumSize(140, 50);
    }

    void setWidget(const sync::Widget& widget) override {
        const QStringList zones = zonesOf(widget);
        seconds_ = settingBool(widget.settings, "seconds", false);
        if (zones != zones_) {
            zones_ = zones;
            buildRows();
        }
        refresh();
        schedule();
    }

    void setLive(bool live) override {
        WidgetView::setLive(live);
        if (live) {
            refresh();
        }
        schedule();
    }

  private:
    struct Row {
        QTimeZone zone;
        bool valid = true;
        QLabel* name = nullptr;
        QLabel* detail = nullptr;
        QLabel* time = nullptr;
    };

    void buildRows() {
        for (Row& row : rows_) {
            delete row.name;
            delete row.detail;
            delete row.time;
        }
        rows_.clear();
        // Many zones: smaller digits so that they fit a small tile.
        const double scale = zones_.size() == 1 ? 2.4 : zones_.size() <= 3 ? 1.6 : 1.2;
        for (const QString& id : std::as_const(zones_)) {
            Row row;
            row.zone = id == kLocal ? QTimeZone::systemTimeZone() : QTimeZone(id.toUtf8());
            row.valid = row.zone.isValid();
            row.name = new QLabel(cityName(id), this);
            row.name->setToolTip(id == kLocal ? QString::fromUtf8(QTimeZone::systemTimeZoneId())
                                              : id);
            QFont nameFont = row.name->font();
            nameFont.setBold(true);
            row.name->setFont(nameFont);
            row.detail = new QLabel(this);
            row.detail->setForegroundRole(QPalette::PlaceholderText);
            row.time = new QLabel(this);
            row.time->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            QFont timeFont = row.time->font();
            timeFont.setPointSizeF(timeFont.pointSizeF() * scale);
            timeFont.setStyleHint(QFont::Monospace);
            row.time->setFont(timeFont);
            row.time->setTextInteractionFlags(Qt::TextSelectableByMouse);
            const int line = static_cast<int>(rows_.size()) * 2;
            grid_->addWidget(row.name, line, 0);
            grid_->addWidget(row.detail, line + 1, 0);
            grid_->addWidget(row.time, line, 1, 2, 1);
            // Shown now, not when the layout gets round to it: the rows are the whole view.
            row.name->show();
            row.detail->show();
            row.time->show();
            rows_.push_back(row);
        }
        grid_->setColumnStretch(0, 1);
        grid_->setRowStretch(static_cast<int>(rows_.size()) * 2, 1);
    }

    void refresh() {
        const QDateTime now = QDateTime::currentDateTime();
        const QString format = timeFormat(seconds_);
        const QDate today = now.date();
        for (Row& row : rows_) {
            if (!row.valid) {
                row.time->setText(QStringLiteral("—"));
                row.detail->setText(tr("Unknown time zone"));
                continue;
            }
            const QDateTime there = now.toTimeZone(row.zone);
            row.time->setText(QLocale().toString(there.time(), format));
            const int days = static_cast<int>(today.daysTo(there.date()));
            const QString offset = row.zone.displayName(there, QTimeZone::OffsetName);
            const QString day = days == 0  ? QString()
                                : days > 0 ? tr("tomorrow") + QStringLiteral(", ")
                                           : tr("yesterday") + QStringLiteral(", ");
            row.detail->setText(day + offset);
        }
    }

    // The next boundary of the shown precision, only while live.
    void schedule() {
        if (!isLive()) {
            timer_->stop();
            return;
        }
        const QDateTime now = QDateTime::currentDateTime();
        const qint64 ms = now.toMSecsSinceEpoch();
        const qint64 period = seconds_ ? 1000 : 60000;
        timer_->start(static_cast<int>(period - ms % period + 5));
    }

    QGridLayout* grid_ = nullptr;
    QTimer* timer_ = nullptr;
    QStringList zones_;
    std::vector<Row> rows_;
    bool seconds_ = false;
};

class ClockSettingsForm : public WidgetSettingsForm {
  public:
    explicit ClockSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->addWidget(new QLabel(tr("Time zones:"), this));
        zones_ = new QListWidget(this);
        zones_->setAccessibleName(tr("Time zones"));
        layout->addWidget(zones_, 1);

        auto* row = new QHBoxLayout;
        picker_ = new QComboBox(this);
        picker_->setEditable(true);
        picker_->setInsertPolicy(QComboBox::NoInsert);
        picker_->setAccessibleName(tr("Time zone to add"));
        picker_->lineEdit()->setAccessibleName(tr("Time zone to add"));
        picker_->addItem(kLocal);
        for (const QByteArray& id : QTimeZone::availableTimeZoneIds()) {
            picker_->addItem(QString::fromUtf8(id));
        }
        picker_->completer()->setFilterMode(Qt::MatchContains);
        picker_->completer()->setCompletionMode(QCompleter::PopupCompletion);
        picker_->completer()->setCaseSensitivity(Qt::CaseInsensitive);
        picker_->setCurrentText(QString());
        picker_->lineEdit()->setPlaceholderText(tr("Search, e.g. Tokyo"));
        add_ = new QPushButton(tr("Add"), this);
        add_->setAccessibleName(tr("Add time zone"));
        remove_ = new QPushButton(tr("Remove"), this);
        remove_->setAccessibleName(tr("Remove time zone"));
        row->addWidget(picker_, 1);
        row->addWidget(add_);
        row->addWidget(remove_);
        layout->addLayout(row);

        seconds_ = new QCheckBox(tr("Show seconds"), this);
        seconds_->setAccessibleName(tr("Show seconds"));
        layout->addWidget(seconds_);

        connect(add_, &QPushButton::clicked, this, &ClockSettingsForm::addZone);
        connect(picker_->lineEdit(), &QLineEdit::returnPressed, this, &ClockSettingsForm::addZone);
        connect(remove_, &QPushButton::clicked, this, [this] { delete zones_->currentItem(); });
    }

    void load(const sync::Widget& widget) override {
        zones_->clear();
        zones_->addItems(zonesOf(widget));
        seconds_->setChecked(settingBool(widget.settings, "seconds", false));
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        nlohmann::json zones = nlohmann::json::array();
        for (const QString& zone : zoneIds()) {
            zones.push_back(ss(zone));
        }
        widget.settings["zones"] = zones;
        widget.settings["seconds"] = seconds_->isChecked();
        return widget;
    }

    QString problem() const override {
        const QStringList zones = zoneIds();
        if (zones.isEmpty()) {
            return tr("Add at least one time zone.");
        }
        for (const QString& zone : zones) {
            if (zone != kLocal && !QTimeZone::isTimeZoneIdAvailable(zone.toUtf8())) {
                return tr("Unknown time zone: %1").arg(zone);
            }
        }
        return {};
    }

  private:
    QStringList zoneIds() const {
        QStringList ids;
        for (int i = 0; i < zones_->count(); ++i) {
            ids.append(zones_->item(i)->text());
        }
        return ids;
    }

    void addZone() {
        const QString id = picker_->currentText().trimmed();
        if (id.isEmpty() || (id != kLocal && !QTimeZone::isTimeZoneIdAvailable(id.toUtf8())) ||
            zoneIds().contains(id)) {
            return;
        }
        zones_->addItem(id);
        picker_->setCurrentText(QString());
    }

    QListWidget* zones_ = nullptr;
    QComboBox* picker_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    QCheckBox* seconds_ = nullptr;
};

}  // namespace

WidgetType clockWidgetType() {
    return makeWidgetType<ClockView, ClockSettingsForm>(
        "clock", QObject::tr("Clock"), QObject::tr("The time here and in other time zones"),
        [](sync::Widget& widget) {
            widget.title = ss(QObject::tr("Clock"));
            widget.settings = {{"zones", nlohmann::json::array({"local"})}, {"seconds", false}};
        });
}

}  // namespace deskboard::ui
