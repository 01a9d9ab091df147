#!/usr/bin/env python3
"""Build the leaflets and e-books: `python build.py --help`."""

import sys

from leaflets.cli import main

if __name__ == "__main__":
    sys.exit(main())
