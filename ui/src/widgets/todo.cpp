// The to-do list widget.
//   content          the items, one per line: "- [ ] text" or "- [x] text" (content_formats.h)
//   settings.hideDone  bool, default false: leave checked items out of the view
// Add with the line edit (Enter or Add), check with a click or Space, reorder with Alt+Up and
// Alt+Down (or the arrow buttons), remove with Delete (or the bin button), rename with F2 or a
// double click. Content that is not in the format is shown read-only, verbatim, and never
// rewritten: the controls stay disabled until the text is fixed (e.g. through deskboard ctl).
#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <deskboard/sync/content_formats.h>
#include <deskboard/ui/widget_catalog.h>

#include "icon_cache.h"
#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

constexpr int kIndexRole = Qt::UserRole + 1;

class TodoView : public WidgetView {
  public:
    explicit TodoView(QWidget* parent) : WidgetView(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(4);

        pages_ = new ItemListPages(
            tr("To-do items"), tr("No items yet — add one below"), tr("To-do list text"),
            tr("This text is not a to-do list (one \"- [ ] item\" per line), so it is shown as "
               "it is and left unchanged."),
            this);
        list_ = pages_->list();
        list_->setEditTriggers(QAbstractItemView::DoubleClicked |
                               QAbstractItemView::EditKeyPressed);
        list_->installEventFilter(this);
        layout->addWidget(pages_, 1);

        auto* row = new QHBoxLayout;
        row->setContentsMargins(4, 0, 4, 4);
        row->setSpacing(2);
        input_ = new QLineEdit(this);
        input_->setPlaceholderText(tr("New item"));
        input_->setAccessibleName(tr("New item"));
        input_->setClearButtonEnabled(true);
        add_ = new QPushButton(tr("Add"), this);
        add_->setAccessibleName(tr("Add item"));
        up_ = makeToolButton(QStyle::SP_ArrowUp, tr("Move up (Alt+Up)"));
        down_ = makeToolButton(QStyle::SP_ArrowDown, tr("Move down (Alt+Down)"));
        remove_ = makeToolButton(QStyle::SP_TrashIcon, tr("Remove (Delete)"));
        row->addWidget(input_, 1);
        row->addWidget(add_);
        row->addWidget(up_);
        row->addWidget(down_);
        row->addWidget(remove_);
        layout->addLayout(row);
        setMinimumSize(200, 120);

        connect(input_, &QLineEdit::returnPressed, this, &TodoView::addItem);
        connect(add_, &QPushButton::clicked, this, &TodoView::addItem);
        connect(up_, &QToolButton::clicked, this, [this] { moveCurrent(-1); });
        connect(down_, &QToolButton::clicked, this, [this] { moveCurrent(+1); });
        connect(remove_, &QToolButton::clicked, this, &TodoView::removeCurrent);
        connect(list_, &QListWidget::itemChanged, this, &TodoView::itemEdited);
        connect(list_, &QListWidget::currentRowChanged, this, [this] { updateButtons(); });
    }

