#!/usr/bin/env bash
# One Redis against a Redis Cluster (issue 15, part 2), in one run: the same deskboard-server
# binary, the same users and the same ~10 KB states, first over a single redis-server, then over
# a 3-primary cluster with one replica each (REDIS_URL=redis+cluster://...). 127.0.0.1 only.
#
#   bench/server/cluster.sh [SERVER_BIN]
#
# For each backend (every step is printed as it starts):
#   1. starts Redis (a single node, or 6 nodes joined with `redis-cli --cluster create`; no
#      persistence, temp dirs) and deskboard-server on it;
#   2. creates USERS users (`deskboard-server user add`), logs them in over HTTP and stores the
#      state as version 1 for each;
#   3. GET and POST with `wrk -t1 -cCONNECTIONS -dDURATION` (get.lua / post.lua of this folder),
#      with the CPU time of every Redis process (from /proc) taken around each run;
#   4. prints a table: req/s, Redis CPU per request (all nodes, replicas included: they apply
#      every write too), and the busiest primary's share of it.
# On a machine with fewer cores than processes the req/s are bounded by the machine, not by
# Redis; the per-request Redis figures are what scales (docs/performance.md).
#
# Settings (environment): USERS (60), STATE_BYTES (10240), CONNECTIONS (16), DURATION (10s),
# OUT (bench/server/cluster-last-run.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVER_BIN=${1:-${SERVER_BIN:-$ROOT/build/server/deskboard-server}}
USERS=${USERS:-60}
STATE_BYTES=${STATE_BYTES:-10240}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-10s}
OUT=${OUT:-$HERE/cluster-last-run.md}
PASSWORD=bench-password-1
HOST=127.0.0.1
TMP=$(mktemp -d)
PIDS=()

say() { printf '==> %s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
. "$ROOT/bench/lib.sh" # stop_pid, free_port, cpu_seconds, bench_state
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in redis-server redis-cli wrk curl node awk; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x "$SERVER_BIN" ]] || die "no server at $SERVER_BIN (cmake --build build --target deskboard-server)"


start_redis() { # dir port [extra args...] -> pid in LAST_PID
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind "$HOST" --dir "$dir" --save '' --appendonly no "$@" \
    >"$dir/redis.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  for _ in $(seq 1 50); do
    [[ "$(redis-cli -h $HOST -p "$port" ping 2>/dev/null || true)" == PONG ]] && return 0
    sleep 0.1
  done
  die "redis-server on $port does not answer"
}

# A deterministic ~STATE_BYTES state.
bench_state "$STATE_BYTES" >"$TMP/state.json"

ROWS=()

