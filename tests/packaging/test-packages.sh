#!/usr/bin/env bash
# test-packages.sh PACKAGE_DIR VERSION: installs the Debian packages that `./dev package` (or
# `cpack` in the build tree) wrote to PACKAGE_DIR, checks the installed programs, removes them and
# checks that only their configuration files stay, then purges them.
#   1. apt-get install ./deskboard_*.deb ./deskboard-server_*.deb (dependencies from apt)
#   2. deskboard --version and deskboard-server --version print VERSION
#   3. /usr/bin/deskboard-server against a private redis-server: GET /readyz answers 200
#   4. deskboard --headless --profile TMP ctl status prints JSON with "state"
#   5. apt-get remove: no file of the packages is left but the conffiles (dpkg state "rc")
#   6. apt-get purge: the conffiles are gone too, and so is every package step 1 pulled in
# It changes the machine (as a package install does), so it skips (exit 77) unless it runs as
# root with apt-get and dpkg, the packages exist, and neither package is installed already.
set -uo pipefail

SKIP=77
package_dir="${1:?usage: test-packages.sh PACKAGE_DIR VERSION}"
version="${2:?usage: test-packages.sh PACKAGE_DIR VERSION}"
packages=(deskboard deskboard-server)

skip() {
    echo "SKIP: $*"
    exit "$SKIP"
}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { printf '\n--- %s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || skip "installing packages needs root (this test runs as root in CI)"
for tool in apt-get dpkg dpkg-deb dpkg-query redis-server redis-cli curl; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
shopt -s nullglob
client_debs=("$package_dir"/deskboard_*.deb)
server_debs=("$package_dir"/deskboard-server_*.deb)
shopt -u nullglob
if [ "${#client_debs[@]}" -ne 1 ] || [ "${#server_debs[@]}" -ne 1 ]; then
    skip "no (or more than one) deskboard_*.deb and deskboard-server_*.deb in $package_dir: run ./dev package"
fi
debs=("${client_debs[0]}" "${server_debs[0]}")

package_state() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
for package in "${packages[@]}"; do
    state="$(package_state "$package")"
    case "$state" in
        "" | un | pn) ;;
        *) skip "$package is already on this machine (dpkg state '$state'); this test would remove it" ;;
    esac
done

