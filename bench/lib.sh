# Helpers the bench scripts share; sourced (`. "$ROOT/bench/lib.sh"`) after the script has
# defined say() (a line on standard error) and die(). Nothing here runs on its own.

CLK_TCK=${CLK_TCK:-$(getconf CLK_TCK)}

# on_exit_run FUNCTION: FUNCTION runs when the script ends, however it ends (Ctrl-C and SIGTERM
# exit with 130), and a failing command is named with its line first (set -e scripts).
on_exit_run() {
  trap "$1" EXIT
  trap 'exit 130' INT TERM
  trap 'say "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
}

# stop_pid PID NAME: SIGTERM, then SIGKILL after 10 s; reaps it when it is this shell's child.
stop_pid() {
  local pid=$1 name=$2
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick).
free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# cpu_seconds PID...: the user + system CPU seconds those processes used so far, summed (0 for
# one that is gone).
cpu_seconds() {
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$(awk -v t="$total" -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.3f", t + ($12 + $13) / tck }' "/proc/$pid/stat")
  done
  echo "$total"
}

# bench_state BYTES: a deterministic dashboard state of about BYTES bytes (compact JSON) on
# standard output: a grid of KPI widgets, padded by a notes string.
bench_state() {
  node -e '
    const target = Number(process.argv[1]);
    const state = { layout: { columns: 12, rowHeight: 40 }, theme: "dark", widgets: [], notes: "" };
    for (let i = 0; JSON.stringify(state).length < target - 200; i++)
      state.widgets.push({ id: `w-${i}`, type: "kpi", title: `Widget ${i}`,
                           position: { x: (i * 4) % 12, y: Math.floor(i / 3) * 4, w: 4, h: 4 } });
    state.notes = "x".repeat(Math.max(0, target - JSON.stringify(state).length));
    process.stdout.write(JSON.stringify(state));' "$1"
}
