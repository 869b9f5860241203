"""Why a file cannot be read at all, in the user's language.

A `ReadError` carries a validation code (`unreadable-file`, `file-too-large`), a message key
and its parameters; `text(lang)` phrases it in English or Spanish, so a Spanish-speaking
partner never reads half a message in English. A file read whole but without a 5W header
raises `NoFiveWSheet`, phrased the same way. Parameters that come from a parser's own
exception (`reason`) stay as the parser wrote them: they are for whoever debugs the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

UNREADABLE = "unreadable-file"
TOO_LARGE = "file-too-large"
SEVERAL_SHEETS = "several-5w-sheets"

MESSAGES: dict[str, tuple[str, str]] = {
    "cannot-open": ("{name}: cannot open ({reason}).", "{name}: no se puede abrir ({reason})."),
    "empty": ("{name}: the file is empty.", "{name}: el archivo está vacío."),
    "not-spreadsheet": (
        "{name}: not a spreadsheet (not an Excel or ODS file).",
        "{name}: no es una hoja de cálculo (ni Excel ni ODS).",
    ),
    "unreadable-spreadsheet": (
        "{name}: not a readable spreadsheet ({reason}).",
        "{name}: no es una hoja de cálculo legible ({reason}).",
    ),
    "unchecked-sheet": (
        "{name}: the cells of sheet “{sheet}” could not be checked for Excel errors (#N/A, "
        "#REF!…), which would read as empty; save the workbook again in Excel or LibreOffice "
        "and upload it.",
        "{name}: no se pudo comprobar si las celdas de la hoja “{sheet}” tienen errores de "
        "Excel (#N/A, #REF!…), que se leerían vacías; guarde el libro de nuevo en Excel o "
        "LibreOffice y súbalo.",
    ),
    "password": (
        "{name}: the workbook is password-protected; remove the password and upload it again.",
        "{name}: el libro está protegido con contraseña; quítela y vuelva a subirlo.",
    ),
    "corrupt": (
        "{name}: corrupt or truncated file ({reason}).",
        "{name}: archivo dañado o incompleto ({reason}).",
    ),
    "binary": (
        "{name}: binary data, not a text (CSV) file.",
        "{name}: datos binarios, no un archivo de texto (CSV).",
    ),
    "not-utf8": (
        "{name}: not UTF-8 text (byte 0x{byte} at position {position}); save it as 'CSV UTF-8'.",
        "{name}: no es texto UTF-8 (byte 0x{byte} en la posición {position}); guárdelo como "
        "'CSV UTF-8'.",
    ),
    "mixed-encoding": (
        "{name}: line {line} is not UTF-8 (byte 0x{byte}), but other lines are: the file mixes "
        "two encodings, and one of them would read wrong (“Niños” as “NiÃ±os”); save it as "
        "'CSV UTF-8'.",
        "{name}: la línea {line} no es UTF-8 (byte 0x{byte}), pero otras líneas sí: el archivo "
        "mezcla dos codificaciones, y una de ellas se leería mal (“Niños” como “NiÃ±os”); "
        "guárdelo como 'CSV UTF-8'.",
    ),
    "mac-encoding": (
        "{name}: line {line} reads “{cp1252}” as Windows-1252, but it looks written on a Mac "
        "(Mac Roman: “{other}”), as Excel for Mac saves a plain CSV; save it as 'CSV UTF-8'.",
        "{name}: la línea {line} se lee “{cp1252}” como Windows-1252, pero parece escrita en "
        "un Mac (Mac Roman: “{other}”), como Excel para Mac guarda un CSV simple; guárdelo "
        "como 'CSV UTF-8'.",
    ),
    "dos-encoding": (
        "{name}: line {line} reads “{cp1252}” as Windows-1252, but it looks saved as "
        "'CSV (MS-DOS)' (code page 850: “{other}”); save it as 'CSV UTF-8'.",
        "{name}: la línea {line} se lee “{cp1252}” como Windows-1252, pero parece guardada "
        "como 'CSV (MS-DOS)' (página de códigos 850: “{other}”); guárdelo como 'CSV UTF-8'.",
    ),
    "latin9-encoding": (
        "{name}: line {line} reads “{cp1252}” as Windows-1252, but “¤” there is the euro sign "
        "of ISO 8859-15 (Latin-9: “{other}”), as some Linux programs save a CSV; save it as "
        "'CSV UTF-8'.",
        "{name}: la línea {line} se lee “{cp1252}” como Windows-1252, pero “¤” es ahí el signo "
        "del euro de ISO 8859-15 (Latin-9: “{other}”), como algunos programas de Linux guardan "
        "un CSV; guárdelo como 'CSV UTF-8'.",
    ),
    "unclear-encoding": (
        "{name}: line {line} reads “{utf8}” as UTF-8 and “{cp1252}” as Windows-1252, and "
        "nothing else in the file tells which it is; save it as 'CSV UTF-8'.",
        "{name}: la línea {line} se lee “{utf8}” como UTF-8 y “{cp1252}” como Windows-1252, y "
        "nada más en el archivo indica cuál es; guárdelo como 'CSV UTF-8'.",
    ),
    "not-cp1252": (
        "{name}: line {line} holds byte 0x{byte}, which is no character in UTF-8 or in "
        "Windows-1252; save the file as 'CSV UTF-8'.",
        "{name}: la línea {line} tiene el byte 0x{byte}, que no es un carácter ni en UTF-8 ni "
        "en Windows-1252; guarde el archivo como 'CSV UTF-8'.",
    ),
    "broken-csv": ("{name}: broken CSV ({reason}).", "{name}: CSV dañado ({reason})."),
    "unclosed-quote": (
        "{name}: a quoted cell opened on line {line} never closes, so every later line would "
        'be part of it; close the quote (") or remove it.',
        "{name}: una celda entre comillas abierta en la línea {line} nunca se cierra, así que "
        'todas las líneas siguientes serían parte de ella; cierre la comilla (") o quítela.',
    ),
    "no-sheet-named": ("{name}: no sheet named “{sheet}”.", "{name}: no hay una hoja “{sheet}”."),
    "no-sheet": ("{name}: the workbook has no sheet.", "{name}: el libro no tiene hojas."),
    "bytes": (
        "{name}: {size:,} bytes, more than the limit of {limit:,}.",
        "{name}: {size:,} bytes, más que el límite de {limit:,}.",
    ),
    "lines": (
        "{name}: {size:,} lines, more than the limit of {limit:,}.",
        "{name}: {size:,} líneas, más que el límite de {limit:,}.",
    ),
    "columns": (
        "{name}: {size:,} columns, more than the limit of {limit:,}.",
        "{name}: {size:,} columnas, más que el límite de {limit:,}.",
    ),
    "decompressed": (
        "{name}: {size:,} bytes once decompressed, more than the limit of {limit:,}.",
        "{name}: {size:,} bytes una vez descomprimido, más que el límite de {limit:,}.",
    ),
    "zip-bomb": (
        "{name}: {member} expands {ratio:,.0f} times (zip bomb?).",
        "{name}: {member} se expande {ratio:,.0f} veces (¿bomba zip?).",
    ),
    "dimension": (
        "{name}: a sheet declares {rows:,} rows × {columns:,} columns "
        "(limits {max_rows:,} × {max_columns:,}).",
        "{name}: una hoja declara {rows:,} filas × {columns:,} columnas "
        "(límites {max_rows:,} × {max_columns:,}).",
    ),
    "sheet-size": (
        "{name}: sheet “{sheet}” has {rows:,} rows × {columns:,} columns.",
        "{name}: la hoja “{sheet}” tiene {rows:,} filas × {columns:,} columnas.",
    ),
    "memory": (
        "{name}: not enough memory to read it.",
        "{name}: no hay memoria suficiente para leerlo.",
    ),
    "parser": (
        "{name}: the file could not be read ({reason}).",
        "{name}: no se pudo leer el archivo ({reason}).",
    ),
    "cell-error": (
        "{name}: cell {cell} holds the Excel error {error}; fix it or type the value.",
        "{name}: la celda {cell} contiene el error de Excel {error}; corríjalo o escriba el valor.",
    ),
    "cell-formula": (
        "{name}: cell {cell} holds a formula with no saved value; open the file in a "
        "spreadsheet program and save it, or type the value.",
        "{name}: la celda {cell} contiene una fórmula sin valor guardado; abra el archivo en "
        "una hoja de cálculo y guárdelo, o escriba el valor.",
    ),
    "coded-values": (
        "{name}: the file holds values written with character references or CDATA sections, "
        "which cannot be read exactly; open it in LibreOffice or Excel, save it, and upload "
        "it again.",
        "{name}: el archivo contiene valores escritos con referencias de carácter o secciones "
        "CDATA, que no se pueden leer con exactitud; ábralo en LibreOffice o Excel, guárdelo "
        "y vuelva a subirlo.",
    ),
    "odf-prefixes": (
        "{name}: the file names its rows, cells or values with other prefixes than "
        "“table:”, “office:” and “calcext:”, as LibreOffice writes them, which cannot be "
        "read exactly; open it in LibreOffice or Excel, save it, and upload it again.",
        "{name}: el archivo nombra sus filas, celdas o valores con otros prefijos que "
        "“table:”, “office:” y “calcext:”, como los escribe LibreOffice, que no se pueden "
        "leer con exactitud; ábralo en LibreOffice o Excel, guárdelo y vuelva a subirlo.",
    ),
    "document-type": (
        "{name}: the file declares a document type (<!DOCTYPE …>), which can give its cells "
        "values or names they do not show, so it cannot be read exactly; open it in "
        "LibreOffice or Excel, save it, and upload it again.",
        "{name}: el archivo declara un tipo de documento (<!DOCTYPE …>), que puede dar a sus "
        "celdas valores o nombres que no muestran, así que no se puede leer con exactitud; "
        "ábralo en LibreOffice o Excel, guárdelo y vuelva a subirlo.",
    ),
    "label-unreadable": (
        "{name}: the label in cell {cell} of sheet “{sheet}” cannot be read (a formula with no "
        "saved value, or a value written with a character reference or a CDATA section), so "
        "its column cannot be told; open the file in a spreadsheet program and save it, or "
        "type the label.",
        "{name}: la etiqueta de la celda {cell} de la hoja “{sheet}” no se puede leer (una "
        "fórmula sin valor guardado, o un valor escrito con una referencia de carácter o una "
        "sección CDATA), así que no se sabe cuál es su columna; abra el archivo en una hoja "
        "de cálculo y guárdelo, o escriba la etiqueta.",
    ),
    "cell-unreadable": (
        "{name}: cell {cell} holds a value written with a character reference or a CDATA "
        "section, which cannot be read exactly; open the file in a spreadsheet program and "
        "save it, or type the value.",
        "{name}: la celda {cell} contiene un valor escrito con una referencia de carácter o "
        "una sección CDATA, que no se puede leer con exactitud; abra el archivo en una hoja "
        "de cálculo y guárdelo, o escriba el valor.",
    ),
    "cell-covered": (
        "{name}: cell {cell} is covered by the merged cells {range} but holds a value of its "
        "own, which the spreadsheet does not show; unmerge the cells, check the value and "
        "save the file again.",
        "{name}: la celda {cell} está cubierta por las celdas combinadas {range} pero "
        "contiene un valor propio, que la hoja de cálculo no muestra; separe las celdas, "
        "revise el valor y guarde el archivo de nuevo.",
    ),
}


class ReadError(Exception):
    """The file cannot be read at all.

    `code` is the validation code (`unreadable-file` or `file-too-large`), `key` one of
    `MESSAGES`, `params` its values. `message` is the English text; `text(lang)` any language.
    """

    def __init__(self, code: str, key: str, **params: Any) -> None:
        self.code, self.key, self.params = code, key, params
        super().__init__(self.text("en"))

    @property
    def message(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; counts (`{size:,}` in MESSAGES) grouped as the language
        groups them (2,000,000 / 2 000 000)."""
        from kipu.core.phrasing import number

        english, spanish = MESSAGES[self.key]
        template = spanish if lang == "es" else english
        grouped = set(_GROUPED.findall(template))
        params = {k: number(v, lang) if k in grouped else v for k, v in self.params.items()}
        return _GROUPED.sub(r"{\1}", template).format(**params)


