#include <QApplication>
#include <QLibraryInfo>
#include <QTranslator>

#include <deskboard/ui/translations.h>

namespace deskboard::ui {

namespace {

// Loads "<name>_<lang>.qm" (trying the locale's UI languages in order) from `directory` and
// installs it on `app`, owned by it. False when none was found.
bool installTranslator(QApplication& app, const QLocale& locale, const QString& name,
                       const QString& directory) {
    auto* translator = new QTranslator(&app);
    if (translator->load(locale, name, QStringLiteral("_"), directory) &&
        QCoreApplication::installTranslator(translator)) {
        return true;
    }
    delete translator;
    return false;
}

}  // namespace

bool installTranslations(QApplication& app, const QLocale& locale) {
    // Qt's own texts (standard buttons, context menus); a missing file is fine.
    installTranslator(app, locale, QStringLiteral("qtbase"),
                      QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    return installTranslator(app, locale, QStringLiteral("deskboard"), QStringLiteral(":/i18n"));
}

}  // namespace deskboard::ui
