<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <location filename="../../ui/src/dashboard_editor.cpp" line="+42"/>
        <source>Undo %1</source>
        <translation>%1 rückgängig machen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Redo %1</source>
        <translation>%1 wiederherstellen</translation>
    </message>
    <message>
        <location filename="../../ui/src/tile_frame.cpp" line="+36"/>
        <source>This widget&apos;s type (%1) comes from a newer Deskboard; it is kept as it is.

%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/src/widgets/clock.cpp" line="+44"/>
        <source>Local time</source>
        <translation>Ortszeit</translation>
    </message>
    <message>
        <location line="+247"/>
        <location line="+11"/>
        <source>Clock</source>
        <translation>Uhr</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>The time here and in other time zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/src/widgets/note.cpp" line="+91"/>
        <location line="+11"/>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Plain text, saved as you type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/src/widgets/todo.cpp" line="+320"/>
        <source>To-do list</source>
        <translation>Aufgabenliste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Items to check off, in &quot;- [ ] item&quot; lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>To do</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::ClockSettingsForm</name>
    <message>
        <location filename="../../ui/src/widgets/clock.cpp" line="-104"/>
        <source>Time zones:</source>
        <translation>Zeitzonen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time zones</source>
        <translation>Zeitzonen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Time zone to add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Search, e.g. Tokyo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+1"/>
        <source>Show seconds</source>
        <translation>Sekunden anzeigen</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Add at least one time zone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown time zone: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::ClockView</name>
    <message>
        <location line="-103"/>
        <source>Unknown time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>tomorrow</source>
        <translation>morgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yesterday</source>
        <translation>gestern</translation>
    </message>
</context>
<context>
    <name>deskboard::ui::DashboardCanvas</name>
    <message>
        <location filename="../../ui/src/dashboard_canvas.cpp" line="+38"/>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Widgets on a 12-column grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+239"/>
        <source>This dashboard is empty.
