"""The bundled program (PyInstaller, the same spec as the Windows build) passes its self-test.

Slow: builds dist/LCApp with scripts/build_bundle.sh (about a minute). Deselect with -m "not slow".
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the Windows workflow runs the installed program instead")
def test_the_bundled_program_passes_its_self_test(tmp_path):
    subprocess.run(["bash", "scripts/build_bundle.sh"], cwd=ROOT, check=True, timeout=1200,
                   stdout=subprocess.DEVNULL)
    executable = ROOT / "dist" / "LCApp" / "LCApp"
    assert executable.exists()
    # the user's data folder (log, self-test.txt) goes to a temporary home
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([str(executable), "--self-test"], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "Kết quả: đạt"
    from lcapp.selftest import STEPS
    assert sum(line.startswith("[OK]") for line in lines) == len(STEPS)
    log = tmp_path / "data" / "LCApp" / "logs" / "self-test.txt"
    assert log.read_text(encoding="utf-8").splitlines()[-1] == "Kết quả: đạt"
    # resources travel at the same relative path as in the source tree
    assert (ROOT / "dist" / "LCApp" / "_internal" / "resources" / "catalogue.toml").exists()
    assert (ROOT / "dist" / "LCApp" / "_internal" / "resources" / "fonts").is_dir()
