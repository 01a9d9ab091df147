"""The release gate, review dates and the department's details, on a copy of the 'minimal'
fixture: what makes a publication unfit to hand to patients is listed, and a release build
gives patients nothing else."""

import datetime
import json
import re

import pytest
from conftest import edit, flat, make_project, outputs, run_cli
from reading import Epub, pdf_pages_text

# A reviewer other than the translator marks a translation reviewed.
REVIEWED = ("accept", "--reviewed", "--reviewer", "Dr Claire Petit")


@pytest.fixture
def project(tmp_path):
    return make_project("minimal", tmp_path / "project")


def set_real_details(project):
    """What a department does before its first release: its own address and details."""
    publication = project / "publication.yml"
    edit(publication, "https://leaflets.example.org/fixture/",
         "https://patients.hopital-vannes.fr/douleur/")
    edit(publication, "  sample: true\n", "")
    edit(publication, 'phone: "00 00 00 00 00"', 'phone: "02 97 01 23 45"')
    edit(publication, "informations-patients@example.org", "patients@hopital-vannes.fr")


def test_check_release_lists_every_reason_with_its_line_and_fails(project):
    run = run_cli(project, "check", "--release")
    assert run.status == 1
    lines = run.stdout.splitlines()
    assert lines[:-2] == [
        "publication.yml:8: error: online_url: 'https://leaflets.example.org/fixture/' is a "
        "placeholder: set the address where the leaflets are offered (every QR code and "
        "printed address leads there)",
        "publication.yml:37: error: department: these are sample values (sample: true): enter "
        "the department's own details, then remove `sample: true`",
        "publication.yml:39: error: department.phone: '00 00 00 00 00' is not a real number",
        "publication.yml:48: error: department.feedback: 'informations-patients@example.org' is "
        "a placeholder address",
        "content/en/seconde.md:5: error: review: draft: a reviewer (not its translator) checks "
        "the translation, then runs `build.py accept --reviewed --reviewer NAME en/seconde`",
    ]
    assert lines[-2:] == ["5 error(s), 0 warning(s)",
                          "not fit to hand to patients: `build.py --release` builds only what "
                          "passes"]


def test_check_release_passes_once_the_address_details_and_review_are_set(project):
    set_real_details(project)
    run = run_cli(project, *REVIEWED, "en/seconde")
    assert run.status == 0, run.stdout
    run = run_cli(project, "check", "--release")
    assert run.stdout.splitlines() == ["0 error(s), 0 warning(s)", "fit to hand to patients"]
    assert run.status == 0
    # And the plain build no longer says the details are placeholders.
    build = run_cli(project, "--format", "pdf", "--profile", "screen")
    assert build.status == 0 and "placeholder" not in build.stderr
    last_page = flat(pdf_pages_text(project / "dist" / "en" / "premiere.pdf")[-1])
    assert "Phone: 02 97 01 23 45" in last_page and "Sample" not in last_page
    assert "https://patients.hopital-vannes.fr/douleur/en/premiere.html" in \
        last_page.replace("/ ", "/")


def test_check_release_counts_the_pages_of_leaflets_over_their_budget(project):
    set_real_details(project)
    assert run_cli(project, *REVIEWED, "en/seconde").status == 0
    edit(project / "content" / "en" / "premiere.md", "pages: 4", "pages: 2")
    run = run_cli(project, "check", "--release")
    assert run.status == 1
    assert run.stdout.splitlines()[0] == (
        "content/en/premiere.md:6: error: dist/en/premiere.pdf has 3 A5 pages, over its budget "
        "of 2")


def test_check_release_lists_untranslated_catalog_entries_by_line(project):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgstr "Updated on %(date)s"', 'msgstr ""')
    run = run_cli(project, "check", "--release")
    assert ("locales/en/LC_MESSAGES/messages.po:109: error: 'Mis à jour le %(date)s' is not "
            "translated") in run.stdout.splitlines()