_GROUPED = re.compile(r"\{(\w+):,\}")


def unreadable(key: str, name: str, **params: Any) -> ReadError:
    """An `unreadable-file` error about file `name`."""
    return ReadError(UNREADABLE, key, name=name, **params)


def too_large(key: str, name: str, **params: Any) -> ReadError:
    """A `file-too-large` error about file `name`."""
    return ReadError(TOO_LARGE, key, name=name, **params)


def reason(error: BaseException) -> str:
    """A parser's exception as one short line (for `{reason}`)."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


class SeveralFiveWSheets(ReadError):
    """Sheets besides the one read as the 5W table also have a 5W header and rows (a 5W split
    by sector or month): read alone, the sheet would leave their rows out, so the file is
    refused, naming them, until they are one sheet or separate files.

    `sheet` and `rows` are the sheet read and its rows; `others` each other sheet's name,
    whether it is hidden, and its rows, as the reading of that sheet would give them.
    """

    def __init__(
        self, name: str, sheet: str, rows: int, others: Sequence[tuple[str, bool, int]]
    ) -> None:
        self.sheet, self.rows, self.others = sheet, rows, list(others)
        super().__init__(SEVERAL_SHEETS, SEVERAL_SHEETS, name=name, sheet=sheet)

    def text(self, lang: str = "en") -> str:
        from kipu.core.phrasing import number

        name, one = self.params["name"], len(self.others) == 1
        if lang == "es":
            rows = lambda n: f"{number(n, lang)} fila{'' if n == 1 else 's'}"  # noqa: E731
            listed = _listing(
                [f"“{s}” ({'oculta, ' if h else ''}{rows(n)})" for s, h, n in self.others], "y"
            )
            return (
                f"{name}: {'la hoja' if one else 'las hojas'} {listed} también "
                f"{'tiene' if one else 'tienen'} un encabezado 5W, además de la hoja "
                f"“{self.sheet}” ({rows(self.rows)}), que es la que se lee: sus filas "
                f"quedarían fuera. Copie sus filas en la hoja “{self.sheet}”, o "
                f"{'súbala' if one else 'suba cada una'} como un archivo aparte."
            )
        rows = lambda n: f"{number(n, lang)} row{'' if n == 1 else 's'}"  # noqa: E731
        listed = _listing(
            [f"“{s}” ({'hidden, ' if h else ''}{rows(n)})" for s, h, n in self.others], "and"
        )
        return (
            f"{name}: {'sheet' if one else 'sheets'} {listed} also "
            f"{'has' if one else 'have'} a 5W header, besides sheet “{self.sheet}” "
            f"({rows(self.rows)}), which is the one read: {'its' if one else 'their'} rows "
            f"would be left out. Copy {'its' if one else 'their'} rows into sheet "
            f"“{self.sheet}”, or upload {'it' if one else 'each'} as a separate file."
        )


def _listing(items: Sequence[str], conjunction: str) -> str:
    """“A”, “B” and “C”."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


