#!/usr/bin/env bash
# Set up a virtual environment with everything LCApp needs and start the program.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
source scripts/qt_libs.sh
exec .venv/bin/python main.py "$@"