Add a widget from the toolbar&apos;s &quot;Add widget&quot; menu (Ctrl+Shift+A).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+64"/>
        <location line="+39"/>
        <source>Move %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-38"/>
        <location line="+38"/>
        <source>Resize %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::DashboardEditor</name>
    <message>
        <location filename="../../ui/src/dashboard_editor.cpp" line="+52"/>
        <source>Add %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 (copy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Duplicate %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Remove %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Add dashboard %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Rename dashboard to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Remove dashboard %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Move dashboard</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::DecisionDialog</name>
    <message>
        <location filename="../../ui/src/decision_dialog.cpp" line="+13"/>
        <source>Choose How to Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This computer&apos;s dashboards and the server&apos;s differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sync question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Why Deskboard asks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Merge (keep everything)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Combine both: nothing typed on either side is lost; where the same text differs, this computer&apos;s is kept as a copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use the &amp;server&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replace this computer&apos;s dashboards with the server&apos;s. A local snapshot is kept in History.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Keep this computer&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload this computer&apos;s dashboards as the new version. The server&apos;s history keeps the previous one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Decide &amp;Later</source>
        <translation>&amp;Später entscheiden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing syncs until you choose; your edits stay on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::MainWindow</name>
    <message>
        <location filename="../../ui/src/main_window.cpp" line="+10"/>
        <source>Deskboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;h2&gt;Deskboard %1&lt;/h2&gt;&lt;p&gt;This build has no dashboard yet: the widget grid, the local store and sync with a Deskboard server arrive with the desktop client.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Local only — nothing to sync yet</source>
        <translation>Nur lokal — noch nichts zu synchronisieren</translation>
    </message>
</context>
<context>
    <name>deskboard::ui::NoteSettingsForm</name>
    <message>
        <location filename="../../ui/src/widgets/note.cpp" line="-28"/>
        <location line="+1"/>
        <source>Monospace font</source>
        <translation>Festbreitenschrift</translation>
    </message>
</context>
<context>
    <name>deskboard::ui::NoteView</name>
    <message>
        <location line="-38"/>
        <source>Note text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Empty note — type here</source>
        <translation>Leere Notiz — hier tippen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Edit note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::SettingsDialog</name>
    <message>
        <location filename="../../ui/src/settings_dialog.cpp" line="+44"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keychain status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in as:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keychain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync delay in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How long Deskboard waits after your last change before it sends the changes to the server (they are saved on this computer at once).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sync &amp;delay:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quiet time after your last change before it is sent to the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sync</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Theme</source>
        <translation>Farbschema</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Theme:</source>
        <translation>&amp;Farbschema:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Profile folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shows the folder in the file manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This Computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Profile folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+69"/>
        <source>None (this computer only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Available: a remembered sign-in is kept in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unavailable (%1). Sign-ins last until Deskboard quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not used yet (it is checked when a sign-in is remembered or read).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::SignInDialog</name>
    <message>
        <location filename="../../ui/src/sign_in_dialog.cpp" line="+38"/>
        <source>Sign In to Sync</source>
        <translation>Zum Synchronisieren anmelden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign in to a Deskboard server to keep your dashboards in sync across your computers. Everything you have already made stays on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>About signing in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>https://dash.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Remember me on this computer</source>
        <translation>Auf diesem Computer &amp;angemeldet bleiben</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keeps the sign-in in this computer&apos;s keychain, so Deskboard stays signed in after it restarts. Your password itself is never stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keychain status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Allow unencrypted HTTP to this server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only for a server on a network you trust: your password and dashboards would cross the network unencrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This server is not on this computer and the address starts with http://: your password and dashboards would cross the network unencrypted. Use https:// if the server offers it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unencrypted connection warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Signing in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sign In</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>This computer&apos;s keychain is not available (%1), so the sign-in lasts until Deskboard quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+36"/>
        <source>%1 is not on this computer, so Deskboard signs in to it only over HTTPS. Use an https:// address, or tick &quot;Allow unencrypted HTTP to this server&quot; if you trust the network between you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+50"/>
        <source>Sign-in error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Wrong user name or password. Check both and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The server at %1 is unreachable: %2
Check the address and your network connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The secure connection to %1 failed (a TLS or certificate problem), so nothing was sent: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sign-in failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Signed in for this session only: this computer&apos;s keychain is not available (%1), so you will be asked to sign in again after Deskboard quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keychain unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
</context>
<context>
    <name>deskboard::ui::TileFrame</name>
    <message>
        <location filename="../../ui/src/tile_frame.cpp" line="+40"/>
        <source>Tile title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Conflicted copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Made by a merge: this computer&apos;s text, kept next to the other computer&apos;s version of the same widget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tile mark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Duplicate</source>
        <translation>&amp;Duplizieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Widget problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Drag to resize (or Alt+Shift+arrow keys)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Untitled</source>
        <translation>Ohne Titel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown widget (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Menu of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings, duplicate, remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drag to move (or Alt+arrow keys)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::TodoSettingsForm</name>
    <message>
        <location filename="../../ui/src/widgets/todo.cpp" line="-38"/>
        <location line="+1"/>
        <source>Hide checked items</source>
        <translation>Erledigte Einträge ausblenden</translation>
    </message>
</context>
<context>
    <name>deskboard::ui::TodoView</name>
    <message>
        <location line="-251"/>
        <source>To-do items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+132"/>
        <source>No items yet — add one below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-129"/>
        <source>To-do list text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This text is not a to-do list (one &quot;- [ ] item&quot; per line), so it is shown as it is and left unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+1"/>
        <source>New item</source>
        <translation>Neuer Eintrag</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move up (Alt+Up)</source>
        <translation>Nach oben (Alt+Hoch)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down (Alt+Down)</source>
        <translation>Nach unten (Alt+Runter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove (Delete)</source>
        <translation>Entfernen (Entf)</translation>
    </message>
    <message numerus="yes">
        <location line="+104"/>
        <source>All done — %n checked item(s) hidden</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Add to-do item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Check to-do item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Uncheck to-do item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rename to-do item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Move to-do item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Remove to-do item</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>deskboard::ui::WidgetSettingsDialog</name>
    <message>
        <location filename="../../ui/src/widget_settings_dialog.cpp" line="+24"/>
        <source>%1 settings</source>
        <translation>Einstellungen für %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Settings problem</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
