#include <optional>

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

#include <deskboard/ui/theme.h>

namespace deskboard::ui {

namespace {

struct Original {
    QString styleName;
    QPalette palette;
};

std::optional<Original>& original() {
    static std::optional<Original> saved;
    return saved;
}

QString& current() {
    static QString theme = kThemeSystem;
    return theme;
}

void setDisabled(QPalette& palette, const QColor& text) {
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText,
                            QPalette::HighlightedText, QPalette::PlaceholderText}) {
        palette.setColor(QPalette::Disabled, role, text);
    }
}

QPalette darkPalette() {
    const QColor window(0x2b, 0x2b, 0x2b);
    const QColor base(0x1e, 0x1e, 0x1e);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor highlight(0x3d, 0x8e, 0xe6);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    palette.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x8c));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    palette.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    palette.setColor(QPalette::Midlight, QColor(0x3c, 0x3c, 0x3c));
    palette.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    palette.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x18));
    palette.setColor(QPalette::Shadow, QColor(0x0a, 0x0a, 0x0a));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    palette.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xb3, 0x8c, 0xff));
    setDisabled(palette, QColor(0x7f, 0x7f, 0x7f));
    palette.setColor(QPalette::Disabled, QPalette::Base, QColor(0x26, 0x26, 0x26));
    palette.setColor(QPalette::Disabled, QPalette::Button, QColor(0x30, 0x30, 0x30));
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x4a, 0x4a, 0x4a));
    return palette;
}

QPalette lightPalette() {
    const QColor text(0x1f, 0x1f, 0x1f);
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
    palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    palette.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe1));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0xf0, 0xf0, 0xf0));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xc0, 0x00, 0x00));
    palette.setColor(QPalette::Light, QColor(0xff, 0xff, 0xff));
    palette.setColor(QPalette::Midlight, QColor(0xe3, 0xe3, 0xe3));
    palette.setColor(QPalette::Mid, QColor(0xa0, 0xa0, 0xa0));
    palette.setColor(QPalette::Dark, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Shadow, QColor(0x40, 0x40, 0x40));
    palette.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    palette.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    palette.setColor(QPalette::Link, QColor(0x00, 0x57, 0xae));
    palette.setColor(QPalette::LinkVisited, QColor(0x64, 0x4a, 0x9b));
    setDisabled(palette, QColor(0x9a, 0x9a, 0x9a));
    palette.setColor(QPalette::Disabled, QPalette::Base, QColor(0xf3, 0xf3, 0xf3));
    return palette;
}

}  // namespace

void applyTheme(const QString& theme) {
    if (!original()) {
        original() = Original{QApplication::style() ? QApplication::style()->name() : QString(),
                              QApplication::palette()};
    }
    if (theme == kThemeDark || theme == kThemeLight) {
        if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"))) {
            QApplication::setStyle(fusion);
        }
        QApplication::setPalette(theme == kThemeDark ? darkPalette() : lightPalette());
        current() = theme;
        return;
    }
    if (QStyle* style = QStyleFactory::create(original()->styleName)) {
        QApplication::setStyle(style);
    }
    QApplication::setPalette(original()->palette);
    current() = kThemeSystem;
}

QString currentTheme() {
    return current();
}

}  // namespace deskboard::ui
