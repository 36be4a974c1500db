#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

#include <deskboard/sync/api_client.h>
#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>
#include <deskboard/ui/sign_in_dialog.h>

namespace deskboard::ui {

namespace {

QLabel* noteLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

}  // namespace

SignInDialog::SignInDialog(sync::SyncEngine* engine, sync::DashboardStore* store, QWidget* parent)
    : QDialog(parent), engine_(engine), store_(store) {
    setWindowTitle(tr("Sign In to Sync"));
    setAccessibleName(windowTitle());

    auto* intro =
        new QLabel(tr("Sign in to a Deskboard server to keep your dashboards in sync across your "
                      "computers. Everything you have already made stays on this computer."),
                   this);
    intro->setWordWrap(true);
    intro->setAccessibleDescription(tr("About signing in"));

    server_ = new QLineEdit(this);
    server_->setAccessibleName(tr("Server address"));
    server_->setPlaceholderText(tr("https://dash.example.org"));
    server_->setInputMethodHints(Qt::ImhUrlCharactersOnly | Qt::ImhNoAutoUppercase);
    const QString lastServer = store_ ? store_->setting(kLastServerKey, {}).toString() : QString();
    server_->setText(lastServer.isEmpty() ? QStringLiteral("https://") : lastServer);

    user_ = new QLineEdit(this);
    user_->setAccessibleName(tr("User name"));
    user_->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
    if (store_) {
        user_->setText(store_->setting(kLastUserKey, {}).toString());
    }

    password_ = new QLineEdit(this);
    password_->setAccessibleName(tr("Password"));
    password_->setEchoMode(QLineEdit::Password);
    password_->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData |
                                   Qt::ImhNoPredictiveText);

    remember_ = new QCheckBox(tr("&Remember me on this computer"), this);
    remember_->setChecked(true);
    remember_->setToolTip(
        tr("Keeps the sign-in in this computer's keychain, so Deskboard stays signed in "
           "after it restarts. Your password itself is never stored."));
    rememberNote_ = noteLabel(this);
    rememberNote_->setAccessibleDescription(tr("Keychain status"));
    rememberNote_->hide();

    allowHttp_ = new QCheckBox(tr("&Allow unencrypted HTTP to this server"), this);
    allowHttp_->setToolTip(
        tr("Only for a server on a network you trust: your password and dashboards would "
           "cross the network unencrypted."));
    allowHttpNote_ = noteLabel(this);
    allowHttpNote_->setText(
        tr("This server is not on this computer: with http:// your password and dashboards "
           "would cross the network unencrypted."));
    allowHttpNote_->setAccessibleName(allowHttpNote_->text());
    allowHttpNote_->setAccessibleDescription(tr("Unencrypted connection warning"));

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto* serverLabel = new QLabel(tr("&Server:"), this);
    serverLabel->setBuddy(server_);
    auto* userLabel = new QLabel(tr("&User name:"), this);
    userLabel->setBuddy(user_);
    auto* passwordLabel = new QLabel(tr("&Password:"), this);
    passwordLabel->setBuddy(password_);
    form->addRow(serverLabel, server_);
    form->addRow(userLabel, user_);
    form->addRow(passwordLabel, password_);
    // Each option with its explanation right under it.
    auto* options = new QVBoxLayout;
    options->setSpacing(2);
    options->addWidget(remember_);
    options->addWidget(rememberNote_);
    options->addSpacing(4);
    options->addWidget(allowHttp_);
    options->addWidget(allowHttpNote_);
    form->addRow(QString(), options);

    busyBar_ = new QProgressBar(this);
    busyBar_->setRange(0, 0);
    busyBar_->setTextVisible(false);
    busyBar_->setMaximumWidth(120);
    busyBar_->setAccessibleName(tr("Signing in"));
    busyLabel_ = new QLabel(tr("Signing in…"), this);
    busyLabel_->setAccessibleDescription(tr("Sign-in progress"));
    auto* busyRow = new QHBoxLayout;
    busyRow->addWidget(busyBar_);
    busyRow->addWidget(busyLabel_, 1);
    busyBar_->hide();
    busyLabel_->hide();

