// deskboard: the desktop client's composition root. Parses the command line, builds the
// window and runs the event loop; everything else lives in ui/ and sync/.
#include <QApplication>
#include <QCommandLineParser>

#include <deskboard/sync/client_identity.h>
#include <deskboard/ui/main_window.h>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("deskboard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Deskboard"));
    QApplication::setOrganizationName(QStringLiteral("Deskboard"));
    QApplication::setApplicationVersion(deskboard::sync::clientVersion());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Deskboard: a desktop dashboard that syncs across machines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    deskboard::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
