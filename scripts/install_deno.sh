#!/usr/bin/env bash
# Installs the pinned Deno CLI from the npm registry into tools/node_modules (tools/package.json pins
# deno@2.9.6; it lives apart from deno.json on purpose) and prints the directory to put on PATH.
# Usage: export PATH="$(bash scripts/install_deno.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/tools/node_modules/.bin"
want="$(sed -n 's/.*"deno": "\([0-9.]*\)".*/\1/p' "$root/tools/package.json")"
if [ -x "$bin/deno" ] && "$bin/deno" --version 2>/dev/null | grep -q "deno $want "; then
  echo "$bin"
  exit 0
fi
command -v npm >/dev/null || { echo "install_deno.sh: npm is required to install Deno $want" >&2; exit 1; }
# npm ci cannot be used: npm 11 drops the other platforms' optional packages from the lock file and
# then refuses it. The exact pin in tools/package.json (and deno's own exact pins) keep this reproducible.
(cd "$root/tools" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >&2)
"$bin/deno" --version >&2
echo "$bin"
