#!/usr/bin/env bash
# Client benchmark (PRODUCT.md section 4, issue 12 "Measured"): the `deskboard` executable from the
# outside. A benchmark, not a test: nothing fails on a low figure. 127.0.0.1 only.
#
#   bench/client/run.sh [BUILD_DIR] [--runs N] [--edits N] [--burst-seconds S]
#
# BUILD_DIR (default build/, relative to the repository) holds app/deskboard and
# server/deskboard-server. What it does (every step is printed as it starts):
#   a. builds a profile of 50 notes with `deskboard --profile P ctl widget add note ...`, then
#      times `ctl widget add` on a fresh copy of that 50-widget profile, RUNS (30) times after
#      one warm-up run, from process start to exit, with no instance running (ctl opens the
#      store itself); median and p90 of wall time and of CPU time; the max RSS of one run from
#      `/usr/bin/time -v` (left out when /usr/bin/time is not installed);
#   b. starts its own redis-server (free loopback port, temp dir, no persistence) and
#      deskboard-server, creates a user (`deskboard-server user add`, password on stdin), starts
#      `deskboard --headless --profile P` on a copy of the 50-widget profile (ctl commands are
#      then forwarded to it), signs in (`ctl login --password-stdin`), syncs, then sends EDITS
#      (100) `ctl widget set ID content ...` edits (one more character each, like typing) evenly
#      over BURST_SECONDS (5), waits SETTLE_SECONDS (4) for the debounced save, runs
#      `ctl sync --wait --timeout 30`, and counts the POSTs to /api/dashboard/state on the
#      server's /metrics before the burst, after it, after the wait and after the sync; checks
#      that the server's state holds the last edit; the instance's VmRSS is sampled every 50 ms
#      during the burst and the sync (VmHWM reset before the burst and read at the end);
#   c. prints a markdown table and writes it to bench/client/last-run.md (OUT).
# Everything it starts is stopped, by PID, on exit; its files live in a temp dir that is removed.
# DBUS_SESSION_BUS_ADDRESS points nowhere and QT_QPA_PLATFORM=offscreen, so no keychain and no
# display are touched.
#
# Settings (environment; flags win): RUNS (30), EDITS (100), BURST_SECONDS (5), SETTLE_SECONDS (4:
# the wait after the burst for the debounced save, sync/debounceMs is 1.5 s), OUT.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

BUILD_DIR=""
RUNS=${RUNS:-30}
EDITS=${EDITS:-100}
BURST_SECONDS=${BURST_SECONDS:-5}
SETTLE_SECONDS=${SETTLE_SECONDS:-4}
OUT=${OUT:-$HERE/last-run.md}
PASSWORD=bench-client-password-1
WIDGETS=50

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --edits) EDITS=$2; shift ;;
    --burst-seconds) BURST_SECONDS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) BUILD_DIR=$1 ;;
  esac
  shift
done
BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
CLIENT_BIN="$BUILD_DIR/app/deskboard"
SERVER_BIN="$BUILD_DIR/server/deskboard-server"

HOST=127.0.0.1
TMP=$(mktemp -d /tmp/deskboard-client-bench.XXXXXX)
REDIS_PID=""
SERVER_PID=""
INSTANCE_PID=""
SAMPLER_PID=""

# No keychain, no display, the instance socket inside the profile (not XDG_RUNTIME_DIR).
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent
export QT_QPA_PLATFORM=offscreen
unset XDG_RUNTIME_DIR
export HOME="$TMP/home"
mkdir -p "$HOME"

say() { printf '[client-bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
. "$ROOT/bench/lib.sh" # stop_pid, free_port, cpu_seconds, bench_state

cleanup() {
  local rc=$?
  trap - EXIT
  stop_pid "$SAMPLER_PID" "the RSS sampler"
  stop_pid "$INSTANCE_PID" "deskboard --headless"
  stop_pid "$SERVER_PID" deskboard-server
  stop_pid "$REDIS_PID" redis-server
  rm -rf "$TMP"
  exit "$rc"
}
on_exit_run cleanup

# Percentiles of the numbers in a file, one a line (nearest rank).
percentile() { # file p
  sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'
}
ms() { awk -v s="$1" 'BEGIN { if (s == "n/a") print s; else printf "%.1f", s * 1000 }'; }

client() { "$CLIENT_BIN" "$@"; }

# ---------------------------------------------------------------------------------- checks
for tool in redis-server redis-cli curl node awk sort; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x "$CLIENT_BIN" ]] || die "no client binary at $CLIENT_BIN (cmake --build $BUILD_DIR --target deskboard)"
[[ -x "$SERVER_BIN" ]] || die "no server binary at $SERVER_BIN (cmake --build $BUILD_DIR --target deskboard-server)"
HAVE_TIME=0
if command -v /usr/bin/time >/dev/null; then HAVE_TIME=1; fi

