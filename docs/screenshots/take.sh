#!/usr/bin/env bash
# Refreshes the README's screenshots in docs/screenshots/ (run it when the window changes):
#   main-window.png      what `./dev run` shows: the app signed in to the local demo server with
#                        its starter dashboard, on a virtual X server (Xvfb), grabbed with
#                        ImageMagick's `import`;
#   edit-mode.png, dark-theme.png, sign-in.png, history.png, offline.png
#                        the pictures the ui test suites take of the window and its dialogs
#                        (tests/ui: main_window, dialogs, window_sync), copied from the build tree.
# Uses a throw-away data folder (XDG_DATA_HOME), so your own `./dev run` data is left alone.
# Needs what `./dev run` and `./dev test` install (xvfb, imagemagick).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/docs/screenshots"
BUILD="$ROOT/build"
TMP=$(mktemp -d /tmp/deskboard-screenshots.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
say() { printf '[screenshots] %s\n' "$*"; }

say "building (./dev build)"
"$ROOT/dev" build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; exit 1; }

say "the window's faces from the ui test suites"
QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD" -R '^ui\.(main_window|dialogs|window_sync)$' \
    --output-on-failure >"$TMP/ctest.log" 2>&1 || { cat "$TMP/ctest.log"; exit 1; }
copy() { cp "$BUILD/tests/ui/$1" "$OUT/$2" && say "  $2 (from tests/ui/$1)"; }
copy window-edit-mode.png edit-mode.png
copy window-dark.png dark-theme.png
copy dialog_sign_in_error.png sign-in.png
copy dialog_history.png history.png
copy window-offline.png offline.png

say "./dev run on a virtual X server, signed in with the starter dashboard"
export XDG_DATA_HOME="$TMP/data"
# No keychain prompt on the virtual screen: the demo session lasts until the app quits.
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent
xvfb-run -a -s "-screen 0 1120x760x24" bash -c '
    set -euo pipefail
    "$0/dev" run >"$1/run.log" 2>&1 &
    run=$!
    app=("$0/build/app/deskboard" --profile "$XDG_DATA_HOME/deskboard/profile")
    ready() {
        "${app[@]}" ctl status 2>/dev/null | jq -e ".user == \"demo\"" >/dev/null &&
            [ "$("${app[@]}" ctl export 2>/dev/null | jq "[.dashboards[].widgets | length] | add")" -ge 8 ] &&
            "${app[@]}" ctl sync --wait --timeout 10 >/dev/null 2>&1
    }
    for _ in $(seq 1 120); do ready && break; sleep 1; done
    ready || { echo "the app did not come up signed in; see the log:"; cat "$1/run.log"; kill $run; exit 1; }
    sleep 5  # the system monitor and the HTTP value take their first samples
    import -window root "$2/main-window.png"
    kill -TERM $run
    wait $run || true
' "$ROOT" "$TMP" "$OUT"
say "  main-window.png (./dev run)"
