#!/bin/bash
# with-keyring.sh COMMAND [ARG...]
# Runs COMMAND on a private D-Bus session bus with an unlocked gnome-keyring (Secret Service), the
# way /work/shared/RECIPES.md "Headless tests" describes, and exits with COMMAND's exit code.
# - a throw-away HOME, XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR (0700)
#   per run, so no stale login.keyring with another password can leave the collection locked;
# - DISPLAY and WAYLAND_DISPLAY unset: with a display, a locked keyring prompts there forever;
# - the daemon is stopped by the PID the bus reports (it outlives the bus otherwise).
# COMMAND sees DESKBOARD_KEYRING_PID (the daemon's PID, e.g. to SIGSTOP it and simulate a keychain
# that does not answer) and DESKBOARD_KEYRING_HOME (the throw-away home).
# Run xvfb-run inside this wrapper (as COMMAND), never outside it.
set -u

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "with-keyring.sh: '$tool' is missing (packages dbus, dbus-x11, gnome-keyring)" >&2
        exit 1
    fi
done

# Inside the private bus: start the keyring, run the command, stop the keyring.
if [ "${1:-}" = "--inside-bus" ]; then
    shift
    if ! printf %s "deskboard-test" | gnome-keyring-daemon --unlock --components=secrets \
        >/dev/null; then
        echo "with-keyring.sh: gnome-keyring-daemon did not start" >&2
        exit 1
    fi
    # The daemon forks and claims its bus name a moment after --unlock returns: ask for up to 5 s.
    keyring_pid=""
    for _ in $(seq 1 100); do
        keyring_pid="$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
            /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
            string:org.freedesktop.secrets 2>/dev/null | awk '{print $NF}')"
        [[ "$keyring_pid" =~ ^[0-9]+$ ]] && break
        sleep 0.05
    done
    if ! [[ "$keyring_pid" =~ ^[0-9]+$ ]]; then
        echo "with-keyring.sh: org.freedesktop.secrets is not on the bus" >&2
        exit 1
    fi
    export DESKBOARD_KEYRING_PID="$keyring_pid"

    "$@"
    status=$?

    # A command may have left the daemon stopped (SIGSTOP): continue it so SIGTERM lands.
    kill -TERM "$keyring_pid" 2>/dev/null
    kill -CONT "$keyring_pid" 2>/dev/null
    # Gone, or a zombie (its parent may never reap it here): kill -0 would still succeed on that.
    for _ in $(seq 1 50); do
        state="$(awk '{print $3}' "/proc/$keyring_pid/stat" 2>/dev/null)"
        [ -z "$state" ] || [ "$state" = Z ] && break
        sleep 0.02
    done
    [ -n "$state" ] && [ "$state" != Z ] && kill -KILL "$keyring_pid" 2>/dev/null
    exit "$status"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/deskboard-keyring.XXXXXX")" || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/runtime"
chmod 0700 "$scratch/runtime"

unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
export HOME="$scratch/home"
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
export DESKBOARD_KEYRING_HOME="$scratch"

dbus-run-session -- "$0" --inside-bus "$@"
