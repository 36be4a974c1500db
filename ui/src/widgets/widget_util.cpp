// Helpers shared by the widget types; see widget_util.h.
#include "widget_util.h"

#include <QPalette>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace deskboard::ui::widgets {

bool settingBool(const nlohmann::json& settings, const char* key, bool fallback) {
    if (!settings.is_object() || !settings.contains(key)) {
        return fallback;
    }
    const nlohmann::json& value = settings.at(key);
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_number()) {
        return value.get<double>() != 0;
    }
    if (value.is_string()) {
        const QString text = qs(value.get<std::string>()).trimmed().toLower();
        if (text == u"true" || text == u"1" || text == u"yes" || text == u"on") {
            return true;
        }
        if (text == u"false" || text == u"0" || text == u"no" || text == u"off") {
            return false;
        }
    }
    return fallback;
}

QString settingString(const nlohmann::json& settings, const char* key, const QString& fallback) {
    if (!settings.is_object() || !settings.contains(key)) {
        return fallback;
    }
    const nlohmann::json& value = settings.at(key);
    if (value.is_string()) {
        return qs(value.get<std::string>());
    }
    if (value.is_null()) {
        return fallback;
    }
    return qs(value.dump());
}

std::optional<double> settingNumber(const nlohmann::json& settings, const char* key) {
    if (!settings.is_object() || !settings.contains(key)) {
        return std::nullopt;
    }
    const nlohmann::json& value = settings.at(key);
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        bool ok = false;
        const double number = qs(value.get<std::string>()).trimmed().toDouble(&ok);
        if (ok) {
            return number;
        }
    }
    return std::nullopt;
}

QStringList settingStringList(const nlohmann::json& settings, const char* key) {
    QStringList list;
    if (!settings.is_object() || !settings.contains(key)) {
        return list;
    }
    const nlohmann::json& value = settings.at(key);
    if (value.is_array()) {
        for (const nlohmann::json& item : value) {
            if (item.is_string() && !item.get<std::string>().empty()) {
                list.append(qs(item.get<std::string>()));
            }
        }
    } else if (value.is_string()) {
        static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
        list = qs(value.get<std::string>()).split(separators, Qt::SkipEmptyParts);
    }
    return list;
}

QLabel* makeEmptyStateLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setMargin(8);
    return label;
}

ItemListPages::ItemListPages(const QString& listName, const QString& emptyText,
                             const QString& rawName, const QString& rawNote, QWidget* parent)
    : QWidget(parent),
      pages_(new QStackedWidget(this)),
      list_(new QListWidget(pages_)),
      empty_(makeEmptyStateLabel(emptyText, pages_)),
      raw_(new QPlainTextEdit(pages_)),
      note_(new QLabel(rawNote, this)),
      emptyText_(emptyText) {
    list_->setAccessibleName(listName);
    list_->setFrameShape(QFrame::NoFrame);
    raw_->setReadOnly(true);
    raw_->setAccessibleName(rawName);
    note_->setWordWrap(true);
    note_->setForegroundRole(QPalette::PlaceholderText);
    note_->hide();
    pages_->addWidget(list_);
    pages_->addWidget(empty_);
    pages_->addWidget(raw_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(note_);
    layout->addWidget(pages_, 1);
}

void ItemListPages::showItems(const QString& emptyText) {
    note_->hide();
    if (list_->count() > 0) {
        pages_->setCurrentWidget(list_);
        return;
    }
    empty_->setText(emptyText.isEmpty() ? emptyText_ : emptyText);
    pages_->setCurrentWidget(empty_);
}

void ItemListPages::showRaw(const QString& text) {
    note_->show();
    raw_->setPlainText(text);
    pages_->setCurrentWidget(raw_);
}

}  // namespace deskboard::ui::widgets
