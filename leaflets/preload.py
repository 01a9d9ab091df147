"""What the build's workers need loaded before their first layout, imported once by the
process they are forked from (a forkserver, see workers.Workers.prepare), while the build's
own process reads the project.

WeasyPrint takes about 0.4 s to import (cffi parses its C declarations), pypdf a sixth:
once for every worker instead of once in each.

A Dask worker started with `--preload leaflets.preload` imports it too (see cluster.py), and
runs its `dask_setup`.
"""

import contextlib
from typing import Any

# The workers import the build's main module (build.py) again, and the modules it does.
from . import cli, cover, epub, fonts, imposition, pdf, terminology, workers  # noqa: F401
from .outputs import common  # noqa: F401

# Without Pango the import fails: the error is said when a PDF is made, as without this.
with contextlib.suppress(OSError):
    pdf.load_weasyprint()


def dask_setup(worker: Any) -> None:
    """Run by a Dask worker started with `--preload leaflets.preload` (see cluster.py)
    before it starts: its statistical profiler stays off. Every 10 ms of a task it walks
    the stack of the thread running it, and a layout's stack is deep: on a cluster of two
    local workers, 50 documents took about 12 % longer with it (10 paired runs)."""
    for name in ("profile", "profile-cycle"):
        worker.periodic_callbacks.pop(name, None)
