// A main window on a temporary profile, with no server: the store, a token store and an
// engine that stays signed out (local-only), as a person's first start. Shared by the window
// suites; screenshots go to DESKBOARD_SCREENSHOT_DIR for a person to look at.
#pragma once

#include <memory>

#include <QAccessible>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>
#include <deskboard/ui/main_window.h>

namespace deskboard::testing {

struct WindowFixture {
    explicit WindowFixture(const QString& profile = {}) {
        const QString path = profile.isEmpty() ? dir.path() : profile;
        store = std::make_unique<sync::DashboardStore>(path);
        tokens = std::make_unique<sync::TokenStore>(path, 2000);
        engine = std::make_unique<sync::SyncEngine>(store.get(), tokens.get());
        window = std::make_unique<ui::MainWindow>(store.get(), engine.get());
    }
    ~WindowFixture() {
        window.reset();
        engine.reset();
        tokens.reset();
        store.reset();
    }
    bool show() {
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }

    QTemporaryDir dir;
    std::unique_ptr<sync::DashboardStore> store;
    std::unique_ptr<sync::TokenStore> tokens;
    std::unique_ptr<sync::SyncEngine> engine;
    std::unique_ptr<ui::MainWindow> window;
};

// Saves a picture of `widget` as <name>.png beside the test; false when nothing was drawn.
inline bool saveScreenshot(QWidget* widget, const QString& name) {
    const QImage shot = widget->grab().toImage();
    if (shot.isNull()) {
        return false;
    }
    const QString path = QStringLiteral(DESKBOARD_SCREENSHOT_DIR "/%1.png").arg(name);
    qInfo("screenshot: %s", qPrintable(path));
    return shot.save(path);
}

// Interactive objects an assistive technology lets a person act on: each needs a name.
inline bool isInteractive(QAccessible::Role role) {
    switch (role) {
        case QAccessible::PushButton:
        case QAccessible::CheckBox:
        case QAccessible::RadioButton:
        case QAccessible::ComboBox:
        case QAccessible::EditableText:
        case QAccessible::SpinBox:
        case QAccessible::Slider:
        case QAccessible::ButtonMenu:
        case QAccessible::ButtonDropDown:
        case QAccessible::ButtonDropGrid:
        case QAccessible::PageTab:
        case QAccessible::List:
        case QAccessible::Table:
        case QAccessible::Tree:
        case QAccessible::MenuItem:
        case QAccessible::Link:
            return true;
        default:
            return false;
    }
}

// Walks the accessibility tree under `root` and lists every visible interactive object
// without a name, as "role (class objectName) at path".
inline QStringList unnamedInteractiveObjects(QObject* root) {
    QStringList unnamed;
    std::function<void(QAccessibleInterface*, const QString&, int)> walk =
        [&](QAccessibleInterface* node, const QString& path, int depth) {
            if (node == nullptr || !node->isValid() || depth > 40) {
                return;
            }
            const QAccessible::State state = node->state();
            if (state.invisible) {
                return;
            }
            const QString name = node->text(QAccessible::Name).trimmed();
            if (isInteractive(node->role()) && name.isEmpty()) {
                QObject* object = node->object();
                unnamed << QStringLiteral("%1 (%2 \"%3\") at %4")
                               .arg(int(node->role()))
                               .arg(object ? QString::fromLatin1(object->metaObject()->className())
                                           : QStringLiteral("?"))
                               .arg(object ? object->objectName() : QString())
                               .arg(path);
            }
            for (int i = 0; i < node->childCount(); ++i) {
                walk(node->child(i), path + QLatin1Char('/') + name.left(20), depth + 1);
            }
        };
    walk(QAccessible::queryAccessibleInterface(root), QString(), 0);
    return unnamed;
}

}  // namespace deskboard::testing
