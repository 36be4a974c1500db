// The app's translations: Qt's own (qtbase_<lang>.qm from Qt's translations folder) and
// Deskboard's (deskboard_<lang>.qm, built from resources/translations/*.ts and embedded as the
// Qt resource ":/i18n"), for the system locale.
#pragma once

#include <QLocale>

class QApplication;

namespace deskboard::ui {

// Installs the translators for `locale` on `app` (call once, before any window is built).
// A language without a translation is not an error: the English source texts show. Returns
// true when a Deskboard translation was installed.
bool installTranslations(QApplication& app, const QLocale& locale = QLocale::system());

}  // namespace deskboard::ui
