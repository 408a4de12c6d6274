#!/usr/bin/env bash
# Packages the VS Code extension into a .vsix (default: tsbuildout.vsix
# here): the client library from the npm registry (package-lock.json),
# then vsce, run with npx from the npm registry too.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-$PWD/tsbuildout.vsix}"
npm ci --omit=dev --no-audit --no-fund >/dev/null
npx --yes @vscode/vsce@3.9.2 package --allow-missing-repository --skip-license --out "$out" >/dev/null
echo "$out"
