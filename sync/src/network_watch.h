// Tells the engine when the network comes back, through QNetworkInformation's reachability
// where a backend exists (NetworkManager, or the glib backend headless); silent otherwise, so
// the engine's own backoff keeps working without it.
#pragma once

#include <QObject>

namespace deskboard::sync {

class NetworkWatch : public QObject {
    Q_OBJECT

  public:
    explicit NetworkWatch(QObject* parent = nullptr);

  signals:
    void online();
};

}  // namespace deskboard::sync
