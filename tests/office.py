"""LibreOffice for the tests: recalculate or render a workbook headless (skipped where absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
# Writer is a package of its own (libreoffice-writer-nogui); Calc alone cannot open a .docx
WRITER = SOFFICE is not None and any(Path(SOFFICE).resolve().parent.glob("libswlo*"))
needs_writer = pytest.mark.skipif(not WRITER, reason="LibreOffice Writer is not installed")


def convert(path: Path, to: str, outdir: Path, *, module: str = "--calc") -> Path:
    """`soffice --convert-to`, with a private profile so parallel runs do not lock each other.

    Fails when LibreOffice exits with an error or says anything on stderr beyond its
    warning that Java is missing."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / "profile").resolve().as_uri()
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", module, "--convert-to", to,
                           "--outdir", str(outdir), str(path)], check=True, capture_output=True, timeout=240)
    complaints = [line for line in done.stderr.decode(errors="replace").splitlines()
                  if line.strip() and "javaldx" not in line]
    assert complaints == [], f"LibreOffice complained: {complaints}"
    result = outdir / (path.stem + "." + to.split(":")[0])
    assert result.exists(), f"LibreOffice made no {result}"
    return result


def recalculated(path: Path, outdir: Path):
    """The workbook as LibreOffice computes it (values of every formula), read by openpyxl."""
    import openpyxl
    return openpyxl.load_workbook(convert(path, "xlsx", outdir), data_only=True)
