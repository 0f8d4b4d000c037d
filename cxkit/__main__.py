"""``python -m cxkit report study.toml``: the same as the ``cxkit`` console script."""

import sys

from .report.cli import main

if __name__ == "__main__":
    sys.exit(main())