    messageIcon_ = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    messageIcon_->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    messageIcon_->setAlignment(Qt::AlignTop);
    messageIcon_->hide();
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setTextFormat(Qt::PlainText);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();
    auto* messageRow = new QHBoxLayout;
    messageRow->addWidget(messageIcon_, 0, Qt::AlignTop);
    messageRow->addWidget(message_, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    signIn_ = buttons_->addButton(tr("Sign In"), QDialogButtonBox::AcceptRole);
    signIn_->setDefault(true);
    connect(signIn_, &QPushButton::clicked, this, &SignInDialog::attempt);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addSpacing(layout->spacing());
    layout->addLayout(form);
    layout->addLayout(busyRow);
    layout->addLayout(messageRow);
    layout->addStretch(1);
    layout->addWidget(buttons_);

    setTabOrder(server_, user_);
    setTabOrder(user_, password_);
    setTabOrder(password_, remember_);
    setTabOrder(remember_, allowHttp_);

    connect(server_, &QLineEdit::textChanged, this, &SignInDialog::updateControls);
    connect(user_, &QLineEdit::textChanged, this, &SignInDialog::updateControls);
    connect(password_, &QLineEdit::textChanged, this, &SignInDialog::updateControls);
    if (engine_ && engine_->tokens()) {
        connect(engine_->tokens(), &sync::TokenStore::availabilityChanged, this,
                &SignInDialog::updateRemember);
    }
    updateRemember();
    updateControls();

    // Start where there is something to type.
    if (lastServer.isEmpty()) {
        server_->setFocus();
        server_->setCursorPosition(server_->text().size());
    } else if (user_->text().isEmpty()) {
        user_->setFocus();
    } else {
        password_->setFocus();
    }
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
}

void SignInDialog::fitContents() {
    // Rows appear and disappear (HTTP permission, busy, messages) and wrapped labels need a
    // height that depends on the width: grow the window when the contents no longer fit.
    if (!isVisible() || !layout()) {
        return;
    }
    layout()->activate();
    const int needed = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                                     : layout()->totalSizeHint().height();
    if (needed > height()) {
        resize(width(), needed);
    }
}

void SignInDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    fitContents();
}

QString SignInDialog::messageText() const {
    return message_->isHidden() ? QString() : message_->text();
}

QUrl SignInDialog::typedServer() const {
    QString text = server_->text().trimmed();
    if (!text.isEmpty() && !text.contains(QStringLiteral("://"))) {
        text.prepend(QStringLiteral("https://"));
    }
    return QUrl(text, QUrl::StrictMode);
}

bool SignInDialog::needsPlainHttpPermission() const {
    const QUrl url = typedServer();
    return url.isValid() &&
           url.scheme().compare(QStringLiteral("http"), Qt::CaseInsensitive) == 0 &&
           !url.host().isEmpty() && !sync::ApiClient::isLoopbackHost(url.host());
}

void SignInDialog::updateControls() {
    const bool plain = needsPlainHttpPermission();
    allowHttp_->setVisible(plain);
    allowHttpNote_->setVisible(plain);
    if (!plain) {
        allowHttp_->setChecked(false);
    }
    const QUrl url = typedServer();
    const bool complete = url.isValid() && !url.host().isEmpty() &&
                          !user_->text().trimmed().isEmpty() && !password_->text().isEmpty();
    signIn_->setEnabled(!busy_ && !done_ && complete);
    fitContents();
}

void SignInDialog::updateRemember() {
    const sync::TokenStore* tokens = engine_ ? engine_->tokens() : nullptr;
    const bool unavailable =
        tokens && tokens->availability() == sync::TokenStore::Availability::Unavailable;
    remember_->setEnabled(!busy_ && !done_ && !unavailable);
    if (unavailable) {
        remember_->setChecked(false);
        // statusText() says what failed and that a sign-in lasts until Deskboard quits.
        rememberNote_->setText(tokens->statusText());
        rememberNote_->setAccessibleName(rememberNote_->text());
    }
    // Once signed in, the message below says it instead.
    rememberNote_->setVisible(unavailable && !done_);
    fitContents();
}

void SignInDialog::setBusy(bool busy) {
    busy_ = busy;
    for (QWidget* field : {static_cast<QWidget*>(server_), static_cast<QWidget*>(user_),
                           static_cast<QWidget*>(password_), static_cast<QWidget*>(allowHttp_)}) {
        field->setEnabled(!busy && !done_);
    }
    busyBar_->setVisible(busy);
    busyLabel_->setVisible(busy);
    updateRemember();
    updateControls();
}

