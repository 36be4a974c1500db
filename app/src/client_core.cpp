#include "client_core.h"

#include <QTimer>

namespace deskboard::app {

ClientCore::ClientCore(const QString& profileDir, const QString& profileId, int lockTimeoutMs,
                       QObject* parent)
    : QObject(parent),
      profileId_(profileId),
      store_(std::make_unique<sync::DashboardStore>(profileDir, lockTimeoutMs)) {}

ClientCore::~ClientCore() {
    // The engine talks to the token store and the store: it goes first.
    engine_.reset();
    tokens_.reset();
    store_.reset();
}

sync::TokenStore& ClientCore::tokens() {
    if (!tokens_) {
        tokens_ = std::make_unique<sync::TokenStore>(profileId_);
    }
    return *tokens_;
}

sync::SyncEngine& ClientCore::engine() {
    if (!engine_) {
        engine_ = std::make_unique<sync::SyncEngine>(store_.get(), &tokens());
        // Nobody can be asked in a headless instance or a script: the choice that keeps
        // everything (merge) is taken, and said on standard error. The window asks instead
        // (setPersonAnswersDecisions).
        connect(engine_.get(), &sync::SyncEngine::needsDecision, this, [this](const QString& why) {
            if (personAnswers_) {
                return;
            }
            qWarning(
                "deskboard: %s; merging this computer's dashboard with the server's "
                "(nothing is lost).",
                qUtf8Printable(why));
            QTimer::singleShot(0, this, [this] {
                if (engine_) {
                    engine_->resolveDecision(sync::Decision::Merge);
                }
            });
        });
    }
    return *engine_;
}

void ClientCore::startEngine() {
    if (started_) {
        return;
    }
    started_ = true;
    engine().start();
}

}  // namespace deskboard::app
