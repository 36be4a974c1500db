#include <QUndoCommand>
#include <QUuid>

#include <deskboard/ui/dashboard_editor.h>
#include <deskboard/ui/document_patch.h>

namespace deskboard::ui {

namespace {

// Edits this close together (ms) with the same merge key are one undo step.
constexpr qint64 kMergeWindowMs = 2000;
constexpr int kMergeableId = 0x44424544;  // any fixed id: mergeWith checks the key itself

std::string toStd(const QString& text) {
    return text.toStdString();
}

// One undoable edit, already applied when pushed.
class PatchCommand : public QUndoCommand {
  public:
    // Commands with the same non-zero `series` are one continuous edit and merge.
    PatchCommand(sync::DashboardStore* store, DocumentPatch patch, const QString& label,
                 quint64 series)
        : QUndoCommand(label), store_(store), patch_(std::move(patch)), series_(series) {}

    int id() const override { return series_ == 0 ? -1 : kMergeableId; }

    bool mergeWith(const QUndoCommand* other) override {
        const auto* next = static_cast<const PatchCommand*>(other);
        if (next->series_ != series_) {
            return false;
        }
        patch_.append(next->patch_);
        setObsolete(patch_.empty());
        return true;
    }

    void undo() override {
        store_->commitEdit(patch_.applyTo(store_->document(), DocumentPatch::Side::Before),
                           QObject::tr("Undo %1").arg(text()));
    }

    void redo() override {
        if (firstRedo_) {
            firstRedo_ = false;  // the edit was committed before the push
            return;
        }
        store_->commitEdit(patch_.applyTo(store_->document(), DocumentPatch::Side::After),
                           QObject::tr("Redo %1").arg(text()));
    }

  private:
    sync::DashboardStore* store_;
    DocumentPatch patch_;
    quint64 series_;
    bool firstRedo_ = true;
};

}  // namespace

DashboardEditor::DashboardEditor(sync::DashboardStore* store, QObject* parent)
    : QObject(parent), store_(store), undoStack_(this) {
    undoStack_.setUndoLimit(200);
}

bool DashboardEditor::commit(const sync::Document& next, const QString& label,
                             const QString& mergeKey) {
    DocumentPatch patch = DocumentPatch::between(store_->document(), next);
    if (patch.empty()) {
        return false;
    }
    if (!store_->commitEdit(next, label)) {
        return false;
    }
    // A step merges with the one before only when it continues it: same key, a short pause,
    // and that step is still the top of the stack.
    const bool continues = !mergeKey.isEmpty() && mergeKey == lastMergeKey_ &&
                           sinceLastEdit_.isValid() && sinceLastEdit_.elapsed() < kMergeWindowMs &&
                           undoStack_.index() == undoStack_.count() && undoStack_.count() > 0;
    if (!continues) {
        ++series_;
    }
    lastMergeKey_ = mergeKey;
    sinceLastEdit_.start();
    undoStack_.push(
        new PatchCommand(store_, std::move(patch), label, mergeKey.isEmpty() ? 0 : series_));
    return true;
}

std::string DashboardEditor::addWidget(const std::string& dashboardId, const sync::Widget& widget) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboard(dashboardId);
    if (dashboard == nullptr) {
        return {};
    }
    const std::string id = sync::newWidgetId();
    const sync::WidgetRect size = sync::defaultRect(widget.type);
    dashboard->layout[id] = sync::firstFreeRect(dashboard->layout, size.w, size.h);
    dashboard->widgets[id] = widget;
    return commit(next, tr("Add %1").arg(QString::fromStdString(widget.title))) ? id
                                                                                : std::string();
}

