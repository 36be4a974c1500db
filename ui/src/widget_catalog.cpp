#include <deskboard/ui/widget_catalog.h>

// One line per type; each `WidgetType <id>WidgetType()` is defined in ui/src/widgets/<id>.cpp.
#define DESKBOARD_WIDGET_TYPES(X) \
    X(note)                       \
    X(todo)                       \
    X(clock)                      \
    X(sysmon)                     \
    X(chart)                      \
    X(bookmarks)                  \
    X(countdown)                  \
    X(http)

namespace deskboard::ui {

#define DESKBOARD_DECLARE_TYPE(id) WidgetType id##WidgetType();
DESKBOARD_WIDGET_TYPES(DESKBOARD_DECLARE_TYPE)
#undef DESKBOARD_DECLARE_TYPE

const std::vector<WidgetType>& widgetCatalog() {
#define DESKBOARD_LIST_TYPE(id) id##WidgetType(),
    static const std::vector<WidgetType> catalog{DESKBOARD_WIDGET_TYPES(DESKBOARD_LIST_TYPE)};
#undef DESKBOARD_LIST_TYPE
    return catalog;
}

const WidgetType* findWidgetType(QStringView id) {
    for (const WidgetType& type : widgetCatalog()) {
        if (type.id == id) {
            return &type;
        }
    }
    return nullptr;
}

}  // namespace deskboard::ui
