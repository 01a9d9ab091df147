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
