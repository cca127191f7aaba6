#!/usr/bin/env bash
# Fails when the committed Orval client (web/src/lib/api/generated) differs from
# what docs/openapi/swagger.json generates now. It generates into a scratch copy
# of web/src/lib/api (same layout, so relative imports come out the same) and
# leaves the working tree untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fastsvelte-client-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src/lib/api"
cp web/src/lib/api/http.ts "$scratch/src/lib/api/http.ts"

if ! (cd web && ORVAL_ROOT="$scratch" npx --no-install orval --config ./orval.config.ts >"$scratch/orval.log" 2>&1); then
  cat "$scratch/orval.log" >&2
  echo "web:client:check: orval failed to generate the client from docs/openapi/swagger.json (log above)" >&2
  exit 1
fi

if ! diff -ru web/src/lib/api/generated "$scratch/src/lib/api/generated"; then
  echo >&2
  echo "web:client:check: web/src/lib/api/generated is stale: it differs from what docs/openapi/swagger.json generates." >&2
  echo "Run 'go tool task web:client' (or 'go tool task openapi' after changing annotations) and commit the result." >&2
  exit 1
fi
echo "web:client:check: the generated API client matches docs/openapi/swagger.json"
