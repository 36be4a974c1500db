#include <QtGlobal>

#include <deskboard/sync/client_identity.h>
#include <deskboard/version.h>

namespace deskboard::sync {

QString clientVersion() {
    return QString::fromLatin1(deskboard::kVersion);
}

QString userAgent() {
    return QStringLiteral("Deskboard/%1 (Qt %2)")
        .arg(clientVersion(), QString::fromLatin1(qVersion()));
}

}  // namespace deskboard::sync
