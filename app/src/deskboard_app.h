// The deskboard executable's command line and modes:
//   deskboard [--profile DIR]             the window (a second one raises the first and exits)
//   deskboard [--profile DIR] --headless  the sync engine with no window (no display needed)
//   deskboard [--profile DIR] ctl ...     a command, run by the profile's instance when one
//                                         runs, else here on the profile's store
#pragma once

#include <QString>
#include <QStringList>

namespace deskboard::app {

struct Invocation {
    enum class Mode { Window, Headless, Ctl, Help, Version, Usage };
    Mode mode = Mode::Window;
    QString profile;  // empty: the default (XDG) location
    QStringList ctlArguments;
    QString error;  // Usage: what is wrong
};

// Parses the arguments after the program name.
Invocation parseInvocation(const QStringList& arguments);
QString mainHelp();

// The whole program: returns the process exit code.
int runDeskboard(int argc, char* argv[]);

}  // namespace deskboard::app
