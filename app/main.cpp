// deskboard: the desktop client's composition root. Everything it does (command line, the
// single instance per profile, the window, `deskboard ctl`) is composed in app/src from ui/
// and sync/.
#include "src/deskboard_app.h"

int main(int argc, char* argv[]) {
    return deskboard::app::runDeskboard(argc, argv);
}