say "client: $CLIENT_BIN ($(stat -c %y "$CLIENT_BIN" | cut -d. -f1))"
say "server: $SERVER_BIN ($(stat -c %y "$SERVER_BIN" | cut -d. -f1))"
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
say "machine: $(nproc) cores, load average before: $LOAD_BEFORE"

# ---------------------------------------------------------------------------------- a. ctl
TEMPLATE="$TMP/profile-50"
say "a. building a $WIDGETS-widget profile in $TEMPLATE (ctl widget add note, $WIDGETS times)"
for i in $(seq 1 "$WIDGETS"); do
  client --profile "$TEMPLATE" ctl widget add note --title "Note $i" \
    --content "Remember to water the plants and call the bank, item $i" >/dev/null ||
    die "ctl widget add failed while building the profile"
done
NOTE_ID=$(client --profile "$TEMPLATE" ctl widget add note --title "Typing here" --content "" |
  awk '{ print $NF }')
[[ -n "$NOTE_ID" ]] || die "ctl widget add printed no id"
WIDGETS_IN_PROFILE=$((WIDGETS + 1))
say "  the profile holds $WIDGETS_IN_PROFILE widgets ($(du -sk "$TEMPLATE" | cut -f1) KB on disk); edits go to $NOTE_ID"

fresh_copy() { rm -rf "$TMP/run"; cp -a "$TEMPLATE" "$TMP/run"; }
add_once() {
  client --profile "$TMP/run" ctl widget add note --title "Timed" --content "timed note" \
    >/dev/null 2>>"$TMP/add.err"
}

say "a. timing 'ctl widget add note' on a fresh copy of that profile: 1 warm-up + $RUNS runs"
fresh_copy
add_once
: >"$TMP/wall.txt"
: >"$TMP/cpu.txt"
TIMEFORMAT='%R %U %S'
for _ in $(seq 1 "$RUNS"); do
  fresh_copy
  { time add_once; } 2>"$TMP/one.txt" || die "ctl widget add failed"
  read -r real user sys <"$TMP/one.txt"
  echo "$real" >>"$TMP/wall.txt"
  awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >>"$TMP/cpu.txt"
done
ADD_P50=$(ms "$(percentile "$TMP/wall.txt" 50)")
ADD_P90=$(ms "$(percentile "$TMP/wall.txt" 90)")
ADD_MIN=$(ms "$(percentile "$TMP/wall.txt" 0)")
ADD_MAX=$(ms "$(percentile "$TMP/wall.txt" 100)")
ADD_CPU50=$(ms "$(percentile "$TMP/cpu.txt" 50)")
say "  wall: median $ADD_P50 ms, p90 $ADD_P90 ms (min $ADD_MIN, max $ADD_MAX); CPU median $ADD_CPU50 ms"
ADD_RSS="n/a (/usr/bin/time not installed)"
if ((HAVE_TIME)); then
  fresh_copy
  /usr/bin/time -v "$CLIENT_BIN" --profile "$TMP/run" ctl widget add note --title "Timed" \
    --content "timed note" >/dev/null 2>"$TMP/time-v.txt" || die "ctl widget add failed under /usr/bin/time"
  ADD_RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time-v.txt")
  ADD_RSS=$(awk -v k="$ADD_RSS_KB" 'BEGIN { printf "%.1f MB", k / 1024 }')
  say "  max RSS of one run: $ADD_RSS"
fi

# ---------------------------------------------------------------------------------- b. sync
REDIS_PORT=$(free_port)
say "b. starting redis-server on $HOST:$REDIS_PORT (dir $TMP, no persistence)"
redis-server --port "$REDIS_PORT" --bind "$HOST" --dir "$TMP" --save '' --appendonly no \
  --daemonize no >"$TMP/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do
  [[ "$(redis-cli -h $HOST -p "$REDIS_PORT" ping 2>/dev/null || true)" == PONG ]] && break
  kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited: $(cat "$TMP/redis.log")"
  sleep 0.1
done
[[ "$(redis-cli -h $HOST -p "$REDIS_PORT" ping 2>/dev/null || true)" == PONG ]] || die "redis-server does not answer"
export REDIS_URL="redis://$HOST:$REDIS_PORT"

