#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <deskboard/protocol/history_messages.h>
#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/ui/history_dialog.h>

namespace deskboard::ui {

namespace {

constexpr int kDataRole = Qt::UserRole;

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

QString timeText(const QDateTime& time) {
    if (!time.isValid()) {
        return HistoryDialog::tr("unknown time");
    }
    const QDateTime local = time.toLocalTime();
    const QLocale locale;
    if (local.date() == QDate::currentDate()) {
        return HistoryDialog::tr("Today %1")
            .arg(locale.toString(local.time(), QLocale::ShortFormat));
    }
    return locale.toString(local, QLocale::ShortFormat);
}

// Without a plural form, so that it reads right with or without a translation loaded.
QString widgetsText(std::size_t count) {
    return HistoryDialog::tr("widgets: %1").arg(count);
}

QString typeName(const std::string& type) {
    static const std::map<std::string, const char*> names = {
        {"note", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "Note")},
        {"todo", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "To-do list")},
        {"clock", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "Clock")},
        {"sysmon", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "System monitor")},
        {"chart", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "Chart")},
        {"bookmarks", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "Bookmarks")},
        {"countdown", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "Countdown")},
        {"http", QT_TRANSLATE_NOOP("deskboard::ui::HistoryDialog", "HTTP value")},
    };
    const auto found = names.find(type);
    return found == names.end() ? fromStd(type) : HistoryDialog::tr(found->second);
}

QString sizeText(std::int64_t bytes) {
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QTreeWidget* makeList(const QStringList& headers, const QString& name, QWidget* parent) {
    auto* list = new QTreeWidget(parent);
    list->setHeaderLabels(headers);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAllColumnsShowFocus(true);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->setAccessibleName(name);
    return list;
}

QLabel* statusLabel(const QString& description, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setAccessibleDescription(description);
    return label;
}

}  // namespace