work="$(mktemp -d)"
children=()
cleanup() {
    local pid
    for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
    # Whatever happened, leave no package of ours behind.
    for package in "${packages[@]}"; do
        [ -z "$(package_state "$package")" ] ||
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$package" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# apt-get without the progress bars of a terminal, waiting (not failing) while another apt or
# dpkg, such as unattended-upgrades, holds the lock.
apt_get() { apt-get -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=120 "$@"; }
dpkg-query -W -f='${Package}:${Architecture}\n' | sort >"$work/packages-before"

# Every file and directory the packages ship, and which of them the machine had before.
for deb in "${debs[@]}"; do
    dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^/*$'
done | sort -u >"$work/shipped"
while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || echo "$path"
done <"$work/shipped" >"$work/new-paths"
for i in "${!packages[@]}"; do
    dpkg-deb --info "${debs[$i]}" conffiles 2>/dev/null >"$work/conffiles.${packages[$i]}" || true
done
cat "$work"/conffiles.* >"$work/conffiles"

# --- 1. install --------------------------------------------------------------------------------
step "apt-get install ${debs[*]}"
# Recommended packages (redis-server, a keyring, qt6-wayland) are left out: the test needs none,
# and it must be able to remove everything it installed.
absolute_debs=()
for deb in "${debs[@]}"; do absolute_debs+=("$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"); done
apt_get install -y -q --no-install-recommends "${absolute_debs[@]}" ||
    fail "apt-get install of the packages failed"
for package in "${packages[@]}"; do
    [ "$(package_state "$package")" = ii ] || fail "$package is not installed after apt-get install"
done
dpkg-query -W -f='${Package} ${Version}\n' "${packages[@]}"

# --- 2. versions -------------------------------------------------------------------------------
step "deskboard --version, deskboard-server --version"
[ "$(command -v deskboard)" = /usr/bin/deskboard ] || fail "deskboard is not /usr/bin/deskboard"
out="$(/usr/bin/deskboard --version)" || fail "deskboard --version failed"
echo "$out"
[ "$out" = "deskboard $version" ] || fail "deskboard --version printed '$out', expected 'deskboard $version'"
out="$(/usr/bin/deskboard-server --version)" || fail "deskboard-server --version failed"
echo "$out"
[ "$out" = "deskboard-server $version" ] ||
    fail "deskboard-server --version printed '$out', expected 'deskboard-server $version'"
for page in deskboard deskboard-server; do
    [ -s "/usr/share/man/man1/$page.1.gz" ] || fail "no man page /usr/share/man/man1/$page.1.gz"
done

# --- 3. the installed server against a private Redis -------------------------------------------
# A port below the kernel's ephemeral range (outgoing connections of the tests running beside this
# one take ports from that range), not answering on loopback now. Binding can still lose a race,
# so the callers retry with another port.
free_port() {
    local low port
    low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
    [ "$low" -gt 11000 ] || low=32768
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}
# True once the command succeeds or process $1 has exited (so a failed bind ends the wait at once).
answers_or_exited() {
    local pid="$1"
    shift
    "$@" || ! kill -0 "$pid" 2>/dev/null
}
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

step "/usr/bin/deskboard-server against a private redis-server: GET /readyz"
mkdir -p "$work/redis"
redis_started=no
for attempt in 1 2 3 4 5; do
    redis_port="$(free_port)" || fail "no free port for redis-server"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis" \
        --logfile "$work/redis/redis.log" --daemonize no &
    redis_pid="$!"
    children+=("$redis_pid")
    wait_until 10 answers_or_exited "$redis_pid" redis-cli -h 127.0.0.1 -p "$redis_port" ping || break
    if redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
        redis_started=yes
        break
    fi
    echo "redis-server could not listen on port $redis_port (attempt $attempt), trying another port"
done
[ "$redis_started" = yes ] ||
    fail "redis-server did not answer PING within 10 s: $(tail -n 5 "$work/redis/redis.log")"

server_started=no
for attempt in 1 2 3 4 5; do
    server_port="$(free_port)" || fail "no free port for deskboard-server"
    REDIS_URL="redis://127.0.0.1:$redis_port" DESKBOARD_LISTEN="127.0.0.1:$server_port" \
        DESKBOARD_LOG_FORMAT=text /usr/bin/deskboard-server 2>"$work/server.log" &
    server_pid="$!"
    children+=("$server_pid")
    wait_until 20 answers_or_exited "$server_pid" curl -fsS "http://127.0.0.1:$server_port/readyz" || break
    if kill -0 "$server_pid" 2>/dev/null; then
        server_started=yes
        break
    fi
    echo "deskboard-server exited before answering on port $server_port (attempt $attempt):"
    tail -n 3 "$work/server.log"
done
if [ "$server_started" != yes ]; then
    cat "$work/server.log" >&2
    fail "the installed deskboard-server did not answer GET /readyz with 200 within 20 s"
fi
status="$(curl -s -o "$work/readyz" -w '%{http_code}' "http://127.0.0.1:$server_port/readyz")"
echo "GET /readyz -> $status $(cat "$work/readyz")"
[ "$status" = 200 ] || fail "GET /readyz answered $status"
kill -TERM "$server_pid"
wait "$server_pid"
code=$?
[ "$code" -eq 0 ] || fail "deskboard-server exited with $code after SIGTERM (expected 0)"
echo "deskboard-server stopped on SIGTERM with exit code 0"

# --- 4. the installed app, headless --------------------------------------------------------------
step "deskboard --headless --profile $work/profile ctl status"
mkdir -p "$work/home" "$work/runtime"
chmod 700 "$work/runtime"
out="$(env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" \
    QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
    timeout 60 /usr/bin/deskboard --headless --profile "$work/profile" ctl status)" ||
    fail "deskboard ctl status failed: $out"
echo "$out"
printf '%s\n' "$out" | grep -q '"state": *"' || fail "ctl status printed no \"state\""

# --- 5. remove ---------------------------------------------------------------------------------
step "apt-get remove ${packages[*]}"
apt_get remove -y -q "${packages[@]}" || fail "apt-get remove failed"
for package in "${packages[@]}"; do
    state="$(package_state "$package")"
    echo "$package: dpkg state '$state'"
    if [ -s "$work/conffiles.$package" ]; then
        [ "$state" = rc ] || fail "$package: state '$state' after remove, expected 'rc' (conffiles kept)"
    else
        [ -z "$state" ] || [ "$state" = un ] || fail "$package: state '$state' after remove"
    fi
done
# A conffile, or a directory holding one, may stay until the purge.
kept_with_conffile() {
    local conffile
    while read -r conffile; do
        [ "$conffile" = "$1" ] && return 0
        [[ "$conffile" == "$1"/* ]] && return 0
    done <"$work/conffiles"
    return 1
}
left=()
while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    kept_with_conffile "$path" && continue
    left+=("$path")
done <"$work/new-paths"
[ "${#left[@]}" -eq 0 ] || fail "left after apt-get remove: ${left[*]}"
echo "only the conffiles are left: $(tr '\n' ' ' <"$work/conffiles")"

# --- 6. purge ----------------------------------------------------------------------------------
# A package without conffiles is gone already; the others are purged.
left_packages=()
for package in "${packages[@]}"; do
    [ "$(package_state "$package")" != rc ] || left_packages+=("$package")
done
step "apt-get purge ${left_packages[*]}"
if [ "${#left_packages[@]}" -gt 0 ]; then
    apt_get purge -y -q "${left_packages[@]}" || fail "apt-get purge failed"
fi
for package in "${packages[@]}"; do
    state="$(package_state "$package")"
    [ -z "$state" ] || [ "$state" = un ] || [ "$state" = pn ] ||
        fail "$package: dpkg state '$state' after purge"
done
while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    fail "left after apt-get purge: $path"
done <"$work/new-paths"
# Dependencies that step 1 pulled in (none where ./dev deps installed the apt list) go too.
dpkg-query -W -f='${Package}:${Architecture}\n' | sort >"$work/packages-after"
pulled_in="$(comm -13 "$work/packages-before" "$work/packages-after")"
if [ -n "$pulled_in" ]; then
    echo "purging what the install pulled in: $(echo "$pulled_in" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    apt_get purge -y -q $pulled_in || fail "could not purge $pulled_in"
fi
echo "PASS: installed, ran, removed (conffiles kept) and purged both packages"
