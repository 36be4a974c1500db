// Test support: a long-running child of a test (redis-server, deskboard-server, haproxy, a
// deskboard instance) is killed by the kernel when the test process dies, however it dies.
// A test that ends in qFatal or a crash skips its destructors; without this its children
// lived on holding ctest's output pipe, and ctest waited out the test's whole timeout
// before it reported anything.
#pragma once

#include <QProcess>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace deskboard::testing {

// Call before process.start(). The signal follows the death of the thread that starts the
// child, so start such children from the test's main thread.
inline void killWithTest(QProcess& process) {
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {  // the test died before prctl took effect
            ::_exit(1);
        }
    });
}

}  // namespace deskboard::testing
