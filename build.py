#!/usr/bin/env python3
"""Build the leaflets and e-books: `python build.py --help`."""

import gc
import sys

from leaflets.cli import main

if __name__ == "__main__":
    status = main()
    # What the process holds is left as it is: on the way out, Python would otherwise go
    # through all of it looking for reference cycles (0.2 s after a clean build, measured).
    gc.freeze()
    sys.exit(status)
