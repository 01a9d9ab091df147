"""What the build's workers need loaded before their first layout, imported once by the
process they are forked from (a forkserver, see workers.Workers.prepare), while the build's
own process reads the project.

WeasyPrint takes half a second to import (cffi parses its C declarations), pypdf a sixth:
once for every worker instead of once in each.
"""

import contextlib

# The workers import the build's main module (build.py) again, and the modules it does.
from . import cli, cover, epub, fonts, imposition, pdf, terminology, workers  # noqa: F401
from .outputs import common  # noqa: F401

# Without Pango the import fails: the error is said when a PDF is made, as without this.
with contextlib.suppress(OSError):
    import weasyprint  # noqa: F401
