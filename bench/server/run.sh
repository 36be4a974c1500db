#!/usr/bin/env bash
# Server benchmark (PRODUCT.md section 4): wrk against deskboard-server, redis-benchmark for the
# Redis-side ceiling of the same commands, optionally the NestJS seed beside it. 127.0.0.1 only.
#
#   bench/server/run.sh [--with-peer] [--server PATH] [--workers "1 2"] [--duration 10s]
#                       [--wait-quiet SECONDS]
#
# What it does (every step is printed as it starts):
#   1. starts its own redis-server (free loopback port, temp dir, --save '' --appendonly no);
#   2. creates USERS (100) users with `deskboard-server user add` (in parallel), starts the server
#      (DESKBOARD_WORKERS from --workers), logs every user in over HTTP and stores a ~10 KB state
#      (STATE_BYTES) as version 1 for each;
#   3. for each worker count: GET and POST with `wrk -t1 -cCONNECTIONS -dDURATION --latency`
#      (get.lua / post.lua: each request for the next user in round-robin; every POST a real
#      write with version = that user's last + 1), then the same with -cLOW_CONNECTIONS, then
#      -cCONNECTIONS paced to 50 % of the measured peak (pace.lua, wrk's delay()), then the RSS
#      of the server (VmHWM, VmRSS);
#   4. the Redis-side ceiling: redis-benchmark -c CONNECTIONS on the commands one GET issues
#      (MGET and PTTL of the state's keys; HMGET of the token for a token not remembered yet);
#   5. with --with-peer: builds the NestJS seed in a scratch copy (PEER_DIR) and runs its own
#      bench/run.sh against the same Redis (PEER_ADAPTER, PEER_WARMUP, PEER_REPEAT);
#   6. prints the table and writes it to bench/server/last-run.md; stops, by PID, all it started.
#
# --wait-quiet S: before starting, wait up to S seconds for the machine to be quiet (under 0.3
# cores busy over 3 s), since other work on a shared machine lowers every figure.
#
# Settings (environment; flags win): SERVER_BIN (default build-bench, else build), WORKERS (1),
# USERS (100), STATE_BYTES (10240), CONNECTIONS (32), LOW_CONNECTIONS (4), DURATION (10s),
# WARMUP (3s), REDIS_N (100000 requests per redis-benchmark run),
# SERVER_LOG (/dev/null: the server's request log), PEER_SRC (/work/shared/peers/nestjs-seed),
# PEER_DIR (/tmp/nestjs-seed-bench), PEER_ADAPTER (all | express | fastify), PEER_WARMUP (5s),
# PEER_REPEAT (1), OUT (bench/server/last-run.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if [[ -x "$ROOT/build-bench/server/deskboard-server" ]]; then
  SERVER_BIN=${SERVER_BIN:-$ROOT/build-bench/server/deskboard-server}
else
  SERVER_BIN=${SERVER_BIN:-$ROOT/build/server/deskboard-server}
fi
WORKERS=${WORKERS:-1}
USERS=${USERS:-100}
STATE_BYTES=${STATE_BYTES:-10240}
CONNECTIONS=${CONNECTIONS:-32}
LOW_CONNECTIONS=${LOW_CONNECTIONS:-4}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
REDIS_N=${REDIS_N:-100000}
SERVER_LOG=${SERVER_LOG:-/dev/null}
PEER_SRC=${PEER_SRC:-$(cd "$ROOT/.." && pwd)/shared/peers/nestjs-seed}
PEER_DIR=${PEER_DIR:-/tmp/nestjs-seed-bench}
PEER_ADAPTER=${PEER_ADAPTER:-all}
PEER_WARMUP=${PEER_WARMUP:-5s}
PEER_REPEAT=${PEER_REPEAT:-1}
OUT=${OUT:-$HERE/last-run.md}
WAIT_QUIET=${WAIT_QUIET:-0}
WITH_PEER=0
PASSWORD=bench-password-1

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --with-peer) WITH_PEER=1 ;;
    --server) SERVER_BIN=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --wait-quiet) WAIT_QUIET=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

