"""A publishing pipeline: Markdown leaflets in French and their translations into PDF and EPUB.

The stages, one module each: config, content, markup (with typography), catalogs, render,
pdf, epub, build; cli is the command line.
"""

from .build import BuildOptions, build
from .cli import main

__all__ = ["BuildOptions", "build", "main"]
__version__ = "0.1.0"
