#!/usr/bin/env bash
# Load test: GET /api/users/me with a valid session at 64 connections (wrk), next
# to the floor (net/http + pgx running only the session lookup), plus the cold
# start of `serve` with an existing data dir and the login latency.
# Usage: scripts/bench/run.sh [seconds]   (needs wrk: apt-get install wrk)
# FS_BENCH_PORT (default 8000) moves the server; the floors listen on the next two
# ports (session query only; -full: the same three queries the server runs), so a
# dev server on :8000 can keep running.
set -euo pipefail
cd "$(dirname "$0")/../.."
dur=${1:-15}
port=${FS_BENCH_PORT:-8000}
floor_port=$((port + 1))
full_port=$((port + 2))
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
work=$(mktemp -d /tmp/fs-bench-XXXX); chmod 755 "$work"
go build -o "$work/fastsvelte" ./cmd/fastsvelte
go build -o "$work/floor" ./scripts/bench/floor
export FS_DATA_DIR="$work/data" FS_HTTP_ADDR=127.0.0.1:$port FS_LOG_LEVEL=warn FS_BASE_URL=http://localhost:$port
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_ready() { for _ in $(seq 1 900); do curl -fs "localhost:$port/api/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server did not become ready"; exit 1; }

"$work/fastsvelte" serve >"$work/first.log" 2>&1 & pids+=($!)
wait_ready
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

echo "== cold start of serve with an existing data dir (5 runs, to /api/ready = 200)"
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$work/fastsvelte" serve >"$work/serve.log" 2>&1 & pid=$!
  wait_ready
  echo "  $(( ($(date +%s%N) - start) / 1000000 )) ms"
  kill $pid; wait $pid 2>/dev/null || true
done

"$work/fastsvelte" serve >"$work/serve.log" 2>&1 & pids+=($!)
wait_ready

echo "== login latency (argon2id m=19456 KiB t=2 p=1), 10 sequential logins"
for _ in $(seq 1 10); do
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d '{"email":"demo@example.com","password":"demo-password"}' "localhost:$port/api/auth/login"
done | sort -n | awk '{s+=$1; a[NR]=$1} END {printf "  mean %.1f ms, median %.1f ms\n", s/NR*1000, a[int((NR+1)/2)]*1000}'

cookie=$(curl -s -c - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"email":"demo@example.com","password":"demo-password"}' "localhost:$port/api/auth/login" | awk '$6=="fs_session"{print $7}')
dburl="postgres://fastsvelte:$(cat "$FS_DATA_DIR/pg-password")@127.0.0.1:$(sed -n 4p "$FS_DATA_DIR/pg/postmaster.pid")/fastsvelte"
"$work/floor" -db "$dburl" -addr "127.0.0.1:$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
"$work/floor" -db "$dburl" -addr "127.0.0.1:$full_port" -full >"$work/floor-full.log" 2>&1 & pids+=($!)
sleep 0.5

# 1000 sessions of the two seeded users, inserted directly (login is rate limited).
export FS_BENCH_TOKENS="$work/tokens.txt"
for _ in $(seq 1 1000); do head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; echo; done >"$FS_BENCH_TOKENS"
{
  echo "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) SELECT sha256(convert_to(t, 'UTF8')), u.id, now(), now(), now() + interval '1 day' FROM (VALUES"
  awk 'NR>1{printf ","} {printf "(\x27%s\x27, %d)", $0, NR%2}' "$FS_BENCH_TOKENS"
  echo ") AS v(t, k) JOIN users u ON u.email_normalized = CASE k WHEN 0 THEN 'demo@example.com' ELSE 'admin@example.com' END;"
} | psql -q "$dburl"

for target in "fastsvelte $port" "floor $floor_port" "floor-full $full_port"; do
  set -- $target
  echo "== GET /api/users/me, 64 connections, ${dur}s, one session: $1"
  wrk -t2 -c64 -d"${dur}s" --latency -H "Cookie: fs_session=$cookie" "http://127.0.0.1:$2/api/users/me" | grep -E 'Requests/sec|99%|50%|Non-2xx'
  echo "== same, rotating over 1000 sessions: $1"
  wrk -t2 -c64 -d"${dur}s" --latency -s scripts/bench/sessions.lua "http://127.0.0.1:$2/api/users/me" | grep -E 'Requests/sec|99%|50%|Non-2xx'
done
