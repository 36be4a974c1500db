#include <QCommandLinkButton>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <deskboard/ui/decision_dialog.h>

namespace deskboard::ui {

DecisionDialog::DecisionDialog(const QString& why, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Choose How to Sync"));
    setAccessibleName(windowTitle());

    auto* icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    icon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxQuestion, nullptr, this).pixmap(iconSize));
    icon->setAlignment(Qt::AlignTop);

    auto* heading = new QLabel(tr("This computer's dashboards and the server's differ."), this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    heading->setWordWrap(true);
    heading->setAccessibleDescription(tr("Sync question"));

    why_ = new QLabel(this);
    why_->setWordWrap(true);
    why_->setTextFormat(Qt::PlainText);
    why_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    why_->setAccessibleDescription(tr("Why Deskboard asks"));

    merge_ = new QCommandLinkButton(
        tr("&Merge (keep everything)"),
        tr("Combine both: nothing typed on either side is lost; where the same text differs, "
           "this computer's is kept as a copy."),
        this);
    useServer_ = new QCommandLinkButton(
        tr("Use the &server's"),
        tr("Replace this computer's dashboards with the server's. A local snapshot is kept in "
           "History."),
        this);
    keepLocal_ = new QCommandLinkButton(
        tr("&Keep this computer's"),
        tr("Upload this computer's dashboards as the new version. The server's history keeps "
           "the previous one."),
        this);
    for (QCommandLinkButton* button : {merge_, useServer_, keepLocal_}) {
        button->setAccessibleDescription(button->description());
    }
    merge_->setDefault(true);
    merge_->setAutoDefault(true);
    connect(merge_, &QCommandLinkButton::clicked, this, [this] { choose(sync::Decision::Merge); });
    connect(useServer_, &QCommandLinkButton::clicked, this,
            [this] { choose(sync::Decision::UseServer); });
    connect(keepLocal_, &QCommandLinkButton::clicked, this,
            [this] { choose(sync::Decision::KeepLocal); });

    auto* buttons = new QDialogButtonBox(this);
    QPushButton* later = buttons->addButton(tr("Decide &Later"), QDialogButtonBox::RejectRole);
    later->setAutoDefault(false);
    later->setToolTip(tr("Nothing syncs until you choose; your edits stay on this computer."));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* text = new QVBoxLayout;
    text->addWidget(heading);
    text->addWidget(why_);
    auto* top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addLayout(text, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addSpacing(layout->spacing());
    layout->addWidget(merge_);
    layout->addWidget(useServer_);
    layout->addWidget(keepLocal_);
    layout->addStretch(1);
    layout->addWidget(buttons);

    setWhy(why);
    merge_->setFocus();
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
}

DecisionDialog* DecisionDialog::ask(sync::SyncEngine* engine, const QString& why, QWidget* parent) {
    auto* dialog = new DecisionDialog(why, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QPointer<sync::SyncEngine> guarded(engine);
    connect(dialog, &DecisionDialog::chosen, dialog, [guarded](sync::Decision decision) {
        if (guarded) {
            guarded->resolveDecision(decision);
        }
    });
    if (engine) {
        connect(engine, &sync::SyncEngine::statusChanged, dialog, [dialog, guarded] {
            if (guarded && guarded->state() != sync::SyncState::NeedsDecision &&
                dialog->isVisible()) {
                dialog->reject();
            }
        });
    }
    dialog->open();
    return dialog;
}

void DecisionDialog::setWhy(const QString& why) {
    why_->setText(why);
    why_->setAccessibleName(why);
    why_->setVisible(!why.isEmpty());
}

void DecisionDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    // The explanations wrap: the height follows from the width (the size hint assumes a
    // narrower one and would leave gaps between the choices).
    if (layout() && layout()->hasHeightForWidth()) {
        layout()->activate();
        resize(width(), layout()->totalHeightForWidth(width()));
    }
}

QString DecisionDialog::why() const {
    return why_->text();
}

QCommandLinkButton* DecisionDialog::button(sync::Decision decision) const {
    switch (decision) {
        case sync::Decision::Merge:
            return merge_;
        case sync::Decision::UseServer:
            return useServer_;
        case sync::Decision::KeepLocal:
            return keepLocal_;
    }
    return merge_;
}

void DecisionDialog::choose(sync::Decision decision) {
    // Closed first: the answer changes the engine's state, which must not close it again.
    accept();
    emit chosen(decision);
}

}  // namespace deskboard::ui
