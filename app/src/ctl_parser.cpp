#include "ctl_parser.h"

namespace deskboard::app {

namespace {

QString S(const char* text) {
    return QString::fromUtf8(text);
}

CtlOption helpOption() {
    return {S("help"), {}, S("Show this help and exit.")};
}

QList<CtlCommand> buildCommands() {
    QList<CtlCommand> commands;
    auto add = [&commands](CtlCommand command) {
        command.options.append(helpOption());
        commands.append(std::move(command));
    };

    add({S("status"),
         S("status"),
         S("Print the sync status as one JSON object."),
         S("Prints {state, pending, lastSyncedVersion, lastSyncedAt, lastError, user, server,\n"
           "workspace, keychain}. lastSyncedAt is ISO 8601 (UTC) or null; lastError, user,\n"
           "server and workspace are null when there is none. Without a running instance the\n"
           "status is read from the profile's store (no network)."),
         {},
         0,
         {},
         CtlNeeds::Store});

    add({S("export"),
         S("export [FILE]"),
         S("Write the dashboard document as JSON."),
         S("Writes the document to FILE (relative to the current directory), or to standard\n"
           "output without FILE or with \"-\"."),
         {S("FILE")},
         0,
         {},
         CtlNeeds::Store});

    add({S("import"),
         S("import FILE"),
         S("Replace the dashboard document with the one in FILE."),
         S("FILE must hold a document as `deskboard ctl export` writes it. It is checked first:\n"
           "a file that is not a valid document changes nothing and exits 1. The import is one\n"
           "change (undoable in the window) and is synced like any edit."),
         {S("FILE")},
         1,
         {},
         CtlNeeds::Store});

    add({S("widget add"),
         S("widget add TYPE --title T [--content C] [--dashboard ID]"),
         S("Add a widget in the first free cell."),
         S("TYPE is one of: note todo clock sysmon chart bookmarks countdown http.\n"
           "The widget gets its type's default size in the first free cell of the dashboard\n"
           "(the first dashboard unless --dashboard is given). Prints\n"
           "\"Added TYPE widget ID\": the new widget's id is the last word."),
         {S("TYPE")},
         1,
         {{S("title"), S("T"), S("The widget's title (required).")},
          {S("content"), S("C"),
           S("The widget's content, kept verbatim (a note's text, \"- [ ] item\" lines for a\n"
             "todo, \"Title | URL\" lines for bookmarks, CSV for a chart).")},
          {S("dashboard"), S("ID"), S("The dashboard to add to (default: the first).")}},
         CtlNeeds::Store});

    add({S("widget set"),
         S("widget set ID FIELD VALUE"),
         S("Change one field of a widget."),
         S("FIELD is title, content, x, y, w, h or settings.KEY.\n"
           "x, y, w, h are integers in grid cells (12 columns); the tile is kept on the grid\n"
           "and tiles it now overlaps are pushed down.\n"
           "For settings.KEY, VALUE is read as JSON when it is JSON (42, true, \"text\",\n"
           "[1,2], {\"a\":1}) and kept as a string otherwise.\n"
           "Put -- before a VALUE that starts with --."),
         {S("ID"), S("FIELD"), S("VALUE")},
         3,
         {},
         CtlNeeds::Store});

    add({S("widget remove"),
         S("widget remove ID"),
         S("Remove a widget."),
         S("Removes the widget and its tile. Local snapshots and the server's history keep\n"
           "earlier versions (see `deskboard ctl history`)."),
         {S("ID")},
         1,
         {},
         CtlNeeds::Store});

    add({S("sync"),
         S("sync --wait [--timeout S]"),
         S("Sync now and wait until the server holds this computer's last change."),
         S("Exits 0 only when nothing is pending and the server holds this device's last\n"
           "save; 1 with the reason otherwise (offline, signed out, timeout). Signs in with the\n"
           "remembered session when no instance is running."),
         {},
         0,
         {{S("wait"),
           {},
           S("Wait until the sync has finished. Without it a running instance only starts\n"
             "the sync; with no instance running, ctl always waits.")},
          {S("timeout"), S("S"), S("Give up after S seconds (default 30).")}},
         CtlNeeds::Server});

    add({S("login"),
         S("login --server URL --user NAME --password-stdin [--remember] [--allow-http]"),
         S("Sign in to a Deskboard server."),
         S("The password is the first line of standard input (never an argument).\n"
           "A dashboard made before any sign-in is merged into the account's: nothing is lost.\n"
           "Plain http:// is refused for servers that are not on this computer unless\n"
           "--allow-http is given."),
         {},
         0,
         {{S("server"), S("URL"), S("The server's address, e.g. https://dash.example.org.")},
          {S("user"), S("NAME"), S("The user name.")},
          {S("password-stdin"), {}, S("Read the password from standard input (required).")},
          {S("remember"),
           {},
           S("Keep the session in the system keychain, so later runs stay signed in.")},
          {S("allow-http"), {}, S("Allow plain HTTP to a server that is not on this computer.")}},
         CtlNeeds::Server});

    add({S("logout"),
         S("logout"),
         S("Sign out (the dashboard stays on this computer)."),
         S("Ends the session on the server, forgets the tokens (also in the keychain) and\n"
           "keeps the document."),
         {},
         0,
         {},
         CtlNeeds::Server});

    add({S("workspace list"),
         S("workspace list"),
         S("List the workspaces of the signed-in user."),
         S("Prints one workspace per line: ID, a tab, NAME; the open one ends with a tab and\n"
           "\"current\"."),
         {},
         0,
         {},
         CtlNeeds::Server});

    add({S("workspace create"),
         S("workspace create NAME"),
         S("Create a workspace."),
         S("Prints \"Created workspace NAME with id ID\": the id is the last word."),
         {S("NAME")},
         1,
         {},
         CtlNeeds::Server});

    add({S("workspace use"),
         S("workspace use ID"),
         S("Open another workspace (its own dashboard)."),
         S("Switches this profile to workspace ID; its dashboard is restored from the server."),
         {S("ID")},
         1,
         {},
         CtlNeeds::Server});

    add({S("history"),
         S("history"),
         S("List the server's versions and the local snapshots."),
         S("Server versions (when signed in) and the local snapshots, newest first. Restore\n"
           "one with `deskboard ctl restore VERSION` or `deskboard ctl restore snapshot:N`."),
         {},
         0,
         {},
         CtlNeeds::Server});

    add({S("restore"),
         S("restore VERSION|snapshot:N"),
         S("Make an earlier version the dashboard again."),
         S("VERSION is a server version, snapshot:N a local snapshot (1 = newest), as\n"
           "`deskboard ctl history` lists them. The restore is a new change (undoable) and is\n"
           "synced like any edit."),
         {S("VERSION|snapshot:N")},
         1,
         {},
         CtlNeeds::Server});
    return commands;
}

QString pad(const QString& text, int width) {
    return text.size() >= width ? text + S("  ") : text.leftJustified(width);
}

QStringList groupCommands(const QString& group) {
    QStringList names;
    for (const auto& command : ctlCommands()) {
        if (command.name.startsWith(group + QLatin1Char(' '))) {
            names.append(command.name);
        }
    }
    return names;
}

QString groupHelp(const QString& group) {
    QString text =
        S("Usage: deskboard [--profile DIR] ctl ") + group + S(" COMMAND ...\n\nCommands:\n");
    for (const auto& command : ctlCommands()) {
        if (command.name.startsWith(group + QLatin1Char(' '))) {
            text += S("  ") + command.usage + S("\n      ") + command.summary + QLatin1Char('\n');
        }
    }
    text += S("\nRun `deskboard ctl ") + group + S(" COMMAND --help` for a command's help.\n");
    return text;
}

CtlParse usageError(const CtlCommand* command, const QString& message) {
    CtlParse parse;
    parse.kind = CtlParse::Kind::Usage;
    parse.command = command;
    parse.text = message + QLatin1Char('\n') + usageHint(command) + QLatin1Char('\n');
    return parse;
}

bool looksLikeOption(const QString& argument) {
    if (argument.startsWith(S("--"))) {
        return true;
    }
    return argument.size() >= 2 && argument.at(0) == QLatin1Char('-') && argument.at(1).isLetter();
}

}  // namespace

const QList<CtlCommand>& ctlCommands() {
    static const QList<CtlCommand> commands = buildCommands();
    return commands;
}

const CtlCommand* findCtlCommand(const QString& name) {
    for (const auto& command : ctlCommands()) {
        if (command.name == name) {
            return &command;
        }
    }
    return nullptr;
}

QString usageHint(const CtlCommand* command) {
    if (command == nullptr) {
        return S("Run `deskboard ctl --help` for the list of commands.");
    }
    return S("Usage: deskboard ctl ") + command->usage + S("\nRun `deskboard ctl ") +
           command->name + S(" --help` for details.");
}

QString ctlOverviewHelp() {
    QString text =
        S("Usage: deskboard [--profile DIR] ctl COMMAND [ARGUMENTS] [OPTIONS]\n\n"
          "Drives the profile's Deskboard from scripts. When a deskboard instance runs on the\n"
          "profile, the command runs in it; otherwise it runs here on the profile's store.\n\n"
          "Commands:\n");
    for (const auto& command : ctlCommands()) {
        text += S("  ") + command.usage + S("\n      ") + command.summary + QLatin1Char('\n');
    }
    text +=
        S("\nExit codes: 0 done, 1 failed (the message says why and what to do), 2 bad usage.\n"
          "Run `deskboard ctl COMMAND --help` for a command's help.\n");
    return text;
}

QString ctlCommandHelp(const CtlCommand& command) {
    QString text = S("Usage: deskboard [--profile DIR] ctl ") + command.usage + S("\n\n") +
                   command.summary + QLatin1Char('\n');
    if (!command.details.isEmpty()) {
        text += QLatin1Char('\n') + command.details + QLatin1Char('\n');
    }
    text += S("\nOptions:\n");
    for (const auto& option : command.options) {
        QString head = S("--") + option.name;
        if (!option.valueName.isEmpty()) {
            head += QLatin1Char(' ') + option.valueName;
        }
        QString help = option.help;
        help.replace(QLatin1Char('\n'), QLatin1Char('\n') + QString(26, QLatin1Char(' ')));
        text += S("  ") + pad(head, 24) + help + QLatin1Char('\n');
    }
    text += S("\nExit codes: 0 done, 1 failed, 2 bad usage.\n");
    return text;
}

CtlParse parseCtl(const QStringList& arguments) {
    if (arguments.isEmpty()) {
        return usageError(nullptr, S("deskboard ctl: a command is missing."));
    }
    const QString first = arguments.first();
    if (first == S("--help") || first == S("-h") || first == S("help")) {
        CtlParse parse;
        parse.kind = CtlParse::Kind::Help;
        parse.text = ctlOverviewHelp();
        return parse;
    }
    int index = 1;
    QString name = first;
    const QStringList group = groupCommands(first);
    if (!group.isEmpty()) {
        if (arguments.size() < 2) {
            CtlParse parse;
            parse.kind = CtlParse::Kind::Usage;
            parse.text =
                S("deskboard ctl ") + first + S(": a command is missing.\n") + groupHelp(first);
            return parse;
        }
        const QString second = arguments.at(1);
        if (second == S("--help") || second == S("-h")) {
            CtlParse parse;
            parse.kind = CtlParse::Kind::Help;
            parse.text = groupHelp(first);
            return parse;
        }
        name = first + QLatin1Char(' ') + second;
        index = 2;
        if (findCtlCommand(name) == nullptr) {
            CtlParse parse;
            parse.kind = CtlParse::Kind::Usage;
            parse.text = S("deskboard ctl ") + first + S(": unknown command \"") + second +
                         S("\".\n") + groupHelp(first);
            return parse;
        }
    }
    const CtlCommand* command = findCtlCommand(name);
    if (command == nullptr) {
        return usageError(nullptr, S("deskboard ctl: unknown command \"") + first + S("\"."));
    }

    CtlParse parse;
    parse.kind = CtlParse::Kind::Run;
    parse.command = command;
    const QString prefix = S("deskboard ctl ") + command->name + S(": ");
    bool optionsEnded = false;
    for (; index < arguments.size(); ++index) {
        const QString argument = arguments.at(index);
        if (!optionsEnded && argument == S("--")) {
            optionsEnded = true;
            continue;
        }
        if (!optionsEnded && (argument == S("--help") || argument == S("-h"))) {
            CtlParse help;
            help.kind = CtlParse::Kind::Help;
            help.command = command;
            help.text = ctlCommandHelp(*command);
            return help;
        }
        if (!optionsEnded && looksLikeOption(argument)) {
            QString optionName = argument.mid(2);
            QString inlineValue;
            bool hasInlineValue = false;
            if (const auto equals = optionName.indexOf(QLatin1Char('=')); equals >= 0) {
                inlineValue = optionName.mid(equals + 1);
                optionName = optionName.left(equals);
                hasInlineValue = true;
            }
            const CtlOption* option = nullptr;
            if (argument.startsWith(S("--"))) {
                for (const auto& candidate : command->options) {
                    if (candidate.name == optionName) {
                        option = &candidate;
                    }
                }
            }
            if (option == nullptr) {
                return usageError(command, prefix + S("unknown option ") + argument + S("."));
            }
            if (option->valueName.isEmpty()) {
                if (hasInlineValue) {
                    return usageError(command,
                                      prefix + S("--") + option->name + S(" takes no value."));
                }
                parse.flags.insert(option->name);
                continue;
            }
            if (parse.values.contains(option->name)) {
                return usageError(command, prefix + S("--") + option->name + S(" given twice."));
            }
            if (hasInlineValue) {
                parse.values.insert(option->name, inlineValue);
            } else if (index + 1 < arguments.size()) {
                parse.values.insert(option->name, arguments.at(++index));
            } else {
                return usageError(command, prefix + S("--") + option->name + S(" needs a value (") +
                                               option->valueName + S(")."));
            }
            continue;
        }
        parse.positionals.append(argument);
    }
    if (parse.positionals.size() > command->positionals.size()) {
        return usageError(command, prefix + S("unexpected argument \"") +
                                       parse.positionals.at(command->positionals.size()) +
                                       S("\"."));
    }
    if (parse.positionals.size() < command->requiredPositionals) {
        return usageError(command, prefix + command->positionals.at(parse.positionals.size()) +
                                       S(" is missing."));
    }
    return parse;
}

}  // namespace deskboard::app
