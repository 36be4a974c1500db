// The bookmarks widget: links to open in the system's browser (or mail client, or file
// manager).
//   content   one bookmark per line, "Title | URL" (content_formats.h)
//   settings  none
// Click a link, or select it and press Enter, to open it with QDesktopServices; only http,
// https, file and mailto links are opened, anything else is reported in the tile. Add with the
// title and URL fields, remove with Delete (or the bin button); the settings form edits all
// the lines as text. Content that is not in the format is shown verbatim and never rewritten.
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <deskboard/sync/content_formats.h>
#include <deskboard/ui/widget_catalog.h>

#include "icon_cache.h"
#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

constexpr int kIndexRole = Qt::UserRole + 1;

bool openable(const QUrl& url) {
    static const QStringList schemes{QStringLiteral("http"), QStringLiteral("https"),
                                     QStringLiteral("file"), QStringLiteral("mailto")};
    return url.isValid() && schemes.contains(url.scheme().toLower());
}

class BookmarksView : public WidgetView {
  public:
    explicit BookmarksView(QWidget* parent) : WidgetView(parent) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(4);
        pages_ = new ItemListPages(
            tr("Bookmarks"), tr("No bookmarks yet — add one below"), tr("Bookmarks text"),
            tr("This text is not a list of bookmarks (one \"Title | URL\" per line), so it is "
               "shown as it is and left unchanged."),
            this);
        list_ = pages_->list();
        list_->installEventFilter(this);
        list_->setCursor(Qt::PointingHandCursor);
        layout->addWidget(pages_, 1);

        auto* row = new QHBoxLayout;
        row->setContentsMargins(4, 0, 4, 4);
        row->setSpacing(2);
        title_ = new QLineEdit(this);
        title_->setPlaceholderText(tr("Title"));
        title_->setAccessibleName(tr("New bookmark title"));
        url_ = new QLineEdit(this);
        url_->setPlaceholderText(tr("https://…"));
        url_->setAccessibleName(tr("New bookmark URL"));
        add_ = new QPushButton(tr("Add"), this);
        add_->setAccessibleName(tr("Add bookmark"));
        remove_ = new QToolButton(this);
        remove_->setIcon(cachedStandardIcon(style(), QStyle::SP_TrashIcon));
        remove_->setToolTip(tr("Remove (Delete)"));
        remove_->setAccessibleName(tr("Remove bookmark"));
        remove_->setAutoRaise(true);
        row->addWidget(title_, 2);
        row->addWidget(url_, 3);
        row->addWidget(add_);
        row->addWidget(remove_);
        layout->addLayout(row);
        setMinimumSize(200, 120);

