// The local store of one profile (PRODUCT.md section 3): the dashboard document of the open
// scope and what sync needs to know about it, kept in QSettings INI files under the profile so
// that every edit is on disk before the call that made it returns and survives a kill.
//
// Files, so that an edit rewrites only what it changed:
//   <profile>/profile.ini                  device id, the open scope, client settings
//   <profile>/scopes/<scope>/document.ini  document, pending edits, last synced version and
//                                          time, the save in flight (rewritten by every edit)
//   <profile>/scopes/<scope>/base.ini      the base document (the last state both sides agreed
//                                          on; rewritten only when a sync completes)
//   <profile>/scopes/<scope>/snapshots/    the last 20 local snapshots, one file each
// A scope file that does not load (truncated, edited by hand, from a newer schema) is never
// overwritten: it is moved aside with a timestamp, loadProblem() says so in words, and the
// scope starts empty (sync then restores the server's copy).
// Two processes never write one profile at once: open() takes <profile>/store.lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <QDateTime>
#include <QLockFile>
#include <QObject>
#include <QString>

#include <deskboard/sync/document.h>
#include <deskboard/sync/store_scope.h>

class QSettings;

namespace deskboard::sync {

// A save that was sent and whose answer has not been seen: if the answer is lost, the server
// holding exactly this version and checksum means it was accepted.
struct SaveInFlight {
    std::int64_t version = 0;
    std::string checksum;
};

struct Snapshot {
    int index = 0;  // 1 = newest
    QDateTime takenAt;
    QString reason;  // e.g. "before applying version 12 from the server"
    std::size_t widgetCount = 0;
};

// Where an edit came from: the person (synced), or sync itself applying the server's copy.
enum class EditOrigin { Local, Remote };

class DashboardStore : public QObject {
    Q_OBJECT

  public:
    static constexpr int kMaxSnapshots = 20;

    // Opens (creating when needed) the profile folder; lockTimeoutMs bounds the wait for another
    // process holding the profile. Throws std::runtime_error with a clear message when the
    // folder cannot be created or stays locked.
    explicit DashboardStore(QString profileDir, int lockTimeoutMs = 10000,
                            QObject* parent = nullptr);
    ~DashboardStore() override;

    QString profileDir() const { return profileDir_; }
    // Random per profile, made at first use; sent as X-Device-Id.
    QString deviceId() const { return deviceId_; }

    // Client settings (QSettings keys such as "sync/debounceMs") of this profile.
    QVariant setting(const QString& key, const QVariant& fallback) const;
    void setSetting(const QString& key, const QVariant& value);

    // The scope that was open last time (the local scope at first start).
    StoreScope lastScope() const;
    // Switches to `scope`, loading its files; remembered as the last scope.
    void openScope(const StoreScope& scope);
    const StoreScope& scope() const { return scope_; }
    // True when the scope has never held anything (no document file yet).
    bool scopeIsNew(const StoreScope& scope) const;
    // Not empty when the scope's files did not load and were moved aside.
    QString loadProblem() const { return loadProblem_; }

    const Document& document() const { return document_; }
    // Replaces the document as the person's edit (counted as pending, synced later). Written to
    // disk before returning. Returns false (nothing changed) when `next` equals the document.
    bool commitEdit(Document next, const QString& label = {});
    // Replaces the document with what sync produced (the server's copy or a merge), after taking
    // a snapshot of the current one. Does not count as a pending local edit.
    void applyRemote(Document next, const QString& reason);

    // Sync bookkeeping, each persisted at once.
    const Document& base() const { return base_; }
    std::int64_t lastSyncedVersion() const { return lastSyncedVersion_; }
    QDateTime lastSyncedAt() const { return lastSyncedAt_; }
    int pendingEdits() const { return pendingEdits_; }
    bool hasLocalChanges() const { return pendingEdits_ > 0 || document_ != base_; }
    std::optional<SaveInFlight> saveInFlight() const { return inFlight_; }
    void setSaveInFlight(std::optional<SaveInFlight> save);
    // A sync completed at `version` with `agreed` as the common state; `editsCovered` of the
    // pending edits were in it.
    void markSynced(std::int64_t version, Document agreed, int editsCovered);
    // A version was seen without a state to agree on (a delete): only the counter moves.
    void setLastSyncedVersion(std::int64_t version);
    // Marks the document as needing a push even without new edits (e.g. after a remote delete).
    void markPending();
    // Replaces the base (used when adopting the anonymous document into an account).
    void setBase(Document base);

    // Local snapshots of the open scope, newest first.
    std::vector<Snapshot> snapshots() const;
    std::optional<Document> snapshotDocument(int index) const;
    void takeSnapshot(const QString& reason);

  signals:
    // The document changed; `origin` tells a person's edit from sync's.
    void documentChanged(deskboard::sync::EditOrigin origin);
    // The document changed through commitEdit: before and after, for an undo stack.
    void edited(const deskboard::sync::Document& before, const deskboard::sync::Document& after,
                const QString& label);
    void syncStateChanged();
    void scopeChanged();

  private:
    QString scopeDir(const StoreScope& scope) const;
    void loadScope();
    void writeDocumentFile();
    void writeBaseFile();
    void moveAside(const QString& why);

    QString profileDir_;
    std::unique_ptr<QLockFile> lock_;
    std::unique_ptr<QSettings> profile_;
    std::unique_ptr<QSettings> documentFile_;
    QString deviceId_;
    StoreScope scope_;
    QString loadProblem_;
    Document document_;
    Document base_;
    std::int64_t lastSyncedVersion_ = 0;
    QDateTime lastSyncedAt_;
    int pendingEdits_ = 0;
    std::optional<SaveInFlight> inFlight_;
};

}  // namespace deskboard::sync
