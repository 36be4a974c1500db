#!/usr/bin/env bash
# What a request costs Redis (issue 15, part 1): the Redis CPU of one GET (200), one GET with
# If-None-Match (304) and one POST (a new version each), for the baseline server and for the
# current tree, in the same run on the same machine. 127.0.0.1 only; bounded (about 40 s per
# round with the defaults, so about 3 minutes, plus the builds when they are not up to date).
#
#   bench/server/redis_cost.sh [--base REV] [--duration SECONDS] [--rounds R] [--no-build]
#
# What it does (every step is printed as it starts):
#   1. builds the baseline (REV, default c84c4b0^: the server before part 1) in a git worktree
#      under build-baseline/ (ignored by git: /build-*/), Release, target deskboard-server only,
#      and the current tree's Release build (build/, cmake --build build -j2 --target
#      deskboard-server);
#   2. ROUNDS times, for each of the two servers in turn: a private redis-server on a free
#      loopback port (--save '' --appendonly no), the server (DESKBOARD_WORKERS=1: one Redis
#      connection), USERS users made with `deskboard-server user add` (password on stdin), each
#      logged in over HTTP (POST /api/auth/login -> accessToken), a ~STATE_BYTES state saved as
#      version 1 for each;
#   3. per request kind (get, 304, post): WARMUP seconds of wrk, CONFIG RESETSTAT, then DURATION
#      seconds of wrk -t1 -cCONNECTIONS (redis_cost.lua for the GETs, post.lua for the POSTs:
#      every POST a new version), and INFO commandstats and INFO cpu read right after;
#   4. prints a Markdown table (and writes it to OUT): per request kind and server, the Redis
#      commands per request (those the server sends; and all, counting the ones a Lua script
#      runs), Redis usec per request from commandstats (the server's own commands: a script's
#      usec already covers the commands it runs), Redis CPU per request from INFO cpu
#      (used_cpu_user + used_cpu_sys delta, so socket reads and writes included), wrk's req/s,
#      and the now/baseline ratios; each figure the median of the ROUNDS rounds (the machine may
#      be shared). "Per request" divides by the requests wrk completed.
#
# Settings (environment; flags win): DURATION (3), WARMUP (1), ROUNDS (5), USERS (4),
# CONNECTIONS (4), STATE_BYTES (10240), BASE_REV (c84c4b0^), BASE_DIR (build-baseline),
# NOW_BUILD (build), OUT (bench/server/redis-cost-last-run.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-5}
USERS=${USERS:-4}
CONNECTIONS=${CONNECTIONS:-4}
STATE_BYTES=${STATE_BYTES:-10240}
BASE_REV=${BASE_REV:-c84c4b0^}
BASE_DIR=${BASE_DIR:-$ROOT/build-baseline}
NOW_BUILD=${NOW_BUILD:-$ROOT/build}
OUT=${OUT:-$HERE/redis-cost-last-run.md}
BUILD=1
PASSWORD=bench-password-1
HOST=127.0.0.1

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --base) BASE_REV=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[redis-cost] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
. "$ROOT/bench/lib.sh" # stop_pid, free_port, cpu_seconds, bench_state

TMP=$(mktemp -d /tmp/deskboard-redis-cost.XXXXXX)
REDIS_PID=""
SERVER_PID=""

cleanup() {
  local rc=$?
  trap - EXIT
  stop_pid "$SERVER_PID" deskboard-server
  stop_pid "$REDIS_PID" redis-server
  rm -rf "$TMP"
  exit "$rc"
}
on_exit_run cleanup

for tool in git cmake redis-server redis-cli wrk curl python3 node awk; do
  command -v "$tool" >/dev/null || die "$tool not found"
done


