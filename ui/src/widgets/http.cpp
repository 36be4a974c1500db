// The HTTP value widget: one value fetched from a URL, shown large with its trend.
//   settings.url             http(s) URL to poll; empty: nothing is polled ("Set a URL")
//   settings.pointer         RFC 6901 JSON pointer into the answer, e.g. "/data/price";
//                            empty: the whole body as text
//   settings.intervalSeconds seconds between polls, default 60, at least 5
//   settings.timeoutSeconds  seconds before a request counts as timed out, default 10
// The fetching is sync::HttpValuePoller (ui reaches the network only through sync); it runs
// only while the view is live. Failures are reported in the tile, in words, and the last good
// value stays shown.
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>

#include <deskboard/sync/http_value_poller.h>
#include <deskboard/ui/widget_catalog.h>

#include "sparkline.h"
#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;
using sync::HttpValuePoller;

constexpr int kHistory = 60;

struct HttpSettings {
    QUrl url;
    QString pointer;
    int intervalSeconds = HttpValuePoller::kDefaultIntervalSeconds;
    int timeoutSeconds = HttpValuePoller::kDefaultTimeoutSeconds;
};

HttpSettings settingsOf(const sync::Widget& widget) {
    HttpSettings settings;
    const QString url = settingString(widget.settings, "url").trimmed();
    settings.url = url.isEmpty() ? QUrl() : QUrl(url);
    settings.pointer = settingString(widget.settings, "pointer").trimmed();
    settings.intervalSeconds =
        std::max(HttpValuePoller::kMinimumIntervalSeconds,
                 static_cast<int>(settingNumber(widget.settings, "intervalSeconds")
                                      .value_or(HttpValuePoller::kDefaultIntervalSeconds)));
    settings.timeoutSeconds =
        std::max(1, static_cast<int>(settingNumber(widget.settings, "timeoutSeconds")
                                         .value_or(HttpValuePoller::kDefaultTimeoutSeconds)));
    return settings;
}

QString urlProblem(const QUrl& url) {
    if (url.isEmpty()) {
        return {};
    }
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty()) {
        return QObject::tr("The URL must start with http:// or https:// and name a host.");
    }
    return {};
}

class HttpView : public WidgetView {
  public:
    explicit HttpView(QWidget* parent) : WidgetView(parent) {
        poller_ = new HttpValuePoller(this);
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(8, 4, 8, 4);
        layout->setSpacing(2);
        layout->addStretch();
        value_ = new QLabel(this);
        value_->setAlignment(Qt::AlignCenter);
        value_->setWordWrap(true);
        value_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value_->setTextFormat(Qt::PlainText);
        QFont big = value_->font();
        big.setPointSizeF(big.pointSizeF() * 2.2);
        big.setBold(true);
        value_->setFont(big);
        layout->addWidget(value_);
        history_ = new Sparkline(this);
        history_->setCapacity(kHistory);
        history_->setMaximumHeight(32);
        history_->setAccessibleDescription(tr("Recent values"));
        layout->addWidget(history_);
        // "▲ updated 14:05": the trend against the previous value, then when it came.
        auto* row = new QHBoxLayout;
        trend_ = new QLabel(this);
        status_ = new QLabel(this);
        status_->setAlignment(Qt::AlignCenter);
        status_->setWordWrap(true);
        status_->setForegroundRole(QPalette::PlaceholderText);
        row->addStretch();
        row->addWidget(trend_);
        row->addWidget(status_);
        row->addStretch();
        layout->addLayout(row);
        layout->addStretch();
        setMinimumSize(140, 80);

        connect(poller_, &HttpValuePoller::valueChanged, this,
                [this](const QString& value, std::optional<double> number) {
                    showValue(value, number);
                });
        connect(poller_, &HttpValuePoller::failed, this,
                [this](const QString& problem) { showProblem(problem); });
    }

    void setWidget(const sync::Widget& widget) override {
        const HttpSettings settings = settingsOf(widget);
        const QString problem = urlProblem(settings.url);
        const QUrl url = problem.isEmpty() ? settings.url : QUrl();
        if (url != poller_->url() || settings.pointer != poller_->pointer()) {
            // Another source: its history starts afresh.
            history_->clear();
            previous_.reset();
            value_->clear();
            trend_->clear();
            status_->clear();
        }
        poller_->setIntervalSeconds(settings.intervalSeconds);
        poller_->setTimeoutSeconds(settings.timeoutSeconds);
        poller_->setPointer(settings.pointer);
        poller_->setUrl(url);
        if (url.isEmpty()) {
            value_->setText(QStringLiteral("—"));
            status_->setText(problem.isEmpty() ? tr("Set a URL in Settings") : problem);
            history_->hide();
            poller_->stop();
            setProblem(problem);
            return;
        }
        history_->setVisible(history_->values().size() > 1);
        if (value_->text().isEmpty()) {
            value_->setText(QStringLiteral("…"));
            status_->setText(isLive() ? tr("Fetching %1").arg(url.host())
                                      : tr("Waiting to fetch %1").arg(url.host()));
        }
        updatePolling();
    }