HistoryDialog::HistoryDialog(sync::SyncEngine* engine, sync::DashboardStore* store, QWidget* parent)
    : QDialog(parent), engine_(engine), store_(store) {
    setWindowTitle(tr("History"));
    setAccessibleName(windowTitle());

    // On the server
    serverStatus_ = statusLabel(tr("Server history status"), this);
    serverList_ = makeList({tr("Version"), tr("Saved"), tr("Widgets"), tr("Size")},
                           tr("Versions on the server"), this);
    serverList_->setToolTip(tr("The last versions saved to the server, newest first."));
    auto* serverPage = new QWidget(this);
    auto* serverLayout = new QVBoxLayout(serverPage);
    serverLayout->addWidget(serverStatus_);
    serverLayout->addWidget(serverList_, 1);

    // On this computer
    snapshotStatus_ = statusLabel(tr("Local snapshots status"), this);
    snapshotList_ =
        makeList({tr("Taken"), tr("Widgets"), tr("Why")}, tr("Snapshots on this computer"), this);
    snapshotList_->setToolTip(
        tr("Copies this computer kept before sync replaced its dashboards, newest first."));
    auto* snapshotPage = new QWidget(this);
    auto* snapshotLayout = new QVBoxLayout(snapshotPage);
    snapshotLayout->addWidget(snapshotStatus_);
    snapshotLayout->addWidget(snapshotList_, 1);

    tabs_ = new QTabWidget(this);
    tabs_->setAccessibleName(tr("History sources"));
    tabs_->addTab(serverPage, tr("On the &Server"));
    tabs_->addTab(snapshotPage, tr("On This &Computer"));
    tabs_->setDocumentMode(false);

    // Preview
    previewTitle_ = statusLabel(tr("Preview of the selected entry"), this);
    previewTitle_->setText(tr("Select a version to see what it holds."));
    previewTitle_->setAccessibleName(previewTitle_->text());
    preview_ = new QTreeWidget(this);
    preview_->setHeaderLabels({tr("Title"), tr("Type")});
    preview_->setUniformRowHeights(true);
    preview_->setAccessibleName(tr("Preview: dashboards and widgets"));
    preview_->setSelectionMode(QAbstractItemView::NoSelection);
    auto* previewHeading = new QLabel(tr("&Preview"), this);
    QFont bold = previewHeading->font();
    bold.setBold(true);
    previewHeading->setFont(bold);
    previewHeading->setBuddy(preview_);
    auto* previewPane = new QWidget(this);
    auto* previewLayout = new QVBoxLayout(previewPane);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    previewLayout->addWidget(previewHeading);
    previewLayout->addWidget(previewTitle_);
    previewLayout->addWidget(preview_, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(tabs_);
    splitter->addWidget(previewPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    message_ = statusLabel(tr("Restore error"), this);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Close, this);
    restore_ = buttons_->addButton(tr("&Restore"), QDialogButtonBox::ActionRole);
    restore_->setToolTip(
        tr("Makes the selected entry your dashboard again. The restore is saved as a new "
           "version (an edit), so what you have now stays in the history and can be restored "
           "too."));
    connect(restore_, &QPushButton::clicked, this, &HistoryDialog::restoreSelected);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(message_);
    layout->addWidget(buttons_);

    connect(tabs_, &QTabWidget::currentChanged, this, [this] {
        showPreview();
        updateButtons();
    });
    for (QTreeWidget* list : {serverList_, snapshotList_}) {
        connect(list, &QTreeWidget::itemSelectionChanged, this, [this] {
            showPreview();
            updateButtons();
        });
        connect(list, &QTreeWidget::itemActivated, this, [this] { restore_->setFocus(); });
    }

    setTabOrder(tabs_, serverList_);
    setTabOrder(serverList_, snapshotList_);
    setTabOrder(snapshotList_, preview_);
    setTabOrder(preview_, restore_);

    const QFontMetrics metrics = fontMetrics();
    resize(metrics.averageCharWidth() * 110, metrics.height() * 28);
    reload();
}

void HistoryDialog::reload() {
    ++generation_;
    versions_.clear();
    versionErrors_.clear();
    fetching_.reset();
    loadSnapshots();
    loadServer();
    const bool signedIn = engine_ && engine_->state() != sync::SyncState::SignedOut;
    tabs_->setCurrentIndex(signedIn || snapshotList_->topLevelItemCount() == 0 ? 0 : 1);
    showPreview();
    updateButtons();
}

QString HistoryDialog::serverStatusText() const {
    return serverStatus_->isHidden() ? QString() : serverStatus_->text();
}

QString HistoryDialog::messageText() const {
    return message_->isHidden() ? QString() : message_->text();
}

void HistoryDialog::setServerStatus(const QString& text, bool error) {
    serverStatus_->setText(text);
    serverStatus_->setAccessibleName(text);
    serverStatus_->setAccessibleDescription(error ? tr("Server history error")
                                                  : tr("Server history status"));
    serverStatus_->setVisible(!text.isEmpty());
}

void HistoryDialog::showMessage(const QString& text) {
    message_->setText(text);
    message_->setAccessibleName(text);
    message_->setVisible(!text.isEmpty());
}

void HistoryDialog::loadServer() {
    serverList_->clear();
    loadingServer_ = false;
    if (!engine_ || engine_->state() == sync::SyncState::SignedOut) {
        setServerStatus(tr("Not signed in: sign in to see the versions kept on the server. The "
                           "snapshots on this computer are always available."),
                        false);
        serverList_->setEnabled(false);
        return;
    }
    serverList_->setEnabled(true);
    loadingServer_ = true;
    setServerStatus(tr("Loading the server's versions…"), false);
    QPointer<HistoryDialog> self(this);
    const int generation = generation_;
    engine_->history([self, generation](sync::ApiResult<protocol::HistoryResponse> result) {
        if (!self || generation != self->generation_) {
            return;
        }
        self->loadingServer_ = false;
        if (const auto* failure = std::get_if<sync::ApiFailure>(&result)) {
            self->setServerStatus(
                failure->kind == sync::ApiFailure::Kind::Offline
                    ? tr("The server cannot be reached right now (%1). The snapshots on this "
                         "computer are still available.")
                          .arg(failure->message)
                    : tr("The server's versions could not be read: %1").arg(failure->message),
                true);
            self->updateButtons();
            return;
        }
        self->showServer(std::get<protocol::HistoryResponse>(result));
    });
}

void HistoryDialog::showServer(const protocol::HistoryResponse& response) {
    serverList_->clear();
    if (response.versions.empty()) {
        setServerStatus(tr("The server holds no versions of this workspace yet."), false);
        updateButtons();
        return;
    }
    setServerStatus({}, false);
    const std::int64_t current = store_ ? store_->lastSyncedVersion() : 0;
    for (const auto& entry : response.versions) {
        auto* item = new QTreeWidgetItem(serverList_);
        item->setData(0, kDataRole, QVariant::fromValue<qint64>(entry.version));
        item->setText(0, entry.version == current ? tr("%1 (current)").arg(entry.version)
                                                  : QString::number(entry.version));
        const QDateTime saved =
            QDateTime::fromString(fromStd(entry.lastModified), Qt::ISODateWithMs);
        item->setText(1, timeText(saved));
        item->setToolTip(1, QLocale().toString(saved.toLocalTime(), QLocale::LongFormat));
        item->setText(2, QStringLiteral("…"));
        item->setText(3, sizeText(entry.bytes));
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
    }
    for (int column = 0; column < serverList_->columnCount(); ++column) {
        serverList_->resizeColumnToContents(column);
    }
    serverList_->setCurrentItem(serverList_->topLevelItem(0));
    fetchNextVersion();
    updateButtons();
}

void HistoryDialog::fetchNextVersion() {
    if (fetching_ || !engine_) {
        return;
    }
    // The selected version first (the preview waits for it), then the others in order, so that
    // every row gets its widget count.
    std::optional<std::int64_t> next;
    const auto wanted = [this](std::int64_t version) {
        return !versions_.contains(version) && !versionErrors_.contains(version);
    };
    if (const auto selected = selectedVersion(); selected && wanted(*selected)) {
        next = selected;
    }
    for (int row = 0; !next && row < serverList_->topLevelItemCount(); ++row) {
        const auto version = serverList_->topLevelItem(row)->data(0, kDataRole).toLongLong();
        if (wanted(version)) {
            next = version;
        }
    }
    if (!next) {
        return;
    }
    fetching_ = next;
    QPointer<HistoryDialog> self(this);
    const int generation = generation_;
    const std::int64_t version = *next;
    engine_->historyVersion(version, [self, generation,
                                      version](sync::ApiResult<protocol::GetStateResponse> result) {
        if (!self || generation != self->generation_) {
            return;
        }
        self->fetching_.reset();
        QString count;
        if (const auto* failure = std::get_if<sync::ApiFailure>(&result)) {
            self->versionErrors_[version] = failure->message;
            count = tr("?");
        } else if (auto document =
                       sync::documentFromJson(std::get<protocol::GetStateResponse>(result).state)) {
            count = QString::number(document.value().widgetCount());
            self->versions_[version] = std::move(document).value();
        } else {
            self->versionErrors_[version] =
                tr("not a Deskboard dashboard (%1)").arg(fromStd(document.error().message));
            count = tr("?");
        }
        for (int row = 0; row < self->serverList_->topLevelItemCount(); ++row) {
            QTreeWidgetItem* item = self->serverList_->topLevelItem(row);
            if (item->data(0, kDataRole).toLongLong() == version) {
                item->setText(2, count);
            }
        }
        if (self->selectedVersion() == version) {
            self->showPreview();
        }
        self->fetchNextVersion();
    });
}

void HistoryDialog::loadSnapshots() {
    snapshotList_->clear();
    const auto snapshots = store_ ? store_->snapshots() : std::vector<sync::Snapshot>{};
    for (const auto& snapshot : snapshots) {
        auto* item = new QTreeWidgetItem(snapshotList_);
        item->setData(0, kDataRole, snapshot.index);
        item->setText(0, timeText(snapshot.takenAt));
        item->setToolTip(0,
                         QLocale().toString(snapshot.takenAt.toLocalTime(), QLocale::LongFormat));
        item->setText(1, QString::number(snapshot.widgetCount));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(2, snapshot.reason);
        item->setToolTip(2, snapshot.reason);
    }
    const QString status =
        snapshots.empty()
            ? tr("No snapshots yet. This computer keeps one before sync replaces or merges its "
                 "dashboards (the last %1).")
                  .arg(sync::DashboardStore::kMaxSnapshots)
            : tr("Copies kept before sync replaced or merged this computer's dashboards.");
    snapshotStatus_->setText(status);
    snapshotStatus_->setAccessibleName(status);
    for (int column = 0; column < snapshotList_->columnCount() - 1; ++column) {
        snapshotList_->resizeColumnToContents(column);
    }
    if (!snapshots.empty()) {
        snapshotList_->setCurrentItem(snapshotList_->topLevelItem(0));
    }
}

HistoryDialog::Source HistoryDialog::currentSource() const {
    return tabs_->currentIndex() == 0 ? Source::Server : Source::Snapshot;
}

std::optional<std::int64_t> HistoryDialog::selectedVersion() const {
    const auto selected = serverList_->selectedItems();
    if (selected.isEmpty()) {
        return std::nullopt;
    }
    return selected.front()->data(0, kDataRole).toLongLong();
}

std::optional<int> HistoryDialog::selectedSnapshot() const {
    const auto selected = snapshotList_->selectedItems();
    if (selected.isEmpty()) {
        return std::nullopt;
    }
    return selected.front()->data(0, kDataRole).toInt();
}

void HistoryDialog::showPreview() {
    preview_->clear();
    QString title;
    if (currentSource() == Source::Server) {
        if (const auto version = selectedVersion()) {
            if (const auto found = versions_.find(*version); found != versions_.end()) {
                title = tr("Version %1 (%2)")
                            .arg(*version)
                            .arg(widgetsText(found->second.widgetCount()));
                fillPreview(found->second);
            } else if (const auto error = versionErrors_.find(*version);
                       error != versionErrors_.end()) {
                title = tr("Version %1 could not be read: %2").arg(*version).arg(error->second);
            } else {
                title = tr("Loading version %1…").arg(*version);
                fetchNextVersion();
            }
        } else {
            title = tr("Select a version to see what it holds.");
        }
    } else if (const auto index = selectedSnapshot()) {
        if (const auto document = store_ ? store_->snapshotDocument(*index) : std::nullopt) {
            title = tr("Snapshot %1 (%2)").arg(*index).arg(widgetsText(document->widgetCount()));
            fillPreview(*document);
        } else {
            title = tr("Snapshot %1 could not be read.").arg(*index);
        }
    } else {
        title = tr("Select a snapshot to see what it holds.");
    }
    previewTitle_->setText(title);
    previewTitle_->setAccessibleName(title);
}

void HistoryDialog::fillPreview(const sync::Document& document) {
    for (const auto& dashboard : document.dashboards) {
        auto* top = new QTreeWidgetItem(preview_);
        top->setText(0,
                     dashboard.title.empty() ? tr("Untitled dashboard") : fromStd(dashboard.title));
        top->setText(1, tr("Dashboard"));
        top->setToolTip(0, widgetsText(dashboard.widgets.size()));
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        // In reading order: by row, then column.
        std::vector<std::pair<sync::WidgetRect, const std::string*>> order;
        for (const auto& [id, widget] : dashboard.widgets) {
            const auto rect = dashboard.layout.find(id);
            order.emplace_back(rect == dashboard.layout.end() ? sync::WidgetRect{} : rect->second,
                               &id);
        }
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            return std::tie(a.first.y, a.first.x) < std::tie(b.first.y, b.first.x);
        });
        for (const auto& [rect, id] : order) {
            const sync::Widget& widget = dashboard.widgets.at(*id);
            auto* item = new QTreeWidgetItem(top);
            item->setText(0, widget.title.empty() ? tr("(untitled)") : fromStd(widget.title));
            item->setText(1, typeName(widget.type));
        }
    }
    preview_->expandAll();
    preview_->resizeColumnToContents(0);
}

