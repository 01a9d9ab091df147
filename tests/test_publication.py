"""The real publication (content/, publication.yml) builds cleanly in every language."""

import pytest

from reading import bundled_characters, bundled_family_names, pdf_fonts, pdf_text
from test_epub import epubcheck


def test_every_document_builds_in_every_language(real_build):
    project, run = real_build
    assert run.status == 0, run.stderr
    for lang in ("fr", "en"):
        sources = sorted(path.stem for path in (project / "content" / "fr").glob("*.md"))
        built = sorted(path.stem for path in (project / "dist" / lang).glob("*.pdf"))
        assert built == sources
        assert (project / "dist" / lang / "algoradiologie-douleur.epub").exists()


def test_no_build_warning(real_build):
    _, run = real_build
    assert "warning" not in run.stderr.lower()


def test_only_bundled_fonts_draw_every_character(real_build):
    project, _ = real_build
    families = bundled_family_names()
    covered = bundled_characters() | {"\n", " "}
    for path in sorted((project / "dist").rglob("*.pdf")):
        for font in pdf_fonts(path):
            assert font["embedded"], (path.name, font)
            assert any(font["name"].replace("-", "").startswith(family) for family in families), \
                (path.name, font)
        assert not set(pdf_text(path)) - covered, path.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_real_ebooks_pass_epubcheck(real_build, lang):
    project, _ = real_build
    report = epubcheck(project / "dist" / lang / "algoradiologie-douleur.epub")
    assert [m["message"] for m in report["messages"]] == []
