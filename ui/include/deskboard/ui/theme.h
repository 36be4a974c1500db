// The application's colour theme (PRODUCT.md section 3, Settings dialog): "system" keeps the
// platform's own style and palette, "light" and "dark" use Fusion with a palette of our own, so
// the dark theme has good contrast on every desktop. Applied to the whole application at once.
#pragma once

#include <QString>
#include <QStringList>

namespace deskboard::ui {

// The values of the "ui/theme" setting.
inline const QString kThemeSystem = QStringLiteral("system");
inline const QString kThemeLight = QStringLiteral("light");
inline const QString kThemeDark = QStringLiteral("dark");

// Applies `theme` ("system", "light" or "dark"; anything else counts as "system") to qApp. The
// platform's style name and palette are remembered at the first call, so "system" brings them
// back after a light or dark theme.
void applyTheme(const QString& theme);

// The theme applied last ("system" before any call).
QString currentTheme();

}  // namespace deskboard::ui
