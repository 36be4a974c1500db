#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <deskboard/ui/widget_catalog.h>
#include <deskboard/ui/widget_settings_dialog.h>

namespace deskboard::ui {

WidgetSettingsDialog::WidgetSettingsDialog(std::string widgetId, const sync::Widget& widget,
                                           LocalOptions options, QWidget* parent)
    : QDialog(parent),
      widgetId_(std::move(widgetId)),
      widget_(widget),
      title_(new QLineEdit(this)),
      problem_(new QLabel(this)) {
    setAttribute(Qt::WA_DeleteOnClose);
    const WidgetType* type = findWidgetType(QString::fromStdString(widget.type));
    const QString typeName = type != nullptr ? type->name : QString::fromStdString(widget.type);
    setWindowTitle(tr("%1 settings").arg(typeName));

    auto* layout = new QVBoxLayout(this);
    auto* fields = new QFormLayout;
    title_->setText(QString::fromStdString(widget.title));
    title_->setAccessibleName(tr("Title"));
    auto* titleLabel = new QLabel(tr("&Title:"), this);
    titleLabel->setBuddy(title_);
    fields->addRow(titleLabel, title_);
    layout->addLayout(fields);
    if (type != nullptr && type->createSettingsForm) {
        form_ = type->createSettingsForm(this);
    }
    if (form_ != nullptr) {
        form_->setLocalOptions(std::move(options));
        form_->load(widget);
        layout->addWidget(form_, 1);
    }
    problem_->setWordWrap(true);
    problem_->setAccessibleDescription(tr("Settings problem"));
    problem_->setStyleSheet(QStringLiteral("QLabel { color: #d0453b; }"));
    problem_->hide();
    layout->addWidget(problem_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &WidgetSettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &WidgetSettingsDialog::reject);
    layout->addWidget(buttons);
    title_->setFocus();
    resize(std::max(420, sizeHint().width()), sizeHint().height());
}

sync::Widget WidgetSettingsDialog::result() const {
    sync::Widget next = form_ != nullptr ? form_->apply(widget_) : widget_;
    next.title = title_->text().trimmed().toStdString();
    return next;
}

void WidgetSettingsDialog::accept() {
    if (form_ != nullptr) {
        if (const QString problem = form_->problem(); !problem.isEmpty()) {
            problem_->setText(problem);
            problem_->show();
            return;
        }
    }
    emit applied(widgetId_, result());
    QDialog::accept();
}

}  // namespace deskboard::ui
