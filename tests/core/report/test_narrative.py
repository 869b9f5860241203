"""Live figures in the narrative: syntax, filters, errors, sanitising."""

from __future__ import annotations

import pytest

from kipu.core.phrasing import NBSP
from kipu.core.report.narrative import (
    FigureCatalogue,
    Narrative,
    NarrativeError,
    check,
    markdown_to_html,
    parse_expression,
)


@pytest.fixture
def catalogue() -> FigureCatalogue:
    partners = {"Protection": 25, "Direct Emergency Assistance": 30, None: 37}
    reached = {("Protection (GBV)", "2019-11"): 5012, ("Registration", "2019-11"): 1532}
    cat = FigureCatalogue()
    cat.register(
        "partners", lambda area=None: partners[area], "partners reporting", parameters=["area"]
    )
    cat.register(
        "reached",
        lambda sector, month="2019-11": reached[(sector, month)],
        "people reached",
        parameters=["sector", "month"],
    )
    cat.register("share", lambda: 0.625, "a ratio")
    cat.register("nothing", lambda: None, "a figure without data")
    return cat


def render(text: str, catalogue: FigureCatalogue, lang: str = "en") -> str:
    return Narrative(catalogue, lang).substitute(text)


def test_the_examples_of_the_brief(catalogue):
    text = '{{ partners(area="Protection") | words | capfirst }} partners'
    assert render(text, catalogue) == "Twenty-five partners"
    text = '{{ reached(sector="Protection (GBV)", month="2019-11") | over }}'
    assert render(text, catalogue) == "over 5,000"


@pytest.mark.parametrize(
    ("expression", "en", "es"),
    [
        ("partners", "37", "37"),
        ("partners | words", "thirty-seven", "treinta y siete"),
        ('reached(sector="Registration") | number', "1,532", "1532"),
        ('reached(sector="Protection (GBV)") | number', "5,012", "5012"),
        ('reached(sector="Registration") | above', "Above 1,500", "Más de 1500"),
        ('reached(sector="Registration") | some', "Some 1,500", "Unos 1500"),
        ('reached(sector="Registration") | some(gender="f")', "Some 1,500", "Unas 1500"),
        ('reached(sector="Registration") | some | lowerfirst', "some 1,500", "unos 1500"),
        ('reached(sector="Registration") | more_than', "more than 1,500", "más de 1500"),
        ("partners | more_than | capfirst", "More than 30", "Más de 30"),
        ("share | percent", "63%", f"63{NBSP}%"),
        ("share | percent(decimals=1)", "62.5%", f"62,5{NBSP}%"),
        ('partners(area="Protection") | words(gender="f")', "twenty-five", "veinticinco"),
    ],
)
def test_filters_in_both_languages(catalogue, expression, en, es):
    assert render("{{ " + expression + " }}", catalogue, "en") == en
    assert render("{{" + expression + "}}", catalogue, "es") == es


def test_spanish_thousands_use_a_non_breaking_space(catalogue):
    catalogue.register("living", lambda: 862_377)
    assert render("{{ living | above }}", catalogue, "es") == f"Más de 862{NBSP}000"
    assert render("{{ living | words }}", catalogue, "es") == f"862{NBSP}377"


def test_the_catalogue_records_every_value_returned(catalogue):
    narrative = Narrative(catalogue, "en")
    narrative.substitute('{{ partners(area="Protection") | words }} and {{ partners }}')
    assert catalogue.returned == {"partners(area='Protection')": 25, "partners()": 37}
    assert narrative.shown["partners(area='Protection')"] == {"value": 25, "text": ["twenty-five"]}


def test_unknown_figure_lists_the_valid_ones(catalogue):
    with pytest.raises(NarrativeError) as error:
        render("{{ partner(area='Protection') }}", catalogue)
    message = str(error.value)
    assert "unknown figure 'partner'" in message
    assert "partners(area=…)" in message and "reached(sector=…, month=…)" in message
    assert "people reached" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ partners(sector='x') }}", "takes no argument sector"),
        ("{{ partners('Protection', 'Lima') }}", "name=value"),
        ("{{ partners(area=__import__('os')) }}", "literal"),
        ("{{ partners(area=x) }}", "literal"),
        ("{{ partners | shout }}", "unknown filter 'shout'"),
        ("{{ partners | words(colour='red') }}", "takes no colour"),
        ("{{ partners | capfirst | words }}", "needs a number"),
        ("{{ partners.__class__ }}", "expected a figure name"),
        ("{{ partners + 1 }}", "expected a figure name"),
        ("{{ partners( }}", "not a figure reference"),
        ("{{ partners(area='Nowhere') }}", "failed"),
        ("{{ nothing }}", "gave no number"),
        ("{{ partners | some(gender='x') }}", "some"),
        ("{{ partners }} }}", "unbalanced"),
        ("{{ " + "partners | " * 60 + "number }}", "too long"),
        # A count as a share: 108,741 people read 10,874,100%.
        ("{{ partners | percent }}", "percent phrases a share"),
    ],
)
def test_bad_references_are_errors_never_holes(catalogue, text, expected):
    with pytest.raises(NarrativeError) as error:
        render(text, catalogue)
    assert expected in str(error.value)