void HistoryDialog::updateButtons() {
    const bool chosen = currentSource() == Source::Server ? selectedVersion().has_value()
                                                          : selectedSnapshot().has_value();
    restore_->setEnabled(!restoring_ && chosen && engine_);
}

void HistoryDialog::restoreSelected() {
    if (restoring_ || !engine_) {
        return;
    }
    showMessage({});
    if (currentSource() == Source::Snapshot) {
        const auto index = selectedSnapshot();
        if (!index) {
            return;
        }
        if (!engine_->restoreSnapshot(*index)) {
            showMessage(tr("Snapshot %1 could not be read; nothing changed.").arg(*index));
            return;
        }
        emit restored(tr("Restored the snapshot (saved as a new change)."));
        accept();
        return;
    }
    const auto version = selectedVersion();
    if (!version) {
        return;
    }
    restoring_ = true;
    updateButtons();
    restore_->setText(tr("Restoring…"));
    QPointer<HistoryDialog> self(this);
    engine_->restoreVersion(*version, [self, version](bool ok, QString message) {
        if (!self) {
            return;
        }
        self->restoring_ = false;
        self->restore_->setText(tr("&Restore"));
        self->updateButtons();
        if (!ok) {
            self->showMessage(tr("Could not restore version %1: %2").arg(*version).arg(message));
            return;
        }
        emit self->restored(message);
        self->accept();
    });
}

}  // namespace deskboard::ui
