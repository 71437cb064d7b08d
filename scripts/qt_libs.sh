#!/usr/bin/env bash
# Sourced by start.sh and test.sh after .venv exists: Qt (PySide6) needs a few system
# libraries, even offscreen, that a fresh Debian machine may lack; install them when Qt
# cannot start and we may (root with apt-get).
qt_loads() { QT_QPA_PLATFORM=offscreen .venv/bin/python -c \
  "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1; }
if ! qt_loads && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  glib=libglib2.0-0; apt-cache show libglib2.0-0t64 >/dev/null 2>&1 && glib=libglib2.0-0t64
  apt-get install -y -qq libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 \
    libx11-6 libxcb-cursor0 "$glib" fonts-dejavu-core >/dev/null
fi
