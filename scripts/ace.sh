#!/usr/bin/env bash
# Ace by DAISY, the EPUB accessibility checker, run in Debian's Chromium.
#
#   scripts/ace.sh install           install Ace into .ace/ (once; needs npm)
#   scripts/ace.sh check OUT EPUB    check one EPUB; the reports go to OUT (report.json)
#
# Ace's own `ace` command runs in Electron, which npm would download from GitHub; its
# `ace-puppeteer` command runs the same checks in the Chromium that puppeteer is
# pointed at, so no browser is downloaded at all.
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION="1.4.6"
ACE_DIR=".ace"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

case "${1:-}" in
  install)
    if [ -x "$ACE_DIR/node_modules/.bin/ace-puppeteer" ] \
        && grep -q "\"version\": \"$ACE_VERSION\"" "$ACE_DIR/node_modules/@daisy/ace/package.json"; then
      exit 0
    fi
    command -v npm >/dev/null 2>&1 || { echo "ace: npm is not installed" >&2; exit 1; }
    echo "ace: installing @daisy/ace $ACE_VERSION into $ACE_DIR/"
    # No browser downloads: puppeteer uses Debian's Chromium, and Electron is not used.
    PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
      npm install --prefix "$ACE_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error \
      "@daisy/ace@$ACE_VERSION"
    ;;
  check)
    [ "$#" -eq 3 ] || { echo "usage: scripts/ace.sh check OUT EPUB" >&2; exit 2; }
    out="$2"
    epub="$3"
    [ -x "$ACE_DIR/node_modules/.bin/ace-puppeteer" ] \
      || { echo "ace: not installed; run scripts/ace.sh install (make setup does)" >&2; exit 1; }
    [ -x "$CHROMIUM" ] || { echo "ace: no Chromium at $CHROMIUM (apt-get install chromium)" >&2; exit 1; }
    mkdir -p "$out"
    # Ace keeps its settings and logs under XDG folders: keep them with the report,
    # not in the user's home.
    XDG_CONFIG_HOME="$out/.config" XDG_STATE_HOME="$out/.state" XDG_CACHE_HOME="$out/.cache" \
      PUPPETEER_EXECUTABLE_PATH="$CHROMIUM" \
      "$ACE_DIR/node_modules/.bin/ace-puppeteer" --silent --force --outdir "$out" "$epub"
    ;;
  *)
    echo "usage: scripts/ace.sh install | scripts/ace.sh check OUT EPUB" >&2
    exit 2
    ;;
esac
