#!/usr/bin/env bash
# Set up a virtual environment with everything LCApp needs and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# LibreOffice recalculates and renders the Excel annexes and converts the Word report in the
# tests (they skip without it); poppler's pdftoppm renders pages; Liberation fonts stand in for
# Times New Roman (version 2 has every Vietnamese letter); Xvfb is the X screen on which the
# window must start with Qt's xcb platform, as on a desktop.
if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null || ! command -v xvfb-run >/dev/null \
    || [ ! -e /usr/lib/libreoffice/program/libswlo.so ] || [ ! -d /usr/share/fonts/truetype/liberation2 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-liberation fonts-liberation2 \
      xvfb xauth >/dev/null) \
      || echo "LibreOffice or Xvfb could not be installed; the tests that need them are skipped." >&2
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
source scripts/qt_libs.sh
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/python -m pytest "$@"
