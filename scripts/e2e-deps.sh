#!/usr/bin/env bash
# Installs what the end-to-end tests need from Debian: the system Chromium that
# playwright-core drives (a Playwright browser download cannot work here).
# Does nothing when /usr/bin/chromium is already there. Non-interactive.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "e2e-deps: /usr/bin/chromium is missing and we are not root; install it with: apt-get install -y chromium" >&2
    exit 1
  fi
fi

echo "e2e-deps: installing Debian's chromium (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
test -x /usr/bin/chromium || { echo "e2e-deps: chromium did not install" >&2; exit 1; }
echo "e2e-deps: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
