#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>
#include <deskboard/ui/settings_dialog.h>
#include <deskboard/ui/theme.h>

namespace deskboard::ui {

namespace {

// A read-only value: selectable text whose accessible name stays the text.
QLabel* valueLabel(const QString& description, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAccessibleDescription(description);
    return label;
}

void setValue(QLabel* label, const QString& text) {
    label->setText(text);
    label->setAccessibleName(text);
}

}  // namespace

SettingsDialog::SettingsDialog(sync::SyncEngine* engine, sync::DashboardStore* store,
                               QWidget* parent)
    : QDialog(parent), engine_(engine), store_(store) {
    setWindowTitle(tr("Settings"));
    setAccessibleName(windowTitle());

    // Account
    server_ = valueLabel(tr("Server"), this);
    user_ = valueLabel(tr("Signed in as"), this);
    keychain_ = valueLabel(tr("Keychain status"), this);
    auto* account = new QGroupBox(tr("Account"), this);
    auto* accountForm = new QFormLayout(account);
    accountForm->addRow(tr("Server:"), server_);
    accountForm->addRow(tr("Signed in as:"), user_);
    accountForm->addRow(tr("Keychain:"), keychain_);

    // Sync
    debounce_ = new QSpinBox(this);
    debounce_->setRange(kMinDebounceMs, kMaxDebounceMs);
    debounce_->setSingleStep(100);
    debounce_->setSuffix(tr(" ms"));
    debounce_->setAccessibleName(tr("Sync delay in milliseconds"));
    debounce_->setToolTip(
        tr("How long Deskboard waits after your last change before it sends "
           "the changes to the server (they are saved on this computer at "
           "once)."));
    bool ok = false;
    const int debounceMs =
        store_ ? store_->setting(kDebounceKey, kDefaultDebounceMs).toInt(&ok) : 0;
    debounce_->setValue(ok ? std::clamp(debounceMs, kMinDebounceMs, kMaxDebounceMs)
                           : kDefaultDebounceMs);
    auto* debounceLabel = new QLabel(tr("Sync &delay:"), this);
    debounceLabel->setBuddy(debounce_);
    auto* debounceNote =
        new QLabel(tr("Quiet time after your last change before it is sent to the server."), this);
    debounceNote->setWordWrap(true);
    debounceNote->setForegroundRole(QPalette::PlaceholderText);
    auto* sync = new QGroupBox(tr("Sync"), this);
    auto* syncForm = new QFormLayout(sync);
    syncForm->addRow(debounceLabel, debounce_);
    syncForm->addRow(QString(), debounceNote);

    // Appearance
    theme_ = new QComboBox(this);
    theme_->addItem(tr("System"), kThemeSystem);
    theme_->addItem(tr("Light"), kThemeLight);
    theme_->addItem(tr("Dark"), kThemeDark);
    theme_->setAccessibleName(tr("Theme"));
    const QString theme =
        store_ ? store_->setting(kThemeKey, kThemeSystem).toString() : kThemeSystem;
    theme_->setCurrentIndex(std::max(0, theme_->findData(theme)));
    auto* themeLabel = new QLabel(tr("&Theme:"), this);
    themeLabel->setBuddy(theme_);
    auto* appearance = new QGroupBox(tr("Appearance"), this);
    auto* appearanceForm = new QFormLayout(appearance);
    appearanceForm->addRow(themeLabel, theme_);

    // Profile
    const QString folder = store_ ? QDir::toNativeSeparators(store_->profileDir()) : QString();
    // Read-only but selectable and scrollable: a long path neither wraps nor widens the dialog.
    auto* profileFolder = new QLineEdit(folder, this);
    profileFolder->setReadOnly(true);
    profileFolder->setAccessibleName(tr("Profile folder"));
    profileFolder->setToolTip(folder);
    profileFolder->setCursorPosition(0);
    auto* openFolder = new QPushButton(tr("&Open Folder"), this);
    openFolder->setAutoDefault(false);
    openFolder->setToolTip(tr("Shows the folder in the file manager."));
    connect(openFolder, &QPushButton::clicked, this, [this] {
        if (store_) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(store_->profileDir()));
        }
    });
    auto* profileRow = new QHBoxLayout;
    profileRow->addWidget(profileFolder, 1);
    profileRow->addWidget(openFolder);
    auto* profile = new QGroupBox(tr("This Computer"), this);
    auto* profileForm = new QFormLayout(profile);
    profileForm->addRow(tr("Profile folder:"), profileRow);

    buttons_ = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons_->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            &SettingsDialog::apply);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(account);
    layout->addWidget(sync);
    layout->addWidget(appearance);
    layout->addWidget(profile);
    layout->addStretch(1);
    layout->addWidget(buttons_);

    // Every form's label column as wide as the widest, so the groups line up.
    int labelWidth = 0;
    const auto forms = {accountForm, syncForm, appearanceForm, profileForm};
    for (QFormLayout* form : forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem* item = form->itemAt(row, QFormLayout::LabelRole)) {
                labelWidth = std::max(labelWidth, item->sizeHint().width());
            }
        }
    }
    for (QFormLayout* form : forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem* item = form->itemAt(row, QFormLayout::LabelRole)) {
                if (QWidget* label = item->widget()) {
                    label->setMinimumWidth(labelWidth);
                }
            }
        }
    }

    setTabOrder(debounce_, theme_);
    setTabOrder(theme_, profileFolder);
    setTabOrder(profileFolder, openFolder);

    connect(debounce_, &QSpinBox::valueChanged, this, &SettingsDialog::updateApply);
    connect(theme_, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateApply);
    if (engine_) {
        connect(engine_, &sync::SyncEngine::statusChanged, this, &SettingsDialog::refreshStatus);
        if (engine_->tokens()) {
            connect(engine_->tokens(), &sync::TokenStore::availabilityChanged, this,
                    &SettingsDialog::refreshStatus);
        }
    }
    refreshStatus();
    updateApply();
    debounce_->setFocus();
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);
}