def test_release_build_gives_patients_only_what_passes_and_removes_the_rest(project):
    assert run_cli(project).status == 0  # a plain build, drafts and sample details included
    set_real_details(project)
    run = run_cli(project, "--release")
    assert run.status == 1
    # The English draft and the English books that hold it fail the gate, and leave dist/.
    assert ("failed dist/en/seconde.pdf: content/en/seconde.md:5: --release: review: draft: a "
            "reviewer (not its translator) checks the translation") in run.stderr
    removed = sorted(line.split(":")[0].removeprefix("removed dist/")
                     for line in run.stderr.splitlines() if line.startswith("removed "))
    assert removed == sorted([f"en/seconde{profile}.pdf" for profile in
                              ("", ".print", ".booklet", ".large")] +
                             ["en/fixture-book.epub", "en/fixture-book.pdf"])
    assert outputs(project) == sorted(
        [f"{lang}/premiere{profile}.pdf" for lang in ("en", "fr")
         for profile in ("", ".print", ".booklet", ".large")] +
        [f"fr/seconde{profile}.pdf" for profile in ("", ".print", ".booklet", ".large")] +
        ["fr/fixture-book.epub", "fr/fixture-book.pdf"])
    # Once reviewed, the same release builds everything.
    assert run_cli(project, *REVIEWED, "en/seconde").status == 0
    run = run_cli(project, "--release")
    assert run.status == 0, run.stderr
    assert len(outputs(project)) == 20


def test_release_with_placeholders_builds_nothing_and_empties_dist(project):
    assert run_cli(project).status == 0
    run = run_cli(project, "--release", "--format", "epub")
    assert run.status == 1
    assert "failed dist/fr/fixture-book.epub: publication.yml:8: --release: online_url:" \
        in run.stderr
    assert [name for name in outputs(project) if name.endswith(".epub")] == []
    assert "fr/premiere.pdf" in outputs(project)  # not asked for in this run: it stays


def test_reviews_due_soon_are_listed_overdue_ones_warned_and_refused(project):
    soon = run_cli(project, "status", today=datetime.date(2099, 11, 1))
    assert soon.stdout.splitlines()[-3:] == [
        "reviews due within 30 days, or overdue:",
        "  content/fr/premiere.md:7: review due on 2099-11-20 (in 19 days)",
        "  content/fr/seconde.md:7: review due on 2099-11-20 (in 19 days)"]
    data = json.loads(run_cli(project, "status", "--json",
                              today=datetime.date(2099, 11, 1)).stdout)
    assert data["reviews_due"][0] == {"document": "premiere", "file": "content/fr/premiere.md",
                                      "review_due": "2099-11-20", "days_left": 19}
    assert "reviews due" not in run_cli(project, "status").stdout

    late = datetime.date(2099, 12, 1)
    check = run_cli(project, "check", today=late)
    assert ("content/fr/premiere.md:7: warning: review overdue since 2099-11-20: have the "
            "content reviewed, then set last_review and the next review_due"
            ) in check.stdout.splitlines()
    assert check.status == 0 and run_cli(project, "check", "--strict", today=late).status == 1
    release = run_cli(project, "check", "--release", today=late)
    assert ("content/fr/premiere.md:7: error: review overdue since 2099-11-20: have the "
            "content reviewed, then set last_review and the next review_due"
            ) in release.stdout.splitlines()


def test_a_french_change_after_its_last_review_fails_the_release(project):
    edit(project / "content" / "fr" / "seconde.md", "updated: 2026-11-20", "updated: 2026-11-28")
    run = run_cli(project, "check", "--release")
    assert ("content/fr/seconde.md:6: error: updated on 2026-11-28, after its last review "
            "(2026-11-20): have the changes reviewed, then set last_review"
            ) in run.stdout.splitlines()


def test_review_dates_are_required_and_in_order(project):
    french = project / "content" / "fr" / "seconde.md"
    edit(french, "review_due: 2099-11-20", "review_due: 2026-01-01")
    run = run_cli(project, "check")
    assert run.status == 2
    assert ("content/fr/seconde.md:7: review_due: 2026-01-01 is not after last_review "
            "(2026-11-20)") in run.stderr
    edit(french, "review_due: 2026-01-01\n", "")
    assert "content/fr/seconde.md:1: front matter: missing 'review_due'" in \
        run_cli(project, "check").stderr


