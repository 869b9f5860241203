"""The editable Word version: reporting officers make their last edits here before publishing.

Real structure, so Word's navigation pane, styles and table tools work: Heading 1/2 for the
sections and areas, Word tables for figures, presence, events and contacts, pictures with
"Caption" paragraphs, and the narrative as paragraphs with bold and italic runs. Built from
the same `ReportView` as the HTML, so both say the same numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html.parser import HTMLParser
from urllib.parse import unquote

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from kipu.core.report.style import Style
from kipu.core.report.view import ReportView

BLOCK_STYLES = {
    "p": "Normal",
    "h3": "Heading 3",
    "h4": "Heading 4",
    "blockquote": "Quote",
    "ul": "List Bullet",
    "ol": "List Number",
}
TEXT_WIDTH = Cm(17)


class _NarrativeWriter(HTMLParser):
    """Sanitised narrative HTML (a few known tags) → Word paragraphs with formatted runs."""

    def __init__(self, document: DocxDocument) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.bold = self.italic = 0
        # Per open list: its style, and for a numbered one the next number, written as text:
        # Word's one "List Number" numbering ran on across separate lists (1-7 for three) and
        # ignored a list's start ("5. Lima" read "1. Lima").
        self.lists: list[tuple[str, int | None]] = []
        self.quote = False
        self.link: str | None = None
        self.cells = 0  # open table cells: the text between a row's cells is layout only
        self.row = False
        self.column = 0  # cells begun in the row: each after the first is set off by " | "

    def _open(self, style: str) -> None:
        self.paragraph = self.document.add_paragraph(style=style)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            if self.paragraph is not None and self.column:
                self.paragraph.add_run(" | ")  # an empty cell keeps its place
            self.cells += 1
            self.column += 1
        if tag == "tr":
            self.row, self.column = True, 0
        if tag in ("strong", "b", "th"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "ul":
            self.lists.append((BLOCK_STYLES[tag], None))
        elif tag == "ol":
            start = (dict(attrs).get("start") or "1").strip()
            number = int(start) if start.lstrip("-").isdigit() else 1
            self.lists.append(("List Paragraph", number))
        elif tag == "li":
            self._item()
        elif tag == "a":
            self.link = dict(attrs).get("href")
        elif tag == "blockquote":
            self.quote = True
        elif tag in ("p", "h3", "h4", "tr"):
            if tag == "p" and self.paragraph is not None and self._in_item():
                return  # a loose list's <p> continues its item
            self._open("Quote" if self.quote and tag == "p" else BLOCK_STYLES.get(tag, "Normal"))
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def _item(self) -> None:
        style, number = self.lists[-1] if self.lists else ("List Bullet", None)
        self._open(style)
        if number is not None and self.paragraph is not None:
            self.paragraph.add_run(f"{number}. ")
            self.lists[-1] = (style, number + 1)

    def _in_item(self) -> bool:
        if not self.lists or self.paragraph is None:
            return False
        number = self.lists[-1][1]  # an item's own number is already written
        return self.paragraph.text.strip() == ("" if number is None else f"{number - 1}.")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cells = max(self.cells - 1, 0)
        elif tag == "tr":
            self.row = False
        if tag in ("strong", "b", "th"):
            self.bold = max(self.bold - 1, 0)
        elif tag in ("em", "i"):
            self.italic = max(self.italic - 1, 0)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = False
        elif tag == "a" and self.link is not None:
            # Word keeps no link here: its address is written beside its text, unless the
            # text is the address.
            address = unquote(self.link.removeprefix("mailto:"))
            if self.paragraph is not None and not self.paragraph.text.endswith(address):
                self.paragraph.add_run(f" ({self.link})")
            self.link = None
        if tag in ("p", "h3", "h4", "li", "tr"):
            self.paragraph = None

    def handle_data(self, data: str) -> None:
        layout = self.paragraph is None or (self.row and not self.cells) or self._in_item()
        if not data.strip() and layout:
            return  # whitespace between blocks, a row's cells, an item and its paragraph
        if self.paragraph is None:
            self._open("Normal")
        assert self.paragraph is not None
        run = self.paragraph.add_run(data.replace("\n", " "))
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None


def add_narrative(document: DocxDocument, html: str) -> None:
    writer = _NarrativeWriter(document)
    writer.feed(html)
    writer.close()


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word fills in the page number when it lays out the document."""
    run = paragraph.add_run()
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run._r.append(field)


def _setup(document: DocxDocument, view: ReportView) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(17)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    header = section.header.paragraphs[0]
    header.text = f"{view.platform} · {view.title} · {view.period}"
    if view.banner:
        header.add_run(f"   {view.banner}").bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)