    void setWidget(const sync::Widget& widget) override {
        const bool same = widget == widget_ && shown_;
        widget_ = widget;
        shown_ = true;
        if (!same) {
            rebuild();
        }
    }

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == list_ && event->type() == QEvent::KeyPress && items_) {
            auto* key = static_cast<QKeyEvent*>(event);
            if (key->modifiers() == Qt::AltModifier && key->key() == Qt::Key_Up) {
                moveCurrent(-1);
                return true;
            }
            if (key->modifiers() == Qt::AltModifier && key->key() == Qt::Key_Down) {
                moveCurrent(+1);
                return true;
            }
            if (key->modifiers() == Qt::NoModifier &&
                (key->key() == Qt::Key_Delete || key->key() == Qt::Key_Backspace)) {
                removeCurrent();
                return true;
            }
        }
        return WidgetView::eventFilter(watched, event);
    }

  private:
    QToolButton* makeToolButton(QStyle::StandardPixmap icon, const QString& text) {
        auto* button = new QToolButton(this);
        button->setIcon(cachedStandardIcon(style(), icon));
        button->setToolTip(text);
        button->setAccessibleName(text);
        button->setAutoRaise(true);
        return button;
    }

    // Shows items_ (or the raw text) from widget_, keeping the selected item where it was.
    void rebuild() {
        items_ = sync::parseTodoList(widget_.content);
        const bool hideDone = settingBool(widget_.settings, "hideDone", false);
        const int current =
            list_->currentItem() != nullptr ? list_->currentItem()->data(kIndexRole).toInt() : -1;
        input_->setEnabled(items_.has_value());
        add_->setEnabled(items_.has_value());
        if (!items_) {
            pages_->showRaw(qs(widget_.content));
            updateButtons();
            return;
        }
        const QSignalBlocker blocker(list_);
        list_->clear();
        int hidden = 0;
        for (int i = 0; i < static_cast<int>(items_->size()); ++i) {
            const sync::TodoItem& todo = (*items_)[static_cast<std::size_t>(i)];
            if (hideDone && todo.done) {
                ++hidden;
                continue;
            }
            auto* item = new QListWidgetItem(qs(todo.text), list_);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable |
                           Qt::ItemIsEditable);
            item->setCheckState(todo.done ? Qt::Checked : Qt::Unchecked);
            item->setData(kIndexRole, i);
            if (todo.done) {
                QFont font = item->font();
                font.setStrikeOut(true);
                item->setFont(font);
                item->setForeground(palette().brush(QPalette::PlaceholderText));
            }
            if (i == current) {
                list_->setCurrentItem(item);
            }
        }
        pages_->showItems(hidden == 0   ? QString()
                          : hidden == 1 ? tr("All done — 1 checked item hidden")
                                        : tr("All done — %1 checked items hidden").arg(hidden));
        updateButtons();
    }

    void updateButtons() {
        const bool editable = items_.has_value() && list_->currentItem() != nullptr;
        up_->setEnabled(editable && list_->currentRow() > 0);
        down_->setEnabled(editable && list_->currentRow() + 1 < list_->count());
        remove_->setEnabled(editable);
    }

    void propose(std::vector<sync::TodoItem> items, const QString& label) {
        sync::Widget next = widget_;
        next.content = sync::writeTodoList(items);
        widget_ = next;
        items_ = std::move(items);
        emit changeRequested(next, label, QString());
        // The window answers with setWidget(next), which changes nothing; rebuild once the
        // list's own signal (a check, an edit) has returned.
        QTimer::singleShot(0, this, [this] { rebuild(); });
    }

    void addItem() {
        const QString text = input_->text().simplified();
        if (!items_ || text.isEmpty()) {
            return;
        }
        std::vector<sync::TodoItem> items = *items_;
        items.push_back({false, ss(text)});
        input_->clear();
        propose(std::move(items), tr("Add to-do item"));
        // The new item becomes current so it can be moved straight away.
        QTimer::singleShot(0, this, [this] {
            if (list_->count() > 0) {
                list_->setCurrentRow(list_->count() - 1);
            }
        });
    }

    void itemEdited(QListWidgetItem* item) {
        if (!items_) {
            return;
        }
        const int index = item->data(kIndexRole).toInt();
        if (index < 0 || index >= static_cast<int>(items_->size())) {
            return;
        }
        std::vector<sync::TodoItem> items = *items_;
        sync::TodoItem& todo = items[static_cast<std::size_t>(index)];
        const bool done = item->checkState() == Qt::Checked;
        const std::string text = ss(item->text().simplified());
        if (done != todo.done) {
            todo.done = done;
            propose(std::move(items), done ? tr("Check to-do item") : tr("Uncheck to-do item"));
        } else if (text != todo.text && !text.empty()) {
            todo.text = text;
            propose(std::move(items), tr("Rename to-do item"));
        } else {
            QTimer::singleShot(0, this, [this] { rebuild(); });
        }
    }

    void moveCurrent(int delta) {
        QListWidgetItem* item = list_->currentItem();
        const int row = list_->currentRow();
        const int targetRow = row + delta;
        if (!items_ || item == nullptr || targetRow < 0 || targetRow >= list_->count()) {
            return;
        }
        // Swap with the neighbour that is shown (hidden checked items keep their places).
        const int from = item->data(kIndexRole).toInt();
        const int to = list_->item(targetRow)->data(kIndexRole).toInt();
        std::vector<sync::TodoItem> items = *items_;
        std::swap(items[static_cast<std::size_t>(from)], items[static_cast<std::size_t>(to)]);
        propose(std::move(items), tr("Move to-do item"));
        QTimer::singleShot(0, this, [this, targetRow] { list_->setCurrentRow(targetRow); });
    }

    void removeCurrent() {
        QListWidgetItem* item = list_->currentItem();
        if (!items_ || item == nullptr) {
            return;
        }
        const int row = list_->currentRow();
        std::vector<sync::TodoItem> items = *items_;
        items.erase(items.begin() + item->data(kIndexRole).toInt());
        propose(std::move(items), tr("Remove to-do item"));
        QTimer::singleShot(
            0, this, [this, row] { list_->setCurrentRow(std::min(row, list_->count() - 1)); });
    }

    ItemListPages* pages_ = nullptr;
    QListWidget* list_ = nullptr;
    QLineEdit* input_ = nullptr;
    QPushButton* add_ = nullptr;
    QToolButton* up_ = nullptr;
    QToolButton* down_ = nullptr;
    QToolButton* remove_ = nullptr;
    sync::Widget widget_;
    std::optional<std::vector<sync::TodoItem>> items_;
    bool shown_ = false;
};

class TodoSettingsForm : public WidgetSettingsForm {
  public:
    explicit TodoSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        hideDone_ = new QCheckBox(tr("Hide checked items"), this);
        hideDone_->setAccessibleName(tr("Hide checked items"));
        layout->addWidget(hideDone_);
        layout->addStretch();
    }

    void load(const sync::Widget& widget) override {
        hideDone_->setChecked(settingBool(widget.settings, "hideDone", false));
    }

    sync::Widget apply(sync::Widget widget) const override {
        if (!widget.settings.is_object()) {
            widget.settings = nlohmann::json::object();
        }
        widget.settings["hideDone"] = hideDone_->isChecked();
        return widget;
    }

  private:
    QCheckBox* hideDone_ = nullptr;
};

}  // namespace

WidgetType todoWidgetType() {
    return makeWidgetType<TodoView, TodoSettingsForm>(
        "todo", QObject::tr("To-do list"),
        QObject::tr("Items to check off, in \"- [ ] item\" lines"), [](sync::Widget& widget) {
            widget.title = ss(QObject::tr("To do"));
            widget.settings = {{"hideDone", false}};
        });
}

}  // namespace deskboard::ui