def test_the_department_box_is_on_every_leaflets_last_page_and_in_every_chapter(project):
    run = run_cli(project)
    assert run.status == 0, run.stderr
    dist = project / "dist"
    for lang, words in (("fr", ["Service de radiologie interventionnelle",
                                "Téléphone\u00a0: 00\u00a000\u00a000\u00a000\u00a000",
                                "Du lundi au vendredi, de 9\u00a0h à 17\u00a0h.",
                                "À signaler à l’équipe avant le soin\u00a0:",
                                "Un traitement qui fluidifie le sang.",
                                "À surveiller après le soin\u00a0:", "Une fièvre.",
                                "informations-patients@example.org"]),
                        ("en", ["Interventional Radiology Department",
                                "Phone: 00\u00a000\u00a000\u00a000\u00a000",
                                "Monday to Friday, 9 am to 5 pm.",
                                "Outside these hours, in an emergency: call 15.",
                                "Tell the team before the procedure about:",
                                "A medicine that thins the blood.",
                                "Watch for after the procedure:", "A fever.",
                                "Your comments on this leaflet"])):
        for name in ("premiere", "seconde"):
            for profile in ("", ".print", ".large"):
                pages = pdf_pages_text(dist / lang / f"{name}{profile}.pdf")
                last = re.sub(r"[ \n]+", " ", pages[-1])
                for word in words:
                    assert word in last, (lang, name, profile, word)
                assert not any(words[0] in page for page in pages[:-1]), (name, profile)
        book = Epub(dist / lang / "fixture-book.epub")
        for href in ("fr/premiere.xhtml", "fr/seconde.xhtml") if lang == "fr" else \
                ("en/premiere.xhtml", "en/seconde.xhtml"):
            chapter = book.text(href)
            for word in words:
                assert word.replace("\u00a0", " ").replace("’", "'") in \
                    chapter.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'"), \
                    (href, word)
    # The booklet is imposed from the screen pages: its last page holds the box too.
    booklet = " ".join(pdf_pages_text(dist / "en" / "premiere.booklet.pdf"))
    assert "Interventional Radiology Department" in booklet
    # Sample values say so on every leaflet.
    assert "Sample: these details must be replaced with the department’s own." in " ".join(
        pdf_pages_text(dist / "en" / "seconde.pdf")[-1].split())


def test_an_ebook_of_drafts_says_so_on_its_cover_and_atop_each_draft_chapter(project):
    run = run_cli(project, "--format", "epub")
    assert run.status == 0, run.stderr
    book = Epub(project / "dist" / "en" / "fixture-book.epub")
    cover = book.xhtml("cover.xhtml")
    notice = cover.find(".//{http://www.w3.org/1999/xhtml}section[@class='draft-notice']")
    assert notice is not None and notice.get("role") == "note"
    assert flat("".join(notice.itertext())) == (
        "This book contains translations that have not been checked yet, or that are out of "
        "date: Second test leaflet — This translation has not been checked yet")
    image = cover.find(".//{http://www.w3.org/1999/xhtml}img")
    assert image.get("alt").endswith("– This translation has not been checked yet")
    chapter = book.xhtml("en/seconde.xhtml")
    section = chapter.find(".//{http://www.w3.org/1999/xhtml}section")
    first = list(section)[:2]
    assert first[1].get("class") == "draft-notice"
    assert flat("".join(first[1].itertext())) == (
        "This translation has not been checked by a reviewer yet. If anything is unclear, ask "
        "the team caring for you.")
    assert "draft-notice" not in book.read("en/premiere.xhtml").decode()
    french = Epub(project / "dist" / "fr" / "fixture-book.epub")
    assert "draft-notice" not in french.read("cover.xhtml").decode()


@pytest.mark.parametrize("address, placeholder", [
    ("https://leaflets.example.org/algoradiologie/", True),
    ("https://www.example.com/", True), ("http://example.net", True),
    ("https://localhost:8000/", True), ("http://127.0.0.1/", True),
    ("https://leaflets.hospital.test/", True), ("https://a.invalid/", True),
    ("https://site.example/", True), ("patients@example.org", True),
    ("https://patients.hopital-vannes.fr/douleur/", False),
    ("https://example.org.hopital.fr/", False), ("patients@hopital-vannes.fr", False),
])
def test_addresses_reserved_for_examples_are_placeholders(address, placeholder):
    from leaflets.release import is_placeholder_address

    assert is_placeholder_address(address) is placeholder


