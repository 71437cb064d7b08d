"""Start LCApp. The desktop window is not built yet; until then this explains the command line."""

import sys

from lcapp.paths import default_database

MESSAGE = f"""LCApp - số liệu và báo cáo kinh tế - xã hội

Giao diện cửa sổ đang được xây dựng. Trong khi chờ, dùng dòng lệnh:

  python -m lcapp init                         tạo tệp dữ liệu (mặc định: {default_database()})
  python -m lcapp demo                         nạp số liệu mẫu từ các báo cáo 2022-2024
  python -m lcapp progress tp_lai_chau 202405  xem tiến độ tháng 5/2024
  python -m lcapp --help                       mọi lệnh

Thêm --db TỆP trước tên lệnh để dùng một tệp dữ liệu khác.
"""

if __name__ == "__main__":
    for stream in (sys.stdout,):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    print(MESSAGE)