class NoFiveWSheet(Exception):
    """No sheet of the file has a 5W header; `sheets` names the sheets looked at;
    `activityinfo` is what `header.activityinfo_header` found in their first rows."""

    def __init__(
        self,
        name: str,
        sheets: Sequence[str] | None,
        activityinfo: tuple[str, str] | None = None,
    ) -> None:
        self.name, self.sheets = name, None if sheets is None else list(sheets)
        self.activityinfo = activityinfo
        super().__init__(self.text("en"))

    @property
    def detail(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        return self._where(lang) + self._activityinfo(lang)

    def _where(self, lang: str) -> str:
        if self.sheets is None:  # a text file: one table, and no row of it is a 5W header
            if lang == "es":
                return f"{self.name}: ninguna fila parece un encabezado 5W"
            return f"{self.name}: no row looks like a 5W header"
        listed = ", ".join(f"“{s}”" for s in self.sheets)
        if lang == "es":
            return f"{self.name}: hojas {listed}" if self.sheets else f"{self.name}: sin hojas"
        return f"{self.name}: sheets {listed}" if self.sheets else f"{self.name}: no sheets"

    def _activityinfo(self, lang: str) -> str:
        """Why, when the header is an ActivityInfo export named by field IDs or codes."""
        if self.activityinfo is None:
            return ""
        kind, example = self.activityinfo
        if lang == "es":
            named = "IDs" if kind == "id" else "códigos"
            fix = "" if kind == "id" else ", o asigne las columnas"
            return (
                f"; el encabezado nombra las columnas con {named} de campos de ActivityInfo "
                f"(“{example}”): exporte el formulario con las etiquetas de los campos{fix}"
            )
        named = "IDs" if kind == "id" else "codes"
        fix = "" if kind == "id" else ", or map the columns"
        return (
            f"; its header names columns by ActivityInfo field {named} (“{example}”): export "
            f"the form with its field labels{fix}"
        )