# measure BACKEND: users, logins, primed states, then GET and POST runs.
measure() {
  local backend=$1
  local port base url
  port=$(free_port)
  base="http://$HOST:$port"
  url="$base/api/dashboard/state"
  say "[$backend] deskboard-server on $HOST:$port, REDIS_URL=$REDIS_URL"
  REDIS_URL=$REDIS_URL DESKBOARD_LISTEN="$HOST:$port" "$SERVER_BIN" >"$TMP/server-$backend.log" 2>&1 &
  local server=$!
  PIDS+=("$server")
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null --max-time 1 "$base/readyz" && break
    kill -0 "$server" 2>/dev/null || die "deskboard-server exited: $(cat "$TMP/server-$backend.log")"
    sleep 0.1
  done
  curl -sf -o /dev/null "$base/readyz" || die "deskboard-server is not ready"

  say "[$backend] $USERS users: user add, login, a $(wc -c <"$TMP/state.json")-byte state as version 1"
  export SERVER_BIN PASSWORD REDIS_URL
  seq 1 "$USERS" | xargs -P4 -I{} sh -c 'printf "%s\n" "$PASSWORD" | "$SERVER_BIN" user add bench-{} >/dev/null' \
    || die "user add failed"
  export BASE=$base
  seq 1 "$USERS" | xargs -P4 -I{} sh -c '
    answer=$(curl -sf -X POST -H "Content-Type: application/json" \
      -d "{\"username\":\"bench-{}\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/login") || exit 1
    printf "%s\n" "$answer" | sed -E "s/.*\"accessToken\":\"([^\"]+)\".*/\1/"' >"$TMP/logins-$backend.txt" \
    || die "a login failed"
  printf '{"version":1,"state":%s}' "$(cat "$TMP/state.json")" >"$TMP/prime.json"
  export TMP
  xargs -P4 -I{} sh -c '
    code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer {}" \
      -H "Content-Type: application/json" --data-binary @"$TMP/prime.json" "$BASE/api/dashboard/state")
    [ "$code" = 200 ] || { echo "prime: HTTP $code" >&2; exit 1; }' <"$TMP/logins-$backend.txt" \
    || die "storing the first state failed"
  awk '{ print $1 " 1" }' "$TMP/logins-$backend.txt" >"$TMP/users-$backend.txt"

  local method
  for method in GET POST; do
    local args
    if [[ $method == GET ]]; then
      args=(-s "$HERE/get.lua" "$url" -- "$TMP/logins-$backend.txt")
    else
      args=(-s "$HERE/post.lua" "$url" -- "$TMP/users-$backend.txt" "$TMP/state.json")
    fi
    say "[$backend] wrk $method: wrk -t1 -c$CONNECTIONS -d$DURATION"
    local c0 c1 per0 per1
    c0=$(cpu_seconds "${REDIS_PIDS[@]}")
    per0=()
    for pid in "${PRIMARY_PIDS[@]}"; do per0+=("$(cpu_seconds "$pid")"); done
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "${args[@]}" >"$TMP/wrk.txt" 2>&1 || { cat "$TMP/wrk.txt" >&2; die "wrk failed"; }
    c1=$(cpu_seconds "${REDIS_PIDS[@]}")
    local busiest=0 i=0
    for pid in "${PRIMARY_PIDS[@]}"; do
      busiest=$(awk -v b="$busiest" -v a="${per0[$i]}" -v c="$(cpu_seconds "$pid")" 'BEGIN { d = c - a; printf "%.3f", (d > b ? d : b) }')
      i=$((i + 1))
    done
    local requests rps non2xx
    requests=$(awk '/requests in/ { print $1 }' "$TMP/wrk.txt")
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk.txt")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TMP/wrk.txt")
    ROWS+=("$backend|$method|$rps|${non2xx:-0}|$(awk -v a="$c0" -v b="$c1" -v n="$requests" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')|$(awk -v a="$c0" -v b="$c1" -v m="$busiest" 'BEGIN { printf "%.0f %%", (b > a) ? 100 * m / (b - a) : 0 }')")
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------- one Redis
port=$(free_port)
start_redis "$TMP/single" "$port"
REDIS_PIDS=("$LAST_PID")
PRIMARY_PIDS=("$LAST_PID")
PRIMARY_PORTS=("$port")
REDIS_URL="redis://$HOST:$port"
measure "one Redis"
kill "$LAST_PID"

# ---------------------------------------------------------------------------------- cluster
say "starting a Redis Cluster: 3 primaries with one replica each"
REDIS_PIDS=()
NODES=()
for i in 1 2 3 4 5 6; do
  port=$(free_port)
  start_redis "$TMP/node-$i" "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout 5000
  REDIS_PIDS+=("$LAST_PID")
  NODES+=("$HOST:$port")
done
redis-cli --cluster create "${NODES[@]}" --cluster-replicas 1 --cluster-yes >"$TMP/create.log" 2>&1 ||
  die "cluster create failed: $(cat "$TMP/create.log")"
for _ in $(seq 1 100); do
  ok=1
  for node in "${NODES[@]}"; do
    redis-cli -h $HOST -p "${node##*:}" cluster info | grep -q 'cluster_state:ok' || ok=0
  done
  ((ok)) && break
  sleep 0.2
done
((ok)) || die "the cluster did not reach cluster_state:ok"
PRIMARY_PORTS=()
PRIMARY_PIDS=()
for i in "${!NODES[@]}"; do
  p=${NODES[$i]##*:}
  if redis-cli -h $HOST -p "$p" role | head -1 | grep -q master; then
    PRIMARY_PORTS+=("$p")
    PRIMARY_PIDS+=("${REDIS_PIDS[$i]}")
  fi
done
REDIS_URL="redis+cluster://${NODES[0]},${NODES[1]}"
measure "3-primary cluster"

# ---------------------------------------------------------------------------------- table
{
  echo "Run on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $USERS users, ${STATE_BYTES}-byte states, wrk -t1 -c$CONNECTIONS -d$DURATION:"
  echo
  echo "| backend | request | req/s | non-2xx | Redis CPU per request, all nodes (µs) | busiest primary's share of Redis CPU |"
  echo "|---|---|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r a b c d e f <<<"$row"
    echo "| $a | $b | $c | $d | $e | $f |"
  done
} | tee "$OUT"
say "written to $OUT"
