// The desktop client's main window. For now it is the honest shell of the product: a window
// that says which version runs and that the dashboard grid, widgets and sync are not built
// yet. The toolbar, grid canvas and sync status of PRODUCT.md section 3 grow in here.
#pragma once

#include <QMainWindow>

class QLabel;

namespace deskboard::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    explicit MainWindow(QWidget* parent = nullptr);

    // The message shown where the dashboard will be.
    QString placeholderText() const;

  private:
    QLabel* placeholder_;
};

}  // namespace deskboard::ui
