#!/usr/bin/env bash
# End-to-end tests of the dashboard against the real server and database:
#   1. installs Debian's Chromium if missing (scripts/e2e-deps.sh),
#   2. builds bin/fastsvelte and the web builds (web/build, landing/build),
#   3. starts `bin/fastsvelte serve` on a free loopback port with a private
#      PostgreSQL in a fresh temporary FS_DATA_DIR, waits for /api/ready,
#   4. runs web/e2e/*.e2e.mjs (node --test + playwright-core),
#   5. always stops the server and removes the data directory.
# The last line printed is `N passed, N failed`. Screenshots are kept in
# $E2E_SCREENSHOT_DIR (default: a new temporary directory, printed at the end).
# E2E_SKIP_BUILD=1 skips step 2 (when the builds are known to be fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "e2e: $*"; }

t0=$(now)
bash scripts/e2e-deps.sh
t_deps=$(since "$t0")

t1=$(now)
if [ "${E2E_SKIP_BUILD:-}" != "1" ]; then
  log "building bin/fastsvelte and the web builds"
  go build -o bin/fastsvelte ./cmd/fastsvelte
  go tool task web:build
fi
t_build=$(since "$t1")

DATA=$(mktemp -d "${TMPDIR:-/tmp}/fastsvelte-e2e.XXXXXX")
# When we are root the server runs PostgreSQL as the postgres user, which must
# be able to reach the cluster folder inside.
chmod 755 "$DATA"
SHOTS=${E2E_SCREENSHOT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/fastsvelte-e2e-screenshots.XXXXXX")}
mkdir -p "$SHOTS"
SERVER_LOG="$DATA/server.log"
SERVER_PID=""
CLEANED=""

cleanup() {
  [ -n "$CLEANED" ] && return
  CLEANED=1
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # If the server died hard, its PostgreSQL may still run: stop that one by its pid.
  local pmpid
  pmpid=$(head -n1 "$DATA/pg/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pmpid" ] && kill -0 "$pmpid" 2>/dev/null; then
    kill -QUIT "$pmpid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pmpid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
BASE_URL="http://localhost:$PORT"

t2=$(now)
log "starting the server on $BASE_URL (data in $DATA)"
env -u FS_DB_URL \
  FS_DATA_DIR="$DATA" \
  FS_HTTP_ADDR="127.0.0.1:$PORT" \
  FS_BASE_URL="$BASE_URL" \
  FS_ENVIRONMENT=dev \
  FS_MODE=b2c \
  "$ROOT/bin/fastsvelte" serve >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

ready=""
deadline=$(( $(date +%s) + 90 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$PORT/api/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "e2e: the server did not become ready within 90 s (or exited). Its log:" >&2
  sed 's/^/  server| /' "$SERVER_LOG" >&2 || true
  exit 1
fi
t_start=$(since "$t2")

t3=$(now)
OUT="$DATA/e2e-output.txt"
set +e
(cd web && E2E_BASE_URL="$BASE_URL" E2E_SCREENSHOT_DIR="$SHOTS" \
  node --test --test-concurrency=1 --test-reporter=./e2e/reporter.mjs e2e/*.e2e.mjs) 2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}
set -e
t_tests=$(since "$t3")
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT" | tail -n1 || true)

if [ "$rc" -ne 0 ]; then
  echo "e2e: failed; the server log follows" >&2
  sed 's/^/  server| /' "$SERVER_LOG" | tail -n 200 >&2 || true
fi
cleanup

log "screenshots: $SHOTS"
log "timings: deps ${t_deps}s, builds ${t_build}s, server start ${t_start}s, tests ${t_tests}s, total $(since "$t0")s"
if [ -z "$summary" ]; then
  echo "e2e: the test runner printed no summary (exit code $rc)" >&2
  exit $(( rc == 0 ? 1 : rc ))
fi
echo "$summary"
exit "$rc"