HOST=127.0.0.1
TMP=$(mktemp -d /tmp/deskboard-bench.XXXXXX)
REDIS_PID=""
SERVER_PID=""
PEER_PID=""

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
. "$ROOT/bench/lib.sh" # stop_pid, free_port, cpu_seconds, bench_state

cleanup() {
  local rc=$?
  trap - EXIT
  stop_pid "$PEER_PID" "the peer's bench/run.sh"
  stop_pid "$SERVER_PID" deskboard-server
  stop_pid "$REDIS_PID" redis-server
  rm -rf "$TMP"
  exit "$rc"
}
on_exit_run cleanup

machine_busy_seconds() { # all cores, idle and iowait left out
  awk -v tck="$CLK_TCK" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / tck; exit }' /proc/stat
}
children_cpu_seconds() { # CPU of the children this shell has waited for (wrk, after it exits)
  awk -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / tck }' "/proc/$$/stat"
}

# ---------------------------------------------------------------------------------- checks
for tool in redis-server redis-cli redis-benchmark wrk curl node awk sha1sum getconf; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x "$SERVER_BIN" ]] || die "no server binary at $SERVER_BIN (build it: cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench --target deskboard-server)"
[[ -r "$ROOT/server/src/state/state_scripts.h" ]] || die "server/src/state/state_scripts.h not found"
if ((WITH_PEER)); then
  [[ -f "$PEER_SRC/bench/run.sh" || -f "$PEER_DIR/bench/run.sh" ]] || die "the peer is not at $PEER_SRC"
fi

say "server: $SERVER_BIN ($(stat -c %y "$SERVER_BIN" | cut -d. -f1)), workers: $WORKERS"
say "load: $(uptime | sed 's/.*load average/load average/')"
busy_now() { # cores busy over the next 3 s
  local a b
  a=$(machine_busy_seconds); sleep 3; b=$(machine_busy_seconds)
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 3 }'
}
IDLE_BUSY=$(busy_now)
if ((WAIT_QUIET > 0)); then
  waited=0
  while awk -v l="$IDLE_BUSY" 'BEGIN { exit !(l >= 0.3) }' && ((waited < WAIT_QUIET)); do
    say "  $IDLE_BUSY cores busy; waiting for a quieter machine ($waited of $WAIT_QUIET s)"
    sleep 7
    waited=$((waited + 10))
    IDLE_BUSY=$(busy_now)
  done
fi
UPTIME_LOAD=$(uptime | sed 's/.*load average: //')
say "cores busy before the bench: $IDLE_BUSY of $(nproc) (above ~0.2 the figures will be low and noisy)"

# ---------------------------------------------------------------------------------- redis
REDIS_PORT=$(free_port)
say "starting redis-server on $HOST:$REDIS_PORT (dir $TMP, no persistence)"
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
rcli() { redis-cli -h $HOST -p "$REDIS_PORT" "$@"; }

# ---------------------------------------------------------------------------------- users
say "creating $USERS users with '$(basename "$SERVER_BIN") user add' (argon2id, 4 at a time)"
t0=$(date +%s.%N)
export SERVER_BIN PASSWORD
seq 1 "$USERS" | xargs -P4 -I{} sh -c 'printf "%s\n" "$PASSWORD" | "$SERVER_BIN" user add bench-{} >/dev/null' \
  || die "user add failed"
say "  done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

# A deterministic ~STATE_BYTES state: the peer's generator when it is there (the same bytes the
# peer is measured with), else an equivalent one.
if [[ -f "$PEER_SRC/bench/make-state.mjs" ]]; then
  node "$PEER_SRC/bench/make-state.mjs" "$STATE_BYTES" >"$TMP/state.json"
else
  bench_state "$STATE_BYTES" >"$TMP/state.json"
