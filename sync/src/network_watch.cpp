#include "network_watch.h"

#include <QNetworkInformation>

namespace deskboard::sync {

NetworkWatch::NetworkWatch(QObject* parent) : QObject(parent) {
    if (!QNetworkInformation::instance() &&
        !QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        return;  // no backend: "unknown", the backoff alone decides
    }
    auto* information = QNetworkInformation::instance();
    if (!information) {
        return;
    }
    connect(information, &QNetworkInformation::reachabilityChanged, this,
            [this](QNetworkInformation::Reachability reachability) {
                if (reachability == QNetworkInformation::Reachability::Online ||
                    reachability == QNetworkInformation::Reachability::Site) {
                    emit online();
                }
            });
}

}  // namespace deskboard::sync
