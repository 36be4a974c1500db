#include <QApplication>
#include <QHBoxLayout>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

#include <deskboard/ui/tile_frame.h>
#include <deskboard/ui/widget_catalog.h>
#include <deskboard/ui/widget_view.h>

#include "icon_cache.h"

namespace deskboard::ui {

namespace {

constexpr int kIconSize = 16;

// The body of a widget whose type this build does not know (a newer Deskboard made it): its
// content is shown as text and kept as it is.
class UnknownWidgetView : public WidgetView {
  public:
    explicit UnknownWidgetView(QWidget* parent) : WidgetView(parent), label_(new QLabel(this)) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        label_->setWordWrap(true);
        label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        layout->addWidget(label_);
    }
    void setWidget(const sync::Widget& widget) override {
        label_->setText(QObject::tr("This widget's type (%1) comes from a newer Deskboard; it is "
                                    "kept as it is.\n\n%2")
                            .arg(QString::fromStdString(widget.type),
                                 QString::fromStdString(widget.content).left(2000)));
    }

  private:
    QLabel* label_;
};

}  // namespace

TileFrame::TileFrame(std::string widgetId, const sync::Widget& widget, QWidget* parent)
    : QFrame(parent),
      widgetId_(std::move(widgetId)),
      widget_(widget),
      type_(findWidgetType(QString::fromStdString(widget.type))) {
    setObjectName(QStringLiteral("tile"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setFocusPolicy(Qt::TabFocus);

    header_ = new QWidget(this);
    header_->setObjectName(QStringLiteral("tileHeader"));
    header_->installEventFilter(this);
    header_->setMouseTracking(true);
    auto* headerLayout = new QHBoxLayout(header_);
    headerLayout->setContentsMargins(8, 4, 2, 2);
    headerLayout->setSpacing(6);
    icon_ = new QLabel(header_);
    if (type_ != nullptr) {
        icon_->setPixmap(cachedIcon(type_->iconPath).pixmap(kIconSize, kIconSize));
    }
    icon_->installEventFilter(this);
    title_ = new QLabel(header_);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    title_->setTextFormat(Qt::PlainText);
    title_->installEventFilter(this);
    title_->setMouseTracking(true);
    title_->setAccessibleDescription(tr("Tile title"));
    conflictMark_ = new QLabel(tr("Conflicted copy"), header_);
    conflictMark_->setObjectName(QStringLiteral("conflictMark"));
    conflictMark_->setStyleSheet(
        QStringLiteral("QLabel { color: white; background: #c27c0e; border-radius: 3px; "
                       "padding: 0px 4px; }"));
    conflictMark_->setToolTip(
        tr("Made by a merge: this computer's text, kept next to the "
           "other computer's version of the same widget"));
    conflictMark_->setAccessibleDescription(tr("Tile mark"));
    conflictMark_->hide();
    menuButton_ = new QToolButton(header_);
    menuButton_->setIcon(cachedIcon(QStringLiteral(":/icons/action-menu.svg")));
    menuButton_->setAutoRaise(true);
    menuButton_->setPopupMode(QToolButton::InstantPopup);
    menuButton_->setStyleSheet(QStringLiteral("QToolButton::menu-indicator { image: none; }"));
    auto* menu = new QMenu(menuButton_);
    menu->addAction(cachedIcon(QStringLiteral(":/icons/action-settings.svg")), tr("&Settings…"),
                    this, [this] { emit settingsRequested(this); });
    menu->addAction(cachedIcon(QStringLiteral(":/icons/action-duplicate.svg")), tr("&Duplicate"),
                    this, [this] { emit duplicateRequested(this); });
    menu->addSeparator();
    menu->addAction(cachedIcon(QStringLiteral(":/icons/action-remove.svg")), tr("&Remove"), this,
                    [this] { emit removeRequested(this); });
    menuButton_->setMenu(menu);
    headerLayout->addWidget(icon_);
    headerLayout->addWidget(title_, 1);
    headerLayout->addWidget(conflictMark_);
    headerLayout->addWidget(menuButton_);

    if (type_ != nullptr) {
        view_ = type_->createView(this);
    } else {
        view_ = new UnknownWidgetView(this);
    }
    connect(view_, &WidgetView::changeRequested, this,
            [this](const sync::Widget& next, const QString& label, const QString& mergeKey) {
                emit changeRequested(this, next, label, mergeKey);
            });
    connect(view_, &WidgetView::problemChanged, this, &TileFrame::showProblem);

    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("tileProblem"));
    problem_->setWordWrap(true);
    problem_->setAccessibleDescription(tr("Widget problem"));
    problem_->setStyleSheet(QStringLiteral("QLabel { color: #d0453b; }"));
    problem_->hide();

    grip_ = new QLabel(this);
    grip_->setObjectName(QStringLiteral("resizeGrip"));
    grip_->setPixmap(cachedIcon(QStringLiteral(":/icons/action-resize.svg")).pixmap(12, 12));
    grip_->setText(grip_->pixmap().isNull() ? QStringLiteral("◢") : QString());
    grip_->setCursor(Qt::SizeFDiagCursor);
    grip_->setToolTip(tr("Drag to resize (or Alt+Shift+arrow keys)"));
    grip_->installEventFilter(this);
    grip_->setMouseTracking(true);
    grip_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(1, 1, 1, 1);
    layout->setSpacing(0);
    layout->addWidget(header_);
    auto* body = new QVBoxLayout;
    body->setContentsMargins(8, 2, 8, 6);
    body->setSpacing(4);
    body->addWidget(view_, 1);
    body->addWidget(problem_);
    layout->addLayout(body, 1);

    setWidget(widget);
}

void TileFrame::setWidget(const sync::Widget& widget) {
    widget_ = widget;
    updateTexts();
    view_->setWidget(widget_);
}

void TileFrame::updateTexts() {
    const QString title = QString::fromStdString(widget_.title);
    title_->setText(title.isEmpty() ? tr("Untitled") : title);
    const QString typeName =
        type_ != nullptr ? type_->name
                         : tr("Unknown widget (%1)").arg(QString::fromStdString(widget_.type));
    setAccessibleName(title.isEmpty() ? typeName : title);
    setAccessibleDescription(typeName);
    menuButton_->setAccessibleName(tr("Menu of %1").arg(title.isEmpty() ? typeName : title));
    menuButton_->setToolTip(tr("Settings, duplicate, remove"));
    header_->setToolTip(editing_ ? tr("Drag to move (or Alt+arrow keys)") : QString());
}

void TileFrame::setEditMode(bool editing) {
    editing_ = editing;
    header_->setCursor(editing ? Qt::SizeAllCursor : Qt::ArrowCursor);
    grip_->setVisible(editing);
    placeGrip();
    updateTexts();
    update();
}

void TileFrame::placeGrip() {
    grip_->raise();
    const QSize size = grip_->sizeHint();
    grip_->setGeometry(width() - size.width() - 3, height() - size.height() - 3, size.width(),
                       size.height());
}

void TileFrame::setLive(bool live) {
    view_->setLive(live);
}

void TileFrame::setConflicted(bool conflicted) {
    conflictMark_->setVisible(conflicted);
}

void TileFrame::showProblem(const QString& problem) {
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
}

bool TileFrame::eventFilter(QObject* watched, QEvent* event) {
    const bool onHeader = watched == header_ || watched == title_ || watched == icon_;
    const bool onGrip = watched == grip_;
    if (event->type() == QEvent::Resize && watched == grip_) {
        return false;
    }
    if (!editing_ || (!onHeader && !onGrip)) {
        return QFrame::eventFilter(watched, event);
    }
    switch (event->type()) {
        case QEvent::MouseButtonPress: {
            auto* mouse = static_cast<QMouseEvent*>(event);
            if (mouse->button() != Qt::LeftButton) {
                break;
            }
            dragging_ = true;
            dragKind_ = onGrip ? DragKind::Resize : DragKind::Move;
            setFocus(Qt::MouseFocusReason);
            emit dragged(this, dragKind_, DragPhase::Start, mouse->globalPosition().toPoint());
            return true;
        }
        case QEvent::MouseMove: {
            if (!dragging_) {
                break;
            }
            auto* mouse = static_cast<QMouseEvent*>(event);
            emit dragged(this, dragKind_, DragPhase::Update, mouse->globalPosition().toPoint());
            return true;
        }
        case QEvent::MouseButtonRelease: {
            if (!dragging_) {
                break;
            }
            auto* mouse = static_cast<QMouseEvent*>(event);
            dragging_ = false;
            emit dragged(this, dragKind_, DragPhase::Finish, mouse->globalPosition().toPoint());
            return true;
        }
        default:
            break;
    }
    return QFrame::eventFilter(watched, event);
}

void TileFrame::keyPressEvent(QKeyEvent* event) {
    if (dragging_ && event->key() == Qt::Key_Escape) {
        dragging_ = false;
        emit dragged(this, dragKind_, DragPhase::Cancel, QCursor::pos());
        return;
    }
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    int dx = 0;
    int dy = 0;
    switch (event->key()) {
        case Qt::Key_Left:
            dx = -1;
            break;
        case Qt::Key_Right:
            dx = 1;
            break;
        case Qt::Key_Up:
            dy = -1;
            break;
        case Qt::Key_Down:
            dy = 1;
            break;
        default:
            break;
    }
    if (editing_ && (dx != 0 || dy != 0)) {
        if (modifiers == Qt::AltModifier) {
            emit keyboardMoved(this, dx, dy);
            return;
        }
        if (modifiers == (Qt::AltModifier | Qt::ShiftModifier)) {
            emit keyboardResized(this, dx, dy);
            return;
        }
    }
    if ((event->key() == Qt::Key_F10 && modifiers == Qt::ShiftModifier) ||
        event->key() == Qt::Key_Menu) {
        menuButton_->showMenu();
        return;
    }
    QFrame::keyPressEvent(event);
}

void TileFrame::focusInEvent(QFocusEvent* event) {
    update();
    QFrame::focusInEvent(event);
}

void TileFrame::focusOutEvent(QFocusEvent* event) {
    update();
    QFrame::focusOutEvent(event);
}

void TileFrame::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    placeGrip();
}

void TileFrame::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    if (!hasFocus() && !editing_) {
        return;
    }
    QPainter painter(this);
    QPen pen(palette().color(QPalette::Highlight), hasFocus() ? 2 : 1);
    if (!hasFocus()) {
        pen.setStyle(Qt::DashLine);
    }
    painter.setPen(pen);
    painter.drawRect(rect().adjusted(1, 1, -1, -1));
}

}  // namespace deskboard::ui
