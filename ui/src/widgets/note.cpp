// The note widget: plain text, saved as the person types.
//   content             the text, verbatim
//   settings.monospace  bool, default false: show the text in the system's fixed-width font
// Every keystroke proposes the whole text with merge key "typing", which the window folds
// into one undo step; a setWidget with the text already shown leaves the cursor alone.
#include <QCheckBox>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <deskboard/ui/widget_catalog.h>

#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

class NoteView : public WidgetView {
  public:
    explicit NoteView(QWidget* parent) : WidgetView(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        editor_ = new QPlainTextEdit(this);
        editor_->setAccessibleName(tr("Note text"));
        editor_->setPlaceholderText(tr("Empty note — type here"));
        editor_->setFrameShape(QFrame::NoFrame);
        editor_->setTabChangesFocus(true);
        layout->addWidget(editor_);
        setMinimumSize(120, 60);
        connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
            const std::string text = ss(editor_->toPlainText());
            if (text == widget_.content) {
                return;
            }
            widget_.content = text;
            emit changeRequested(widget_, tr("Edit note"), QStringLiteral("typing"));
        });
    }

    void setWidget(const sync::Widget& widget) override {
        widget_ = widget;
        const bool monospace = settingBool(widget.settings, "monospace", false);
        editor_->setFont(monospace ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont());
        const QString text = qs(widget.content);
        if (editor_->toPlainText() != text) {
            const QSignalBlocker blocker(editor_);
            editor_->setPlainText(text);
        }
    }

  private:
    QPlainTextEdit* editor_ = nullptr;
    sync::Widget widget_;
};

class NoteSettingsForm : public WidgetSettingsForm {
  public:
    explicit NoteSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        monospace_ = new QCheckBox(tr("Monospace font"), this);
        monospace_->setAccessibleName(tr("Monospace font"));
        layout->addWidget(monospace_);
        layout->addStretch();
    }

    void load(const sync::Widget& widget) override {
        monospace_->setChecked(settingBool(widget.settings, "monospace", false));
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        widget.settings["monospace"] = monospace_->isChecked();
        return widget;
    }

  private:
    QCheckBox* monospace_ = nullptr;
};

}  // namespace

WidgetType noteWidgetType() {
    return makeWidgetType<NoteView, NoteSettingsForm>("note", QObject::tr("Note"),
                                                      QObject::tr("Plain text, saved as you type"),
                                                      [](sync::Widget& widget) {
                                                          widget.title = ss(QObject::tr("Note"));
                                                          widget.settings = {{"monospace", false}};
                                                      });
}

}  // namespace deskboard::ui