say "   creating the user 'bench' (deskboard-server user add, password on stdin)"
printf '%s\n' "$PASSWORD" | "$SERVER_BIN" user add bench >/dev/null || die "user add failed"

SERVER_PORT=$(free_port)
BASE="http://$HOST:$SERVER_PORT"
say "   starting deskboard-server on $BASE (log: $TMP/server.log)"
DESKBOARD_LISTEN="$HOST:$SERVER_PORT" DESKBOARD_LOG_FORMAT=text "$SERVER_BIN" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  curl -sf -o /dev/null --max-time 1 "$BASE/readyz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "deskboard-server exited: $(tail -5 "$TMP/server.log")"
  sleep 0.1
done
curl -sf -o /dev/null --max-time 1 "$BASE/readyz" || die "deskboard-server is not ready"

# POSTs to the state route so far, every status; one line per status in the metrics.
state_posts() {
  curl -sf --max-time 5 "$BASE/metrics" | awk '
    /^deskboard_http_requests_total\{/ && /route="\/api\/dashboard\/state"/ && /method="POST"/ {
      n += $NF } END { print n + 0 }'
}
state_posts_by_status() {
  curl -sf --max-time 5 "$BASE/metrics" | awk '
    /^deskboard_http_requests_total\{/ && /route="\/api\/dashboard\/state"/ && /method="POST"/ {
      match($0, /status="[0-9]+"/); printf "%s=%s ", substr($0, RSTART + 8, RLENGTH - 9), $NF }'
}

PROFILE="$TMP/profile-sync"
cp -a "$TEMPLATE" "$PROFILE"
say "   starting 'deskboard --headless --profile $PROFILE' (log: $TMP/instance.log)"
"$CLIENT_BIN" --headless --profile "$PROFILE" >"$TMP/instance.log" 2>&1 &
INSTANCE_PID=$!
for _ in $(seq 1 100); do
  [[ -S "$PROFILE/run/instance.sock" ]] && break
  kill -0 "$INSTANCE_PID" 2>/dev/null || die "the instance exited: $(tail -5 "$TMP/instance.log")"
  sleep 0.1
done
[[ -S "$PROFILE/run/instance.sock" ]] || die "the instance does not listen on $PROFILE/run/instance.sock"

say "   ctl login --server $BASE --user bench --password-stdin, then ctl sync --wait"
printf '%s\n' "$PASSWORD" | client --profile "$PROFILE" ctl login --server "$BASE" --user bench \
  --password-stdin >/dev/null || die "ctl login failed"
client --profile "$PROFILE" ctl sync --wait --timeout 30 >/dev/null || die "the first sync failed"
sleep 2 # let anything the login started settle before counting
client --profile "$PROFILE" ctl sync --wait --timeout 30 >/dev/null || die "the settling sync failed"

status_of() { grep "^$1:" "/proc/$INSTANCE_PID/status" | awk '{ print $2 }'; }
RSS_IDLE_KB=$(status_of VmRSS)
echo 5 >"/proc/$INSTANCE_PID/clear_refs" 2>/dev/null || true # reset VmHWM to now
POSTS_BEFORE=$(state_posts)
say "   instance VmRSS before the burst: $RSS_IDLE_KB kB; POSTs so far: $POSTS_BEFORE"

# Sample VmRSS every 50 ms while the burst and the sync run.
(
  while kill -0 "$INSTANCE_PID" 2>/dev/null; do
    grep '^VmRSS:' "/proc/$INSTANCE_PID/status" 2>/dev/null | awk '{ print $2 }'
    sleep 0.05
  done
) >"$TMP/rss.txt" &
SAMPLER_PID=$!

say "   burst: $EDITS 'ctl widget set $NOTE_ID content ...' over $BURST_SECONDS s (one character more each)"
us_now() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); } # microseconds, no fork of awk
: >"$TMP/edit-us.txt"
text="Typed:"
start=$(us_now)
for i in $(seq 1 "$EDITS"); do
  text+=" $i"
  t0=$(us_now)
  client --profile "$PROFILE" ctl widget set "$NOTE_ID" content "$text" >/dev/null ||
    die "ctl widget set failed at edit $i"
  t1=$(us_now)
  echo $((t1 - t0)) >>"$TMP/edit-us.txt"
  # Pace: edit i ends no earlier than i * BURST_SECONDS / EDITS after the start.
  pause_us=$((start + i * BURST_SECONDS * 1000000 / EDITS - t1))
  ((pause_us <= 0)) || sleep "$(printf '%d.%06d' $((pause_us / 1000000)) $((pause_us % 1000000)))"
