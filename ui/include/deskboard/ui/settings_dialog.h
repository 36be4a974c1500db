// The settings dialog (PRODUCT.md section 3; issue 13): who is signed in to which server, the
// sync debounce ("sync/debounceMs"), the theme ("ui/theme": system, light, dark; applied at once
// through theme.h), whether the keychain works, and where this profile keeps its files.
// Apply and OK write the store's settings; Cancel leaves them as they were.
#pragma once

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace deskboard::sync {
class DashboardStore;
class SyncEngine;
}  // namespace deskboard::sync

namespace deskboard::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT

  public:
    static inline const QString kDebounceKey = QStringLiteral("sync/debounceMs");
    static inline const QString kThemeKey = QStringLiteral("ui/theme");
    static constexpr int kDefaultDebounceMs = 1500;
    static constexpr int kMinDebounceMs = 200;
    static constexpr int kMaxDebounceMs = 10000;

    SettingsDialog(sync::SyncEngine* engine, sync::DashboardStore* store,
                   QWidget* parent = nullptr);

    // Writes the settings shown and applies the theme (what Apply and OK do).
    void apply();

    QSpinBox* debounceBox() const { return debounce_; }
    QComboBox* themeBox() const { return theme_; }
    QString accountText() const;
    QString keychainText() const;

  signals:
    // After apply(): the settings are in the store and the theme is applied.
    void applied();

  private:
    void refreshStatus();
    void updateApply();

    QPointer<sync::SyncEngine> engine_;
    sync::DashboardStore* store_;
    QLabel* server_;
    QLabel* user_;
    QLabel* keychain_;
    QSpinBox* debounce_;
    QComboBox* theme_;
    QDialogButtonBox* buttons_;
};

}  // namespace deskboard::ui
