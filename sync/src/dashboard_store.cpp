#include <random>
#include <stdexcept>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>

#include <deskboard/protocol/json_parse.h>
#include <deskboard/sync/dashboard_store.h>

namespace deskboard::sync {

namespace {

// The layout of a scope's files; older layouts are migrated in loadScope().
constexpr int kStoreSchema = 1;

// Our own documents may be far larger than one request body (snapshots, imports).
const protocol::JsonLimits kStoreJsonLimits{64 * 1024 * 1024, protocol::kDefaultMaxJsonDepth};

QString randomDeviceId() {
    std::random_device entropy;
    std::mt19937_64 generator((static_cast<std::uint64_t>(entropy()) << 32) ^ entropy());
    static constexpr char kHex[] = "0123456789abcdef";
    QString id = QStringLiteral("d");
    for (int i = 0; i < 24; ++i) {
        id += QLatin1Char(kHex[generator() % 16]);
    }
    return id;
}

QByteArray documentText(const Document& document) {
    return QByteArray::fromStdString(toJson(document).dump());
}

// Reads a document written by documentText(); the reason in words when it does not load.
std::optional<Document> readDocument(const QByteArray& text, QString& why) {
    auto parsed =
        protocol::parseJson(std::string_view(text.constData(), text.size()), kStoreJsonLimits);
    if (!parsed) {
        why = QString::fromStdString(parsed.error().message);
        return std::nullopt;
    }
    auto document = documentFromJson(parsed.value());
    if (!document) {
        why = QString::fromStdString(document.error().message);
        return std::nullopt;
    }
    return std::move(document).value();
}

void syncOrThrow(QSettings& settings) {
    settings.sync();
    if (settings.status() != QSettings::NoError) {
        throw std::runtime_error("cannot write " + settings.fileName().toStdString() +
                                 " (disk full or no permission?)");
    }
}

}  // namespace

DashboardStore::DashboardStore(QString profileDir, int lockTimeoutMs, QObject* parent)
    : QObject(parent), profileDir_(QDir(profileDir).absolutePath()) {
    if (!QDir().mkpath(profileDir_)) {
        throw std::runtime_error("cannot create the profile folder " + profileDir_.toStdString());
    }
    QFile::setPermissions(profileDir_,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    lock_ = std::make_unique<QLockFile>(profileDir_ + QStringLiteral("/store.lock"));
    if (!lock_->tryLock(lockTimeoutMs)) {
        throw std::runtime_error("the profile " + profileDir_.toStdString() +
                                 " is in use by another Deskboard process (store.lock)");
    }
    // store.lock makes this process the profile's only writer, so a QSettings lock file found
    // now was left by a killed process. One killed between creating it and writing its owner
    // into it is empty, and QSettings would wait for it to grow stale (30 s) at the first write.
    QFile::remove(profileDir_ + QStringLiteral("/profile.ini.lock"));
    profile_ = std::make_unique<QSettings>(profileDir_ + QStringLiteral("/profile.ini"),
                                           QSettings::IniFormat);
    deviceId_ = profile_->value(QStringLiteral("device/id")).toString();
    if (deviceId_.isEmpty()) {
        deviceId_ = randomDeviceId();
        profile_->setValue(QStringLiteral("device/id"), deviceId_);
        syncOrThrow(*profile_);
    }
    scope_ = lastScope();
    loadScope();
}

DashboardStore::~DashboardStore() = default;

QVariant DashboardStore::setting(const QString& key, const QVariant& fallback) const {
    return profile_->value(key, fallback);
}

void DashboardStore::setSetting(const QString& key, const QVariant& value) {
    if (value.isNull()) {
        profile_->remove(key);
    } else {
        profile_->setValue(key, value);
    }
    syncOrThrow(*profile_);
}

StoreScope DashboardStore::lastScope() const {
    StoreScope scope;
    scope.server = profile_->value(QStringLiteral("scope/server")).toString();
    scope.userId = profile_->value(QStringLiteral("scope/userId")).toString();
    scope.userName = profile_->value(QStringLiteral("scope/userName")).toString();
    scope.workspaceId = profile_->value(QStringLiteral("scope/workspaceId")).toString();
    return scope;
}

void DashboardStore::openScope(const StoreScope& scope) {
    if (scope == scope_ && scope.userName == scope_.userName) {
        return;  // already open: nothing to load again
    }
    profile_->setValue(QStringLiteral("scope/server"), scope.server);
    profile_->setValue(QStringLiteral("scope/userId"), scope.userId);
    profile_->setValue(QStringLiteral("scope/userName"), scope.userName);
    profile_->setValue(QStringLiteral("scope/workspaceId"), scope.workspaceId);
    syncOrThrow(*profile_);
    scope_ = scope;
    loadScope();
    emit scopeChanged();
    emit documentChanged(EditOrigin::Remote);
    emit syncStateChanged();
}

bool DashboardStore::scopeIsNew(const StoreScope& scope) const {
    return !QFileInfo::exists(scopeDir(scope) + QStringLiteral("/document.ini"));
}

QString DashboardStore::scopeDir(const StoreScope& scope) const {
    return profileDir_ + QStringLiteral("/scopes/") + scope.folderName();
}

void DashboardStore::loadScope() {
    documentFile_.reset();
    loadProblem_.clear();
    document_ = emptyDocument();
    base_ = emptyDocument();
    lastSyncedVersion_ = 0;
    lastSyncedAt_ = {};
    pendingEdits_ = 0;
    inFlight_.reset();

    const QString dir = scopeDir(scope_);
    if (!QDir().mkpath(dir + QStringLiteral("/snapshots"))) {
        throw std::runtime_error("cannot create " + dir.toStdString());
    }
    const QString documentPath = dir + QStringLiteral("/document.ini");
    QFile::remove(documentPath + QStringLiteral(".lock"));  // stale: see the constructor
    QFile::remove(dir + QStringLiteral("/base.ini.lock"));
    if (!QFileInfo::exists(documentPath)) {
        return;
    }
    QSettings file(documentPath, QSettings::IniFormat);
    const int storeSchema = file.value(QStringLiteral("store/schema"), -1).toInt();
    if (file.status() != QSettings::NoError) {
        moveAside(QStringLiteral("its file is damaged"));
        return;
    }
    if (storeSchema > kStoreSchema) {
        moveAside(QStringLiteral("it was written by a newer Deskboard (store schema %1)")
                      .arg(storeSchema));
        return;
    }
    if (storeSchema < 1) {
        moveAside(QStringLiteral("it has no store schema (edited by hand or truncated)"));
        return;
    }
    // Store schema 1 is the first; later layouts migrate here, step by step.
    QString why;
    auto document = readDocument(file.value(QStringLiteral("document")).toByteArray(), why);
    if (!document) {
        moveAside(QStringLiteral("its document does not load: ") + why);
        return;
    }
    document_ = std::move(*document);
    lastSyncedVersion_ = file.value(QStringLiteral("sync/lastSyncedVersion"), 0).toLongLong();
    lastSyncedAt_ = QDateTime::fromString(
        file.value(QStringLiteral("sync/lastSyncedAt")).toString(), Qt::ISODateWithMs);
    pendingEdits_ = file.value(QStringLiteral("sync/pendingEdits"), 0).toInt();
    const auto flightVersion = file.value(QStringLiteral("sync/inFlightVersion"), 0).toLongLong();
    if (flightVersion > 0) {
        inFlight_ = SaveInFlight{
            flightVersion,
            file.value(QStringLiteral("sync/inFlightChecksum")).toString().toStdString()};
    }

    const QString basePath = dir + QStringLiteral("/base.ini");
    if (QFileInfo::exists(basePath)) {
        QSettings baseFile(basePath, QSettings::IniFormat);
        auto base = readDocument(baseFile.value(QStringLiteral("document")).toByteArray(), why);
        if (base) {
            base_ = std::move(*base);
        } else {
            // Without a trustworthy base every difference looks like an edit; merge keeps
            // both sides' widgets then, so nothing is lost. Make sure the next sync pushes.
            base_ = emptyDocument();
            pendingEdits_ = std::max(pendingEdits_, 1);
        }
    }
}

void DashboardStore::moveAside(const QString& why) {
    const QString dir = scopeDir(scope_);
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString aside = dir + QStringLiteral(".broken-") + stamp;
    QDir().rename(dir, aside);
    QDir().mkpath(dir + QStringLiteral("/snapshots"));
    loadProblem_ = QStringLiteral(
                       "The dashboard stored on this computer could not be read (%1). It was "
                       "moved aside to %2 and nothing in it was changed; Deskboard starts from "
                       "the server's copy or an empty dashboard.")
                       .arg(why, aside);
    qWarning("deskboard store: %s", qPrintable(loadProblem_));
}

void DashboardStore::writeDocumentFile() {
    // One QSettings object per open scope: a new one would read the whole file back first.
    if (!documentFile_) {
        documentFile_ = std::make_unique<QSettings>(
            scopeDir(scope_) + QStringLiteral("/document.ini"), QSettings::IniFormat);
    }
    QSettings& file = *documentFile_;
    file.setValue(QStringLiteral("store/schema"), kStoreSchema);
    file.setValue(QStringLiteral("document"), documentText(document_));
    file.setValue(QStringLiteral("sync/lastSyncedVersion"),
                  static_cast<qlonglong>(lastSyncedVersion_));
    file.setValue(QStringLiteral("sync/lastSyncedAt"),
                  lastSyncedAt_.isValid() ? lastSyncedAt_.toString(Qt::ISODateWithMs) : QString());
    file.setValue(QStringLiteral("sync/pendingEdits"), pendingEdits_);
    file.setValue(QStringLiteral("sync/inFlightVersion"),
                  static_cast<qlonglong>(inFlight_ ? inFlight_->version : 0));
    file.setValue(QStringLiteral("sync/inFlightChecksum"),
                  inFlight_ ? QString::fromStdString(inFlight_->checksum) : QString());
    syncOrThrow(file);
}

void DashboardStore::writeBaseFile() {
    QSettings file(scopeDir(scope_) + QStringLiteral("/base.ini"), QSettings::IniFormat);
    file.setValue(QStringLiteral("store/schema"), kStoreSchema);
    file.setValue(QStringLiteral("document"), documentText(base_));
    syncOrThrow(file);
}

bool DashboardStore::commitEdit(Document next, const QString& label) {
    if (next == document_) {
        return false;
    }
    Document before = std::move(document_);
    document_ = std::move(next);
    ++pendingEdits_;
    writeDocumentFile();
    emit edited(before, document_, label);
    emit documentChanged(EditOrigin::Local);
    emit syncStateChanged();
    return true;
}

void DashboardStore::applyRemote(Document next, const QString& reason) {
    if (next == document_) {
        return;
    }
    takeSnapshot(reason);
    document_ = std::move(next);
    writeDocumentFile();
    emit documentChanged(EditOrigin::Remote);
}

void DashboardStore::setSaveInFlight(std::optional<SaveInFlight> save) {
    inFlight_ = std::move(save);
    writeDocumentFile();
}

void DashboardStore::markSynced(std::int64_t version, Document agreed, int editsCovered) {
    lastSyncedVersion_ = version;
    lastSyncedAt_ = QDateTime::currentDateTimeUtc();
    pendingEdits_ = std::max(0, pendingEdits_ - editsCovered);
    if (pendingEdits_ == 0 && document_ != agreed) {
        pendingEdits_ = 1;  // the document moved on in a way no edit counted (a merge)
    }
    inFlight_.reset();
    base_ = std::move(agreed);
    writeBaseFile();
    writeDocumentFile();
    emit syncStateChanged();
}

void DashboardStore::setLastSyncedVersion(std::int64_t version) {
    lastSyncedVersion_ = version;
    writeDocumentFile();
    emit syncStateChanged();
}

void DashboardStore::markPending() {
    pendingEdits_ = std::max(pendingEdits_, 1);
    writeDocumentFile();
    emit syncStateChanged();
}

void DashboardStore::setBase(Document base) {
    base_ = std::move(base);
    writeBaseFile();
}

// --- snapshots ----------------------------------------------------------------------------------

namespace {

QStringList snapshotFiles(const QString& dir) {
    // Names sort by time: snapshot-<ms since epoch, 16 digits>.json; newest first.
    return QDir(dir).entryList({QStringLiteral("snapshot-*.json")}, QDir::Files,
                               QDir::Name | QDir::Reversed);
}

}  // namespace

void DashboardStore::takeSnapshot(const QString& reason) {
    const QString dir = scopeDir(scope_) + QStringLiteral("/snapshots");
    qint64 stamp = QDateTime::currentMSecsSinceEpoch();
    const QStringList existing = snapshotFiles(dir);
    if (!existing.isEmpty()) {
        // Two snapshots within one millisecond still get distinct, ordered names.
        const qint64 newest = existing.first().mid(9, 16).toLongLong();
        stamp = std::max(stamp, newest + 1);
    }
    nlohmann::json record = {
        {"takenAt",
         QDateTime::fromMSecsSinceEpoch(stamp, Qt::UTC).toString(Qt::ISODateWithMs).toStdString()},
        {"reason", reason.toStdString()},
        {"document", toJson(document_)}};
    QSaveFile file(dir + QStringLiteral("/snapshot-%1.json").arg(stamp, 16, 10, QLatin1Char('0')));
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QByteArray::fromStdString(record.dump())) < 0 || !file.commit()) {
        throw std::runtime_error("cannot write a snapshot in " + dir.toStdString());
    }
    const QStringList all = snapshotFiles(dir);
    for (int i = kMaxSnapshots; i < all.size(); ++i) {
        QFile::remove(dir + QLatin1Char('/') + all[i]);
    }
}

