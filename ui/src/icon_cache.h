// Icons loaded once per process. A QIcon made from a file or the style parses and renders its
// source again for every new instance, and a dashboard builds the same few icons for each of
// its tiles: start-up measured 60 % of its time there (bench/client/window.sh, callgrind).
// Copies of a cached QIcon share its rendered pixmaps.
#pragma once

#include <QIcon>
#include <QString>
#include <QStyle>

namespace deskboard::ui {

// The icon of a Qt resource, e.g. ":/icons/action-undo.svg".
QIcon cachedIcon(const QString& path);
// One of the style's standard icons (cached per style, so a theme change gets its own).
QIcon cachedStandardIcon(const QStyle* style, QStyle::StandardPixmap which);

}  // namespace deskboard::ui
