// The two faces every widget type gives the window (widget_catalog.h registers them):
//   WidgetView          the body of a tile: shows one widget and proposes the person's changes;
//   WidgetSettingsForm  the type's options in the widget's Settings dialog.
// Views never write the document themselves: they emit changeRequested with the whole new
// widget, and the window makes it one undoable edit of the store (on disk before it returns).
// So `deskboard ctl`, sync and the window all edit the same value, in the content formats of
// sync/content_formats.h.
#pragma once

#include <functional>

#include <QString>
#include <QVariant>
#include <QWidget>

#include <deskboard/sync/document.h>

namespace deskboard::ui {

// Options of one widget that belong to this machine and are never synced (PRODUCT.md: e.g. the
// system monitor's chosen disk). The canvas keeps them in the profile under the widget's id.
struct LocalOptions {
    std::function<QVariant(const QString& key, const QVariant& fallback)> value;
    std::function<void(const QString& key, const QVariant& value)> setValue;
};

class WidgetView : public QWidget {
    Q_OBJECT

  public:
    using QWidget::QWidget;

    // Shows `widget`. Called once after creation and again whenever the widget changes in the
    // document, including through the view's own changeRequested: a view whose editor already
    // shows the new content leaves it alone (cursor and selection stay where the person is).
    virtual void setWidget(const sync::Widget& widget) = 0;

    // Starts (true) or stops (false) anything periodic: clocks, sampling, polling. Views start
    // stopped; the canvas makes them live while the window is visible and not minimised, so an
    // idle or hidden window costs nothing.
    virtual void setLive(bool live) { live_ = live; }
    bool isLive() const { return live_; }

    // Set by the canvas before setWidget; empty functions until then.
    void setLocalOptions(LocalOptions options) { localOptions_ = std::move(options); }
    const LocalOptions& localOptions() const { return localOptions_; }

  signals:
    // The person changed the widget: `next` is the whole new widget (type, title, settings,
    // content). `label` names the change for Undo ("Edit note"). Consecutive changes of this
    // widget with the same non-empty `mergeKey` (e.g. "typing") merge into one undo step.
    void changeRequested(const deskboard::sync::Widget& next, const QString& label,
                         const QString& mergeKey);
    // Something to show inside the tile, in words ("Timed out after 10 s"); empty clears it.
    void problemChanged(const QString& problem);

  private:
    bool live_ = false;
    LocalOptions localOptions_;
};

class WidgetSettingsForm : public QWidget {
    Q_OBJECT

  public:
    using QWidget::QWidget;

    // Fills the form from `widget` (its settings and, where the form edits it, its content).
    virtual void load(const sync::Widget& widget) = 0;
    // `widget` with the form's values applied; the title is the dialog's own field.
    virtual sync::Widget apply(sync::Widget widget) const = 0;
    // Empty when the values can be applied, else what is wrong, in words.
    virtual QString problem() const { return {}; }

    // Set by the dialog before load; the same options the widget's view sees.
    void setLocalOptions(LocalOptions options) { localOptions_ = std::move(options); }
    const LocalOptions& localOptions() const { return localOptions_; }

  private:
    LocalOptions localOptions_;
};

}  // namespace deskboard::ui
