#include "icon_cache.h"

#include <QHash>
#include <QPair>

namespace deskboard::ui {

QIcon cachedIcon(const QString& path) {
    static QHash<QString, QIcon> icons;
    auto found = icons.find(path);
    if (found == icons.end()) {
        found = icons.insert(path, QIcon(path));
    }
    return found.value();
}

QIcon cachedStandardIcon(const QStyle* style, QStyle::StandardPixmap which) {
    static QHash<QPair<quintptr, int>, QIcon> icons;
    const QPair<quintptr, int> key(reinterpret_cast<quintptr>(style), static_cast<int>(which));
    auto found = icons.find(key);
    if (found == icons.end()) {
        found = icons.insert(key, style->standardIcon(which));
    }
    return found.value();
}

}  // namespace deskboard::ui