        connect(add_, &QPushButton::clicked, this, &BookmarksView::addBookmark);
        connect(url_, &QLineEdit::returnPressed, this, &BookmarksView::addBookmark);
        connect(title_, &QLineEdit::returnPressed, this, &BookmarksView::addBookmark);
        connect(remove_, &QToolButton::clicked, this, &BookmarksView::removeCurrent);
        // Enter and double click activate; a single click opens too unless the style already
        // activates on a single click.
        connect(list_, &QListWidget::itemActivated, this, &BookmarksView::open);
        connect(list_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
            if (!style()->styleHint(QStyle::SH_ItemView_ActivateItemOnSingleClick, nullptr,
                                    list_)) {
                open(item);
            }
        });
        connect(list_, &QListWidget::currentRowChanged, this,
                [this] { remove_->setEnabled(bookmarks_ && list_->currentItem() != nullptr); });
    }

    void setWidget(const sync::Widget& widget) override {
        if (widget == widget_ && shown_) {
            return;
        }
        widget_ = widget;
        shown_ = true;
        rebuild();
    }

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == list_ && event->type() == QEvent::KeyPress) {
            auto* key = static_cast<QKeyEvent*>(event);
            if (key->key() == Qt::Key_Delete && key->modifiers() == Qt::NoModifier) {
                removeCurrent();
                return true;
            }
        }
        return WidgetView::eventFilter(watched, event);
    }

  private:
    void rebuild() {
        bookmarks_ = sync::parseBookmarks(widget_.content);
        const int current = list_->currentRow();
        for (QWidget* control : {static_cast<QWidget*>(title_), static_cast<QWidget*>(url_),
                                 static_cast<QWidget*>(add_)}) {
            control->setEnabled(bookmarks_.has_value());
        }
        if (!bookmarks_) {
            pages_->showRaw(qs(widget_.content));
            remove_->setEnabled(false);
            return;
        }
        const QSignalBlocker blocker(list_);
        list_->clear();
        const QIcon icon = cachedIcon(QStringLiteral(":/icons/widget-http.svg"));
        for (int i = 0; i < static_cast<int>(bookmarks_->size()); ++i) {
            const sync::Bookmark& bookmark = (*bookmarks_)[static_cast<std::size_t>(i)];
            const QString url = qs(bookmark.url);
            auto* item =
                new QListWidgetItem(icon, bookmark.title.empty() ? url : qs(bookmark.title), list_);
            item->setToolTip(url);
            item->setData(kIndexRole, i);
        }
        list_->setCurrentRow(std::min(current, list_->count() - 1));
        pages_->showItems();
        remove_->setEnabled(list_->currentItem() != nullptr);
    }

    void open(QListWidgetItem* item) {
        if (!bookmarks_ || item == nullptr) {
            return;
        }
        const int index = item->data(kIndexRole).toInt();
        const QString text = qs((*bookmarks_)[static_cast<std::size_t>(index)].url);
        const QUrl url(text);
        if (!openable(url)) {
            emit problemChanged(
                tr("Not opened: only http, https, file and mailto links are, not %1").arg(text));
            return;
        }
        emit problemChanged(QString());
        if (!QDesktopServices::openUrl(url)) {
            emit problemChanged(tr("No application could open %1").arg(text));
        }
    }

    void propose(std::vector<sync::Bookmark> bookmarks, const QString& label) {
        sync::Widget next = widget_;
        next.content = sync::writeBookmarks(bookmarks);
        widget_ = next;
        emit changeRequested(next, label, QString());
        rebuild();
    }

    void addBookmark() {
        if (!bookmarks_ || url_->text().trimmed().isEmpty()) {
            return;
        }
        const QUrl url = QUrl::fromUserInput(url_->text().trimmed());
        if (!url.isValid()) {
            emit problemChanged(tr("Not a link: %1").arg(url_->text()));
            return;
        }
        emit problemChanged(QString());
        const QString urlText = url.toString(QUrl::FullyEncoded);
        QString title = title_->text().simplified();
        if (title.isEmpty()) {
            title = url.host().isEmpty() ? urlText : url.host();
        }
        std::vector<sync::Bookmark> bookmarks = *bookmarks_;
        bookmarks.push_back({ss(title), ss(urlText)});
        title_->clear();
        url_->clear();
        propose(std::move(bookmarks), tr("Add bookmark"));
        list_->setCurrentRow(list_->count() - 1);
    }

    void removeCurrent() {
        QListWidgetItem* item = list_->currentItem();
        if (!bookmarks_ || item == nullptr) {
            return;
        }
        std::vector<sync::Bookmark> bookmarks = *bookmarks_;
        bookmarks.erase(bookmarks.begin() + item->data(kIndexRole).toInt());
        propose(std::move(bookmarks), tr("Remove bookmark"));
    }

    ItemListPages* pages_ = nullptr;
    QListWidget* list_ = nullptr;
    QLineEdit* title_ = nullptr;
    QLineEdit* url_ = nullptr;
    QPushButton* add_ = nullptr;
    QToolButton* remove_ = nullptr;
    sync::Widget widget_;
    std::optional<std::vector<sync::Bookmark>> bookmarks_;
    bool shown_ = false;
};

class BookmarksSettingsForm : public WidgetSettingsForm {
  public:
    explicit BookmarksSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        auto* label = new QLabel(tr("Bookmarks, one \"Title | URL\" per line:"), this);
        text_ = new QPlainTextEdit(this);
        text_->setAccessibleName(tr("Bookmarks text"));
        text_->setPlaceholderText(QStringLiteral("Deskboard | https://deskboard.invalid"));
        text_->setTabChangesFocus(true);
        label->setBuddy(text_);
        layout->addWidget(label);
        layout->addWidget(text_, 1);
    }

    void load(const sync::Widget& widget) override {
        loaded_ = qs(widget.content);
        text_->setPlainText(loaded_);
    }

    sync::Widget apply(sync::Widget widget) const override {
        // Untouched text stays byte for byte, even when it is not in the format.
        if (text_->toPlainText() != loaded_) {
            widget.content = ss(text_->toPlainText());
        }
        return widget;
    }

    QString problem() const override {
        const QString text = text_->toPlainText();
        if (text != loaded_ && !sync::parseBookmarks(ss(text))) {
            return tr("Each line must be \"Title | URL\".");
        }
        return {};
    }

  private:
    QPlainTextEdit* text_ = nullptr;
    QString loaded_;
};

}  // namespace

WidgetType bookmarksWidgetType() {
    return makeWidgetType<BookmarksView, BookmarksSettingsForm>(
        "bookmarks", QObject::tr("Bookmarks"),
        QObject::tr("Links to open in your browser, in \"Title | URL\" lines"),
        [](sync::Widget& widget) { widget.title = ss(QObject::tr("Bookmarks")); });
}

}  // namespace deskboard::ui