def _rgb(colour: str) -> RGBColor:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        return RGBColor.from_string(text.upper())
    except ValueError:
        return RGBColor(0x1F, 0x5F, 0x99)


def _masthead(document: DocxDocument, view: ReportView, style: Style) -> None:
    if view.banner:
        run = document.add_paragraph().add_run(view.banner)
        run.bold = True
        run.font.color.rgb = _rgb(style.accent)
    if view.logo and view.logo[0] in ("image/png", "image/jpeg"):
        document.add_picture(io.BytesIO(view.logo[1]), width=Cm(4))
    document.add_paragraph(view.platform, style="Subtitle")
    document.add_heading(view.title, level=0)
    document.add_paragraph(view.period, style="Subtitle")


def _note(document: DocxDocument, view: ReportView, key: str) -> None:
    if key in view.notes:
        document.add_paragraph().add_run(view.notes[key]).italic = True


def _table(document: DocxDocument, headers: list[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph()


def _figure(document: DocxDocument, view: ReportView, key: str) -> None:
    figure = view.figure(key)
    if figure is None:
        return
    document.add_picture(io.BytesIO(figure.png), width=TEXT_WIDTH)
    caption = document.add_paragraph(style="Caption")
    caption.add_run(figure.prefix).bold = True
    caption.add_run(f" {figure.caption}")


def _key_figures(document: DocxDocument, view: ReportView) -> None:
    document.add_heading(view.label("key_figures"), level=1)
    if view.key_figures:
        rows = [(k.text + (f" ({k.note})" if k.note else ""), k.label) for k in view.key_figures]
        _table(document, [view.label("figure_value"), view.label("description")], rows)
        for i, note in enumerate(view.footnotes, start=1):
            document.add_paragraph(f"({i}) {note}").runs[0].font.size = Pt(8)
    _note(document, view, "key_figures")
    _figure(document, view, "figure-1-arrivals-departures")


def _response(document: DocxDocument, view: ReportView) -> None:
    document.add_heading(view.label("response_overview"), level=1)
    _note(document, view, "areas")
    for text in view.figure_notes:
        document.add_paragraph().add_run(text).italic = True
    for area in view.areas:
        document.add_heading(area.heading, level=2)
        if area.facts:  # no empty paragraph
            facts = document.add_paragraph()
            for i, (name, value) in enumerate(area.facts):
                facts.add_run(("  ·  " if i else "") + f"{name}: ")
                facts.add_run(value).bold = True
        if area.body:
            add_narrative(document, area.body.html)
    _figure(document, view, "partners-by-area")
    _figure(document, view, "reached-by-area")
    _note(document, view, "reached")


def _presence(document: DocxDocument, view: ReportView) -> None:
    document.add_heading(view.label("presence"), level=1)
    _note(document, view, "presence")
    _figure(document, view, "presence-overall")
    _figure(document, view, "presence-by-area")
    if view.province_rows:
        document.add_heading(view.label("province_table"), level=2)
        headers = [view.label(k) for k in ("department", "province", "partners")]
        _table(document, headers, view.province_rows)
        _note(document, view, "province_table")


def _coordination(document: DocxDocument, view: ReportView) -> None:
    document.add_heading(view.label("coordination"), level=1)
    document.add_paragraph(view.coordination)
    if view.coordination_text:
        add_narrative(document, view.coordination_text.html)
    document.add_heading(view.new_members_heading, level=2)
    for member in view.new_members:
        document.add_paragraph(member, style="List Bullet")
    _note(document, view, "new_members")
    document.add_heading(view.label("events"), level=2)
    if view.events:
        keys = ("date", "event", "type", "attendance", "organisations")
        _table(document, [view.label(k) for k in keys], view.events)
    _note(document, view, "events")


def _people(document: DocxDocument, view: ReportView) -> None:
    document.add_heading(view.label("platform_partners"), level=1)
    if view.partners:
        document.add_paragraph(view.partners)
    _note(document, view, "partners")
    document.add_heading(view.label("contacts"), level=1)
    if view.contacts:
        headers = [view.label(k) for k in ("name", "role", "organisation", "email")]
        _table(document, headers, view.contacts)
    _note(document, view, "contacts")


def render_docx(view: ReportView, style: Style) -> bytes:
    document = Document()
    _setup(document, view)
    _masthead(document, view, style)
    if view.highlights:
        document.add_heading(view.label("highlights"), level=1)
        add_narrative(document, view.highlights.html)
    _key_figures(document, view)
    if view.context:
        document.add_heading(view.label("operational_context"), level=1)
        add_narrative(document, view.context.html)
    _response(document, view)
    _presence(document, view)
    _coordination(document, view)
    for title, body in view.custom:
        document.add_heading(title, level=1)
        add_narrative(document, body.html)
    _people(document, view)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
