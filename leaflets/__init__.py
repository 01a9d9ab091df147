"""A publishing pipeline: Markdown leaflets in French and their translations into PDF and EPUB.

The stages, one module each: config, content, markup (with typography), catalogs, blocks,
structure, terminology, translation, render, pdf, imposition, epub, make, build; cli is the
command line. Nothing is imported here, so that a quick command stays quick.
"""

__version__ = "0.2.0"
