"""The pilot statistics as files people open with the tools they have: the report as PDF, and
the figures as ODS (OpenDocument, the Dutch government's open standard for office documents)
and XLSX, beside the CSV.

The PDF is WeasyPrint's rendering of the very HTML report (`report.render_report`), charts
included (the report's SVG, drawn by WeasyPrint), so it shows nothing the JSON does not. The
spreadsheets hold exactly the rows of the CSV (`silver.domain.stats.export.to_csv`): the header,
the rows of section `about`, then one figure per row, with the same suppression, so a
suppressed count is the text "<5" in every format. Counts are number cells; an amount (a decimal
string in the JSON and CSV) is a number cell too, so a spreadsheet can add it up; every other
value is a text cell, which a spreadsheet never runs as a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from silver.domain.stats.catalogue import ALL, TOTAL
from silver.domain.stats.export import PilotStatistics, about
from silver.domain.stats.suppression import Shown

PDF = "application/pdf"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"pdf": PDF, "ods": ODS, "xlsx": XLSX}

HEADER = ("section", "dimension", "key", "metric", "value")
SHEET = "figures"
_DECIMAL = re.compile(r"-?\d+\.\d+")

# Print layout of the report: A4 pages, page numbers, charts and tables kept whole.
_PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
figure, table { break-inside: avoid; }
h2 { break-after: avoid; }
nav { display: none; }
"""


def rows(stats: PilotStatistics) -> Iterator[tuple[Shown, ...]]:
    """The CSV's rows, values as they are (not yet CSV text)."""
    yield HEADER
    for metric, value in about(stats):
        yield ("about", TOTAL, ALL, metric, value)
    for (section, dimension, key, metric), value in stats.figures.items():
        yield (section, dimension, key, metric, value)


def cell(value: Shown) -> int | float | str | None:
    """A figure as a spreadsheet cell: a number, a text, or empty."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return float(text) if _DECIMAL.fullmatch(text) else text


# --- PDF -----------------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The report is self-contained; nothing is fetched while it is rendered."""
    raise ValueError(f"the report refers to {url!r}; it should fetch nothing")


def to_pdf(html: str) -> bytes:
    """The HTML report as a PDF (A4)."""
    from weasyprint import CSS, HTML

    document = HTML(string=html, url_fetcher=_no_fetching)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=_PRINT_CSS)])
    return pdf


# --- ODS -----------------------------------------------------------------------------------


def to_ods(stats: PilotStatistics) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=SHEET)
    for row in rows(stats):
        table_row = TableRow()
        for value in row:
            shown = cell(value)
            if shown is None:
                table_row.addElement(TableCell())
            elif isinstance(shown, str):
                text_cell = TableCell(valuetype="string")
                text_cell.addElement(P(text=shown))
                table_row.addElement(text_cell)
            else:
                number = TableCell(valuetype="float", value=shown)
                number.addElement(P(text=str(shown)))
                table_row.addElement(number)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------


def to_xlsx(stats: PilotStatistics) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = SHEET
    for r, row in enumerate(rows(stats), start=1):
        for c, value in enumerate(row, start=1):
            shown = cell(value)
            target = sheet.cell(row=r, column=c)
            target.value = shown
            if isinstance(shown, str):
                # openpyxl takes a text starting with "=" for a formula unless told otherwise.
                target.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(stats: PilotStatistics, kind: str, html: str | None = None) -> bytes:
    """The figures (`ods`, `xlsx`) or the report (`pdf`, from its `html`) as a file."""
    if kind == "pdf":
        if html is None:
            raise ValueError("the PDF is made from the HTML report")
        return to_pdf(html)
    if kind == "ods":
        return to_ods(stats)
    if kind == "xlsx":
        return to_xlsx(stats)
    raise ValueError(f"no document of kind {kind!r}")
