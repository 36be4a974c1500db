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
    if (installTranslator(app, locale, QStringLiteral("deskboard"), QStringLiteral(":/i18n"))) {
        return true;
    }
    // No translation for this language: the English source texts show, with English plural
    // forms ("1 widget", "2 widgets") from the English file.
    installTranslator(app, QLocale(QLocale::English), QStringLiteral("deskboard"),
                      QStringLiteral(":/i18n"));
    return false;
}

}  // namespace deskboard::ui
