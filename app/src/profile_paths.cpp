#include "profile_paths.h"

#include <cerrno>
#include <cstring>

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace deskboard::app {

namespace {

// A folder only this user can enter: created 0700, or an existing one that we own (not a
// symbolic link) tightened to 0700.
bool makePrivateDir(const QString& path, QString& error) {
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
        error = QStringLiteral("cannot create %1: %2")
                    .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    struct stat info {};
    if (::lstat(native.constData(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        error = QStringLiteral("%1 is not a folder").arg(path);
        return false;
    }
    if (info.st_uid != ::getuid()) {
        error = QStringLiteral("%1 belongs to another user").arg(path);
        return false;
    }
    if ((info.st_mode & 0777) != 0700 && ::chmod(native.constData(), 0700) != 0) {
        error = QStringLiteral("cannot make %1 private: %2")
                    .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

bool fitsSocketPath(const QString& path) {
    return QFile::encodeName(path).size() < static_cast<qsizetype>(sizeof(sockaddr_un::sun_path));
}

}  // namespace

QString defaultProfileDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString resolveProfilePaths(const QString& requestedDir, ProfilePaths& paths) {
    const QString wanted = QDir::cleanPath(QDir::current().absoluteFilePath(
        requestedDir.isEmpty() ? defaultProfileDir() : requestedDir));
    const QFileInfo existing(wanted);
    if (existing.exists() && !existing.isDir()) {
        return QStringLiteral("the profile %1 is not a folder").arg(wanted);
    }
    if (!existing.exists()) {
        const QFileInfo parentInfo(QFileInfo(wanted).absolutePath());
        if (!QDir().mkpath(parentInfo.absoluteFilePath())) {
            return QStringLiteral("cannot create the folder %1").arg(parentInfo.absoluteFilePath());
        }
        QString error;
        if (!makePrivateDir(wanted, error)) {
            return error;
        }
    }
    paths.profileDir = QFileInfo(wanted).canonicalFilePath();
    if (paths.profileDir.isEmpty()) {
        return QStringLiteral("cannot open the profile folder %1").arg(wanted);
    }
    paths.profileId = QString::fromLatin1(
        QCryptographicHash::hash(paths.profileDir.toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(20));

    QString lastError;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime) && QFileInfo(runtime).isDir()) {
        const QString dir = runtime + QStringLiteral("/deskboard");
        const QString socket = dir + QLatin1Char('/') + paths.profileId + QStringLiteral(".sock");
        if (fitsSocketPath(socket) && makePrivateDir(dir, lastError)) {
            paths.socketDir = dir;
            paths.socketPath = socket;
            paths.electionLockPath =
                dir + QLatin1Char('/') + paths.profileId + QStringLiteral(".lock");
            return {};
        }
    }
    const QString dir = paths.profileDir + QStringLiteral("/run");
    const QString socket = dir + QStringLiteral("/instance.sock");
    if (!fitsSocketPath(socket)) {
        return QStringLiteral(
                   "the profile path %1 is too long for a local socket and XDG_RUNTIME_DIR is "
                   "not set; use a shorter --profile path")
            .arg(paths.profileDir);
    }
    if (!makePrivateDir(dir, lastError)) {
        return lastError;
    }
    paths.socketDir = dir;
    paths.socketPath = socket;
    paths.electionLockPath = dir + QStringLiteral("/instance.lock");
    return {};
}

}  // namespace deskboard::app
