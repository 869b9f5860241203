"""A CSV file's encoding: UTF-8, or Windows-1252 (Excel's plain "CSV" on Spanish and English
Windows), read exactly; anything else refused by name. A tester's: a UTF-8 file with one
Windows-1252 cell (a description pasted from another file) was decoded whole as Windows-1252,
and every "Niños" of it read "NiÃ±os", with no issue; a byte that is no Windows-1252
character (0x81, 0x8D, 0x8F, 0x90, 0x9D) read "�"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
from fivew_factories import record, write_csv  # noqa: E402

from kipu.core.read import ReadError, read_5w  # noqa: E402
from kipu.core.read.textfile import (  # noqa: E402
    _DOS_SIGN,
    _FOREIGN_PAIR,
    _MAC_SIGN,
    _UTF8_LETTER,
)

# Letters of the field's languages, all in Windows-1252: Spanish, Portuguese, French.
LETTERS = "aeinoñáéíóúüçãõâêôàèÑÁÉÍÓÚÇÃ€ºª°¿¡“”–«»"
# A Windows-1252 text whose bytes are also UTF-8 letters ("Ã¡" is "á" in UTF-8) is not told
# apart by any reader: such texts are left out (the real ones are mojibake already). One
# whose bytes are a UTF-8 character of another script ("É¡", "Ú»") is refused (below).
TEXTS = (
    st.text(alphabet=LETTERS + "abc xyz", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda t: t and not _UTF8_LETTER.search(t.encode("cp1252")))
    .filter(lambda t: not _FOREIGN_PAIR.search(t.encode("cp1252")))
    # A dash between two letters ("a–b") may be a Mac's accented letter: refused (below) in a
    # file without an accented letter of Windows'.
    .filter(lambda t: not _MAC_SIGN.search(t.encode("cp1252")))
    .filter(lambda t: not _DOS_SIGN.search(t.encode("cp1252")))  # "a¡a": "aía" of MS-DOS
)


def _file(path: Path, names: list[str], encoding: str) -> Path:
    return write_csv(
        path, [record(activity_name=n, activity_description=n) for n in names], encoding=encoding
    )


def _refusal(tmp_path: Path, texts: list[str], encoding: str) -> ReadError:
    """The ReadError of a 5W CSV of `texts` written in `encoding`."""
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(_file(tmp_path / "utf8.csv", texts, "utf-8").read_text("utf-8").encode(
        encoding))  # fmt: skip
    with pytest.raises(ReadError) as refused:
        read_5w(path)
    return refused.value


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(TEXTS, min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_one_encoding_reads_exactly(tmp_path: Path, names: list[str], encoding: str) -> None:
    table = read_5w(_file(tmp_path / "one.csv", names, encoding))
    assert table.frame["activity_name"].to_list() == names


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(TEXTS, min_size=2, max_size=6),
    data=st.data(),
)
def test_two_encodings_are_refused_at_the_first_line_that_is_not_utf8(
    tmp_path: Path, names: list[str], data: st.DataObject
) -> None:
    utf8 = [n for n in names if n.encode("utf-8") != n.encode("cp1252")]
    if not utf8:  # nothing tells the two encodings apart
        return
    pasted = data.draw(st.sampled_from(range(len(names))))
    pasted_text = "Café"
    path = _file(tmp_path / "mixed.csv", [*names[:pasted], "XQXQ", *names[pasted:]], "utf-8")
    path.write_bytes(path.read_bytes().replace(b"XQXQ", pasted_text.encode("cp1252")))
    with pytest.raises(ReadError) as refused:
        read_5w(path)
    assert refused.value.text("en").startswith(f"mixed.csv: line {pasted + 2} is not UTF-8")
    assert "mezcla dos codificaciones" in refused.value.text("es")


@pytest.mark.parametrize("name", ["«PERÚ»", "“PERÚ”", "PERÚ–LIMA", "ATENCIÓN»", "Ú¿"])
def test_spanish_windows_text_is_no_mixed_encoding(tmp_path: Path, name: str) -> None:
    """A fresh tester's: Ú (0xDA) before », ” or – looked like a UTF-8 letter, and plain
    Windows-1252 files were refused as mixing two encodings."""
    path = _file(tmp_path / "plain.csv", [name, "Niños"], "cp1252")
    assert read_5w(path).frame["activity_name"].to_list() == [name, "Niños"]


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_a_byte_that_is_no_character_is_refused(tmp_path: Path, byte: int) -> None:
    path = _file(tmp_path / "odd.csv", ["Atención", "Ni?os"], "cp1252")
    path.write_bytes(path.read_bytes().replace(b"Ni?os", b"Ni" + bytes([byte]) + b"os"))
    with pytest.raises(ReadError, match=f"line 3 holds byte 0x{byte:02X}"):
        read_5w(path)


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize(("sep", "delimiter"), [("sep=;", ";"), ("SEP=,", ","), ("sep=\t", "\t")])
def test_excels_sep_line_is_hidden_as_excel_hides_it(
    tmp_path: Path, bom: str, sep: str, delimiter: str
) -> None:
    """Excel hides a first "sep=;" line: the header is its row 1. Issues named row 3 for a
    cell Excel shows in row 2."""
    from kipu.core.validation import validate_file

    sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
    from fivew_factories import TODAY, make_reference

    plain = write_csv(
        tmp_path / "plain.csv",
        [record(), record(quantity_output="abc")],
        delimiter=delimiter,
    )
    path = tmp_path / "sep.csv"
    path.write_text(bom + sep + "\r\n" + plain.read_text("utf-8"), "utf-8")
    result = validate_file(path, make_reference(), today=TODAY)
    assert [(i.code, i.row) for i in result.report.issues] == [("invalid-number", 3)]
    assert read_5w(path).frame["activity_name"].to_list() == ["Primary care"] * 2


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    invisible=st.sampled_from(
        ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]
    ),
    column=st.sampled_from(["Country Admin1", "Indicator Sector", "Quantity of output"]),
    at=st.integers(0, 6),
)
def test_an_invisible_character_in_a_header_label_is_ignored(
    tmp_path: Path, invisible: str, column: str, at: int
) -> None:
    """A second byte order mark, a zero-width space: the column was unknown, under a message
    whose label looked the same as its suggestion."""
    plain = write_csv(tmp_path / "plain.csv", [record()])
    text = plain.read_text("utf-8")
    label = column[:at] + invisible + column[at:]
    path = tmp_path / "label.csv"
    assert text.startswith(text.split(column, 1)[0]) and column in text.splitlines()[0]
    path.write_text(text.replace(column, label, 1), "utf-8")
    table = read_5w(path)
    assert not table.header.unknown, table.header.unknown
    assert table.frame.columns == read_5w(plain).frame.columns


@pytest.mark.parametrize("written", ["á–¡", "café”…", "Está–¿", "ì€™", "â–¡"])
def test_windows_1252_that_is_three_bytes_of_another_script_is_refused(
    tmp_path: Path, written: str
) -> None:
    """A hypothesis run's: "á–¡" in Windows-1252 (E1 96 A1) is the UTF-8 of "ᖡ", and a file
    with nothing else outside ASCII read it so."""
    assert written.encode("cp1252").decode("utf-8") != written
    path = _file(tmp_path / "three.csv", ["Lima", written], "cp1252")
    with pytest.raises(ReadError, match="as UTF-8 and .* as Windows-1252"):
        read_5w(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capital=st.sampled_from("ÉÑÒÓÔÕÖÙÚÛÜÝ"),  # 0xC9, 0xD0-0xDF: lead bytes of other scripts
    mark=st.sampled_from("¡¿«»ºª°¬±´·"),
    plain=st.lists(st.sampled_from(["Lima", "PERU", "abc", "Tumbes 12"]), max_size=3),
)
def test_windows_1252_that_is_also_utf8_of_another_script_is_refused(
    tmp_path: Path, capital: str, mark: str, plain: list[str]
) -> None:
    """ "PERÚ»" in Windows-1252 (0xDA 0xBB) is also the UTF-8 of an Arabic letter: a file
    with nothing else outside ASCII read "PERۻ". It is refused, naming both readings."""
    written = f"PER{capital}{mark}"
    assert written.encode("cp1252").decode("utf-8") != written  # read as another script
    path = _file(tmp_path / "two-ways.csv", [*plain, written], "cp1252")
    with pytest.raises(ReadError, match="as UTF-8 and .* as Windows-1252") as refused:
        read_5w(path)
    assert written in str(refused.value)


@pytest.mark.parametrize(
    "text",
    ["500 μg de ácido fólico", "Niños – 5", "Ñandú", "Suplemento 5 μg", "Kʼicheʼ", "Nin\u0303os"],
)
def test_utf8_text_of_the_field_is_read_whatever_else_it_holds(tmp_path: Path, text: str) -> None:
    table = read_5w(_file(tmp_path / "greek.csv", [text], "utf-8"))
    assert table.frame["activity_name"].to_list() == [text]


# Spanish words with an accented letter inside, as a partner types them.
MAC_WORDS = st.builds(
    lambda a, accent, b: a + accent + b,
    st.text(alphabet="abcdeilmnorstuACLMNP", min_size=1, max_size=6),
    st.sampled_from("áéíóúñüÁÉÍÓÚÑ"),
    st.text(alphabet="abcdeilmnorstu", min_size=1, max_size=6),
).filter(lambda w: _MAC_SIGN.search(w.encode("mac_roman")))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(MAC_WORDS, min_size=1, max_size=4), before=st.lists(TEXTS, max_size=3))
def test_a_mac_csv_is_refused_with_both_readings(
    tmp_path: Path, names: list[str], before: list[str]
) -> None:
    """Excel for Mac saves a plain CSV in Mac Roman: read as Windows-1252, "Atención" became
    "Atenci—n" and "Ayuda en Acción" an unknown partner, in a file found valid."""
    texts = [t for t in before if t.isascii()] + names
    refused = _refusal(tmp_path, texts, "mac_roman")
    assert refused.key == "mac-encoding"
    word = names[0]
    garbled = word.encode("mac_roman").decode("cp1252", "replace")
    assert word in refused.text("en") and garbled in refused.text("en")


@pytest.mark.parametrize(
    "texts",
    [
        ["The partner’s kits"], ["don’t", "we’re here"], ["DON’T", "PARTNER’S"],
        ["Lima–Callao"], ["wait…then"], ["Perú – Lima"], ["Supermercados D’Onofrio"],
        ["Región de O’Higgins"], ["Côte d’Ivoire"], ["el “kit” de"], ["a•b"], ["N° 5", "1º"],
        # A dash or a rare letter inside a word, beside accented letters of Windows'.
        ["norte–sur", "Atención"], ["cœur", "niños"], ["education—health", "José"],
        # Found by a re-tester: a brand's ™, Portuguese ê after a capital.
        ["Plumpy’Nut™"], ["Mês de referência: Pêssego"],
    ],
)  # fmt: skip
def test_windows_text_with_an_apostrophe_or_a_dash_in_a_word_is_read(
    tmp_path: Path, texts: list[str]
) -> None:
    table = read_5w(_file(tmp_path / "one.csv", texts, "cp1252"))
    assert table.frame["activity_name"].to_list() == texts


@pytest.mark.parametrize(
    "texts",
    [
        ["Perú"], ["ÁREA"], ["Área de salud"], ["José"], ["Bogotá"], ["Ñandú"],
        ["PERÚ", "AMAZONÍA"],
        ["EDUCACIÓN"], ["APOYO EN HUÁNUCO Y JUNÍN"], ["Kits en Perú para el país"],
        ["AYUDA EN ACCIÓN"], ["Atención a niños"], ["the partner’s kits"], ["“kit” básico"],
        # Found by a re-tester: a capital before í, ordinals, a spaced dash, ¿ ¡, Portuguese
        # capitals, the euro.
        ["Los Ríos"], ["N° 2, 1º piso"], ["Lima – Callao"], ["¿Kits? ¡Sí!"],
        ["SÃO PAULO, RONDÔNIA"], ["100€"],
    ],
)  # fmt: skip
def test_a_mac_file_with_accents_at_word_ends_or_in_capitals_is_refused(
    tmp_path: Path, texts: list[str]
) -> None:
    """Accents only at the end of words or in capitals ("Perú", "JUNÍN") went through the
    first check, read garbled ("Perœ", "JUNêN") in a file found valid."""
    assert _refusal(tmp_path, texts, "mac_roman").key == "mac-encoding"


@pytest.mark.parametrize("encoding", ["cp850", "cp437"])
@pytest.mark.parametrize(
    "texts",
    [["Atención a niños"], ["Perú", "Junín"], ["AÑO", "educación"], ["Señora José"]],
)
def test_a_csv_saved_as_ms_dos_is_refused_with_both_readings(
    tmp_path: Path, texts: list[str], encoding: str
) -> None:
    """Excel's "CSV (MS-DOS)" writes the OEM code page: read as Windows-1252, "Atención"
    became "Atenci¢n" and "niños" "ni¤os" in a file found valid."""
    refused = _refusal(tmp_path, texts, encoding)
    assert refused.key == "dos-encoding"
    assert texts[0] in refused.text("en") or texts[0] in refused.text("es")


@pytest.mark.parametrize(
    "texts", [["¡Hola!", "el ¢ y £5"], ["a\xa0b", "the\xa0partner"], ["100 ¥", "US$ 5"]]
)
def test_windows_text_with_dos_bytes_between_words_is_read(
    tmp_path: Path, texts: list[str]
) -> None:
    table = read_5w(_file(tmp_path / "one.csv", texts, "cp1252"))
    # A no-break space is read as a space (`clean_text`), as before.
    assert table.frame["activity_name"].to_list() == [t.replace("\xa0", " ") for t in texts]


@pytest.mark.parametrize(
    "texts",
    [
        ["Kits de 5€ para niños"], ["Precio: 20 €", "Atención"], ["100€"], ["€ 15,50"],
        ["Kits", "Transporte 5€ por día"],
    ],
)  # fmt: skip
def test_a_latin9_csv_is_refused_with_both_readings(tmp_path: Path, texts: list[str]) -> None:
    """ISO 8859-15 writes Spanish letters as Windows-1252 does, and "€" as Windows' "¤": read
    as Windows-1252, "5€" became "5¤" in a file found valid."""
    refused = _refusal(tmp_path, texts, "iso8859_15")
    assert refused.key == "latin9-encoding"
    euro = next(t for t in texts if "€" in t)
    assert euro in refused.text("en") and euro.replace("€", "¤") in refused.text("es")
    assert f"line {2 + texts.index(euro)}" in refused.text("en")


def test_a_latin9_csv_without_a_euro_is_read_as_it_is_the_same(tmp_path: Path) -> None:
    texts = ["Atención a niños", "Perú", "¡Sí!"]
    table = read_5w(_file(tmp_path / "latin9.csv", texts, "iso8859_15"))
    assert table.frame["activity_name"].to_list() == texts


@pytest.mark.parametrize(
    "texts",
    [["Atención a niños", "PERÚ"], ["AÑO", "Señora", "JUNÍN"], ["Atención", "PERÚ"], ["Perú"]],
)
def test_an_ms_dos_enye_is_not_taken_for_a_latin9_euro(tmp_path: Path, texts: list[str]) -> None:
    """A re-tester's: "niños" and "PERÚ" saved as 'CSV (MS-DOS)' were refused as Latin-9
    (its "ñ" is Latin-9's "€"): the file is MS-DOS's, and said so; without the "ñ", its "Ú"
    read as Windows' "é" and the file was read garbled ("Atenci¢n", "PERé")."""
    assert _refusal(tmp_path, texts, "cp850").key == "dos-encoding"


@pytest.mark.parametrize(
    "texts",
    [
        ["ATENCIÓN Y ORIENTACIÓN EN PERÚ"], ["ASESORÍA LEGAL", "JUNÍN"], ["ÁREA DE SALUD"],
        ["APOYO EN HUÁNUCO"],
        # A re-tester's: a title-case Ó or Ú read as Windows' "à" or "é" starting a word.
        ["Organización", "Útiles escolares", "Junín"], ["Atención", "Óscar Pérez"],
    ],
)  # fmt: skip
def test_an_ms_dos_file_of_capitals_is_refused(tmp_path: Path, texts: list[str]) -> None:
    """A re-tester's: all in capitals, as Peru's files often are, "ATENCIÓN" read
    "ATENCIàN" and "JUNÍN" "JUNÖN" in a file found valid."""
    assert _refusal(tmp_path, texts, "cp850").key == "dos-encoding"


@pytest.mark.parametrize(
    "texts",
    [
        ["PERÚ – enero–marzo", "Sí"], ["JUNÍN", "Sí", "Q’ero"], ["ÁNCASH, PERÚ", "Sí"],
        ["él y ella", "época de lluvias"], ["Útiles escolares", "Atención"],
    ],
)  # fmt: skip
def test_a_windows_file_of_capitals_with_si_is_read(tmp_path: Path, texts: list[str]) -> None:
    """A re-tester's: "Sí" beside a capital was no Windows sign, and an en dash in a word
    had such a file refused as a Mac one."""
    table = read_5w(_file(tmp_path / "caps.csv", texts, "cp1252"))
    assert table.frame["activity_name"].to_list() == texts


# MS-DOS's ³ and · are Windows' ü and ú, which stand beside letters in Spanish ("pingüino",
# "número"): a file saved as "CSV (MS-DOS)" with "10 m³" beside "Atención" was read as
# Windows-1252 ("mü", "Atenci¢n") in a file found valid. A re-tester's.
_DOS_WORDS = ["Atención a niños", "Señora José", "educación", "AÑO", "Perú", "Junín"]
_DOS_SYMBOL_WORDS = ["10 m³", "m³/día", "agua (m³)", "col·lectiu", "l·l", "5m³"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from(_DOS_WORDS), min_size=1, max_size=3),
    symbols=st.lists(st.sampled_from(_DOS_SYMBOL_WORDS), min_size=1, max_size=3),
    symbols_first=st.booleans(),
    encoding=st.sampled_from(["cp850", "cp437"]),
)
def test_an_ms_dos_file_with_cubic_metres_or_a_middle_dot_is_refused(
    tmp_path: Path, words: list[str], symbols: list[str], symbols_first: bool, encoding: str
) -> None:
    if encoding == "cp437" and any("·" in s for s in symbols):
        symbols = [s for s in symbols if "·" not in s] or ["10 m³"]
    if encoding == "cp437":
        symbols = [s.replace("³", "²") for s in symbols]  # cp437 has no ³; ² is FD in both
    texts = [*symbols, *words] if symbols_first else [*words, *symbols]
    assert _refusal(tmp_path, texts, encoding).key == "dos-encoding"


@pytest.mark.parametrize(
    "texts",
    [
        ["pingüino", "Kits"], ["número de kits"], ["bilingüe", "Perú", "más"], ["Güemes"],
        ["número", "agüero", "10 m³"],  # a Windows ³ (B3) is no MS-DOS sign
        ["número", "el ¢ y £5"],  # an MS-DOS byte between words
        # A re-tester's: MS-DOS's capitals' signs are Windows letters and signs too.
        ["Perú", "JÖRG"], ["Perú", "5 µM"], ["Perú", "£Lima"], ["PERÚ", "Güemes", "ÉL"],
    ],
)  # fmt: skip
def test_a_windows_file_whose_only_accents_are_u_is_read(tmp_path: Path, texts: list[str]) -> None:
    table = read_5w(_file(tmp_path / "one.csv", texts, "cp1252"))
    assert table.frame["activity_name"].to_list() == texts
