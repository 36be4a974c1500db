#!/usr/bin/env bash
# Window benchmark (issue 13 "Measured", PRODUCT.md section 4): the `deskboard` window from the
# outside, on the offscreen platform (no display needed). A benchmark, not a test: nothing
# fails on a low figure. No server and no keychain are involved: the window must not wait for
# either before its first paint.
#
#   bench/client/window.sh [BUILD_DIR] [--runs N] [--idle-seconds S]
#
# What it does (every step is printed as it starts):
#   a. builds a profile with a 50-widget dashboard (the eight types in turn, `ctl widget add`);
#   b. starts `deskboard --profile P` RUNS (10) times with DESKBOARD_BENCH_FIRST_PAINT=1 (the app
#      prints the milliseconds from main() to the window's first paint, then quits): median and
#      p90 of that figure and of the whole process's wall time, and the max RSS of the runs
#      (`/usr/bin/time -v`);
#   c. starts the window on a profile holding the starter dashboard (resources/starter-
#      dashboard.json: one widget of every type on screen; its HTTP widget polls a closed
#      loopback port), waits WARMUP_SECONDS (5), then reads the process's CPU time (utime +
#      stime from /proc/PID/stat) over IDLE_SECONDS (60): the idle CPU share of one core, and
#      its VmRSS;
#   d. prints a markdown table and writes it to bench/client/window-last-run.md (OUT).
# Settings (environment; flags win): RUNS, WARMUP_SECONDS, IDLE_SECONDS, OUT.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD_DIR=""
RUNS=${RUNS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
IDLE_SECONDS=${IDLE_SECONDS:-60}
OUT=${OUT:-$HERE/window-last-run.md}
WIDGETS=50
TYPES=(note todo clock sysmon chart bookmarks countdown http)

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --idle-seconds) IDLE_SECONDS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) BUILD_DIR=$1 ;;
  esac
  shift
done
BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
CLIENT_BIN="$BUILD_DIR/app/deskboard"
[[ -x "$CLIENT_BIN" ]] || { echo "no client binary at $CLIENT_BIN" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time is needed (package time)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/deskboard-window-bench.XXXXXX)
WINDOW_PID=""
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent
export QT_QPA_PLATFORM=offscreen
unset XDG_RUNTIME_DIR
export HOME="$TMP/home"
mkdir -p "$HOME"

say() { printf '[window-bench] %s\n' "$*" >&2; }
cleanup() {
  local rc=$?
  trap - EXIT
  if [[ -n "$WINDOW_PID" ]] && kill -0 "$WINDOW_PID" 2>/dev/null; then
    kill -TERM "$WINDOW_PID" 2>/dev/null || true
    wait "$WINDOW_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

percentile() { # file p (nearest rank)
  sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'
}

# a. the 50-widget profile
PROFILE="$TMP/fifty"
say "a. building a profile with $WIDGETS widgets (ctl widget add, the eight types in turn)"
for i in $(seq 0 $((WIDGETS - 1))); do
  type=${TYPES[$((i % ${#TYPES[@]}))]}
  "$CLIENT_BIN" --profile "$PROFILE" ctl widget add "$type" --title "$type $i" \
    --content "$( [[ $type == note ]] && echo "Note number $i" || true)" >/dev/null
done

# b. first paint
say "b. first paint of the $WIDGETS-widget dashboard, $RUNS runs (after one warm-up run)"
: >"$TMP/paint" && : >"$TMP/wall" && : >"$TMP/rss"
for run in $(seq 0 "$RUNS"); do
  start=$(date +%s%N)
  DESKBOARD_BENCH_FIRST_PAINT=1 /usr/bin/time -v "$CLIENT_BIN" --profile "$PROFILE" \
    2>"$TMP/err" >/dev/null
  end=$(date +%s%N)
  ((run == 0)) && continue
  grep -o 'first paint after [0-9]* ms' "$TMP/err" | grep -o '[0-9]*' >>"$TMP/paint"
  echo $(((end - start) / 1000000)) >>"$TMP/wall"
  awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$TMP/err" >>"$TMP/rss"
done
PAINT_MED=$(percentile "$TMP/paint" 50)
PAINT_P90=$(percentile "$TMP/paint" 90)
WALL_MED=$(percentile "$TMP/wall" 50)
RSS_MAX_MB=$(awk '{ if ($1 > m) m = $1 } END { printf "%.1f", m / 1024 }' "$TMP/rss")

# c. idle CPU with every widget type on screen
IDLE_PROFILE="$TMP/starter"
sed 's|@SERVER_URL@|http://127.0.0.1:9|g' "$ROOT/resources/starter-dashboard.json" >"$TMP/starter.json"
"$CLIENT_BIN" --profile "$IDLE_PROFILE" ctl import "$TMP/starter.json" >/dev/null
say "c. idle CPU: the starter dashboard (every widget type) on screen, ${WARMUP_SECONDS} s warm-up, ${IDLE_SECONDS} s measured"
"$CLIENT_BIN" --profile "$IDLE_PROFILE" >/dev/null 2>"$TMP/idle.err" &
WINDOW_PID=$!
sleep "$WARMUP_SECONDS"
ticks() { awk '{ print $14 + $15 }' "/proc/$WINDOW_PID/stat"; }
T0=$(ticks)
sleep "$IDLE_SECONDS"
T1=$(ticks)
HZ=$(getconf CLK_TCK)
IDLE_CPU=$(awk -v d=$((T1 - T0)) -v hz="$HZ" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.2f", d / hz / s * 100 }')
IDLE_RSS_MB=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$WINDOW_PID/status")
kill -TERM "$WINDOW_PID"
wait "$WINDOW_PID" 2>/dev/null || true
WINDOW_PID=""

{
  echo "| window ($(date -u +%Y-%m-%d), $(nproc) cores, offscreen platform) | figure | goal |"
  echo "|---|---|---|"
  echo "| first paint of a $WIDGETS-widget dashboard from the local store, median / p90 of $RUNS | $PAINT_MED / $PAINT_P90 ms | < 300 ms |"
  echo "| whole process (start, first paint, quit), median wall time | $WALL_MED ms | |"
  echo "| max RSS with $WIDGETS widgets | $RSS_MAX_MB MB | |"
  echo "| idle CPU, every widget type on screen, over ${IDLE_SECONDS} s | $IDLE_CPU % of one core | < 1 % |"
  echo "| RSS of that idle window | $IDLE_RSS_MB MB | |"
} | tee "$OUT"
