"""The pilot report as PDF and the figures as ODS and XLSX: each opened with its own library and
compared with the CSV, suppression included."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from odf.namespaces import OFFICENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.integration import test_stats_api, test_web
from tests.integration.conftest import Login
from tests.integration.test_web import WebLogin

make_data = test_stats_api.make_data
web = test_web.web


def _csv_rows(client: FlaskClient, query: str, headers: dict[str, str]) -> list[list[str]]:
    response = client.get(f"/api/v1/stats/pilot?{query}&format=csv", headers=headers)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _ods_rows(data: bytes) -> list[list[Any]]:
    document = load_ods(io.BytesIO(data))
    [table] = document.spreadsheet.getElementsByType(Table)
    assert table.getAttribute("name") == "figures"
    out = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttrNS(OFFICENS, "value-type")
            if kind == "float":
                cells.append(float(cell.getAttrNS(OFFICENS, "value")))
            elif kind == "string":
                cells.append(str(cell))
            else:
                cells.append(None)
        out.append(cells)
    return out


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook["figures"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _same_as_csv(csv_rows: list[list[str]], sheet: list[list[Any]]) -> None:
    assert len(sheet) == len(csv_rows)
    for written, cells in zip(csv_rows, sheet, strict=True):
        assert len(cells) == 5, cells
        for text, value in zip(written, cells, strict=True):
            if text == "":
                assert value in (None, ""), (written, cells)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                assert float(text) == pytest.approx(value), (written, cells)
            else:
                assert value == text, (written, cells)


@pytest.mark.parametrize(
    ("kind", "read"),
    [
        ("ods", _ods_rows),
        ("xlsx", _xlsx_rows),
    ],
)
def test_the_spreadsheets_hold_the_csvs_figures_suppressed_alike(
    client: FlaskClient, login: Login, make_data: Any, kind: str, read: Any
) -> None:
    data = make_data(3, full=True)
    evaluator = login("evaluator")
    for audience in ("internal", "public"):
        query = f"{data.query}&audience={audience}"
        response = client.get(f"/api/v1/stats/pilot?{query}&format={kind}", headers=evaluator)
        assert response.status_code == 200
        assert (
            response.mimetype
            == {
                "ods": "application/vnd.oasis.opendocument.spreadsheet",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }[kind]
        )
        assert f".{kind}" in response.headers["Content-Disposition"]
        rows = read(response.data)
        expected = _csv_rows(client, query, evaluator)
        # generated_at differs between two requests; everything else is the same.
        for table in (rows, expected):
            for row in table:
                if row[3] == "generated_at":
                    row[4] = "(time)"
        _same_as_csv(expected, rows)
        assert rows[0] == ["section", "dimension", "key", "metric", "value"]
        proposed = next(r for r in rows if r[0] == "funnel" and r[3] == "proposed")
        assert proposed[4] == ("<5" if audience == "public" else 3)


def test_the_report_is_a_pdf_with_its_figures_and_charts(
    client: FlaskClient, login: Login, make_data: Any
) -> None:
    data = make_data(20)
    evaluator = login("evaluator")
    for path in ("/api/v1/stats/pilot/report", "/api/v1/stats/pilot"):
        response = client.get(f"{path}?{data.query}&audience=public&format=pdf", headers=evaluator)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].endswith('.pdf"')
        assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Silver Notice pilot" in text
    assert "<5" in text  # a suppressed figure, as in the public CSV
    # A chart's own title: only the drawing (the chart's SVG) carries it.
    assert "value by stage (EUR)" in text
    assert len(reader.pages) >= 2


def test_bad_report_formats_are_422(client: FlaskClient, login: Login) -> None:
    response = client.get("/api/v1/stats/pilot/report?format=ods", headers=login("evaluator"))
    assert response.status_code == 422
    assert "format" in response.get_json()["errors"]


def test_the_report_page_offers_every_download(web: WebLogin, make_data: Any) -> None:
    data = make_data(4)
    evaluator = web("evaluator")
    page = evaluator.client.get(f"/report?{data.query}").get_data(as_text=True)
    for kind, media in (
        ("pdf", "application/pdf"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        assert f'id="{kind}-download"' in page
        response = evaluator.client.get(f"/report.{kind}?{data.query}&audience=public")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == media
    assert evaluator.client.get("/report.docx").status_code == 404
    caseworker = web("caseworker", "FIOD")
    assert caseworker.client.get("/report.pdf").status_code == 403