QString SettingsDialog::accountText() const {
    return user_->text();
}

QString SettingsDialog::keychainText() const {
    return keychain_->text();
}

void SettingsDialog::refreshStatus() {
    const sync::SyncStatus status = engine_ ? engine_->status() : sync::SyncStatus{};
    const bool signedIn = !status.user.isEmpty();
    setValue(server_, status.server.isEmpty() ? tr("None (this computer only)") : status.server);
    setValue(user_, signedIn ? status.user : tr("Not signed in"));

    const sync::TokenStore* tokens = engine_ ? engine_->tokens() : nullptr;
    QString keychain;
    switch (tokens ? tokens->availability() : sync::TokenStore::Availability::Unknown) {
        case sync::TokenStore::Availability::Available:
            keychain = tr("Available: a remembered sign-in is kept in the system keychain.");
            break;
        case sync::TokenStore::Availability::Unavailable:
            keychain = tr("Unavailable (%1). Sign-ins last until Deskboard quits.")
                           .arg(tokens->statusText());
            break;
        case sync::TokenStore::Availability::Unknown:
            keychain = tr("Not used yet (it is checked when a sign-in is remembered or read).");
            break;
    }
    setValue(keychain_, keychain);
}

void SettingsDialog::updateApply() {
    const bool changed =
        store_ &&
        (debounce_->value() != store_->setting(kDebounceKey, kDefaultDebounceMs).toInt() ||
         theme_->currentData().toString() != store_->setting(kThemeKey, kThemeSystem).toString());
    buttons_->button(QDialogButtonBox::Apply)->setEnabled(changed);
}

void SettingsDialog::apply() {
    const QString theme = theme_->currentData().toString();
    if (store_) {
        store_->setSetting(kDebounceKey, debounce_->value());
        store_->setSetting(kThemeKey, theme);
    }
    applyTheme(theme);
    updateApply();
    emit applied();
}

}  // namespace deskboard::ui
