"""Draw the application icon (resources/icons/lcapp.png and lcapp.ico) with Qt.

Run once after changing the design: QT_QPA_PLATFORM=offscreen python scripts/make_icon.py
The .ico holds PNG images of 16, 24, 32, 48, 64 and 256 pixels (Windows Vista and later).
"""

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = [16, 24, 32, 48, 64, 256]


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 256
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#1F4E79"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    # three bars of a report table growing to the right, and the red line of the plan
    p.setBrush(QColor("#FFFFFF"))
    for i, height in enumerate((70, 115, 160)):
        p.drawRect(QRectF((52 + i * 56) * s, (204 - height) * s, 40 * s, height * s))
    pen = QPen(QColor("#E53935"), max(1.0, 14 * s))
    pen.setCapStyle(Qt.RoundCap)
    p.setPen(pen)
    p.drawLine(int(44 * s), int(64 * s), int(212 * s), int(64 * s))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def write_ico(path: Path, images: list[tuple[int, bytes]]) -> None:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    path.write_bytes(header + entries + blobs)


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "lcapp.png"))
    write_ico(OUT / "lcapp.ico", [(size, png_bytes(draw(size))) for size in SIZES])
    print(f"wrote {OUT / 'lcapp.png'} and {OUT / 'lcapp.ico'}")
