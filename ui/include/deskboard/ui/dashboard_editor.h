// The window's one way to change the document: every edit the person makes (a tile moved, a
// widget added or typed into, a dashboard renamed) goes through here, is committed to the store
// at once (on disk before the call returns, synced later) and becomes one step on the undo
// stack. Continuous edits with the same merge key (a drag, typing, keyboard moves) within a
// short pause merge into one step. Undo and redo are edits too (they sync), and they restore
// only what the step changed: changes sync applied from other computers stay.
#pragma once

#include <string>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QUndoStack>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>

namespace deskboard::ui {

class DashboardEditor : public QObject {
    Q_OBJECT

  public:
    explicit DashboardEditor(sync::DashboardStore* store, QObject* parent = nullptr);

    QUndoStack* undoStack() { return &undoStack_; }
    const sync::Document& document() const { return store_->document(); }

    // Commits `next` as one edit named `label`. Returns false when nothing changed.
    bool commit(const sync::Document& next, const QString& label, const QString& mergeKey = {});

    // Widgets. Each returns the id it acted on, or an empty string when nothing was done.
    std::string addWidget(const std::string& dashboardId, const sync::Widget& widget);
    std::string duplicateWidget(const std::string& widgetId);
    bool removeWidget(const std::string& widgetId);
    bool setWidget(const std::string& widgetId, const sync::Widget& widget, const QString& label,
                   const QString& mergeKey = {});
    // Replaces one dashboard's layout (after a drag, a resize or a keyboard move).
    bool setLayout(const std::string& dashboardId, const sync::Layout& layout, const QString& label,
                   const QString& mergeKey = {});

    // Dashboards (tabs).
    std::string addDashboard(const QString& title);
    bool renameDashboard(const std::string& dashboardId, const QString& title);
    bool removeDashboard(const std::string& dashboardId);
    bool moveDashboard(int from, int to);

  private:
    sync::DashboardStore* store_;
    QUndoStack undoStack_;
    QString lastMergeKey_;
    quint64 series_ = 0;
    QElapsedTimer sinceLastEdit_;
};

}  // namespace deskboard::ui
