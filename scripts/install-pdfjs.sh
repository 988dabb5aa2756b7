#!/usr/bin/env bash
# pdf.js (npm pdfjs-dist), the PDF reader of browsers and many web viewers, in .pdfjs/.
#
#   scripts/install-pdfjs.sh     install it (once; needs npm); the PDF reader tests run it
#
# Only the library is installed: its optional canvas package (drawing pages in node) is
# not needed to read the text and links, and would build native code.
set -euo pipefail
cd "$(dirname "$0")/.."

PDFJS_VERSION="4.10.38"
PDFJS_DIR=".pdfjs"

if [ -f "$PDFJS_DIR/node_modules/pdfjs-dist/legacy/build/pdf.mjs" ] \
    && grep -q "\"version\": \"$PDFJS_VERSION\"" "$PDFJS_DIR/node_modules/pdfjs-dist/package.json"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "pdfjs: npm is not installed" >&2; exit 1; }
echo "pdfjs: installing pdfjs-dist $PDFJS_VERSION into $PDFJS_DIR/"
npm install --prefix "$PDFJS_DIR" --no-audit --no-fund --ignore-scripts --omit=optional \
  --loglevel=error "pdfjs-dist@$PDFJS_VERSION"
