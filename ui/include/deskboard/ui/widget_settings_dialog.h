// A widget's Settings: its title and its type's own form (widget_view.h), applied as one
// undoable edit when the person presses OK. Opened with open(); the dialog deletes itself.
#pragma once

#include <string>

#include <QDialog>

#include <deskboard/sync/document.h>
#include <deskboard/ui/widget_view.h>

class QLabel;
class QLineEdit;

namespace deskboard::ui {

class WidgetSettingsDialog : public QDialog {
    Q_OBJECT

  public:
    WidgetSettingsDialog(std::string widgetId, const sync::Widget& widget, LocalOptions options,
                         QWidget* parent);

    const std::string& widgetId() const { return widgetId_; }
    WidgetSettingsForm* form() const { return form_; }
    QLineEdit* titleEdit() const { return title_; }
    // The widget with the dialog's values.
    sync::Widget result() const;

  signals:
    // OK was pressed with acceptable values.
    void applied(const std::string& widgetId, const deskboard::sync::Widget& widget);

  public slots:
    void accept() override;

  private:
    std::string widgetId_;
    sync::Widget widget_;
    QLineEdit* title_;
    WidgetSettingsForm* form_ = nullptr;
    QLabel* problem_;
};

}  // namespace deskboard::ui
