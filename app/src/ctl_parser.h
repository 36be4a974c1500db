// The grammar of `deskboard ctl`: every command, its arguments and options, and its --help
// text, in one table. Parsing is pure (no store, no network), so usage errors and help are
// answered without touching the profile, and the running instance parses the same way.
#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace deskboard::app {

// Exit codes of every deskboard command (PRODUCT.md section 3): done, failed, bad usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct CtlOption {
    QString name;       // without the dashes: "title"
    QString valueName;  // "T"; empty for a flag
    QString help;
};

// What a command needs besides the profile's store.
enum class CtlNeeds { Store, Server };

struct CtlCommand {
    QString name;   // "widget add", "status", ...
    QString usage;  // after "deskboard ctl "
    QString summary;
    QString details;
    QStringList positionals;  // names, e.g. {"TYPE"}
    int requiredPositionals = 0;
    QList<CtlOption> options;
    CtlNeeds needs = CtlNeeds::Store;
};

struct CtlParse {
    enum class Kind { Run, Help, Usage };
    Kind kind = Kind::Usage;
    const CtlCommand* command = nullptr;
    QStringList positionals;
    QHash<QString, QString> values;  // options with a value
    QSet<QString> flags;             // options without one
    QString text;                    // the help text, or the usage error with a hint

    bool has(const QString& option) const {
        return flags.contains(option) || values.contains(option);
    }
    QString value(const QString& option) const { return values.value(option); }
};

// The commands, in the order --help lists them.
const QList<CtlCommand>& ctlCommands();
const CtlCommand* findCtlCommand(const QString& name);

// Parses the arguments after `ctl`.
CtlParse parseCtl(const QStringList& arguments);

// Help texts.
QString ctlOverviewHelp();
QString ctlCommandHelp(const CtlCommand& command);
// "Run `deskboard ctl widget add --help` for usage."
QString usageHint(const CtlCommand* command);

}  // namespace deskboard::app
