"""Issues, the validation report, and the catalogue of every code with its messages.

The catalogue is the single source of codes: rules refer to codes by name, tests check that
each code used exists here and is documented in docs/validation-codes.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The report keeps row issues as columns (kipu.core.validation.report).
from kipu.core.validation.report import Report

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    level: str  # "file" or "row"
    en: str  # message templates: {value} {column} {detail}
    es: str
    doc: str


def _c(code: str, severity: str, level: str, en: str, es: str, doc: str) -> Code:
    return Code(code, severity, level, en, es, doc)


_CODES = (
    # File level
    _c(
        "unreadable-file",
        ERROR,
        "file",
        "The file cannot be read: {detail}",
        "No se puede leer el archivo: {detail}",
        "Not a workbook or CSV, corrupt, truncated, or password-protected.",
    ),
    _c(
        "file-too-large",
        ERROR,
        "file",
        "The file is too large: {detail}",
        "El archivo es demasiado grande: {detail}",
        "Bytes, rows, columns or decompressed size beyond the configured limits.",
    ),
    _c(
        "no-5w-sheet",
        ERROR,
        "file",
        "No sheet has a 5W header row ({detail}).",
        "Ninguna hoja tiene una fila de encabezados 5W ({detail}).",
        "No sheet has a row whose labels or HXL hashtags match the 5W columns.",
    ),
    _c(
        "several-5w-sheets",
        ERROR,
        "file",
        "Several sheets hold 5W rows: {detail}",
        "Varias hojas tienen filas 5W: {detail}",
        "Besides the sheet read as the 5W table, another sheet (hidden or not) has a 5W "
        "header and rows: a 5W split by sector or month. Reading one sheet would leave the "
        "other's rows out, so the file is refused; the message names each sheet and its rows.",
    ),
    _c(
        "month-published",
        ERROR,
        "file",
        "The month {value} is published: an import of it is refused. Reopen it first (its "
        "public reports are withdrawn then).",
        "El mes {value} está publicado: se rechaza su importación. Vuelva a abrirlo primero "
        "(sus informes públicos se retiran entonces).",
        "A month the file is checked for (`--month`, or a month of its rows without it) is "
        "published on the platform: `kipu import` refuses it, storing nothing, so published "
        "figures never change unseen. Reported by `kipu validate`, which checks against the "
        "platform as the import does.",
    ),
    _c(
        "missing-column",
        ERROR,
        "file",
        "Required column “{column}” is missing.",
        "Falta la columna obligatoria “{column}”.",
        "A required column (country, admin1, appealing organisation, month, sector, "
        "indicator) is absent from the header.",
    ),
    _c(
        "duplicate-column",
        ERROR,
        "file",
        "Column “{column}” appears twice ({detail}).",
        "La columna “{column}” aparece dos veces ({detail}).",
        "Two header cells map to the same 5W column; which one holds the data is ambiguous.",
    ),
    _c(
        "unknown-column",
        WARNING,
        "file",
        "Column “{column}” is not a 5W column; kept aside.",
        "La columna “{column}” no es una columna 5W; se conserva aparte.",
        "A header cell matches no 5W label; its values are kept aside, not imported.",
    ),
    _c(
        "key-is-a-label",
        ERROR,
        "file",
        "“{column}” is the label of a 5W column, not its key: send its values as “{detail}”.",
        "“{column}” es la etiqueta de una columna 5W, no su clave: envíe sus valores como "
        "“{detail}”.",
        "A JSON row's key is a spreadsheet label (“Quantity of output”) instead of the "
        "column's key (quantity_output): its values would be kept aside and the column read "
        "as empty (0), so the rows are refused.",
    ),
    _c(
        "activityinfo-field-id",
        WARNING,
        "file",
        "Column “{column}” is named by an ActivityInfo field ID, not a label; kept aside. "
        "Export the form with its field labels, or map the column.",
        "La columna “{column}” lleva el ID de un campo de ActivityInfo, no una etiqueta; se "
        "conserva aparte. Exporte el formulario con las etiquetas de los campos, o asigne la "
        "columna.",
        "ActivityInfo can name columns by field ID (c12c92vi5olfmn7khb4) instead of labels; "
        "such a column matches no 5W label and is kept aside.",
    ),
    _c(
        "no-rows",
        ERROR,
        "file",
        "The 5W sheet has no data rows.",
        "La hoja 5W no tiene filas de datos.",
        "The header was found but no row under it holds an activity.",
    ),
    _c(
        "hidden-sheet",
        WARNING,
        "file",
        "The 5W data were read from the hidden sheet “{value}”.",
        "Los datos 5W se leyeron de la hoja oculta “{value}”.",
        "The only sheet with a 5W header is hidden; check it is the one you meant to submit.",
    ),
    _c(
        "hidden-column",
        WARNING,
        "file",
        "Column “{column}” is hidden in the sheet: its values were read. Delete the column if "
        "they are not meant to be reported.",
        "La columna “{column}” está oculta en la hoja: sus valores se leyeron. Elimine la "
        "columna si no deben reportarse.",
        "A 5W column holding values is hidden in the sheet (Hide, or a width of zero); its "
        "values were read like the others'. Reported at its header cell.",
    ),
    # Row level: errors
    _c(
        "missing-value",
        ERROR,
        "row",
        "“{column}” is empty.",
        "“{column}” está vacío.",
        "A required cell is empty: country, admin1, appealing organisation, month, sector, "
        "indicator; and total monthly beneficiaries on an indicator counting people.",
    ),
    _c(
        "unknown-country",
        ERROR,
        "row",
        "Country “{value}” is not covered by this platform, which covers {detail}; a regional "
        "platform covers the countries it lists and those of its member platforms.",
        "El país “{value}” no está cubierto por esta plataforma, que cubre {detail}; una "
        "plataforma regional cubre los países que enumera y los de sus plataformas miembro.",
        "The country (name, ISO3 or ISO2) is unknown or not covered by the platform; the "
        "message names the countries it covers. A regional platform covers the countries it "
        "lists and those of its member platforms.",
    ),
    _c(
        "unknown-admin1",
        ERROR,
        "row",
        "Admin1 “{value}” is unknown.",
        "Admin1 “{value}” no existe.",
        "The admin1 matches no unit of the gazetteer by code, name or alias.",
    ),
    _c(
        "admin1-not-in-country",
        ERROR,
        "row",
        "Admin1 “{value}” is in another country ({detail}).",
        "Admin1 “{value}” está en otro país ({detail}).",
        "The admin1 exists, but in another country than the row's.",
    ),
    _c(
        "admin1-outside-scope",
        ERROR,
        "row",
        "Admin1 “{value}” is outside the area of this platform.",
        "Admin1 “{value}” está fuera del ámbito de esta plataforma.",
        "A local platform covers some admin1 units only (its admin1 scope); the row is elsewhere.",
    ),
    _c(
        "admin1-wrong-level",
        ERROR,
        "row",
        "Admin1 “{value}” is {detail}.",
        "Admin1 “{value}” es {detail}.",
        "The admin1 names a unit of another level of the row's country (a province or a "
        "district); the message names the admin1 that contains it.",
    ),
    _c(
        "unknown-admin2",
        ERROR,
        "row",
        "Admin2 “{value}” is unknown.",
        "Admin2 “{value}” no existe.",
        "The admin2 matches no unit of the gazetteer.",
    ),
    _c(
        "admin2-not-in-admin1",
        ERROR,
        "row",
        "Admin2 “{value}” is not in {detail}.",
        "Admin2 “{value}” no está en {detail}.",
        "The admin2 exists but belongs to another admin1.",
    ),
    _c(
        "admin2-wrong-level",
        ERROR,
        "row",
        "Admin2 “{value}” is {detail}.",
        "Admin2 “{value}” es {detail}.",
        "The admin2 names a unit of another level of the row's country (a district, or a "
        "department); the message names the admin2 that contains it.",
    ),
    _c(
        "ambiguous-organization",
        ERROR,
        "row",
        "“{value}” names several registered organisations ({detail}); write the one you mean "
        "(its registry id, or a name only it has).",
        "“{value}” nombra a varias organizaciones registradas ({detail}); escriba la que "
        "corresponde (su identificador del registro, o un nombre que solo ella tenga).",
        "A name or acronym shared by several registered organisations (CARE Perú and CARE "
        "Ecuador, both `CARE`) names none of them: it is never given to the first.",
    ),
    _c(
        "ambiguous-implementing-partner",
        WARNING,
        "row",
        "Implementing partner “{value}” names several registered organisations ({detail}): "
        "the row is stored without it; write the one you mean (its registry id, or a name only "
        "it has).",
        "El socio implementador “{value}” nombra a varias organizaciones registradas "
        "({detail}): la fila se guarda sin él; escriba la que corresponde (su identificador del "
        "registro, o un nombre que solo ella tenga).",
        "As an unregistered implementing partner: the row is kept without a partner, and the "
        "name is never given to the first of them.",
    ),
    _c(
        "unknown-organization",
        ERROR,
        "row",
        "Organisation “{value}” is not registered.",
        "La organización “{value}” no está registrada.",
        "The appealing organisation is not registered for the platform (name, acronym or "
        "translation).",
    ),
    _c(
        "organization-mismatch",
        ERROR,
        "row",
        "“{value}” is not the organisation submitting this file ({detail}).",
        "“{value}” no es la organización que presenta este archivo ({detail}).",
        "An organisation submits its own rows only: the appealing organisation must be the "
        "submitting one.",
    ),
    _c(
        "implementing-partner-missing",
        ERROR,
        "row",
        "Implementation is Yes but no implementing partner is given.",
        "Implementación es Sí pero no se indica socio implementador.",
        "Implementation through a partner requires the implementing partner's name.",
    ),
    _c(
        "implementing-partner-unexpected",
        ERROR,
        "row",
        "Implementation is No but an implementing partner is given (“{value}”).",
        "Implementación es No pero se indica un socio implementador (“{value}”).",
        "Direct implementation must not name an implementing partner.",
    ),
    _c(
        "invalid-month",
        ERROR,
        "row",
        "“{value}” is not a month: write it as YYYY-MM (for example 2019-11).",
        "“{value}” no es un mes: escríbalo como AAAA-MM (por ejemplo 2019-11).",
        "The month cannot be read. Accepted: YYYY-MM, Excel dates, 2019-11-01, 11/2019, "
        "201911, month names in English, Spanish or Portuguese (Noviembre 2019, nov-19, 1 de "
        "noviembre de 2019), and a month name alone when it is the month submitted.",
    ),
    _c(
        "ambiguous-date",
        ERROR,
        "row",
        "“{value}” may be either month ({detail}): write it as YYYY-MM.",
        "“{value}” puede ser cualquiera de los dos meses ({detail}): escríbalo como AAAA-MM.",
        "A numeric date such as 10/01/2019 reads as 10 January (day first) or 1 October "
        "(month first). The order is decided once per file: a first part above 12 anywhere "
        "in the file means day first, a second part above 12 means month first, unless more "
        "rows read, the other way, as the 1st of a month (as a month is written) than rows "
        "prove that order; without such a date, the "
        "submitted month decides when exactly one reading is that month. Otherwise, or when "
        "the file uses both orders, the date is flagged, never guessed.",
    ),
    _c(
        "month-outside-submission",
        ERROR,
        "row",
        "Month {value} {detail}.",
        "Mes {value} {detail}.",
        "The month differs from the month being submitted, or is in the future.",
    ),
    _c(
        "month-before-plans",
        WARNING,
        "row",
        "Month {value} is before the platform's first plan ({detail}): it is checked and "
        "counted with that plan. Check the date.",
        "El mes {value} es anterior al primer plan de la plataforma ({detail}): se revisa y "
        "cuenta con ese plan. Revise la fecha.",
        "A month before the year of the platform's first plan: the row is checked and counted "
        "with that plan, as the rows of a year without its own plan are. A date misread may "
        'lead there ("42019", April 2019 without its separator, is the serial of '
        "2015-01-14).",
    ),
    _c(
        "unknown-sector",
        ERROR,
        "row",
        "Sector “{value}” is not in the plan.",
        "El sector “{value}” no está en el plan.",
        "The sector (code, English or Spanish name) is not a sector of the plan.",
    ),
    _c(
        "unknown-indicator",
        ERROR,
        "row",
        "Indicator “{value}” is not in the plan.",
        "El indicador “{value}” no está en el plan.",
        "The indicator (code, English or Spanish name) is not an indicator of the plan.",
    ),
    _c(
        "indicator-not-in-sector",
        ERROR,
        "row",
        "Indicator “{value}” belongs to sector {detail}.",
        "El indicador “{value}” pertenece al sector {detail}.",
        "The indicator belongs to another sector (a sector's sub-sectors and parent are accepted).",
    ),
    _c(
        "invalid-yes-no",
        ERROR,
        "row",
        "“{value}” is not Yes or No.",
        "“{value}” no es Sí ni No.",
        "A Yes/No cell holds something else (Yes/No/Sí/Si/Y/N/True/False are accepted).",
    ),
    _c(
        "invalid-number",
        ERROR,
        "row",
        "“{value}” is not a valid number here ({detail}).",
        "“{value}” no es un número válido aquí ({detail}).",
        "Not a number, a negative number, or a count of people that is not whole (the "
        "suggestion is the count rounded half up, which is what an IM officer's "
        "--accept-issues import stores). Thousands separators and decimal marks are read by "
        "the file's own evidence, never by the interface language (see ambiguous-number).",
    ),
    _c(
        "ambiguous-number",
        ERROR,
        "row",
        "“{value}” can be read two ways ({detail}): write it without a thousands separator.",
        "“{value}” se puede leer de dos maneras ({detail}): escríbalo sin separador de miles.",
        "One separator followed by three digits (1,500 or 1.500) is a thousands separator or a "
        "decimal mark. Values that can be read one way only (1,500.50; 2,5; 12.75) tell which "
        "the file uses, first in the same column, then in the whole file. The value is an "
        "error when the file uses both conventions, or when its convention makes the value a "
        "number with three decimals (1,500 in a file that writes 2,5), which no count of "
        "people or amount in dollars has; and when more than three digits come before the "
        "separator (1500,000) in a file that groups thousands with it (5,382.50): a "
        "separator left out (1,500,000) as much as a decimal mark.",
    ),
    _c(
        "currency-not-usd",
        ERROR,
        "row",
        "“{value}” is in another currency ({detail}); the column is in US dollars: convert it.",
        "“{value}” está en otra moneda ({detail}); la columna es en dólares: conviértalo.",
        "An amount with a currency other than the US dollar (S/, PEN, €, COP…) in a column in "
        "USD; it is never taken for dollars.",
    ),
    _c(
        "cva-value-missing",
        ERROR,
        "row",
        "CVA is Yes but the transfer value is empty or 0.",
        "CVA es Sí pero el valor de transferencia está vacío o es 0.",
        "Cash and voucher assistance needs its value in USD.",
    ),
    _c(
        "cva-mechanism-missing",
        ERROR,
        "row",
        "CVA is Yes but no delivery mechanism is given.",
        "CVA es Sí pero no se indica la modalidad de entrega.",
        "Cash and voucher assistance needs its delivery mechanism.",
    ),
    _c(
        "cva-mechanism-invalid",
        ERROR,
        "row",
        "“{value}” is not a delivery mechanism.",
        "“{value}” no es una modalidad de entrega.",
        "The delivery mechanism is not in the list (2021 names are accepted and mapped).",
    ),
    _c(
        "cva-fields-unexpected",
        ERROR,
        "row",
        "CVA is not Yes, yet this is filled: {detail}.",
        "CVA no es Sí, pero esto está lleno: {detail}.",
        "Without CVA = Yes (No, or empty), value and delivery mechanism must stay empty (a value"
        " of 0 is accepted): an empty CVA beside a transfer left the cash out of the CVA figures.",
    ),
    _c(
        "mpc-requires-cva",
        ERROR,
        "row",
        "Multipurpose cash requires CVA = Yes.",
        "La asistencia multipropósito en efectivo requiere CVA = Sí.",
        "A row of the multipurpose cash sector is cash assistance by definition.",
    ),
    _c(
        "pin-without-beneficiaries",
        ERROR,
        "row",
        "This indicator counts people, but total and new beneficiaries are 0.",
        "Este indicador cuenta personas, pero el total y los nuevos beneficiarios son 0.",
        "An indicator counting people (PiN/People; Direct Assistance/Capacity Building) "
        "without any beneficiary.",
    ),
    _c(
        "empty-row-values",
        ERROR,
        "row",
        "Every number on this row is 0 or empty.",
        "Todos los números de esta fila son 0 o están vacíos.",
        "Quantity, totals and breakdowns are all 0 or empty: the row reports nothing.",
    ),
    _c(
        "new-exceeds-total",
        ERROR,
        "row",
        "New beneficiaries exceed the monthly total ({detail}).",
        "Los nuevos beneficiarios superan el total mensual ({detail}).",
        "New beneficiaries of the month are part of the month's total, never more.",
    ),
    _c(
        "population-breakdown-mismatch",
        ERROR,
        "row",
        "Population types add up to {value}, not to the new beneficiaries ({detail}).",
        "Los tipos de población suman {value}, no los nuevos beneficiarios ({detail}).",
        "On a people-reached indicator, in destination + in transit + host community + "
        "pendular + returnees must equal new beneficiaries.",
    ),
    _c(
        "agd-breakdown-mismatch",
        ERROR,
        "row",
        "Age and sex groups add up to {value}, not to the new beneficiaries ({detail}).",
        "Los grupos de edad y sexo suman {value}, no los nuevos beneficiarios ({detail}).",
        "On an indicator counting people, girls + boys + women + men + other under/above 18 "
        "must equal new beneficiaries.",
    ),
    _c(
        "excel-error",
        ERROR,
        "row",
        "“{column}” holds the Excel error {value}: fix the formula or type the value.",
        "“{column}” contiene el error de Excel {value}: corrija la fórmula o escriba el valor.",
        "The cell holds an error value (#N/A, #REF!, #VALUE!, #DIV/0!, #NUM!, #NAME?, #NULL!, "
        "#SPILL!, #CALC!…), in a workbook or written as text in a CSV: the value is unknown.",
    ),
    _c(
        "formula-without-value",
        ERROR,
        "row",
        "“{column}” holds a formula with no saved value: open and save the file in Excel, or "
        "type the value.",
        "“{column}” contiene una fórmula sin valor guardado: abra y guarde el archivo en "
        "Excel, o escriba el valor.",
        "A workbook written by a program (openpyxl, pandas, xlsxwriter) and never opened in a "
        "spreadsheet program holds formulas but not their results (or a placeholder 0): the "
        "value is unknown.",
    ),
    _c(
        "unreadable-value",
        ERROR,
        "row",
        "“{column}” holds a value written in a form that cannot be read exactly: open and save "
        "the file in Excel, or type the value.",
        "“{column}” contiene un valor escrito en una forma que no se puede leer con exactitud: "
        "abra y guarde el archivo en Excel, o escriba el valor.",
        "The program that wrote the workbook wrote this value with an XML character reference "
        "or a CDATA section (&#49;5 or <![CDATA[15]]> for 15), which the spreadsheet reader "
        "reads blank or cut short (1 for 15); or a text's shared-string index that is not "
        "plain digits, or a blank number, which it reads as the first text or 0: the value is "
        "unknown.",
    ),
    # Row level: warnings
    _c(
        "number-read-as",
        WARNING,
        "row",
        "“{value}” was read as {detail}.",
        "“{value}” se leyó como {detail}.",
        "An amount with one separator followed by three digits (1,500) and no other evidence "
        "in the file is read with a thousands separator (US dollars have two decimals); a "
        "dash or N/A in a number cell is read as empty.",
    ),
    _c(
        "dollar-sign-ambiguous",
        ERROR,
        "row",
        "“{value}”: in this country ({detail}) $ is also the sign of its own currency; write "
        "US$ or USD if the amount is in US dollars, or convert it to dollars.",
        "“{value}”: en este país ({detail}) $ es también el signo de su propia moneda; escriba "
        "US$ o USD si el monto está en dólares, o conviértalo a dólares.",
        "A $ alone in an amount in US dollars, in a row of a country whose own currency is "
        "written $ (Argentina, Chile, Colombia, Cuba, Dominican Republic, Guyana, Mexico, "
        "Trinidad and Tobago, Uruguay): it may be pesos, and is never taken for dollars.",
    ),
    _c(
        "dollar-format-ambiguous",
        ERROR,
        "row",
        "“{value}”: the cell's format shows it with $, which in this country ({detail}) is "
        "also the sign of its own currency; format the cell as US$ (in Excel: $ English "
        "(United States)) if the amount is in US dollars, or convert it to dollars.",
        "“{value}”: el formato de la celda lo muestra con $, que en este país ({detail}) es "
        "también el signo de su propia moneda; dé a la celda el formato US$ (en Excel: $ "
        "Inglés (Estados Unidos)) si el monto está en dólares, o conviértalo a dólares.",
        "A number in an amount in US dollars whose cell format shows a $ alone (Excel's "
        "currency or accounting format of the computer's locale), in a row of a country "
        "whose own currency is written $: the format says pesos as much as dollars.",
    ),
    _c(
        "currency-sign",
        WARNING,
        "row",
        "“{value}” was read as {detail} (US dollars; the currency sign was removed).",
        "“{value}” se leyó como {detail} (dólares; se quitó el signo de moneda).",
        "US$, USD, U$S or $ in an amount in US dollars: removed, the number kept.",
    ),
    _c(
        "code-zeros-restored",
        WARNING,
        "row",
        "“{value}” was read as the code {detail}: Excel drops the leading zeros of a code "
        "typed as a number.",
        "“{value}” se leyó como el código {detail}: Excel quita los ceros iniciales de un "
        "código escrito como número.",
        "A place code that lost its leading zeros (the UBIGEO 010101 typed as the number "
        "10101) is read with them restored, and the unit is named so the reading can be checked.",
    ),
    _c(
        "divided-number",
        WARNING,
        "row",
        "The cell shows “{detail}” (its number format shows thousands or millions) but holds "
        "{value}: {value} was read. If {detail} was meant, type {detail} in a cell without "
        "that format.",
        "La celda muestra “{detail}” (su formato de número muestra miles o millones) pero "
        "contiene {value}: se leyó {value}. Si quiso decir {detail}, escriba {detail} en una "
        "celda sin ese formato.",
        "A number in a count or amount column whose cell format shows it divided by a "
        "thousand (Excel's `#,##0,`, a million for `0,,`; LibreOffice's display factor), "
        "with no word saying so: the cell holds 12000 and shows 12. The number the cell "
        "holds is read, as formulas use it.",
    ),
    _c(
        "hidden-value",
        WARNING,
        "row",
        "“{column}” holds {value}, which its number format hides: the cell looks empty. "
        "{value} was read; if the cell is meant to be empty, delete its value.",
        "“{column}” contiene {value}, que su formato de número oculta: la celda se ve vacía. "
        "Se leyó {value}; si la celda debe estar vacía, borre su valor.",
        "A number whose cell format shows nothing (Excel's `;;;`, or `0;;` for a negative "
        "number), in XLSX, XLS and ODS: the spreadsheet shows an empty cell, and the cell holds "
        "the number, which formulas use. It is read, and shown, as a partner may have hidden "
        "it meaning to delete it. So is a text whose format's text section shows nothing. A "
        "zero shown as nothing (`0;-0;;@`) is a zero: no warning.",
    ),
    _c(
        "number-shown-as-text",
        WARNING,
        "row",
        "The cell holds the number {detail}, but its number format shows “{value}” in its "
        "place: “{value}” was read, as the cell shows it. If {detail} was meant, remove the "
        "format (Format Cells → General).",
        "La celda contiene el número {detail}, pero su formato de número muestra “{value}” en "
        "su lugar: se leyó “{value}”, como se ve. Si quiso decir {detail}, quite el formato "
        "(Formato de celdas → General).",
        'A number whose cell format shows a text alone in its place (`"n/a"`, `0;-` for '
        "negatives) is read as that text, as a CSV's would be; formulas and R4V's scripts "
        "read the number, so the cell says it holds one.",
    ),
    _c(
        "shown-other-value",
        WARNING,
        "row",
        "The cell shows “{detail}” (a text its number format shows in place of its value) "
        "but holds “{value}”: “{value}” was read. If “{detail}” was meant, type it in a cell "
        "without that format.",
        "La celda muestra “{detail}” (un texto que su formato de número muestra en lugar de "
        "su valor) pero contiene “{value}”: se leyó “{value}”. Si quiso decir “{detail}”, "
        "escríbalo en una celda sin ese formato.",
        "A number whose cell format shows a text alone in its place that reads as another "
        'number (`0;"0"` shows negative numbers as 0; `"5"` shows 5 for any number), or a '
        'text whose format\'s text section shows another text (`;;;"n/a"`), in XLSX and XLS. '
        "The value the cell holds is read (a negative count is an error then); read as the "
        "text shown, -12 passed as 0 with no word.",
    ),
    _c(
        "merged-cell",
        WARNING,
        "row",
        "“{column}” is part of the merged cells {detail}: their value was used for this row.",
        "“{column}” es parte de las celdas combinadas {detail}: se usó su valor en esta fila.",
        "A data cell merged over several rows applies to each of them.",
    ),
    _c(
        "merged-number",
        ERROR,
        "row",
        "“{column}” is part of the merged cells {detail}: their number was copied to this "
        "row, and would be counted once per row. Write each row's own number.",
        "“{column}” es parte de las celdas combinadas {detail}: su número se copió a esta "
        "fila y se contaría una vez por fila. Escriba el número de cada fila.",
        "A count or an amount merged over several rows: the number was copied to each row "
        "it covers (390 merged over three activities counts 1,170), though the partner may "
        "have meant it for the rows together. One issue per row covered, the first excepted.",
    ),
    _c(
        "merged-across",
        WARNING,
        "row",
        "“{column}” is covered by the merged cells {detail} and was read as empty.",
        "“{column}” está cubierta por las celdas combinadas {detail} y se leyó vacía.",
        "A range merged across several columns shows its value in its first column only; the "
        "other columns it covers are empty, as the spreadsheet shows them (an empty count is "
        "0).",
    ),
    _c(
        "text-too-long",
        WARNING,
        "row",
        "“{column}” holds {detail} characters; Excel cells hold at most 32,767.",
        "“{column}” tiene {detail} caracteres; una celda de Excel admite como máximo 32.767.",
        "The text is kept whole, but exports to Excel mark the cell as cut.",
    ),
    _c(
        "replaced-character",
        WARNING,
        "row",
        "“{column}” holds “�” in place of a character that could not be read: a control "
        "character such as NUL (which no one types, and which cannot be stored) or a byte "
        "of another encoding.",
        "“{column}” contiene “�” en lugar de un carácter que no se pudo leer: un carácter "
        "de control como NUL (que nadie escribe y que no se puede guardar) o un byte de otra "
        "codificación.",
        "The text is stored with “�”, as it was read; correct it in the file where it "
        "shows garbled.",
    ),
    _c(
        "unknown-implementing-partner",
        WARNING,
        "row",
        "Implementing partner “{value}” is not registered: the row is stored without it (the "
        "name is not kept); ask the IM team to register it.",
        "El socio implementador “{value}” no está registrado: la fila se guarda sin él (el "
        "nombre no se conserva); pida al equipo de gestión de información que lo registre.",
        "The implementing partner is not in the platform's organisations; the row is kept "
        "without a partner (the name written is not stored) and the partner is not counted.",
    ),
    _c(
        "quantity-missing",
        WARNING,
        "row",
        "This indicator's quantity of output is empty: fill it if the activity produced one.",
        "La cantidad de productos de este indicador está vacía: llénela si la actividad "
        "produjo alguna.",
        "A Direct Assistance indicator without quantity of output (empty or 0). A warning, "
        "not an error: R4V's 2025 quality checks accept such a row.",
    ),
    _c(
        "beneficiaries-not-applicable",
        WARNING,
        "row",
        "Beneficiaries reported on an output-only indicator ({detail}).",
        "Beneficiarios reportados en un indicador de productos ({detail}).",
        "The indicator does not count people (Other, Infrastructure, Mechanism/Advocacy); "
        "its beneficiaries are ignored by people-reached figures.",
    ),
    _c(
        "duplicate-row",
        WARNING,
        "row",
        "Same activity and numbers as row {detail}.",
        "Misma actividad y cifras que la fila {detail}.",
        "Same organisation, partner, month, admin1, admin2, indicator, activity name and "
        "numbers as an earlier row.",
    ),
    _c(
        "outlier",
        WARNING,
        "row",
        "{value} is far above this organisation's history ({detail}).",
        "{value} está muy por encima del historial de esta organización ({detail}).",
        "A number more than 10 times the largest the organisation reported for the indicator "
        "(history of at least 3 rows).",
    ),
    _c(
        "hidden-row",
        WARNING,
        "row",
        "Row {detail} is hidden in the sheet: it was read as data. Delete it if it is not "
        "meant to be reported.",
        "La fila {detail} está oculta en la hoja: se leyó como datos. Elimínela si no debe "
        "reportarse.",
        "A data row is hidden in the sheet (Hide, a filter, a collapsed group, a height of "
        "zero); it was read and is stored like the others. One issue per hidden row.",
    ),
    _c(
        "header-repeated",
        ERROR,
        "row",
        "Row {value} repeats the header{detail}.",
        "La fila {value} repite el encabezado{detail}.",
        "A data row whose cells are the labels of at least three of the header's columns: two "
        "tables joined into one file, or a header copied down. When its columns are in "
        "another order, the rows below it were read in the first header's order: the detail "
        "names the columns moved.",
    ),
    _c(
        "formula-cell",
        WARNING,
        "row",
        "The value of “{column}” comes from a formula.",
        "El valor de “{column}” proviene de una fórmula.",
        "The cell holds a formula; its last computed value was used. Paste values instead.",
    ),
)

CATALOGUE: dict[str, Code] = {c.code: c for c in _CODES}

_SUGGEST = {"en": " Did you mean “{}”?", "es": " ¿Quiso decir “{}”?"}


def message(
    code: str,
    lang: str,
    value: object = "",
    column: object = "",
    detail: object = "",
    suggestion: str | None = None,
) -> str:
    info = CATALOGUE[code]
    template = info.es if lang == "es" else info.en
    text = template.format(value=value or "", column=column or "", detail=detail or "")
    if suggestion:
        text += _SUGGEST["es" if lang == "es" else "en"].format(suggestion)
    return text


@dataclass(slots=True)
class Issue:
    code: str
    severity: str
    message: str
    sheet: str | None = None
    row: int | None = None  # as the user sees it (1-based, header counted)
    column: str | None = None  # the label in the user's file
    value: str | None = None
    suggestion: str | None = None
    org: str | None = None  # for counts per organisation; not serialised
    col_index: int | None = None  # 0-based column in the sheet, for annotation

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "suggestion": self.suggestion,
        }


def new_issue(
    code: str,
    lang: str = "en",
    *,
    value: object = None,
    column: str | None = None,
    detail: object = "",
    suggestion: str | None = None,
    **where: Any,
) -> Issue:
    text = None if value is None else str(value)
    return Issue(
        code=code,
        severity=CATALOGUE[code].severity,
        message=message(code, lang, text, column, detail, suggestion),
        value=text,
        column=column,
        suggestion=suggestion,
        **where,
    )


__all__ = ["CATALOGUE", "ERROR", "WARNING", "Code", "Issue", "Report", "message", "new_issue"]
