"""Per-language typography, set by the pipeline on plain keyboard text."""

import pytest

from leaflets.typography import apply, typography_for

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize("typed, typeset", [
    ("Que faire ?", f"Que faire{NNBSP}?"),
    ("Attention !", f"Attention{NNBSP}!"),
    ("deux choses ; puis", f"deux choses{NNBSP}; puis"),
    ("Avant : rien", f"Avant{NBSP}: rien"),
    ('une "sorte" de', f"une «{NNBSP}sorte{NNBSP}» de"),
    ("l'infiltration", "l\u2019infiltration"),
    ("vers -70 °C", f"vers \u221270{NBSP}°C"),
    ("dans 30 % des cas", f"dans 30{NBSP}% des cas"),
    ("à 14:30 et https://exemple.org", "à 14:30 et https://exemple.org"),
    ("Et alors?", f"Et alors{NNBSP}?"),
])
def test_french(typed, typeset):
    assert apply(typed, typography_for("fr")) == typeset


@pytest.mark.parametrize("typed, typeset", [
    ('a "kind" of', "a \u201ckind\u201d of"),
    ("don't", "don\u2019t"),
    ("Why?", "Why?"),
    ("at -70 °C", f"at \u221270{NBSP}°C"),
])
def test_english(typed, typeset):
    assert apply(typed, typography_for("en")) == typeset


def test_a_regional_code_takes_its_languages_rules():
    assert typography_for("fr-CA") == typography_for("fr")


def held(html, lang="fr"):
    """The body of `html` with its breaks held, as markup."""
    from leaflets.breaks import hold_breaks

    page = hold_breaks(f"<!DOCTYPE html><html lang='{lang}'><head><title>t</title></head>"
                       f"<body>{html}</body></html>", lang)
    return page.split("<body>", 1)[1].split("</body>", 1)[0]


NOBREAK = '<span class="nobreak">'
NB_HYPHEN = "\u2011"


@pytest.mark.parametrize("source, expected", [
    # A compound's hyphens do not break; a paragraph's last word is held whole, with the
    # word before it and its punctuation.
    ("<p>Posez-lui vos questions.</p>",
     f"<p>Posez{NB_HYPHEN}lui vos{NOBREAK} questions.</span></p>"),
    ("<p>un disque, c\u2019est-\u00e0-dire</p>",
     f"<p>un disque,{NOBREAK} c\u2019est{NB_HYPHEN}\u00e0{NB_HYPHEN}dire</span></p>"),
    # French space before "?" stays with the word.
    (f"<p>Que faire{NNBSP}?</p>", f"<p>Que{NOBREAK} faire{NNBSP}?</span></p>"),
    # The last word inside an inline element; the full stop after it cannot end a line.
    ("<p>Lisez <strong>attentivement</strong>.</p>",
     f"<p>Lisez<strong>{NOBREAK} attentivement</span></strong>.</p>"),
    # An emphasis takes the space before it (WeasyPrint 70 breaks lines badly otherwise).
    ("<p>Lisez <em>ceci</em> puis cela</p>",
     f"<p>Lisez<em> ceci</em> puis{NOBREAK} cela</span></p>"),
    # An item's own last word, then its nested list's.
    ("<ul><li>avant la liste<ul><li>dedans</li></ul></li></ul>",
     f'<ul class="whole"><li>avant la{NOBREAK} liste</span><ul class="whole"><li>'
     f"{NOBREAK}dedans</span></li></ul></li></ul>"),
    # Code is left as it is; attributes are never touched.
    ("<p>run <code>make-all</code></p>", f"<p>{NOBREAK}run</span> <code>make-all</code></p>"),
    ('<p><img alt="anti-douleur" src="x.png"> fin</p>',
     f'<p><img alt="anti-douleur" src="x.png">{NOBREAK} fin</span></p>'),
])
def test_held_breaks(source, expected):
    assert held(source) == expected


def test_a_word_of_the_languages_exceptions_breaks_only_where_marked():
    body = held("<p>Osteoarthritis is common. Not osteoarthritic. Osteoarthritis x</p>"
                "<h2>Osteoarthritis</h2><p><strong>osteoarthritis</strong> y</p>", lang="en")
    assert body.startswith("<p>Osteo\u00adarthritis is common. Not osteoarthritic.")
    # Never in a heading (also the PDF's bookmarks) nor where nothing is hyphenated.
    assert "<h2>Osteoarthritis</h2>" in body and "<strong>osteoarthritis</strong>" in body
    assert body.count(NOBREAK) == 2  # last words held where lines hyphenate only
    # In French, the English entry is no exception.
    assert "\u00ad" not in held("<p>osteoarthritis x</p>", lang="fr")


def test_short_lists_and_tables_stay_whole_with_the_paragraph_that_announces_them():
    rows = "".join(f"<tr><td>{n}</td></tr>" for n in range(3))
    body = held(f"<p>Trois choses :</p><ul><li>a</li><li>b</li><li>c</li></ul>"
                f"<table>{rows}</table><table>{rows}<tr><td>4</td></tr></table>"
                f"<p>Quatre :</p><ol>{'<li>x</li>' * 4}</ol>")
    assert '<p class="lead-in">Trois' in body and '<ul class="whole">' in body
    assert body.count('<table class="whole">') == 1 and "<table><tr>" in body
    assert '<p class="lead-in">Quatre' in body and "<ol>" in body


@pytest.mark.parametrize("typed, typeset", [
    ("ما العلاج?", "ما العلاج\u061f"),
    ("الركبة, الكتف; الورك", "الركبة\u060c الكتف\u061b الورك"),
    ('يسمى "التسلل"', "يسمى «التسلل»"),
    # One choice of digits, whatever was typed: CLDR's Western digits for Arabic.
    ("في ٢٠٢٦ و۱۵ دقيقة", "في 2026 و15 دقيقة"),
    # Numbers and addresses keep their own punctuation.
    ("1,5 مم https://exemple.org/?q=1", "1,5 مم https://exemple.org/?q=1"),
])
def test_arabic(typed, typeset):
    assert apply(typed, typography_for("ar")) == typeset


def test_a_name_in_its_own_direction_keeps_the_space_before_it_outside():
    # Moved into a right-to-left span, the space would be drawn on its far side: the
    # colophon read "Français,العربية".
    from leaflets.breaks import hold_breaks

    html = ('<html lang="en"><body><p>Also available in: <span lang="fr" dir="ltr">'
            'Français</span>, <span lang="ar" dir="rtl">العربية</span></p></body></html>')
    held = hold_breaks(html, "en")
    assert '</span>, <span lang="ar" dir="rtl">' in held
    assert 'in: <span lang="fr" dir="ltr">' in held
