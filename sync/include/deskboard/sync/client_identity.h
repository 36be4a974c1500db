// How the desktop client names itself to servers and in logs: product, version and the Qt it
// runs on, e.g. "Deskboard/0.1.0 (Qt 6.4.2)". The sync engine sends it as User-Agent.
#pragma once

#include <QString>

namespace deskboard::sync {

QString clientVersion();
QString userAgent();

}  // namespace deskboard::sync
