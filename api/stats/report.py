"""The pilot statistics as a self-contained HTML report with charts drawn on the server.

The report is rendered from the very document `GET /api/v1/stats/pilot` returns (after
suppression), so the tables and charts can show nothing the JSON does not. Charts are
matplotlib figures saved as SVG and inlined: no script, no network fonts (text is left to the
reader's fonts), nothing fetched by the browser. Figures are built with the object API
(`Figure`), never pyplot, so concurrent requests share no global state.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import matplotlib
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from silver.domain.stats.catalogue import FUNNEL, RESULTS, SECTIONS, TOTAL

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter
from matplotlib.typing import RcKeyType

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "silver-stats",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
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


def _svg(fig: Figure, label: str) -> Markup:
    out = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    start = text.index("<svg")
    svg = text[start:].replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 - matplotlib's own SVG of our figures, text escaped by it


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height), dpi=96, layout="constrained")


def compact(value: Any) -> str:
    """An amount beside a bar: three digits and a unit prefix ("413 M"); markers as they are."""
    if isinstance(value, str) and value[:1].isdigit():
        return str(_ENG(number(value)))
    return shown(value)


_ENG = EngFormatter(sep=" ", places=0)


def _barh(
    ax: Any,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    label: Callable[[Any], str] = shown,
) -> None:
    """Horizontal grouped bars, first label on top, each bar labelled with its figure."""
    n = max(1, len(series))
    height = 0.8 / n
    for i, (name, values) in enumerate(series):
        ys = [row + (i - (n - 1) / 2) * height for row in range(len(labels))]
        bars = ax.barh(
            ys,
            [number(v) for v in values],
            height=height,
            label=name,
            color=COLOURS[i % len(COLOURS)],
        )
        ax.bar_label(bars, labels=[label(v) for v in values], padding=2, fontsize=7)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.margins(x=0.15)
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=7, frameon=False)


def funnel_chart(doc: Doc) -> Markup:
    total = doc["sections"]["funnel"][TOTAL]["all"]
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, 2.8)
        ax = fig.add_subplot()
        _barh(ax, list(FUNNEL), [("cases", [total[m] for m in FUNNEL])])
        ax.set_xlabel("cases")
    return _svg(fig, "Funnel: cases at each stage")


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
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, 1.0 + 0.42 * len(codes))
        ax = fig.add_subplot()
        _barh(
            ax,
            codes,
            [
                ("received", [countries[c]["received"] for c in codes]),
                ("responded", [countries[c]["responded"] for c in codes]),
                ("outcomes reported", [results.get(c, {}).get("outcomes", 0) for c in codes]),
            ],
        )
        ax.set_xlabel("cases (received, responded) and outcomes")
    return _svg(fig, "Answers and results per country")


def results_chart(doc: Doc) -> Markup:
    stages = doc["sections"]["asset_results"]["stage"]
    valued = [s for s in RESULTS if s != "no_information"]
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, 2.8)
        left, right = fig.subplots(1, 2)
        _barh(left, list(RESULTS), [("outcomes", [stages[s]["outcomes"] for s in RESULTS])])
        left.set_title("outcomes by stage")
        _barh(right, valued, [("EUR", [stages[s]["value_eur"] for s in valued])], compact)
        right.xaxis.set_major_formatter(EngFormatter(sep=" "))
        right.set_title("value by stage (EUR)")
    return _svg(fig, "Asset results by stage and value")


def months_chart(doc: Doc) -> Markup | None:
    months = doc["sections"]["months"].get("month", {})
    if not months:
        return None
    keys = list(months)
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, 3.2)
        ax = fig.add_subplot()
        series = ("approvals", "rejections", "returns")
        width = 0.8 / len(series)
        for i, name in enumerate(series):
            xs = [x + (i - 1) * width for x in range(len(keys))]
            ax.bar(
                xs,
                [number(months[m][name]) for m in keys],
                width=width,
                label=name,
                color=COLOURS[(i + 1) % len(COLOURS)],
            )
        ax.plot(
            range(len(keys)),
            [number(months[m]["proposed"]) for m in keys],
            marker="o",
            color=COLOURS[0],
            label="proposed",
        )
        ax.set_xticks(range(len(keys)), keys, rotation=90 if len(keys) > 12 else 0)
        ax.set_ylabel("cases / decisions")
        ax.legend(fontsize=7, frameon=False)
    return _svg(fig, "Decisions over time, per month")


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