done
BURST_TOOK=$(awk -v us="$(($(us_now) - start))" 'BEGIN { printf "%.1f", us / 1e6 }')
POSTS_IN_BURST=$(($(state_posts) - POSTS_BEFORE))
say "   burst took $BURST_TOOK s; POSTs during it: $POSTS_IN_BURST; waiting ${SETTLE_SECONDS} s for the debounced save"
sleep "$SETTLE_SECONDS"
POSTS_SETTLED=$(($(state_posts) - POSTS_BEFORE))
say "   POSTs by then: $POSTS_SETTLED; ctl sync --wait --timeout 30"
t0=$(us_now)
client --profile "$PROFILE" ctl sync --wait --timeout 30 >/dev/null || die "ctl sync --wait failed"
SYNC_TOOK=$(awk -v us="$(($(us_now) - t0))" 'BEGIN { printf "%.2f", us / 1e6 }')
sleep 0.2
POSTS=$(($(state_posts) - POSTS_BEFORE))
BY_STATUS=$(state_posts_by_status)
stop_pid "$SAMPLER_PID" "the RSS sampler"
SAMPLER_PID=""
RSS_MAX_KB=$(sort -n "$TMP/rss.txt" | tail -1)
HWM_KB=$(status_of VmHWM)
awk '{ print $1 / 1e6 }' "$TMP/edit-us.txt" >"$TMP/edit-wall.txt"
EDIT_P50=$(ms "$(percentile "$TMP/edit-wall.txt" 50)")
EDIT_P90=$(ms "$(percentile "$TMP/edit-wall.txt" 90)")
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
say "   POSTs for $EDITS edits: $POSTS (server totals by status: $BY_STATUS); sync --wait took $SYNC_TOOK s"
say "   instance VmRSS: $(mb "$RSS_IDLE_KB") MB before, max $(mb "$RSS_MAX_KB") MB sampled; VmHWM $(mb "$HWM_KB") MB"

# The server must hold the last edit, else the POST count means nothing.
say "   checking that the server holds the last edit (POST /api/auth/login, GET /api/dashboard/state)"
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/login" |
  sed -E 's/.*"accessToken":"([^"]+)".*/\1/') || die "login over HTTP failed"
curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/dashboard/state" >"$TMP/server-state.json" ||
  die "GET /api/dashboard/state failed"
grep -qF "\"$text\"" "$TMP/server-state.json" ||
  die "the server's state does not hold the last edit ($text)"
LAST_EDIT_ON_SERVER=yes
say "   it does"

# ---------------------------------------------------------------------------------- c. report
LOAD_AFTER=$(uptime | sed 's/.*load average: //')
{
  echo "# Client benchmark, last run"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/client/run.sh $(realpath --relative-to="$ROOT" "$BUILD_DIR")\`" \
    "on $(nproc) cores; load average before: $LOAD_BEFORE, after: $LOAD_AFTER."
  echo
  echo "| what | figure | goal |"
  echo "|---|---:|---|"
  echo "| \`ctl widget add\` on a $WIDGETS_IN_PROFILE-widget profile, process start to exit, median / p90 of $RUNS (min, max) | $ADD_P50 / $ADD_P90 ms ($ADD_MIN, $ADD_MAX) | < 100 ms |"
  echo "| the same, CPU time (user + sys), median | $ADD_CPU50 ms | |"
  echo "| the same, max RSS of one run (\`/usr/bin/time -v\`) | $ADD_RSS | |"
  echo "| POSTs to /api/dashboard/state for $EDITS edits over $BURST_TOOK s: during the burst / ${SETTLE_SECONDS} s later / after \`ctl sync --wait\` (server holds the last edit: $LAST_EDIT_ON_SERVER) | $POSTS_IN_BURST / $POSTS_SETTLED / $POSTS | <= 4 |"
  echo "| \`ctl widget set\` forwarded to the instance, median / p90 | $EDIT_P50 / $EDIT_P90 ms | |"
  echo "| \`ctl sync --wait\` after the burst | $SYNC_TOOK s | |"
  echo "| instance VmRSS before the burst / max sampled while editing and syncing / VmHWM | $(mb "$RSS_IDLE_KB") / $(mb "$RSS_MAX_KB") / $(mb "$HWM_KB") MB | |"
} | tee "$OUT"
say "written to $OUT"
