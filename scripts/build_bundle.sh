#!/usr/bin/env bash
# Build the one-folder bundle with the same spec as the Windows build (dist/LCApp/LCApp).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e . pyinstaller
.venv/bin/pyinstaller pyinstaller.spec --noconfirm --log-level WARN
du -sh dist/LCApp
