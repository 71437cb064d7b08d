"""Start LCApp: `python main.py [--db FILE]` opens the desktop window (see lcapp/ui/app.py)."""

import sys

if __name__ == "__main__":
    from lcapp.ui.app import main

    sys.exit(main())