def test_check_reports_every_problem(catalogue):
    problems = check("{{ partners }} {{ nope }} {{ partners | bad }}", catalogue)
    assert len(problems) == 2
    assert "nope" in problems[0] and "bad" in problems[1]


def test_parse_expression_shape():
    expression = parse_expression(' reached(sector="A (b)", month="2019-11") | over|capfirst ')
    assert expression.name == "reached"
    assert expression.arguments == {"sector": "A (b)", "month": "2019-11"}
    assert [f for f, _ in expression.filters] == ["over", "capfirst"]


def test_markdown_keeps_emphasis_lists_and_links():
    html = markdown_to_html(
        "**bold** and *italic*\n\n- one\n- two\n\n[write](mailto:im@example.org)"
    )
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert '<a href="mailto:im@example.org"' in html


def test_headings_sit_under_the_report_headings():
    html = markdown_to_html("# Big\n\n### Small\n\n##### Tiny")
    assert "<h1" not in html and "<h3>Big</h3>" in html
    assert "<h3>Small</h3>" in html and "<h4>Tiny</h4>" in html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert('x')</script>",
        '<a href="#" onclick="alert(1)">click</a>',
        "[click](javascript:alert(1))",
        '<img src="https://example.org/track.png" onerror="alert(1)">',
        "<iframe src='https://example.org'></iframe>",
        '<p style="background:url(https://example.org/x.png)">styled</p>',
    ],
)
def test_html_in_the_narrative_is_sanitised(catalogue, dangerous):
    html = Narrative(catalogue).render(f"Text {{{{ partners }}}}.\n\n{dangerous}").html
    lowered = html.lower()
    for bad in ("<script", "onclick", "onerror", 'href="javascript', "<img", "<iframe", "style="):
        assert bad not in lowered
    assert "Text 37." in html


NUMBERED = (
    "Where:\n\n5. Lima\n6. Tumbes\n\nThen:\n\n1. first\n2. second\n\n"
    "See [the dashboard](https://example.org/dash) or <https://example.org/data>.\n\n"
    "| Place | People |\n|---|---|\n| Lima | 12 |\n\n"
    "Loose:\n\n1) one\n\n2) two\n\n- a\n\n- b\n\n"
    "| | Partners | Note |\n|---|---|---|\n| | 5 | |\n\n"
    "<https://es.wikipedia.org/wiki/Perú> and <im@example.org>\n"
)


def test_numbered_lists_keep_their_numbers_in_html_and_word() -> None:
    """ "5. Lima / 6. Tumbes" printed "1. Lima / 2. Tumbes" (the sanitiser dropped `start`),
    and Word numbered separate lists on from one another; its links lost their address and
    a table's header lost its separators."""
    from docx import Document

    from kipu.core.report.docx import add_narrative

    html = markdown_to_html(NUMBERED)
    # The PDF's WeasyPrint reads the counter, not `start`.
    assert '<ol start="5" style="counter-reset: list-item 4">' in html
    document = Document()
    add_narrative(document, html)
    texts = [p.text for p in document.paragraphs]
    assert texts[1:3] == ["5. Lima", "6. Tumbes"]
    assert texts[4:6] == ["1. first", "2. second"]
    assert "the dashboard (https://example.org/dash)" in texts[6]
    assert texts[6].endswith("https://example.org/data.")  # the address itself, once
    assert "Place | People" in texts and "Lima | 12" in texts
    loose = texts[texts.index("Loose:") + 1 :]
    assert [t.strip() for t in loose[:4]] == ["1. one", "2. two", "a", "b"]
    assert " | Partners | Note" in texts and " | 5 | " in texts  # the empty cells kept
    assert texts[-1] == "https://es.wikipedia.org/wiki/Perú and im@example.org"
