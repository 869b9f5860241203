"""Number phrasing for the situation report, both languages (docs/number-phrasing.md)."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kipu.core.phrasing import (
    NBSP,
    RoundingRules,
    above,
    capfirst,
    language,
    more_than,
    net_flow,
    number,
    over,
    percent,
    signed,
    some,
    words,
)


def es(text: str) -> str:
    """Expected Spanish is written with plain spaces; digit groups take non-breaking ones."""
    return re.sub(r"(?<=\d) (?=\d)", NBSP, text)


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (0, "0", "0"),
        (7, "7", "7"),
        (999, "999", "999"),
        (1500, "1,500", "1500"),
        (12000, "12,000", "12 000"),
        (862377, "862,377", "862 377"),
        (1532100, "1,532,100", "1 532 100"),
        (-12000, "-12,000", "-12 000"),
        (1234.5, "1,234.5", "1234,5"),
        (0.125, "0.13", "0,13"),
        (Decimal("2.50"), "2.5", "2,5"),
        ("862377", "862,377", "862 377"),
        (2.0, "2", "2"),
    ],
)
def test_number(n, en, es_):
    assert number(n, "en") == en
    assert number(n, "es") == es(es_)


def test_number_options():
    assert number(1500, "es", group_four_digits=True) == f"1{NBSP}500"
    assert number(1500, "en", group_four_digits=False) == "1500"
    assert number(2.5, "en", decimals=0) == "3"  # half up, not banker's rounding
    assert number(2, "es", decimals=2) == "2,00"
    assert number(-0.001, "en") == "0"


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (862377, "Above 862,000", "Más de 862 000"),
        (377450, "Above 377,000", "Más de 377 000"),
        (480999, "Above 480,000", "Más de 480 000"),
        (999999, "Above 999,000", "Más de 999 000"),
        (1532100, "Above 1,530,000", "Más de 1 530 000"),
        (65432, "Above 65,000", "Más de 65 000"),
        (1532, "Above 1,500", "Más de 1500"),
        (137, "Above 130", "Más de 130"),
        (23, "Above 20", "Más de 20"),
        (123456789, "Above 123,000,000", "Más de 123 000 000"),
        (862000.5, "Above 862,000", "Más de 862 000"),
        # exact round numbers and single digits: a qualifier would be false, so none.
        (862000, "862,000", "862 000"),
        (20, "20", "20"),
        (7, "7", "7"),
        (1, "1", "1"),
        (0, "0", "0"),
    ],
)
def test_above(n, en, es_):
    assert above(n, "en") == en
    assert above(n, "es") == es(es_)


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (1532100, "Some 1,530,000", "Unos 1 530 000"),
        (1535000, "Some 1,540,000", "Unos 1 540 000"),
        (862377, "Some 862,000", "Unos 862 000"),
        (862500, "Some 863,000", "Unos 863 000"),
        (999999, "Some 1,000,000", "Unos 1 000 000"),
        (4980, "Some 5,000", "Unos 5000"),
        (26, "Some 30", "Unos 30"),
        (1530000, "1,530,000", "1 530 000"),
        (0, "0", "0"),
    ],
)
def test_some(n, en, es_):
    assert some(n, "en") == en
    assert some(n, "es") == es(es_)


def test_some_feminine():
    assert some(4980, "es", gender="f") == "Unas 5000"
    assert some(4980, "en", gender="f") == "Some 5,000"


@pytest.mark.parametrize(
    ("n", "over_en", "more_en", "es_"),
    [
        (1532, "over 1,500", "more than 1,500", "más de 1500"),
        (23, "over 20", "more than 20", "más de 20"),
        (87, "over 80", "more than 80", "más de 80"),
        (3150, "over 3,100", "more than 3,100", "más de 3100"),
        (65432, "over 65,000", "more than 65,000", "más de 65 000"),
        (100, "100", "100", "100"),
    ],
)
def test_over_and_more_than(n, over_en, more_en, es_):
    assert over(n, "en") == over_en
    assert more_than(n, "en") == more_en
    assert over(n, "es") == es(es_)
    assert more_than(n, "es") == es(es_)


def test_rules_are_configurable():
    coarse = RoundingRules(units=(1, 10, 100, 1000, 10_000, 100_000))
    assert above(862377, rules=coarse) == "Above 800,000"
    assert over(137, rules=coarse) == "over 100"
    keep = RoundingRules(exact="keep")
    assert above(862000, rules=keep) == "Above 862,000"
    assert some(1530000, "es", rules=keep) == es("Unos 1 530 000")
    assert RoundingRules().unit(5) == 1
    assert RoundingRules().unit(1_000_000) == 10_000
    with pytest.raises(ValueError):
        RoundingRules(units=(0,))
    with pytest.raises(ValueError):
        RoundingRules(exact="round")  # type: ignore[arg-type]


@pytest.mark.parametrize("func", [above, some, over, more_than])
def test_qualified_refuse_negative_and_junk(func):
    with pytest.raises(ValueError, match="net_flow"):
        func(-12000)
    with pytest.raises(ValueError):
        func(float("nan"))
    with pytest.raises(ValueError):
        func("many")
    with pytest.raises(TypeError):
        func(True)


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (-12345, "a net outflow of over 12,000", "una salida neta de más de 12 000"),
        (12345, "a net inflow of over 12,000", "una entrada neta de más de 12 000"),
        (0, "no net change", "un saldo neto nulo"),
    ],
)
def test_net_flow(n, en, es_):
    assert net_flow(n, "en") == en
    assert net_flow(n, "es") == es(es_)


def test_signed():
    assert signed(12000) == "+12,000"
    assert signed(-12000, "es") == es("-12 000")
    assert signed(0) == "0"
    assert signed(0.001) == "0"


@pytest.mark.parametrize(
    ("x", "decimals", "en", "es_"),
    [
        (0.125, 0, "13%", f"13{NBSP}%"),
        (0.125, 1, "12.5%", f"12,5{NBSP}%"),
        (1, 0, "100%", f"100{NBSP}%"),
        (0, 0, "0%", f"0{NBSP}%"),
    ],
)
def test_percent(x, decimals, en, es_):
    assert percent(x, "en", decimals) == en
    assert percent(x, "es", decimals) == es_


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (0, "zero", "cero"),
        (1, "one", "un"),
        (12, "twelve", "doce"),
        (16, "sixteen", "dieciséis"),
        (20, "twenty", "veinte"),
        (21, "twenty-one", "veintiún"),
        (22, "twenty-two", "veintidós"),
        (25, "twenty-five", "veinticinco"),
        (30, "thirty", "treinta"),
        (31, "thirty-one", "treinta y un"),
        (37, "thirty-seven", "treinta y siete"),
        (99, "ninety-nine", "noventa y nueve"),
        (100, "one hundred", "cien"),
    ],
)
def test_words_small(n, en, es_):
    assert words(n, "en") == en
    assert words(n, "es") == es_


@pytest.mark.parametrize(
    ("n", "en", "es_"),
    [
        (101, "one hundred and one", "ciento un"),
        (115, "one hundred and fifteen", "ciento quince"),
        (200, "two hundred", "doscientos"),
        (555, "five hundred and fifty-five", "quinientos cincuenta y cinco"),
        (1000, "one thousand", "mil"),
        (1005, "one thousand and five", "mil cinco"),
        (1999, "one thousand nine hundred and ninety-nine", "mil novecientos noventa y nueve"),
        (21000, "twenty-one thousand", "veintiún mil"),
        (100000, "one hundred thousand", "cien mil"),
        (101001, "one hundred and one thousand and one", "ciento un mil un"),
        (
            999999,
            "nine hundred and ninety-nine thousand nine hundred and ninety-nine",
            "novecientos noventa y nueve mil novecientos noventa y nueve",
        ),
    ],
)
def test_words_large(n, en, es_):
    assert words(n, "en", limit=999_999) == en
    assert words(n, "es", limit=999_999) == es_


def test_words_spanish_agreement():
    assert words(1, "es", before_noun=False) == "uno"
    assert words(21, "es", before_noun=False) == "veintiuno"
    assert words(21, "es", gender="f") == "veintiuna"
    assert words(31, "es", gender="f") == "treinta y una"
    assert words(200, "es", limit=1000, gender="f") == "doscientas"
    assert words(21000, "es", limit=10**6, gender="f") == "veintiuna mil"
    assert words(500500, "es", limit=10**6, gender="f") == "quinientas mil quinientas"
    assert words(21000, "es", limit=10**6, before_noun=False) == "veintiún mil"


def test_words_falls_back_to_digits():
    assert words(101, "en") == "101"
    assert words(1500, "es", limit=1000) == "1500"
    assert words(12000, "es", limit=1000) == es("12 000")
    assert words(2_000_000, "en", limit=10**9) == "2,000,000"
    assert words(-3, "en") == "-3"
    assert words(2.5, "es") == "2,5"
    assert words(30.0, "en") == "thirty"


def test_capfirst_and_sentences():
    assert capfirst("thirty") == "Thirty"
    assert capfirst("más de 20") == "Más de 20"
    assert capfirst("") == ""
    assert capfirst(None) == ""
    assert capfirst("iOS") == "IOS"
    assert f"{capfirst(words(30, 'es'))} socios" == "Treinta socios"
    assert f"Some {words(25)} partners" == "Some twenty-five partners"


@pytest.mark.parametrize("tag", ["es", "ES", "es-PE", "es_pe"])
def test_language_tags(tag):
    assert language(tag) == "es"
    assert above(862377, tag) == es("Más de 862 000")


def test_unknown_language():
    with pytest.raises(ValueError, match="unsupported"):
        number(1, "fr")


@given(
    part=st.integers(1, 10**9),
    extra=st.integers(1, 10**9),
    decimals=st.integers(0, 2),
    lang=st.sampled_from(["en", "es"]),
)
def test_a_share_never_reads_nothing_or_all(
    part: int, extra: int, decimals: int, lang: str
) -> None:
    """Before, 4 people of a target of 48,000 read "0%" (as no one), 99,999 of 100,000 "100%"."""
    over = Fraction(part + extra, part) if extra * 10_000 < part else Fraction(3, 2)
    assert not re.fullmatch(
        r"100[.,]?0*",
        percent(Decimal(over.numerator) / over.denominator, lang, decimals).rstrip(
            "% \u00a0\u202f"
        ),
    )  # past the whole: never exactly 100
    for ratio in (Fraction(part, part + extra), Fraction(extra, part + extra)):
        text = percent(Decimal(ratio.numerator) / Decimal(ratio.denominator), lang, decimals)
        digits = re.sub(r"[^\d]", "", text)
        assert set(digits) != {"0"}, text  # not 0, 0.0, 0,00
        assert not re.fullmatch(r"100[.,]?0*", text.rstrip("% \u00a0\u202f")), text


def test_a_share_past_the_whole_never_reads_the_whole() -> None:
    """Before, 62,830 reached of 62,800 targeted read "100.0%", as if exactly on target."""
    assert percent(Decimal(62830) / 62800, "en", 1) == ">100.0%"
    assert percent(Decimal("1.004"), "es") == ">100\u00a0%"
    assert percent(Decimal("1.006"), "en") == "101%"


# --- no qualifier says something false (tester_d's item 3) ------------------------------

_QUALIFIERS = ("Above ", "Más de ", "over ", "more than ", "más de ", "Some ", "Unos ", "Unas ")


def _parsed(text: str, lang: str) -> tuple[str, Decimal]:
    """(qualifier, value printed) of a phrase such as "Above 862,000" or "Más de 1500"."""
    qualifier = next((q for q in _QUALIFIERS if text.startswith(q)), "")
    digits = text[len(qualifier) :]
    if lang == "en":
        digits = digits.replace(",", "")
    else:
        digits = digits.replace("\u00a0", "").replace(",", ".")
    return qualifier.strip(), Decimal(digits)


_values = st.one_of(
    st.integers(0, 10**10),
    st.integers(0, 100).map(lambda n: n * 10 ** (n % 9)),  # round values, tens to billions
    st.decimals(0, 10**7, places=2, allow_nan=False, allow_infinity=False),
)
_rules = st.builds(
    RoundingRules,
    units=st.lists(st.sampled_from([1, 5, 10, 100, 1_000, 10_000]), min_size=1, max_size=9).map(
        tuple
    ),
    exact=st.sampled_from(["bare", "keep"]),
)


@given(_values, _rules, st.sampled_from(["en", "es"]))
def test_no_phrase_qualifies_falsely(value, rules, lang):
    """ "Above N"/"over N"/"more than N" only when the value is above N; "Some N" only of a
    rounded N; a value printed exactly carries no qualifier, except a round estimate under
    `exact="keep"` (a published "Above 862,000"), never one whose unit is 1 or below 10."""
    true = Decimal(str(value))
    for phrase, downwards in ((above, True), (over, True), (more_than, True), (some, False)):
        qualifier, shown = _parsed(phrase(value, lang, rules), lang)
        if not qualifier:
            assert shown == true.quantize(Decimal("0.01")).normalize() or shown == true
            continue
        kept = rules.exact == "keep" and shown == true
        if kept:  # only a round estimate keeps its word
            assert true >= 10 and rules.unit(true) > 1 and true == true.to_integral_value()
        elif downwards:
            assert true > shown
        else:
            assert shown != true


def test_small_official_statistic_is_bare():
    keep = RoundingRules(exact="keep")
    assert above(0, rules=keep) == "0"
    assert above(0, "es", rules=keep) == "0"
    assert above(7, rules=keep) == "7"
    assert some(7, "es", rules=keep) == "7"
    assert above(7.5, rules=keep) == "Above 7"
    assert above(20, rules=RoundingRules(units=(10, 10), exact="keep")) == "Above 20"
