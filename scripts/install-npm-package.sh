#!/usr/bin/env bash
# One npm package a test runs, installed into its own git-ignored folder (once; needs npm).
#
#   scripts/install-npm-package.sh FOLDER PACKAGE VERSION [NPM OPTION...]
#   scripts/install-npm-package.sh .pdfjs pdfjs-dist 4.10.38 --omit=optional
#   scripts/install-npm-package.sh .readium @readium/css 2.0.0-beta.24
#
# Nothing is done when FOLDER holds that version already; install scripts never run.
set -euo pipefail
cd "$(dirname "$0")/.."

folder="$1" package="$2" version="$3"
shift 3
manifest="$folder/node_modules/$package/package.json"
if [ -f "$manifest" ] && grep -q "\"version\": \"$version\"" "$manifest"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "$package: npm is not installed" >&2; exit 1; }
echo "$package: installing $version into $folder/"
npm install --prefix "$folder" --no-audit --no-fund --ignore-scripts --loglevel=error "$@" \
  "$package@$version"
