// The question sync cannot answer alone (PRODUCT.md section 3, safety nets): at the first sign-in
// on a computer that already has a dashboard, or after being offline longer than sync/staleDays,
// the engine asks (SyncEngine::needsDecision) whether to merge, take the server's dashboards or
// keep this computer's. This dialog says why in words, explains each answer in one line and
// emits the choice for SyncEngine::resolveDecision. Open it with open(); closing it without an
// answer ("Decide Later") leaves the engine waiting.
#pragma once

#include <QDialog>

#include <deskboard/sync/sync_engine.h>

class QCommandLinkButton;
class QLabel;

namespace deskboard::ui {

class DecisionDialog : public QDialog {
    Q_OBJECT

  public:
    explicit DecisionDialog(const QString& why, QWidget* parent = nullptr);

    // For SyncEngine::needsDecision: opens a dialog (deleted when closed) whose answer goes to
    // engine->resolveDecision, and which closes by itself once the engine no longer waits
    // (e.g. signed out). Returns it (already open).
    static DecisionDialog* ask(sync::SyncEngine* engine, const QString& why,
                               QWidget* parent = nullptr);

    // Replaces the explanation (the engine asked again while the dialog was open).
    void setWhy(const QString& why);
    QString why() const;

    QCommandLinkButton* button(sync::Decision decision) const;

  signals:
    // The person chose; the dialog is already closed (accepted).
    void chosen(deskboard::sync::Decision decision);

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void choose(sync::Decision decision);

    QLabel* why_;
    QCommandLinkButton* merge_;
    QCommandLinkButton* useServer_;
    QCommandLinkButton* keepLocal_;
};

}  // namespace deskboard::ui
