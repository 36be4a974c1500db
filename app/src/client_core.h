// The client of one profile as the app composes it: the store (taking the profile's lock), the
// token store and the sync engine. The engine is made and started only when something needs
// the server, so a local `ctl` command touches nothing but the store.
#pragma once

#include <memory>

#include <QObject>
#include <QString>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>

namespace deskboard::app {

class ClientCore : public QObject {
    Q_OBJECT

  public:
    // Opens the profile's store, waiting up to lockTimeoutMs for another process holding it.
    // Throws std::runtime_error with a message in words when it cannot.
    ClientCore(const QString& profileDir, const QString& profileId, int lockTimeoutMs,
               QObject* parent = nullptr);
    ~ClientCore() override;

    sync::DashboardStore& store() { return *store_; }
    sync::TokenStore& tokens();
    sync::SyncEngine& engine();
    // Starts the engine once (it signs in with a remembered session and keeps syncing).
    void startEngine();
    bool engineStarted() const { return started_; }
    // True when the engine exists (started or not).
    bool hasEngine() const { return engine_ != nullptr; }
    // With a window, the person answers the engine's questions (first sign-in, stale device);
    // without one (headless, ctl) the choice that keeps everything, merge, is taken.
    void setPersonAnswersDecisions(bool person) { personAnswers_ = person; }

  private:
    QString profileId_;
    std::unique_ptr<sync::DashboardStore> store_;
    std::unique_ptr<sync::TokenStore> tokens_;
    std::unique_ptr<sync::SyncEngine> engine_;
    bool started_ = false;
    bool personAnswers_ = false;
};

}  // namespace deskboard::app
