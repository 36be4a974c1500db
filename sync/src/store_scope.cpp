#include <QCryptographicHash>

#include <deskboard/sync/store_scope.h>

namespace deskboard::sync {

QString StoreScope::folderName() const {
    if (isLocal()) {
        return QStringLiteral("local");
    }
    // The server URL may hold any character; a hash makes a safe, stable folder name.
    const QByteArray key = server.toUtf8() + '\n' + userId.toUtf8() + '\n' + workspaceId.toUtf8();
    const QByteArray digest = QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
    return QStringLiteral("scope-") + QString::fromLatin1(digest.left(24));
}

}  // namespace deskboard::sync
