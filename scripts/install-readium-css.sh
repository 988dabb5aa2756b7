#!/usr/bin/env bash
# Readium CSS, the reading system stylesheets (Thorium and others) the EPUB tests render
# the book under, installed into .readium/ (once; needs npm).
#
#   scripts/install-readium-css.sh
set -euo pipefail
cd "$(dirname "$0")/.."

READIUM_CSS_VERSION="2.0.0-beta.24"
READIUM_DIR=".readium"
PACKAGE="$READIUM_DIR/node_modules/@readium/css"

if [ -f "$PACKAGE/css/dist/ReadiumCSS-before.css" ] \
    && grep -q "\"version\": \"$READIUM_CSS_VERSION\"" "$PACKAGE/package.json"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "readium-css: npm is not installed" >&2; exit 1; }
echo "readium-css: installing @readium/css $READIUM_CSS_VERSION into $READIUM_DIR/"
npm install --prefix "$READIUM_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error \
  "@readium/css@$READIUM_CSS_VERSION"