# ---------------------------------------------------------------------------------- builds
BASE_COMMIT=$(git -C "$ROOT" rev-parse --verify "$BASE_REV^{commit}") || die "no commit $BASE_REV"
NOW_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
BASE_SRC=$BASE_DIR/src
BASE_BUILD=$BASE_DIR/build
if ((BUILD)); then
  if [[ -d "$BASE_SRC" ]]; then
    [[ $(git -C "$BASE_SRC" rev-parse HEAD) == "$BASE_COMMIT" ]] ||
      die "$BASE_SRC is not at $BASE_REV ($BASE_COMMIT): remove it (git worktree remove $BASE_SRC)"
    say "baseline worktree: $BASE_SRC (already at $BASE_REV = ${BASE_COMMIT:0:7})"
  else
    say "git worktree add --detach $BASE_SRC $BASE_REV (${BASE_COMMIT:0:7})"
    mkdir -p "$BASE_DIR"
    git -C "$ROOT" worktree add --detach "$BASE_SRC" "$BASE_COMMIT" >&2
  fi
  if [[ ! -f "$BASE_BUILD/CMakeCache.txt" ]]; then
    say "configuring the baseline: cmake -S $BASE_SRC -B $BASE_BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release (no tests, no bench)"
    cmake -S "$BASE_SRC" -B "$BASE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DDESKBOARD_BUILD_TESTS=OFF -DDESKBOARD_BUILD_BENCH=OFF >"$TMP/configure.log" 2>&1 ||
      { cat "$TMP/configure.log" >&2; die "configuring the baseline failed"; }
  fi
  say "building the baseline: cmake --build $BASE_BUILD -j2 --target deskboard-server"
  cmake --build "$BASE_BUILD" -j2 --target deskboard-server >"$TMP/build-base.log" 2>&1 ||
    { tail -40 "$TMP/build-base.log" >&2; die "building the baseline failed"; }
  say "building the current tree: cmake --build $NOW_BUILD -j2 --target deskboard-server"
  cmake --build "$NOW_BUILD" -j2 --target deskboard-server >"$TMP/build-now.log" 2>&1 ||
    { tail -40 "$TMP/build-now.log" >&2; die "building the current tree failed"; }
fi
BASE_BIN=$BASE_BUILD/server/deskboard-server
NOW_BIN=$NOW_BUILD/server/deskboard-server
[[ -x "$BASE_BIN" ]] || die "no baseline binary at $BASE_BIN"
[[ -x "$NOW_BIN" ]] || die "no current binary at $NOW_BIN"

# A deterministic ~STATE_BYTES state (the same generator as run.sh).
bench_state "$STATE_BYTES" >"$TMP/state.json"

# ---------------------------------------------------------------------------------- one server
rcli() { redis-cli -h $HOST -p "$REDIS_PORT" "$@"; }

cpu_seconds_redis() { rcli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.6f", s }'; }

# "token version" per user, the versions read from Redis.
users_with_versions() {
  local keys=()
  while read -r _ user ws; do
    keys+=("dashboard:state:{$user:$ws}:version")
  done <"$TMP/logins.txt"
  paste -d' ' <(awk '{ print $1 }' "$TMP/logins.txt") <(rcli --raw mget "${keys[@]}") >"$TMP/users.txt"
  awk 'NF != 2 || $2 !~ /^[0-9]+$/ { bad = 1 } END { exit bad }' "$TMP/users.txt" ||
    die "a user has no version in Redis"
}

drive() { # mode seconds output: one wrk run (users.txt must be current)
  local args=(-s "$HERE/redis_cost.lua" "$URL" -- "$TMP/users.txt")
  case $1 in
    304) args+=(etag) ;;
    post) args=(-s "$HERE/post.lua" "$URL" -- "$TMP/users.txt" "$TMP/state.json") ;;
  esac
  wrk -t1 -c"$CONNECTIONS" -d"$2"s "${args[@]}" >"$3" 2>&1 || { cat "$3" >&2; die "wrk failed"; }
  if [[ $1 == 304 ]]; then
    local token version code # wrk counts only 4xx and 5xx as errors: check one 304 by hand
    read -r token version <"$TMP/users.txt"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H "If-None-Match: \"$version\"" "$URL")
    [[ $code == 304 ]] || die "If-None-Match: \"$version\" got HTTP $code, not 304"
  fi
  if grep -q 'Non-2xx' "$3"; then
    cat "$3" >&2; die "wrk saw answers other than 2xx for $1"
  fi
  if [[ $1 == post ]]; then
    grep -Eq 'post.lua: writes=[1-9][0-9]* idempotent=0 non2xx=0 conflicts=0' "$3" ||
      { cat "$3" >&2; die "not every POST wrote a new version"; }
  fi
}

