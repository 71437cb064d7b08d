"""Start LCApp: `python main.py [--db FILE]` opens the desktop window (see lcapp/ui/app.py).

`--self-test` checks the installation instead (see lcapp/selftest.py) and exits 0 or 1.
"""

import sys

if __name__ == "__main__":
    if "--self-test" in sys.argv[1:]:
        from lcapp.selftest import main as self_test

        sys.exit(self_test())
    from lcapp.ui.app import main

    sys.exit(main())
