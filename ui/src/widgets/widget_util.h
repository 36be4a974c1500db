// Small helpers shared by the widget types (ui/src/widgets/*.cpp): reading a widget's settings
// leniently (`deskboard ctl widget set ID settings.KEY VALUE` stores "true" as a JSON bool but
// "Europe/Paris" as a string, and a person may type either), converting strings, and the look
// of an empty state. Not part of the ui library's public face.
#pragma once

#include <optional>
#include <string>

#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QString>
#include <QStringList>

#include <deskboard/sync/document.h>

namespace deskboard::ui::widgets {

inline QString qs(const std::string& text) {
    return QString::fromStdString(text);
}
inline std::string ss(const QString& text) {
    return text.toStdString();
}

// settings[key] as a bool: JSON true/false, or the strings "true"/"false"/"1"/"0"/"yes"/"no".
bool settingBool(const nlohmann::json& settings, const char* key, bool fallback);
// settings[key] as text: a JSON string, or any other scalar written as JSON; fallback if absent.
QString settingString(const nlohmann::json& settings, const char* key,
                      const QString& fallback = {});
// settings[key] as a number: a JSON number or a string holding one.
std::optional<double> settingNumber(const nlohmann::json& settings, const char* key);
// settings[key] as a list of strings: a JSON array of strings, or one string holding a list
// separated by commas or white space.
QStringList settingStringList(const nlohmann::json& settings, const char* key);

// A centred, word-wrapped label in the palette's placeholder colour, for "No items yet".
QLabel* makeEmptyStateLabel(const QString& text, QWidget* parent);

// The body of a list-shaped widget (to-do list, bookmarks): its items, an empty state when there
// are none, or, when the content is not in the type's format, the text as it is (read-only)
// under a note saying why: such content is shown and never rewritten.
class ItemListPages : public QWidget {
  public:
    ItemListPages(const QString& listName, const QString& emptyText, const QString& rawName,
                  const QString& rawNote, QWidget* parent);

    QListWidget* list() const { return list_; }
    // The list, or when it has no items the empty state (`emptyText`, else the constructor's).
    void showItems(const QString& emptyText = {});
    // The content as it is, with the note.
    void showRaw(const QString& text);

  private:
    QStackedWidget* pages_;
    QListWidget* list_;
    QLabel* empty_;
    QPlainTextEdit* raw_;
    QLabel* note_;
    QString emptyText_;
};

}  // namespace deskboard::ui::widgets