std::vector<Snapshot> DashboardStore::snapshots() const {
    std::vector<Snapshot> result;
    const QString dir = scopeDir(scope_) + QStringLiteral("/snapshots");
    int index = 0;
    for (const QString& name : snapshotFiles(dir)) {
        QFile file(dir + QLatin1Char('/') + name);
        if (!file.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QByteArray text = file.readAll();
        auto parsed =
            protocol::parseJson(std::string_view(text.constData(), text.size()), kStoreJsonLimits);
        if (!parsed || !parsed.value().is_object()) {
            continue;
        }
        const auto& record = parsed.value();
        Snapshot snapshot;
        snapshot.index = ++index;
        snapshot.takenAt = QDateTime::fromString(
            QString::fromStdString(record.value("takenAt", std::string())), Qt::ISODateWithMs);
        snapshot.reason = QString::fromStdString(record.value("reason", std::string()));
        if (record.contains("document")) {
            auto document = documentFromJson(record["document"]);
            snapshot.widgetCount = document ? document.value().widgetCount() : 0;
        }
        result.push_back(std::move(snapshot));
    }
    return result;
}

std::optional<Document> DashboardStore::snapshotDocument(int index) const {
    const QString dir = scopeDir(scope_) + QStringLiteral("/snapshots");
    const QStringList files = snapshotFiles(dir);
    if (index < 1 || index > files.size()) {
        return std::nullopt;
    }
    QFile file(dir + QLatin1Char('/') + files[index - 1]);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QByteArray text = file.readAll();
    auto parsed =
        protocol::parseJson(std::string_view(text.constData(), text.size()), kStoreJsonLimits);
    if (!parsed || !parsed.value().is_object() || !parsed.value().contains("document")) {
        return std::nullopt;
    }
    auto document = documentFromJson(parsed.value()["document"]);
    if (!document) {
        return std::nullopt;
    }
    return std::move(document).value();
}

}  // namespace deskboard::sync