void SignInDialog::showMessage(const QString& text, const QString& description) {
    message_->setText(text);
    // A label's accessible name replaces its text: keep the text as the name, say what it is
    // in the description.
    message_->setAccessibleName(text);
    message_->setAccessibleDescription(description);
    message_->setVisible(!text.isEmpty());
    messageIcon_->setVisible(!text.isEmpty());
    fitContents();
}

void SignInDialog::attempt() {
    if (busy_ || done_ || !engine_) {
        return;
    }
    const QUrl url = typedServer();
    if (needsPlainHttpPermission() && !allowHttp_->isChecked()) {
        showMessage(tr("%1 is not on this computer, so Deskboard signs in to it only over "
                       "HTTPS. Use an https:// address, or allow unencrypted HTTP above if you "
                       "trust the network in between.")
                        .arg(url.host()),
                    tr("Sign-in error"));
        allowHttp_->setFocus();
        return;
    }
    // Read before setBusy(), which disables the box.
    rememberAsked_ = remember_->isEnabled() && remember_->isChecked();
    showMessage({}, {});
    setBusy(true);
    QPointer<SignInDialog> self(this);
    engine_->signIn(url, user_->text().trimmed(), password_->text(), rememberAsked_,
                    allowHttp_->isChecked(), [self](bool ok, QString message) {
                        // The person may have closed (or deleted) the dialog meanwhile.
                        if (self) {
                            self->finish(ok, message);
                        }
                    });
}

void SignInDialog::finish(bool ok, const QString& message) {
    using Kind = sync::ApiFailure::Kind;
    const QUrl url = typedServer();
    if (!ok) {
        setBusy(false);
        const auto failure = engine_ ? engine_->lastSignInFailure() : std::nullopt;
        const QString detail = failure ? failure->message : message;
        QString text;
        QLineEdit* focus = server_;
        switch (failure ? failure->kind : Kind::BadAnswer) {
            case Kind::InvalidCredentials:
                text = tr("Wrong user name or password. Check both and try again.");
                focus = password_;
                break;
            case Kind::Offline:
                text = tr("The server at %1 is unreachable: %2\nCheck the address and your "
                          "network connection.")
                           .arg(url.host(), detail);
                break;
            case Kind::Tls:
                text = tr("The secure connection to %1 failed (a TLS or certificate problem), "
                          "so nothing was sent: %2")
                           .arg(url.host(), detail);
                break;
            case Kind::InsecureRefused:
            case Kind::BadRequest:
            case Kind::RateLimited:
                text = message;
                break;
            default:
                text = tr("Sign-in failed: %1").arg(detail);
                break;
        }
        showMessage(text, tr("Sign-in error"));
        focus->setFocus();
        focus->selectAll();
        return;
    }
    done_ = true;
    setBusy(false);
    password_->clear();
    if (store_) {
        store_->setSetting(kLastServerKey, url.toString());
        store_->setSetting(kLastUserKey, user_->text().trimmed());
    }
    emit signedIn(message);
    const sync::TokenStore* tokens = engine_ ? engine_->tokens() : nullptr;
    if (rememberAsked_ && tokens &&
        tokens->availability() == sync::TokenStore::Availability::Unavailable) {
        // Signed in, but only for this session: say so before closing.
        messageIcon_->setPixmap(style()
                                    ->standardIcon(QStyle::SP_MessageBoxInformation, nullptr, this)
                                    .pixmap(style()->pixelMetric(QStyle::PM_SmallIconSize)));
        showMessage(tr("Signed in for this session only. %1").arg(tokens->statusText()),
                    tr("Keychain unavailable"));
        // Only Close is left (the box shows every button it lays out: take them out first).
        // removeButton leaves a button without a parent: the dialog keeps owning it, hidden.
        for (QAbstractButton* button : buttons_->buttons()) {
            buttons_->removeButton(button);
            button->setParent(this);
            button->hide();
        }
        QPushButton* close = buttons_->addButton(tr("&Close"), QDialogButtonBox::AcceptRole);
        close->setDefault(true);
        close->setFocus();
        connect(close, &QPushButton::clicked, this, &QDialog::accept);
        return;
    }
    accept();
}

}  // namespace deskboard::ui