fi

# ---------------------------------------------------------------------------------- server
start_server() { # workers
  SERVER_PORT=$(free_port)
  BASE="http://$HOST:$SERVER_PORT"
  URL="$BASE/api/dashboard/state"
  say "starting deskboard-server on $HOST:$SERVER_PORT (DESKBOARD_WORKERS=$1, log to $SERVER_LOG)"
  DESKBOARD_LISTEN="$HOST:$SERVER_PORT" DESKBOARD_WORKERS=$1 "$SERVER_BIN" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null --max-time 1 "$BASE/readyz"; then
      sleep 1 # each worker hashes a dummy password at start (argon2id, 64 MiB): let it finish
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "deskboard-server exited"
    sleep 0.1
  done
  die "deskboard-server is not ready"
}
stop_server() {
  stop_pid "$SERVER_PID" deskboard-server
  SERVER_PID=""
}

read -r -a WORKER_LIST <<<"$WORKERS"
start_server "${WORKER_LIST[0]}"

say "logging $USERS users in over HTTP"
export BASE
seq 1 "$USERS" | xargs -P4 -I{} sh -c '
  answer=$(curl -sf -X POST -H "Content-Type: application/json" \
    -d "{\"username\":\"bench-{}\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/login") || exit 1
  token=$(printf "%s" "$answer" | sed -E "s/.*\"accessToken\":\"([^\"]+)\".*/\1/")
  user=$(printf "%s" "$answer" | sed -E "s/.*\"user\":\{\"id\":\"([^\"]+)\".*/\1/")
  ws=$(printf "%s" "$answer" | sed -E "s/.*\"workspaces\":\[\{\"id\":\"([^\"]+)\".*/\1/")
  printf "%s %s %s\n" "$token" "$user" "$ws"' >"$TMP/logins.txt" || die "a login failed"
[[ $(wc -l <"$TMP/logins.txt") -eq $USERS ]] || die "expected $USERS logins"

say "storing the $(wc -c <"$TMP/state.json")-byte state as version 1 for every user"
printf '{"version":1,"state":%s}' "$(cat "$TMP/state.json")" >"$TMP/prime.json"
export TMP
awk '{ print $1 }' "$TMP/logins.txt" | xargs -P4 -I{} sh -c '
  code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer {}" \
    -H "Content-Type: application/json" --data-binary @"$TMP/prime.json" "$BASE/api/dashboard/state")
  [ "$code" = 200 ] || { echo "prime: HTTP $code" >&2; exit 1; }' || die "storing the first state failed"
GET_BYTES=$(curl -s -H "Authorization: Bearer $(head -1 "$TMP/logins.txt" | cut -d' ' -f1)" "$URL" | wc -c)
say "  a GET answer body is $GET_BYTES bytes"

# ---------------------------------------------------------------------------------- wrk
# "token version" lines with every user's current version, read from Redis.
users_with_versions() {
  local keys=()
  while read -r _ user ws; do
    keys+=("dashboard:state:{$user:$ws}:version")
  done <"$TMP/logins.txt"
  paste -d' ' <(awk '{ print $1 }' "$TMP/logins.txt") <(rcli --raw mget "${keys[@]}") >"$TMP/users.txt"
  awk 'NF != 2 || $2 !~ /^[0-9]+$/ { bad = 1 } END { exit bad }' "$TMP/users.txt" \
    || die "a user has no version in Redis"
}

parse_wrk() { # file -> "req/s p50 p99 non2xx socket_errors" (latencies in ms)
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000
      if (v ~ /s$/) return v * 1000
      return v
    }
    / 50% / { p50 = ms($2) }
    / 99% / { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, non2xx, errs }' "$1"
}

ROWS=()     # "what|req/s|p50|p99|non-2xx"
CPU_ROWS=() # "what|server|redis|wrk|other|server us/req|redis us/req"
declare -A RPS