    void setLive(bool live) override {
        WidgetView::setLive(live);
        updatePolling();
    }

  private:
    void updatePolling() {
        if (isLive() && !poller_->url().isEmpty()) {
            if (!poller_->isRunning()) {
                poller_->start();
            }
        } else {
            poller_->stop();
        }
    }

    void showValue(const QString& value, std::optional<double> number) {
        setProblem(QString());
        QString shown = value.simplified();
        if (shown.size() > 80) {
            shown = shown.left(79) + QChar(0x2026);
        }
        value_->setText(shown.isEmpty() ? tr("(empty)") : shown);
        value_->setToolTip(value.left(2000));
        if (number && previous_) {
            trend_->setText(*number > *previous_   ? QStringLiteral("▲")
                            : *number < *previous_ ? QStringLiteral("▼")
                                                   : QStringLiteral("="));
            trend_->setToolTip(*number > *previous_   ? tr("Up from %1").arg(*previous_)
                               : *number < *previous_ ? tr("Down from %1").arg(*previous_)
                                                      : tr("Unchanged"));
            trend_->setAccessibleName(trend_->toolTip());
        } else {
            trend_->clear();
        }
        if (number) {
            previous_ = number;
            history_->addValue(*number);
        }
        history_->setVisible(history_->values().size() > 1);
        status_->setText(
            tr("updated %1").arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
    }

    void showProblem(const QString& problem) {
        setProblem(problem);
        if (value_->text() == QStringLiteral("…")) {
            value_->setText(QStringLiteral("—"));
        }
        status_->setText(problem);
    }

    void setProblem(const QString& problem) {
        if (problem != problem_) {
            problem_ = problem;
            emit problemChanged(problem);
        }
    }

    HttpValuePoller* poller_ = nullptr;
    QLabel* value_ = nullptr;
    QLabel* trend_ = nullptr;
    QLabel* status_ = nullptr;
    Sparkline* history_ = nullptr;
    std::optional<double> previous_;
    QString problem_;
};

class HttpSettingsForm : public WidgetSettingsForm {
  public:
    explicit HttpSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QFormLayout(this);
        url_ = new QLineEdit(this);
        url_->setPlaceholderText(QStringLiteral("https://api.example.org/price"));
        url_->setAccessibleName(tr("URL"));
        pointer_ = new QLineEdit(this);
        pointer_->setPlaceholderText(tr("/data/price — empty: the whole answer"));
        pointer_->setAccessibleName(tr("JSON pointer"));
        interval_ = new QSpinBox(this);
        interval_->setRange(HttpValuePoller::kMinimumIntervalSeconds, 24 * 60 * 60);
        interval_->setSuffix(tr(" s"));
        interval_->setAccessibleName(tr("Seconds between updates"));
        timeout_ = new QSpinBox(this);
        timeout_->setRange(1, 120);
        timeout_->setSuffix(tr(" s"));
        timeout_->setAccessibleName(tr("Timeout in seconds"));
        layout->addRow(tr("&URL:"), url_);
        layout->addRow(tr("&Value at:"), pointer_);
        layout->addRow(tr("&Every:"), interval_);
        layout->addRow(tr("&Timeout:"), timeout_);
    }

    void load(const sync::Widget& widget) override {
        const HttpSettings settings = settingsOf(widget);
        url_->setText(settingString(widget.settings, "url"));
        pointer_->setText(settings.pointer);
        interval_->setValue(settings.intervalSeconds);
        timeout_->setValue(settings.timeoutSeconds);
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        widget.settings["url"] = ss(url_->text().trimmed());
        widget.settings["pointer"] = ss(pointer_->text().trimmed());
        widget.settings["intervalSeconds"] = interval_->value();
        widget.settings["timeoutSeconds"] = timeout_->value();
        return widget;
    }

    QString problem() const override {
        const QString url = url_->text().trimmed();
        if (const QString problem = urlProblem(url.isEmpty() ? QUrl() : QUrl(url));
            !problem.isEmpty()) {
            return problem;
        }
        const QString pointer = pointer_->text().trimmed();
        if (!pointer.isEmpty() && !pointer.startsWith(QLatin1Char('/'))) {
            return tr("A JSON pointer starts with /, e.g. /data/price.");
        }
        return {};
    }

  private:
    QLineEdit* url_ = nullptr;
    QLineEdit* pointer_ = nullptr;
    QSpinBox* interval_ = nullptr;
    QSpinBox* timeout_ = nullptr;
};

}  // namespace

WidgetType httpWidgetType() {
    return makeWidgetType<HttpView, HttpSettingsForm>(
        "http", QObject::tr("HTTP value"),
        QObject::tr("A number or text fetched from a URL, with its trend"),
        [](sync::Widget& widget) {
            widget.title = ss(QObject::tr("HTTP value"));
            widget.settings = {{"url", ""},
                               {"pointer", ""},
                               {"intervalSeconds", HttpValuePoller::kDefaultIntervalSeconds},
                               {"timeoutSeconds", HttpValuePoller::kDefaultTimeoutSeconds}};
        });
}

}  // namespace deskboard::ui
