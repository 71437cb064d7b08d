#!/usr/bin/env bash
# Sourced by start.sh and test.sh after .venv exists. Qt (PySide6) needs system libraries that a
# fresh Debian machine may lack: a few even offscreen, and more for a real screen (Qt's xcb
# platform plugin links libxcb-icccm4, libxcb-keysyms1 and the rest). Every library `ldd` finds
# missing for Qt's libraries and its xcb plugin is installed, when we may (root with apt-get);
# otherwise the command to run is printed.

qt_dir() { .venv/bin/python -c "import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), 'Qt'))"; }

# The Debian package that holds a shared library (the names Debian gives them; others by its rule).
qt_package_of() {
  case "$1" in
    libX11-xcb.so.*) echo libx11-xcb1 ;;
    libX11.so.*) echo libx11-6 ;;
    libxkbcommon-x11.so.*) echo libxkbcommon-x11-0 ;;
    libxkbcommon.so.*) echo libxkbcommon0 ;;
    libEGL.so.*) echo libegl1 ;;
    libGL.so.*) echo libgl1 ;;
    libOpenGL.so.*) echo libopengl0 ;;
    libGLX.so.*) echo libglx0 ;;
    libfontconfig.so.*) echo libfontconfig1 ;;
    libfreetype.so.*) echo libfreetype6 ;;
    libdbus-1.so.*) echo libdbus-1-3 ;;
    libSM.so.*) echo libsm6 ;;
    libICE.so.*) echo libice6 ;;
    libglib-2.0.so.*|libgthread-2.0.so.*|libgobject-2.0.so.*|libgio-2.0.so.*)
      if apt-cache show libglib2.0-0t64 >/dev/null 2>&1; then echo libglib2.0-0t64; else echo libglib2.0-0; fi ;;
    libxcb.so.*) echo libxcb1 ;;
    libxcb-*.so.*)  # libxcb-render-util.so.0 -> libxcb-render-util0
      local base=${1%%.so.*} number=${1##*.so.}; echo "${base}${number%%.*}" ;;
    *) local base=${1%%.so.*} number=${1##*.so.}; echo "$(echo "$base" | tr '[:upper:]' '[:lower:]')${number%%.*}" ;;
  esac
}

# Packages for every library that Qt's own libraries and its xcb plugin cannot find.
qt_missing_packages() {
  local dir; dir=$(qt_dir) || return 0
  ldd "$dir"/lib/libQt6*.so.6 "$dir"/plugins/platforms/libqxcb.so "$dir"/plugins/platforms/libqoffscreen.so \
      2>/dev/null | awk '/=> not found/ {print $1}' | sort -u | while read -r library; do
    qt_package_of "$library"
  done | sort -u
}

# The tests source the functions alone.
[ "${QT_LIBS_FUNCTIONS_ONLY:-}" = 1 ] && return 0

qt_loads() { QT_QPA_PLATFORM=offscreen .venv/bin/python -c \
  "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1; }

missing=$(qt_missing_packages | tr '\n' ' ')
if ! qt_loads; then  # what Qt needs offscreen whatever ldd says (fonts, the GL stub libraries)
  missing="$missing libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libx11-6 fonts-dejavu-core"
fi
if [ -n "${missing// /}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Cài các thư viện hệ thống Qt cần: $missing" >&2
    apt-get update -qq
    # shellcheck disable=SC2086 - one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Qt thiếu thư viện hệ thống; hãy chạy: sudo apt-get install $missing" >&2
  fi
fi
