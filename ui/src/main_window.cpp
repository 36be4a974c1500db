#include <QLabel>
#include <QStatusBar>

#include <deskboard/sync/client_identity.h>
#include <deskboard/ui/main_window.h>

namespace deskboard::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), placeholder_(new QLabel(this)) {
    setWindowTitle(tr("Deskboard"));
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setMargin(24);
    placeholder_->setText(
        tr("<h2>Deskboard %1</h2>"
           "<p>This build has no dashboard yet: the widget grid, the local store and sync "
           "with a Deskboard server arrive with the desktop client.</p>")
            .arg(sync::clientVersion()));
    setCentralWidget(placeholder_);
    statusBar()->showMessage(tr("Local only — nothing to sync yet"));
    resize(960, 640);
}

QString MainWindow::placeholderText() const {
    return placeholder_->text();
}

}  // namespace deskboard::ui