RESULTS=$TMP/results.txt # label mode requests top_calls all_calls usec cpu_usec rps detail
measure_server() { # label binary
  local label=$1 bin=$2
  REDIS_PORT=$(free_port)
  say "[$label] starting redis-server on $HOST:$REDIS_PORT (--save '' --appendonly no)"
  mkdir -p "$TMP/$label"
  redis-server --port "$REDIS_PORT" --bind "$HOST" --dir "$TMP/$label" --save '' --appendonly no \
    --daemonize no >"$TMP/$label/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    [[ "$(rcli ping 2>/dev/null || true)" == PONG ]] && break
    sleep 0.1
  done
  [[ "$(rcli ping 2>/dev/null || true)" == PONG ]] || die "redis-server does not answer"
  export REDIS_URL="redis://$HOST:$REDIS_PORT"

  say "[$label] creating $USERS users: printf PASSWORD | $(basename "$bin") user add rc-K"
  for k in $(seq 1 "$USERS"); do
    printf '%s\n' "$PASSWORD" | "$bin" user add "rc-$k" >/dev/null || die "user add failed"
  done

  local port
  port=$(free_port)
  BASE="http://$HOST:$port"
  URL="$BASE/api/dashboard/state"
  say "[$label] starting $bin on $HOST:$port (DESKBOARD_WORKERS=1)"
  DESKBOARD_LISTEN="$HOST:$port" DESKBOARD_WORKERS=1 "$bin" >"$TMP/$label/server.log" 2>&1 &
  SERVER_PID=$!
  local ready=0
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null --max-time 1 "$BASE/readyz"; then ready=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "deskboard-server exited: $(tail -5 "$TMP/$label/server.log")"
    sleep 0.1
  done
  ((ready)) || die "deskboard-server is not ready"
  sleep 1 # the worker hashes a dummy password at start (argon2id): let it finish

  say "[$label] logging the users in (POST /api/auth/login) and saving the $(wc -c <"$TMP/state.json")-byte state as version 1"
  : >"$TMP/logins.txt"
  for k in $(seq 1 "$USERS"); do
    local answer
    answer=$(curl -sf -X POST -H 'Content-Type: application/json' \
      -d "{\"username\":\"rc-$k\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/login") || die "login failed"
    python3 -c 'import json, sys; a = json.load(sys.stdin); print(a["accessToken"], a["user"]["id"], a["workspaces"][0]["id"])' \
      <<<"$answer" >>"$TMP/logins.txt"
  done
  printf '{"version":1,"state":%s}' "$(cat "$TMP/state.json")" >"$TMP/prime.json"
  while read -r token _ _; do
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data-binary @"$TMP/prime.json" "$URL")
    [[ $code == 200 ]] || die "saving the first state: HTTP $code"
  done <"$TMP/logins.txt"

  local mode
  for mode in get 304 post; do
    say "[$label] $mode: ${WARMUP}s of warm-up, CONFIG RESETSTAT, then ${DURATION}s of wrk -t1 -c$CONNECTIONS"
    users_with_versions
    drive "$mode" "$WARMUP" "$TMP/$label/warm-$mode.txt"
    users_with_versions
    rcli config resetstat >/dev/null
    local c0 c1
    c0=$(cpu_seconds_redis)
    drive "$mode" "$DURATION" "$TMP/$label/wrk-$mode.txt"
    c1=$(cpu_seconds_redis)
    rcli info commandstats | tr -d '\r' >"$TMP/$label/stats-$mode.txt"
    local rps requests
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/$label/wrk-$mode.txt")
    requests=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$TMP/$label/wrk-$mode.txt")
    [[ "$requests" =~ ^[0-9]+$ ]] || die "no request count in wrk's output"
    # Commands the server sends itself: a script's usec covers the commands it runs, which
    # commandstats counts again under their own names, so only those are summed. In a run where
    # no script ran, that is every command; where scripts ran, the scripts plus the plain
    # commands these servers send beside them (the token lookup HMGET, the read's MGET): every
    # other command there is one a script ran.
    awk -F'[:=,]' -v label="$label" -v mode="$mode" -v c0="$c0" -v c1="$c1" -v rps="$rps" \
      -v requests="$requests" '
      /^cmdstat_/ {
        name = substr($1, 9); calls = $3; usec = $5
        if (name ~ /^(info|config|ping|client|hello|select|auth|monitor)([|].*)?$/) next
        all += calls; n++; names[n] = name; c[n] = calls; u[n] = usec
        if (name ~ /^(eval|evalsha|eval_ro|evalsha_ro|fcall|fcall_ro)$/) scripted = 1
        detail = detail (detail == "" ? "" : " ") name "=" calls
      }
      END {
        for (i = 1; i <= n; i++) {
          if (!scripted || names[i] ~ /^(hmget|mget|eval|evalsha|eval_ro|evalsha_ro|fcall|fcall_ro)$/) {
            top += c[i]; topusec += u[i]
          }
        }
        if (requests == 0) { print "wrk completed no request" > "/dev/stderr"; exit 1 }
        printf "%s %s %d %.2f %.2f %.2f %.2f %s ", label, mode, requests, top / requests,
               all / requests, topusec / requests, (c1 - c0) * 1e6 / requests, rps
        n = split(detail, parts, " ")
        for (i = 1; i <= n; i++) {
          split(parts[i], kv, "=")
          printf "%s%s:%.2f", (i > 1 ? "," : ""), kv[1], kv[2] / requests
        }
        printf "\n"
      }' "$TMP/$label/stats-$mode.txt" >>"$RESULTS"
    say "  $(tail -1 "$RESULTS")"
  done

  stop_pid "$SERVER_PID" deskboard-server
  SERVER_PID=""
  stop_pid "$REDIS_PID" redis-server
  REDIS_PID=""
}