# run_wrk NAME METHOD CONNECTIONS DURATION [RATE]: one measured wrk run, one table row
run_wrk() {
  local name=$1 method=$2 conns=$3 duration=$4 rate=${5:-}
  local out="$TMP/wrk-${name//[^A-Za-z0-9]/_}.txt" args
  if [[ $method == GET ]]; then
    args=(-s "$HERE/get.lua" "$URL" -- "$TMP/logins.txt")
  else
    users_with_versions
    args=(-s "$HERE/post.lua" "$URL" -- "$TMP/users.txt" "$TMP/state.json")
  fi
  [[ -n "$rate" ]] && args+=("$rate" "$conns")
  say "wrk $name: wrk -t1 -c$conns -d$duration --latency ${args[*]/#$TMP\//}"
  local s0 r0 w0 b0 s1 r1 w1 b1
  s0=$(cpu_seconds "$SERVER_PID"); r0=$(cpu_seconds "$REDIS_PID"); w0=$(children_cpu_seconds); b0=$(machine_busy_seconds)
  wrk -t1 -c"$conns" -d"$duration" --latency "${args[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  s1=$(cpu_seconds "$SERVER_PID"); r1=$(cpu_seconds "$REDIS_PID"); w1=$(children_cpu_seconds); b1=$(machine_busy_seconds)
  local rps p50 p99 non2xx errs
  read -r rps p50 p99 non2xx errs < <(parse_wrk "$out")
  RPS[$name]=$rps
  local note=""
  ((errs > 0)) && note=" (+$errs socket errors)"
  ROWS+=("$name|$rps|$p50|$p99|$non2xx$note")
  local total
  total=$(awk '/ requests in / { print $1 }' "$out")
  CPU_ROWS+=("$name|$(awk -v n="$total" -v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" -v w0="$w0" -v w1="$w1" -v b0="$b0" -v b1="$b1" \
    'BEGIN { s = s1 - s0; r = r1 - r0; w = w1 - w0; o = (b1 - b0) - s - r - w; if (o < 0) o = 0
             printf "%.1f|%.1f|%.1f|%.1f|%.0f|%.0f", s, r, w, o, s * 1e6 / n, r * 1e6 / n }')")
  say "  $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx$note"
  grep -h '^post.lua:' "$out" | sed 's/^/  /' >&2 || true
}

half() { awk -v r="$1" 'BEGIN { printf "%d", r / 2 }'; }

RSS_ROWS=()
for i in "${!WORKER_LIST[@]}"; do
  w=${WORKER_LIST[$i]}
  if ((i > 0)); then
    stop_server
    start_server "$w"
  fi
  tag="w$w"
  # Password hashing (argon2id, 64 MiB each, up to DESKBOARD_HASH_THREADS at once: one dummy
  # hash per worker at start, and the logins for the first server) sets the peak so far: note
  # it, then reset VmHWM (clear_refs 5) so the peak below is the load's alone.
  HWM_SEED=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null && HWM_RESET=1 || HWM_RESET=0
  say "server VmHWM before the load: $HWM_SEED MB$( ((HWM_RESET)) && echo ' (reset now)')"
  say "warm-up: GET for $WARMUP"
  wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$HERE/get.lua" "$URL" -- "$TMP/logins.txt" >/dev/null 2>&1 || true
  run_wrk "GET c$CONNECTIONS $tag" GET "$CONNECTIONS" "$DURATION"
  run_wrk "POST c$CONNECTIONS $tag" POST "$CONNECTIONS" "$DURATION"
  run_wrk "GET c$LOW_CONNECTIONS $tag" GET "$LOW_CONNECTIONS" "$DURATION"
  run_wrk "POST c$LOW_CONNECTIONS $tag" POST "$LOW_CONNECTIONS" "$DURATION"
  g=$(half "${RPS[GET c$CONNECTIONS $tag]}"); p=$(half "${RPS[POST c$CONNECTIONS $tag]}")
  run_wrk "GET c$CONNECTIONS @$g/s (50%) $tag" GET "$CONNECTIONS" "$DURATION" "$g"
  run_wrk "POST c$CONNECTIONS @$p/s (50%) $tag" POST "$CONNECTIONS" "$DURATION" "$p"
  hwm=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  ((HWM_RESET)) || hwm="$hwm (not reset)"
  RSS_ROWS+=("$w|$HWM_SEED|$hwm|$rss")
  say "  server RSS after the load: VmHWM $hwm MB, VmRSS $rss MB"