def test_the_book_title_page_lists_its_draft_chapters(project):
    assert run_cli(project, "--format", "pdf", "--profile", "book").status == 0
    title_page = flat(pdf_pages_text(project / "dist" / "en" / "fixture-book.pdf")[0])
    assert ("This book contains translations that have not been checked yet, or that are out "
            "of date: Second test leaflet — This translation has not been checked yet"
            ) in title_page
    assert "First test leaflet —" not in title_page


def test_strict_and_release_builds_judge_reviews_on_the_day_they_run(project):
    assert run_cli(project, *REVIEWED, "en/seconde").status == 0
    assert run_cli(project, "--strict").status == 0
    # Nothing changed but the day: the review fell due, and --strict refuses.
    late = run_cli(project, "--strict", today=datetime.date(2100, 1, 1))
    assert late.status == 1
    assert "nothing was built" in late.stdout


def test_a_web_address_for_comments_makes_well_formed_ebook_pages(project):
    edit(project / "publication.yml", "feedback: informations-patients@example.org",
         "feedback: https://www.hopital-vannes.fr/radiologie/avis-patients")
    run = run_cli(project, "--format", "epub")
    assert run.status == 0, run.stderr
    book = Epub(project / "dist" / "en" / "fixture-book.epub")
    page = book.xhtml("en/premiere.xhtml")  # parses as XML
    links = [link.get("href") for link in page.iter("{http://www.w3.org/1999/xhtml}a")]
    assert "https://www.hopital-vannes.fr/radiologie/avis-patients" in links


def test_a_percent_sign_in_the_departments_texts_prints_as_it_is(project):
    edit(project / "publication.yml", "hours: Du lundi au vendredi, de 9 h à 17 h.",
         "hours: Réponse dans 100 % des cas, du lundi au vendredi.")
    run = run_cli(project, "--lang", "fr", "--format", "pdf", "--profile", "screen")
    assert run.status == 0, run.stderr
    assert "Réponse dans 100\u00a0% des cas" in pdf_pages_text(
        project / "dist" / "fr" / "seconde.pdf")[-1]


def test_a_changed_department_text_is_not_translated_yet_so_its_language_waits(project):
    assert run_cli(project).status == 0
    edit(project / "publication.yml", "name: Service de radiologie interventionnelle",
         "name: Service d'imagerie du CHU")
    run = run_cli(project)
    assert run.status == 0, run.stderr  # the other languages are built
    assert re.search(r"^en: 2 of 2 documents translated; interface labels \d+ % translated "
                     r"\(1 to translate in locales/en/LC_MESSAGES/messages.po\): not built$",
                     run.stderr, re.MULTILINE)
    assert not (project / "dist" / "en").exists()  # never French under an English title
    strict = run_cli(project, "--strict")
    assert strict.status == 1
    assert "1 interface text(s) not translated yet (such as 'Service d'imagerie du CHU')" \
        in strict.stderr
    release = run_cli(project, "check", "--release").stdout
    assert "locales/en/LC_MESSAGES/messages.po:1: error: 'Service d'imagerie du CHU' is " \
        "missing: `build.py catalogs` adds it" in release.splitlines()


def test_a_release_of_one_language_still_answers_for_its_french(project):
    set_real_details(project)
    assert run_cli(project, *REVIEWED, "en/seconde").status == 0
    edit(project / "content" / "fr" / "seconde.md", "il vous connaît.",
         "il vous connaît.\n\n<iframe src=\"https://example.net/\"></iframe>")
    edit(project / "content" / "fr" / "seconde.md", 'version: "1.0"', 'version: "1.1"')
    assert run_cli(project, *REVIEWED, "en/seconde").status == 0
    run = run_cli(project, "--release", "--lang", "en")
    assert run.status == 1
    assert "failed dist/en/seconde.pdf: content/fr/seconde.md:" in run.stderr
    assert not (project / "dist" / "en" / "seconde.pdf").exists()
    assert (project / "dist" / "en" / "premiere.pdf").exists()
