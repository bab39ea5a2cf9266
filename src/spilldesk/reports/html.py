"""The report as one self-contained, printable HTML page: styles inline, charts as inline SVG,
no script, nothing fetched."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from spilldesk.reports.charts import Chart
from spilldesk.reports.document import Facts, Section, Table, build_document

_ENV = Environment(loader=PackageLoader("spilldesk.reports", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)


def _kind(block: Any) -> str:
    for name, cls in (("chart", Chart), ("table", Table), ("facts", Facts)):
        if isinstance(block, cls):
            return name
    return "text"


def _svg(chart: Chart) -> Markup:
    # ReportLab's own SVG of a drawing built from our figures (no user text is unescaped:
    # the renderer escapes the strings it draws)
    return Markup(chart.svg() or "")  # nosec B704 # ReportLab's SVG of numbers and escaped text


_ENV.filters["kind"] = _kind
_ENV.filters["svg"] = _svg


def render_html(figures: dict[str, Any], sections: list[Section] | None = None) -> str:
    return _ENV.get_template("report.html").render(
        f=figures, sections=sections or build_document(figures))
