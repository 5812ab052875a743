"""The pilot statistics as a self-contained HTML report with charts drawn on the server.

The report is rendered from the very document `GET /api/v1/stats/pilot` returns (after
suppression), so the tables and charts can show nothing the JSON does not. Charts are SVG drawn
here (bars, lines and text; see "Charts" below) and inlined: no script, no network fonts (text
is left to the reader's fonts), nothing fetched by the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from matplotlib.ticker import EngFormatter

from silver.domain.stats.catalogue import FUNNEL, RESULTS, SECTIONS, TOTAL

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

COLOURS = ("#1f5f8b", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
DIMENSION_TITLES = {
    TOTAL: "in total",
    "agency": "by agency",
    "crime_type": "by crime type",
    "asset_type": "by asset type",
    "reason": "by reason code",
    "country": "by country",
    "stage": "by stage",
    "until": "by decision",
    "rule": "by rule",
    "month": "by month",
}

Doc = Mapping[str, Any]
NOTHING = "\N{EN DASH}"


def number(value: Any) -> float:
    """A figure as a bar length: hidden or missing figures draw no bar."""
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return 0.0


def shown(value: Any) -> str:
    """A figure as text in a table or beside a bar."""
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return "; ".join(f"{cur} {shown(amount)}" for cur, amount in value.items()) or NOTHING
    text = str(value)
    if text and (text[0].isdigit()) and "." in text:
        try:
            return f"{Decimal(text):,.2f}"
        except InvalidOperation:
            return text
    return text


# --- Charts --------------------------------------------------------------------------------------
#
# Drawn as SVG by hand: bars, lines and text. matplotlib took 1.7 s of CPU for the four charts
# of a report (laying out and measuring every label with FreeType, twice for the constrained
# layout), more than the statistics themselves (bench/README.md). Text widths are estimated
# (CHAR_WIDTH of the font size per character), which is all the layout here needs.

FONT = 11  # px: the labels; bar values are VALUE_FONT
VALUE_FONT = 9
CHAR_WIDTH = 0.62
WIDTH = 624  # px: 6.5 in at 96 dpi, as the charts were


def _text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_WIDTH


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Svg:
    """An SVG drawing with a title (aria-label) for screen readers."""

    def __init__(self, width: float, height: float, label: str) -> None:
        self.width, self.height, self.label = width, height, label
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(0.0, w))}" '
            f'height="{_num(max(0.0, h))}" fill="{fill}"/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#333") -> None:
        self.parts.append(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )

    def polyline(self, points: Sequence[tuple[float, float]], stroke: str) -> None:
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="1.5"/>'
        )
        for x, y in points:
            self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{stroke}"/>')

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = FONT,
        anchor: str = "start",
        rotate: float | None = None,
        bold: bool = False,
    ) -> None:
        turn = f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"' if rotate else ""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
            f'text-anchor="{anchor}" dominant-baseline="central"{weight}{turn}>'
            f"{escape(text)}</text>"
        )

    def legend(self, x: float, y: float, names: Sequence[str], colours: Sequence[str]) -> None:
        """Swatches and names in a row ending at x (right-aligned)."""
        widths = [14 + _text_width(name, VALUE_FONT) + 12 for name in names]
        left = x - sum(widths)
        for name, colour, w in zip(names, colours, widths, strict=True):
            self.rect(left, y - 4, 10, 8, colour)
            self.text(left + 14, y, name, size=VALUE_FONT)
            left += w

    def markup(self) -> Markup:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(self.label)}" '
            f'width="{_num(self.width)}" height="{_num(self.height)}" '
            f'viewBox="0 0 {_num(self.width)} {_num(self.height)}" font-family="sans-serif" '
            f'fill="#222">'
        )
        return Markup(head + "".join(self.parts) + "</svg>")  # noqa: S704 - every text escaped


def compact(value: Any) -> str:
    """An amount beside a bar: three digits and a unit prefix ("413 M"); markers as they are."""
    if isinstance(value, str) and value[:1].isdigit():
        return str(_ENG(number(value)))
    return shown(value)


_ENG = EngFormatter(sep=" ", places=0)


def _barh(
    svg: _Svg,
    box: tuple[float, float, float, float],
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    label: Callable[[Any], str] = shown,
    *,
    title: str | None = None,
    xlabel: str | None = None,
) -> None:
    """Horizontal grouped bars in `box` (x, y, width, height), first label on top, each bar
    labelled with its figure just past its end; a legend when there is more than one series."""
    x, y, width, height = box
    texts = [[label(v) for v in values] for _, values in series]
    gutter = max((_text_width(t) for t in labels), default=0) + 8
    room = max((_text_width(t, VALUE_FONT) for row in texts for t in row), default=0) + 6
    top = y + (20 if title else 4) + (16 if len(series) > 1 else 0)
    bottom = y + height - (22 if xlabel else 4)
    left, span = x + gutter, max(10.0, width - gutter - room)
    if title:
        svg.text(x + width / 2, y + 9, title, anchor="middle", bold=True)
    if len(series) > 1:
        colours = [COLOURS[i % len(COLOURS)] for i in range(len(series))]
        svg.legend(x + width, top - 10, [name for name, _ in series], colours)
    if xlabel:
        svg.text(left + span / 2, y + height - 9, xlabel, anchor="middle")
    rows = max(1, len(labels))
    row_height = (bottom - top) / rows
    bar = row_height * 0.8 / max(1, len(series))
    biggest = max((number(v) for _, values in series for v in values), default=0.0) or 1.0
    for r, name in enumerate(labels):
        svg.text(left - 6, top + (r + 0.5) * row_height, name, anchor="end")
    for i, (_, values) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        for r, (value, text) in enumerate(zip(values, texts[i], strict=True)):
            bar_y = top + r * row_height + row_height * 0.1 + i * bar
            length = max(0.0, number(value)) / biggest * span
            svg.rect(left, bar_y, length, bar, colour)
            svg.text(left + length + 3, bar_y + bar / 2, text, size=VALUE_FONT)
    svg.line(left, top, left, bottom)


def funnel_chart(doc: Doc) -> Markup:
    total = doc["sections"]["funnel"][TOTAL]["all"]
    svg = _Svg(WIDTH, 269, "Funnel: cases at each stage")
    _barh(
        svg, (0, 0, WIDTH, 269), list(FUNNEL), [("cases", [total[m] for m in FUNNEL])],
        xlabel="cases",
    )  # fmt: skip
    return svg.markup()


def countries_chart(doc: Doc) -> Markup | None:
    countries = doc["sections"]["countries"].get("country", {})
    results = doc["sections"]["asset_results"].get("country", {})
    codes = [
        code
        for code, row in countries.items()
        if any(v != 0 for v in (row["received"], row["responded"]))
        or results.get(code, {}).get("outcomes", 0) != 0
    ]
    if not codes:
        return None
    height = 96 + 40 * len(codes)
    svg = _Svg(WIDTH, height, "Answers and results per country")
    _barh(
        svg,
        (0, 0, WIDTH, height),
        codes,
        [
            ("received", [countries[c]["received"] for c in codes]),
            ("responded", [countries[c]["responded"] for c in codes]),
            ("outcomes reported", [results.get(c, {}).get("outcomes", 0) for c in codes]),
        ],
        xlabel="cases (received, responded) and outcomes",
    )
    return svg.markup()


def results_chart(doc: Doc) -> Markup:
    stages = doc["sections"]["asset_results"]["stage"]
    valued = [s for s in RESULTS if s != "no_information"]
    svg = _Svg(WIDTH, 269, "Asset results by stage and value")
    half = WIDTH / 2
    _barh(
        svg, (0, 0, half - 8, 269), list(RESULTS),
        [("outcomes", [stages[s]["outcomes"] for s in RESULTS])], title="outcomes by stage",
    )  # fmt: skip
    _barh(
        svg, (half + 8, 0, half - 8, 269), valued,
        [("EUR", [stages[s]["value_eur"] for s in valued])], compact,
        title="value by stage (EUR)",
    )  # fmt: skip
    return svg.markup()


def months_chart(doc: Doc) -> Markup | None:
    months = doc["sections"]["months"].get("month", {})
    if not months:
        return None
    keys = list(months)
    rotated = len(keys) > 12
    height = 307 + (40 if rotated else 0)
    svg = _Svg(WIDTH, height, "Decisions over time, per month")
    series = ("approvals", "rejections", "returns")
    colours = [COLOURS[(i + 1) % len(COLOURS)] for i in range(len(series))]
    top, bottom = 24, height - (62 if rotated else 26)
    left, right = 64, WIDTH - 8
    svg.legend(right, 10, [*series, "proposed"], [*colours, COLOURS[0]])
    values = [[number(months[m][name]) for m in keys] for name in series]
    proposed = [number(months[m]["proposed"]) for m in keys]
    biggest = max([*proposed, *(v for row in values for v in row)], default=0.0) or 1.0

    def at(value: float) -> float:
        return bottom - max(0.0, value) / biggest * (bottom - top)

    for fraction in (0, 0.5, 1):
        level = biggest * fraction
        svg.line(left - 4, at(level), left, at(level))
        svg.text(left - 7, at(level), shown(round(level, 1)), anchor="end", size=VALUE_FONT)
    svg.text(14, (top + bottom) / 2, "cases / decisions", anchor="middle", rotate=-90)
    slot = (right - left) / len(keys)
    width = slot * 0.8 / len(series)
    for i, row in enumerate(values):
        for k, value in enumerate(row):
            x = left + slot * (k + 0.1) + i * width
            svg.rect(x, at(value), width, bottom - at(value), colours[i])
    svg.polyline([(left + slot * (k + 0.5), at(v)) for k, v in enumerate(proposed)], COLOURS[0])
    for k, key in enumerate(keys):
        x = left + slot * (k + 0.5)
        if rotated:
            svg.text(x, bottom + 6, key, anchor="end", rotate=-90, size=VALUE_FONT)
        else:
            svg.text(x, bottom + 12, key, anchor="middle", size=VALUE_FONT)
    svg.line(left, bottom, right, bottom)
    svg.line(left, top, left, bottom)
    return svg.markup()


# --- The page ------------------------------------------------------------------------------------


def tables(doc: Doc) -> list[dict[str, Any]]:
    out = []
    for section in SECTIONS:
        data = doc["sections"].get(section.name, {})
        tables = []
        for dimension in section.dimensions:
            rows = data.get(dimension, {})
            if not rows:
                continue
            metrics = [m for m in section.metrics if any(m in row for row in rows.values())]
            tables.append(
                {
                    "caption": f"{section.title} {DIMENSION_TITLES.get(dimension, dimension)}",
                    "key": dimension.replace("_", " "),
                    "metrics": [m.replace("_", " ") for m in metrics],
                    "rows": [
                        (key, [shown(row.get(m)) for m in metrics]) for key, row in rows.items()
                    ],
                }
            )
        out.append(
            {"id": section.name, "title": section.title, "about": section.about, "tables": tables}
        )
    return out


CHARTS: tuple[tuple[str, str, Callable[[Doc], Markup | None]], ...] = (
    ("funnel", "The funnel: how far the period's cases got", funnel_chart),
    ("countries", "Answers and results per recipient country", countries_chart),
    ("asset_results", "Asset results by stage, in number and in EUR", results_chart),
    ("months", "Decisions over time (per month)", months_chart),
)


def render_report(doc: Doc) -> str:
    charts = {name: (caption, draw(doc)) for name, caption, draw in CHARTS}
    return _env.get_template("stats_report.html").render(
        doc=doc, sections=tables(doc), charts=charts
    )