say "load before: $(uptime | sed 's/.*load average/load average/')"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  measure_server baseline "$BASE_BIN"
  measure_server now "$NOW_BIN"
done

# ---------------------------------------------------------------------------------- table
{
  echo "Redis cost per request, $(date -u +%Y-%m-%dT%H:%MZ), ${DURATION}s of wrk per kind, $USERS users," \
    "wrk -t1 -c$CONNECTIONS, one server worker, ${STATE_BYTES}-byte state, median of $ROUNDS rounds;" \
    "baseline $BASE_REV (${BASE_COMMIT:0:7}), now $NOW_COMMIT$(git -C "$ROOT" diff --quiet HEAD -- server || echo ' + uncommitted server changes')."
  echo
  echo "| request | server | commands/request (sent; incl. in scripts) | Redis usec/request (commandstats) | Redis CPU usec/request (INFO cpu) | req/s (wrk) | commands per request |"
  echo "|---|---|---|---|---|---|---|"
  awk '
    function median(list,    v, k, m, i, j, t) {
      m = split(list, v, " ")
      for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    {
      k = $1 " " $2
      if (!(k in seen)) { seen[k] = 1; order[++rows] = k }
      top[k] = top[k] " " $4; all[k] = all[k] " " $5; usec[k] = usec[k] " " $6
      cpu[k] = cpu[k] " " $7; rps[k] = rps[k] " " $8; det[k] = $9
    }
    END {
      names["get"] = "GET (200)"; names["304"] = "GET If-None-Match (304)"; names["post"] = "POST (new version)"
      for (r = 1; r <= rows; r++) {
        k = order[r]; split(k, lm, " ")
        d = det[k]; gsub(/,/, ", ", d)
        mu[k] = median(usec[k]); mc[k] = median(cpu[k])
        printf "| %s | %s | %.2f; %.2f | %.1f | %.1f | %.0f | %s |\n", names[lm[2]], lm[1], median(top[k]),
               median(all[k]), mu[k], mc[k], median(rps[k]), d
      }
      split("get 304 post", kinds, " ")
      for (j = 1; j <= 3; j++) {
        b = "baseline " kinds[j]; n = "now " kinds[j]
        if (mu[b] > 0 && mc[b] > 0)
          printf "| %s | **now/baseline** | | **%.0f %%** | **%.0f %%** | | |\n", names[kinds[j]], 100 * mu[n] / mu[b], 100 * mc[n] / mc[b]
      }
    }' "$RESULTS"
} | tee "$OUT"
say "table written to $OUT"
