"""The README's start command works on a fresh Debian machine: every library Qt's xcb platform needs
for a real screen is found (scripts/qt_libs.sh installs what `ldd` reports missing), and the
window starts on an X screen (Xvfb), not only offscreen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bash(script: str) -> str:
    result = subprocess.run(["bash", "-c", f"source scripts/qt_libs.sh; {script}"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=dict(os.environ, QT_LIBS_FUNCTIONS_ONLY="1"))
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("library, package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"), ("libxcb-image.so.0", "libxcb-image0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"), ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb.so.1", "libxcb1"), ("libEGL.so.1", "libegl1"), ("libfontconfig.so.1", "libfontconfig1"),
])
def test_each_missing_library_maps_to_its_debian_package(library, package):
    assert _bash(f"qt_package_of {library}").strip() == package


def test_no_library_of_qt_or_its_xcb_plugin_is_missing():
    """What test.sh / start.sh leave behind: `ldd` finds every library (else the list names them)."""
    if not (ROOT / ".venv").exists():
        pytest.skip("no .venv (scripts/test.sh makes one)")
    assert _bash("qt_missing_packages").split() == []


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is not installed")
def test_the_window_starts_on_an_x_screen(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT), LCAPP_EXIT_WHEN_SHOWN="1",
               HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    db = tmp_path / "lcapp.sqlite"
    made = subprocess.run([sys.executable, "-m", "lcapp", "--db", str(db), "init"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    started = subprocess.run(["xvfb-run", "-a", sys.executable, str(ROOT / "main.py"), "--db", str(db)], env=env,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert "ready" in started.stdout
    assert "Could not load the Qt platform plugin" not in started.stderr