std::string DashboardEditor::duplicateWidget(const std::string& widgetId) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboardOfWidget(widgetId);
    if (dashboard == nullptr) {
        return {};
    }
    sync::Widget copy = dashboard->widgets.at(widgetId);
    const sync::WidgetRect original = dashboard->layout.at(widgetId);
    copy.title = toStd(tr("%1 (copy)").arg(QString::fromStdString(copy.title)));
    const std::string id = sync::newWidgetId();
    // Right below the original; the tiles under it move down.
    dashboard->layout[id] = {original.x, original.y + original.h, original.w, original.h};
    dashboard->widgets[id] = std::move(copy);
    sync::pushDownOverlaps(dashboard->layout, id);
    return commit(next, tr("Duplicate %1")
                            .arg(QString::fromStdString(dashboard->widgets.at(widgetId).title)))
               ? id
               : std::string();
}

bool DashboardEditor::removeWidget(const std::string& widgetId) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboardOfWidget(widgetId);
    if (dashboard == nullptr) {
        return false;
    }
    const QString title = QString::fromStdString(dashboard->widgets.at(widgetId).title);
    dashboard->widgets.erase(widgetId);
    dashboard->layout.erase(widgetId);
    return commit(next, tr("Remove %1").arg(title));
}

bool DashboardEditor::setWidget(const std::string& widgetId, const sync::Widget& widget,
                                const QString& label, const QString& mergeKey) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboardOfWidget(widgetId);
    if (dashboard == nullptr) {
        return false;
    }
    dashboard->widgets[widgetId] = widget;
    return commit(next, label,
                  mergeKey.isEmpty()
                      ? QString()
                      : mergeKey + QLatin1Char(':') + QString::fromStdString(widgetId));
}

bool DashboardEditor::setLayout(const std::string& dashboardId, const sync::Layout& layout,
                                const QString& label, const QString& mergeKey) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboard(dashboardId);
    if (dashboard == nullptr) {
        return false;
    }
    for (auto& [id, rect] : dashboard->layout) {
        if (const auto found = layout.find(id); found != layout.end()) {
            rect = sync::clampToGrid(found->second);
        }
    }
    sync::pushDownOverlaps(dashboard->layout);
    return commit(next, label, mergeKey);
}

std::string DashboardEditor::addDashboard(const QString& title) {
    sync::Document next = document();
    sync::Dashboard dashboard;
    dashboard.id = "d" + QUuid::createUuid().toString(QUuid::Id128).left(16).toStdString();
    dashboard.title = toStd(title);
    const std::string id = dashboard.id;
    next.dashboards.push_back(std::move(dashboard));
    return commit(next, tr("Add dashboard %1").arg(title)) ? id : std::string();
}

bool DashboardEditor::renameDashboard(const std::string& dashboardId, const QString& title) {
    sync::Document next = document();
    sync::Dashboard* dashboard = next.dashboard(dashboardId);
    if (dashboard == nullptr || title.trimmed().isEmpty()) {
        return false;
    }
    dashboard->title = toStd(title.trimmed());
    return commit(next, tr("Rename dashboard to %1").arg(title.trimmed()));
}

bool DashboardEditor::removeDashboard(const std::string& dashboardId) {
    sync::Document next = document();
    if (next.dashboards.size() <= 1) {
        return false;  // a document always keeps one dashboard
    }
    const sync::Dashboard* dashboard = next.dashboard(dashboardId);
    if (dashboard == nullptr) {
        return false;
    }
    const QString title = QString::fromStdString(dashboard->title);
    std::erase_if(next.dashboards,
                  [&dashboardId](const sync::Dashboard& d) { return d.id == dashboardId; });
    return commit(next, tr("Remove dashboard %1").arg(title));
}

bool DashboardEditor::moveDashboard(int from, int to) {
    sync::Document next = document();
    const int count = static_cast<int>(next.dashboards.size());
    if (from < 0 || to < 0 || from >= count || to >= count || from == to) {
        return false;
    }
    sync::Dashboard moved = std::move(next.dashboards[static_cast<std::size_t>(from)]);
    next.dashboards.erase(next.dashboards.begin() + from);
    next.dashboards.insert(next.dashboards.begin() + to, std::move(moved));
    return commit(next, tr("Move dashboard"));
}

}  // namespace deskboard::ui