done
FIRST_TAG="w${WORKER_LIST[0]}"

# ---------------------------------------------------------------------------------- ceiling
# The commands one authenticated GET issues, on one user's keys (read off the server with
# MONITOR; see docs/performance.md): MGET of the state's version, state and modified keys and
# PTTL of the version key, pipelined (StateService::read); before them, only for an access token
# the server does not remember yet (its AccessTokenCache), HMGET of the token's hash.
read -r token user ws <"$TMP/logins.txt"
token_key="deskboard:{auth}:token:access:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
[[ "$(rcli exists "$token_key")" == 1 ]] || die "no access token key $token_key in Redis"
state_key="dashboard:state:{$user:$ws}"
[[ "$(rcli exists "$state_key")" == 1 ]] || die "no state key $state_key in Redis"

declare -A RB_US # Redis CPU microseconds per command, the lower of the 2 runs
redis_rps() { # name n command... -> req/s, the better of 2 runs (other load only lowers it)
  local name=$1 n=$2 best=0 rps c0 c1 us
  shift 2
  for run in 1 2; do
    say "redis-benchmark -c $CONNECTIONS -n $n -P 1 $name (run $run of 2)"
    c0=$(cpu_seconds "$REDIS_PID")
    redis-benchmark -h $HOST -p "$REDIS_PORT" -c "$CONNECTIONS" -n "$n" -P 1 --csv "$@" \
      >"$TMP/rb-$name.csv" 2>&1 || { cat "$TMP/rb-$name.csv" >&2; die "redis-benchmark failed"; }
    c1=$(cpu_seconds "$REDIS_PID")
    rps=$(awk -F'","' 'NR == 2 { printf "%.0f", $2 }' "$TMP/rb-$name.csv")
    [[ "$rps" =~ ^[0-9]+$ ]] || { cat "$TMP/rb-$name.csv" >&2; die "no req/s in redis-benchmark's output"; }
    ((rps > best)) && best=$rps
    us=$(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')
    if [[ -z "${RB_US[$name]:-}" ]] || awk -v a="$us" -v b="${RB_US[$name]}" 'BEGIN { exit !(a < b) }'; then
      RB_US[$name]=$us
    fi
  done
  echo "$best" >"$TMP/rb-$name.best"
}
# (not in $(...): RB_US must be set in this shell)
redis_rps state-mget "$REDIS_N" MGET "$state_key:version" "$state_key" "$state_key:modified"
redis_rps state-pttl "$REDIS_N" PTTL "$state_key:version"
redis_rps token-hmget "$REDIS_N" HMGET "$token_key" userId loginId username expiresAt \
  personalWorkspace
RB_MGET=$(cat "$TMP/rb-state-mget.best"); RB_PTTL=$(cat "$TMP/rb-state-pttl.best")
RB_TOKEN=$(cat "$TMP/rb-token-hmget.best")
say "  MGET $RB_MGET/s, PTTL $RB_PTTL/s, HMGET $RB_TOKEN/s"
CEIL2=$(awk -v a="$RB_MGET" -v b="$RB_PTTL" 'BEGIN { printf "%.0f", 1 / (1 / a + 1 / b) }')
CEIL3=$(awk -v a="$RB_MGET" -v b="$RB_PTTL" -v c="$RB_TOKEN" 'BEGIN { printf "%.0f", 1 / (1 / a + 1 / b + 1 / c) }')
# The same from Redis's CPU time per command: what one free core for Redis would carry.
CPU_CEIL2=$(awk -v a="${RB_US[state-mget]}" -v b="${RB_US[state-pttl]}" 'BEGIN { printf "%.0f", 1e6 / (a + b) }')
CPU_CEIL3=$(awk -v a="${RB_US[state-mget]}" -v b="${RB_US[state-pttl]}" -v c="${RB_US[token-hmget]}" 'BEGIN { printf "%.0f", 1e6 / (a + b + c) }')

stop_server

# ---------------------------------------------------------------------------------- peer
PEER_ROWS=()
declare -A PEER_RPS
if ((WITH_PEER)); then
  if [[ ! -f "$PEER_DIR/dist/main.js" || ! -d "$PEER_DIR/node_modules" ]]; then
    say "building the NestJS seed in $PEER_DIR (cp -r, npm ci, npm run build)"
    rm -rf "$PEER_DIR"
    cp -r "$PEER_SRC" "$PEER_DIR"
    chmod -R u+w "$PEER_DIR"
    rm -rf "$PEER_DIR/bench/results" "$PEER_DIR/bench/.work"
    (cd "$PEER_DIR" && npm ci --no-audit --no-fund >&2 && npm run build >&2)
  fi
  PEER_PORT=$(free_port)
  say "running the peer's bench/run.sh (ADAPTER=$PEER_ADAPTER WARMUP=$PEER_WARMUP REPEAT=$PEER_REPEAT, wrk -t1 -c$CONNECTIONS -d$DURATION) against the same redis"
  ADAPTER=$PEER_ADAPTER PORT=$PEER_PORT REDIS_PORT=$REDIS_PORT USERS=$USERS STATE_BYTES=$STATE_BYTES \
    THREADS=1 CONNECTIONS=$CONNECTIONS DURATION=$DURATION WARMUP=$PEER_WARMUP REPEAT=$PEER_REPEAT \
    RESULTS_DIR="$TMP/peer-results" bash "$PEER_DIR/bench/run.sh" >"$TMP/peer.txt" 2>"$TMP/peer.err" &
  PEER_PID=$!
  wait "$PEER_PID" || { cat "$TMP/peer.err" "$TMP/peer.txt" >&2; die "the peer's bench failed"; }
  PEER_PID=""
  sed 's/^/  /' "$TMP/peer.txt" >&2
  # the median rows: adapter test median req/s p50 p99 max non2xx ...
  seconds=$(awk -v d="$DURATION" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; if (d ~ /h$/) n *= 3600; print n }')
  while read -r adapter test _ rps p50 p99 _ non2xx app_cpu redis_cpu wrk_cpu other_cpu; do
    T=${test^^}
    what="NestJS seed ($adapter) $T c$CONNECTIONS"
    PEER_RPS[$adapter-$T]=$rps
    PEER_ROWS+=("$what|$(printf '%.0f' "$rps")|$p50|$p99|$non2xx")
    CPU_ROWS+=("$what|$(awk -v n="$rps" -v t="$seconds" -v a="$app_cpu" -v r="$redis_cpu" -v w="$wrk_cpu" -v o="$other_cpu" \
      'BEGIN { printf "%.1f|%.1f|%.1f|%.1f|%.0f|%.0f", a, r, w, o, a * 1e6 / (n * t), r * 1e6 / (n * t) }')")
  done < <(awk '$3 == "median"' "$TMP/peer.txt")
fi

# ---------------------------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
GET_PEAK=${RPS[GET c$CONNECTIONS $FIRST_TAG]}
POST_PEAK=${RPS[POST c$CONNECTIONS $FIRST_TAG]}
{
  echo "# Server benchmark, last run"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo));"
  echo "load average before: $UPTIME_LOAD; cores busy before: $IDLE_BUSY."
  echo "Server: \`$SERVER_BIN\` (built $(stat -c %y "$SERVER_BIN" | cut -d. -f1); the working tree is now at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && echo ' with local changes')); redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/');"
  echo "$USERS users, $(wc -c <"$TMP/state.json")-byte state (GET body $GET_BYTES bytes); wrk -t1 -d$DURATION --latency;"
  echo "req/s and latencies (ms) from one run each; \`wN\` = DESKBOARD_WORKERS=N."
  echo
  echo "| what | req/s | p50 | p99 | non-2xx |"
  echo "|---|---:|---:|---:|---:|"
  for row in "${ROWS[@]}" "${PEER_ROWS[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  echo "Redis-side ceiling (redis-benchmark -c $CONNECTIONS -P 1, -n $REDIS_N;"
  echo "the better of 2 runs each; the same Redis, one bench user's keys):"
  echo
  echo "| command | req/s | Redis CPU us/command |"
  echo "|---|---:|---:|"
  echo "| a: MGET <version> <state> <modified> (the state read) | $RB_MGET | ${RB_US[state-mget]} |"
  echo "| b: PTTL <version> (whether the TTL needs renewing) | $RB_PTTL | ${RB_US[state-pttl]} |"
  echo "| c: HMGET deskboard:{auth}:token:access:<sha256> (a token the server does not remember yet) | $RB_TOKEN | ${RB_US[token-hmget]} |"
  echo "| **GET ceiling**, the commands a GET issues: 1/(1/a + 1/b) | **$CEIL2** | (one free core: $CPU_CEIL2/s) |"
  echo "| GET ceiling with the token lookup: 1/(1/a + 1/b + 1/c) | $CEIL3 | (one free core: $CPU_CEIL3/s) |"
  echo
  echo "The ceilings add up Redis's time per command (Redis runs one command at a time, so a"
  echo "GET that needs these commands costs Redis the sum of their times), computed from the"
  echo "measured rates, not run as a sequence; -P 1, so no pipelining. \"One free core\" is the same"
  echo "sum from Redis's CPU time per command instead of the rate: what Redis could carry with a"
  echo "core to itself (less sensitive to other load on the machine)."
  echo
  echo "Ratios ($FIRST_TAG):"
  echo
  echo "- GET ours / ceiling (MGET + PTTL): $(ratio "$GET_PEAK" "$CEIL2") (target >= 0.90)"
  echo "- GET ours / ceiling with the token lookup: $(ratio "$GET_PEAK" "$CEIL3")"
  if ((WITH_PEER)); then
    for adapter in express fastify; do
      [[ -n "${PEER_RPS[$adapter-GET]:-}" ]] || continue
      echo "- GET ours / NestJS seed ($adapter): $(ratio "$GET_PEAK" "${PEER_RPS[$adapter-GET]}") (target ~7)"
      echo "- POST ours / NestJS seed ($adapter): $(ratio "$POST_PEAK" "${PEER_RPS[$adapter-POST]}") (target >= 5, aim 10)"
    done
  fi
  echo
  echo "Server memory after the load (MB):"
  echo
  echo "| DESKBOARD_WORKERS | VmHWM before the load (start-up and logins hash passwords: argon2id, 64 MiB each) | VmHWM during the load | VmRSS after the load |"
  echo "|---:|---:|---:|---:|"
  for row in "${RSS_ROWS[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  echo "CPU seconds used during each measured run (other = the rest of the machine: well above 0"
  echo "means other work disturbed the run), and CPU microseconds per request (the peer's: the"
  echo "median run's CPU over req/s x duration; \"server\" is the node process for the peer):"
  echo
  echo "| what | server | redis | wrk | other | server us/req | redis us/req |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for row in "${CPU_ROWS[@]}"; do echo "| ${row//|/ | } |"; done
} >"$TMP/report.md"
cp "$TMP/report.md" "$OUT"
cat "$TMP/report.md"
say "written to $OUT"
