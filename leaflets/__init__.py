"""A publishing pipeline: Markdown leaflets in French and their translations into PDF and EPUB.

Its modules, in layers; each uses only the layers below it:

- command line: cli (build.py calls it);
- driver: driver (plan, keys, removals, atomic writes), workers, state (the build's record),
  keys (what decides an output is current);
- kinds of output: outputs/ (one module each: leaflet, book_pdf, epub_book, and the table),
  and the formats they use: render (pages), pdf, imposition, epub, cover, opds;
- translation: project (the validated input and its checks), catalogs, terminology,
  structure, translation, status, new_language, release (the gate before patients);
- text: markup, typography, sanitise, blocks, readability;
- sources: config (the publication), content (documents), inputs, characters, files,
  errors, languages (each language's rules).

Nothing is imported here, so that a quick command stays quick.
"""

__version__ = "0.3.0"
