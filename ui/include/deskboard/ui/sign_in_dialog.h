// The sign-in dialog (PRODUCT.md section 3, "Window"; issue 13): server URL, user name, password
// and "Remember me on this computer" (the refresh token in the keychain). It refuses plain HTTP
// to a host that is not this computer unless the person ticks "Allow unencrypted HTTP", says
// every failure in words inside the dialog (wrong password, unreachable, TLS, keychain), and
// never blocks: the engine answers later, and the dialog may be gone by then.
#pragma once

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QUrl;

namespace deskboard::sync {
class DashboardStore;
class SyncEngine;
}  // namespace deskboard::sync

namespace deskboard::ui {

class SignInDialog : public QDialog {
    Q_OBJECT

  public:
    // Settings read and written in the store: the last server and user signed in to.
    static inline const QString kLastServerKey = QStringLiteral("session/lastServer");
    static inline const QString kLastUserKey = QStringLiteral("session/lastUser");

    SignInDialog(sync::SyncEngine* engine, sync::DashboardStore* store, QWidget* parent = nullptr);

    // What the dialog says at the moment (an error, or the session-only notice); empty when
    // nothing is wrong.
    QString messageText() const;
    // True while the engine has not answered.
    bool isBusy() const { return busy_; }

    // The fields, for tests and for callers that prefill them.
    QLineEdit* serverEdit() const { return server_; }
    QLineEdit* userEdit() const { return user_; }
    QLineEdit* passwordEdit() const { return password_; }
    QCheckBox* rememberBox() const { return remember_; }
    QCheckBox* allowHttpBox() const { return allowHttp_; }
    QPushButton* signInButton() const { return signIn_; }

  signals:
    // The engine is signed in; `message` in words ("Signed in as ana."). Emitted before the
    // dialog closes (or before it shows the session-only notice).
    void signedIn(const QString& message);

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void fitContents();
    void attempt();
    void finish(bool ok, const QString& message);
    void setBusy(bool busy);
    void showMessage(const QString& text, const QString& description);
    void updateControls();
    void updateRemember();
    // The URL as typed, with https:// added when no scheme was given.
    QUrl typedServer() const;
    bool needsPlainHttpPermission() const;

    QPointer<sync::SyncEngine> engine_;
    sync::DashboardStore* store_;
    QLineEdit* server_;
    QLineEdit* user_;
    QLineEdit* password_;
    QCheckBox* remember_;
    QLabel* rememberNote_;
    QCheckBox* allowHttp_;
    QLabel* allowHttpNote_;
    QProgressBar* busyBar_;
    QLabel* busyLabel_;
    QLabel* messageIcon_;
    QLabel* message_;
    QDialogButtonBox* buttons_;
    QPushButton* signIn_;
    bool busy_ = false;
    bool done_ = false;
    // "Remember me" as it was when Sign In was pressed.
    bool rememberAsked_ = false;
};

}  // namespace deskboard::ui
