#!/usr/bin/env bash
# Set up everything exporter needs on a Debian machine: system packages when missing
# (as root, or through sudo), then a virtual environment in .venv with the package
# and its test tools. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint's Pango and HarfBuzz (with subsetting), LibreOffice for the DOCX tests,
# Java for epubcheck, poppler for proofs, Chromium for Ace (the EPUB accessibility
# checker, which wants Node 20+ and npm), the venv module, and Noto Serif/Sans CJK
# for the Chinese, Japanese and Korean editions (layouts/apb/fonts.yaml names them);
# Ghostscript's ICC profiles for the printer's PDF/X output intent (layouts/apb/print.yaml).
# Playwright (the web app's browser test) drives this Chromium; it downloads no browser.
# The outputs' real readers: OmegaT, the translators' CAT tool (its console modes);
# calibre, the Kindle route (AZW3 and back); MuPDF and Ghostscript, other PDF readers.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
          libreoffice-writer-nogui poppler-utils chromium python3-venv fonts-noto-cjk
          libgs-common omegat calibre mupdf-tools ghostscript)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
# python3-venv is not needed where the interpreter already has a working venv module.
if python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# Ace by DAISY, the EPUB accessibility checker the tests run (scripts/ace.sh), in .ace/.
bash scripts/ace.sh install
# Readium CSS, the stylesheets reading systems lay over an EPUB's, in .readium/.
bash scripts/install-npm-package.sh .readium @readium/css 2.0.0-beta.24
# pdf.js, the PDF reader of browsers and many web viewers, in .pdfjs/; its optional
# canvas package (drawing pages in node, native code) is not needed to read text and links.
bash scripts/install-npm-package.sh .pdfjs pdfjs-dist 4.10.38 --omit=optional

echo "setup: ready (.venv)"
