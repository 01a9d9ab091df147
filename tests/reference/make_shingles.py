"""Write article-shingles.txt: a hash of every run of six words of the reference article (its
cited title left out), so that the tests can tell whether a leaflet copies the article
without the article's text being in the repository.

Run from the project folder, with the article beside the project:
    .venv/bin/python tests/reference/make_shingles.py \
        ../shared/reference/article-algoradiologie-fr.txt
"""

import hashlib
import re
import sys
from pathlib import Path

TITLE = ("Hernies discales, endométriose, cancers… Mieux traiter les douleurs grâce à la "
         "radiologie")
RUN = 6


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", text.replace("’", "'").casefold())


def shingles(text: str) -> set[str]:
    """The hashes of the runs of RUN words of `text`, its cited title left out."""
    found = words(text.replace(TITLE, " "))
    return {hashlib.sha256(" ".join(found[i:i + RUN]).encode()).hexdigest()[:16]
            for i in range(len(found) - RUN + 1)}


if __name__ == "__main__":
    article = Path(sys.argv[1]).read_text(encoding="utf-8")
    body = article.split("-" * 20)[-1]  # the article itself, after the note that heads it
    output = Path(__file__).with_name("article-shingles.txt")
    output.write_text("".join(f"{digest}\n" for digest in sorted(shingles(body))))
    print(f"{output}: {len(shingles(body))} runs of {RUN} words")
