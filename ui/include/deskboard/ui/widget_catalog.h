// The widget types the window offers, in the order of the Add widget menu. Each type lives in
// its own file under ui/src/widgets/ and is listed once in DESKBOARD_WIDGET_TYPES
// (widget_catalog.cpp): adding a type is one new file and one line.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <QString>
#include <QStringView>

#include <deskboard/sync/document.h>
#include <deskboard/ui/widget_view.h>

namespace deskboard::ui {

struct WidgetType {
    QString id;           // the document's `type`: note todo clock sysmon chart bookmarks ...
    QString name;         // for people, translated: "To-do list"
    QString description;  // one line for the Add widget menu's tooltip
    QString iconPath;     // a Qt resource, ":/icons/widget-<id>.svg"
    // The tile body and the settings form, parented to `parent`.
    std::function<WidgetView*(QWidget* parent)> createView;
    std::function<WidgetSettingsForm*(QWidget* parent)> createSettingsForm;
    // What "Add widget" inserts: a title, default settings and content.
    std::function<sync::Widget()> newWidget;
};

// The entry of a type whose view and settings form are made from a parent widget: its icon is
// ":/icons/widget-<id>.svg", and `fill` gives a new widget (already of this type) its title,
// settings and content.
template <typename View, typename Form>
WidgetType makeWidgetType(const char* id, QString name, QString description,
                          std::function<void(sync::Widget&)> fill) {
    const QString typeId = QString::fromLatin1(id);
    return {typeId,
            std::move(name),
            std::move(description),
            QStringLiteral(":/icons/widget-%1.svg").arg(typeId),
            [](QWidget* parent) -> WidgetView* { return new View(parent); },
            [](QWidget* parent) -> WidgetSettingsForm* { return new Form(parent); },
            [type = std::string(id), fill = std::move(fill)] {
                sync::Widget widget;
                widget.type = type;
                fill(widget);
                return widget;
            }};
}

// Every known type. Built on first use (after QApplication exists, for translations).
const std::vector<WidgetType>& widgetCatalog();
// The type `id`, or null for a type this build does not know (a newer client's).
const WidgetType* findWidgetType(QStringView id);

}  // namespace deskboard::ui
