"""The report's charts, drawn with ReportLab's graphics: one drawing serves the PDF (as a
flowable) and the HTML page (as inline SVG). Every chart's figures are also printed in a
table beside it (`Chart.table`), so nothing is only a picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

BLUE, RED, GREY = colors.HexColor("#1f4e79"), colors.HexColor("#a61b1b"), colors.HexColor(
    "#7a8793")
WIDTH = 500.0
FACILITIES_SHOWN = 10


@dataclass
class Chart:
    key: str
    title: str
    caption: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str | None = None  # why there is no picture (nothing to draw yet)

    def drawing(self, font: str) -> Drawing | None:
        return None if self.empty else _DRAW[self.key](self, font)

    def svg(self) -> str | None:
        drawing = self.drawing("Helvetica")
        if drawing is None:
            return None
        text = renderSVG.drawToString(drawing)
        return text[text.index("<svg"):]  # inline: without the XML prolog and doctype


def report_charts(figures: dict[str, Any]) -> list[Chart]:
    s = figures["series"]
    affected = figures["notified"]["affected"]
    notified = Chart("notified", "Notices provided over time",
                     f"Cumulative notices provided to the people affected, against all "
                     f"{affected:,} affected (dashed).", ["date", "provided (cumulative)",
                                                          "affected"],
                     [[d, n, affected] for d, n in zip(s["date"], s["notified"], strict=True)])
    holds = Chart("holds", "Removal holds active over time",
                  "People under an active removal hold of this incident, day by day.",
                  ["date", "holds active"],
                  [[d, n] for d, n in zip(s["date"], s["holds_active"], strict=True)])
    if not any(s["holds_active"]):
        holds.empty = "No removal hold of this incident has been active."
    by_component = figures["actions"]["tasks"]["by_component"]
    tasks = Chart("tasks", "Tasks open and overdue by component",
                  f"Open tasks and, of those, overdue on {figures['as_of']}.",
                  ["component", "open", "overdue", "done", "total"],
                  [[c, t["open"], t["overdue"], t["done"], t["total"]]
                   for c, t in by_component.items()],
                  empty=None if by_component else "No tasks planned.")
    facilities = figures["affected"]["by_facility"]
    shown = facilities[:FACILITIES_SHOWN]
    rest = sum(f["people"] for f in facilities[FACILITIES_SHOWN:])
    rows = [[f["code"], f["name"], f["people"]] for f in shown]
    if rest:
        rows.append(["", f"{len(facilities) - len(shown)} other facilities", rest])
    facility = Chart("facilities", "People affected by facility",
                     f"The {len(shown)} facilities holding the most people affected"
                     + (f"; the other {len(facilities) - len(shown)} together hold {rest:,} "
                        "(in the table)." if rest else "."),
                     ["facility", "name", "people"], rows,
                     empty=None if facilities else "Nobody affected yet.")
    claw = figures["clawback"]
    clawback = Chart("clawback", "Clawback answers",
                     f"Latest answer of each of the {claw['recipients']} recipients of the "
                     f"posted document ({claw['answered_percent']}% of those written to have "
                     "answered).", ["answer", "recipients"],
                     [[k, v] for k, v in claw["answers"].items()],
                     empty=None if claw["recipients"] else
                     "No recipients found: the clawback has not been run for this incident.")
    return [notified, holds, tasks, facility, clawback]


def _frame(chart: Chart, height: float, font: str) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 12, chart.title, fontName=font, fontSize=10.5))
    return drawing


def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def _time_axis(plot: LinePlot, rows: list[list[Any]], font: str) -> None:
    first, last = _ordinal(rows[0][0]), _ordinal(rows[-1][0])
    step = max(1, (last - first) // 6)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first, max(last, first + 1)
    plot.xValueAxis.valueSteps = list(range(first, last + 1, step))
    plot.xValueAxis.labelTextFormat = lambda v: date.fromordinal(int(v)).strftime("%b %d")
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7.5
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.labelTextFormat = "{:,.0f}".format


def _line(chart: Chart, font: str, columns: list[int], styles: list[tuple[Any, Any]],
          names: list[str]) -> Drawing:
    drawing = _frame(chart, 190, font)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 44, 40, WIDTH - 60, 118
    plot.data = [[(_ordinal(r[0]), r[c]) for r in chart.rows] for c in columns]
    for index, (colour, dash) in enumerate(styles):
        plot.lines[index].strokeColor, plot.lines[index].strokeWidth = colour, 2
        plot.lines[index].strokeDashArray = dash
    _time_axis(plot, chart.rows, font)
    plot.yValueAxis.valueMax = max(max(r[c] for r in chart.rows) for c in columns) or 1
    drawing.add(plot)
    if len(names) > 1:
        legend = Legend()
        legend.x, legend.y, legend.fontName, legend.fontSize = 50, 14, font, 7.5
        legend.columnMaximum, legend.dx, legend.dy, legend.deltax = 1, 14, 4, 150
        legend.alignment = "right"
        legend.colorNamePairs = [(colour, name) for (colour, _), name in zip(styles, names,
                                                                              strict=True)]
        drawing.add(legend)
    return drawing


def _notified(chart: Chart, font: str) -> Drawing:
    return _line(chart, font, [1, 2], [(BLUE, None), (RED, [4, 3])],
                 ["notice provided (cumulative)", "everyone affected"])


def _holds(chart: Chart, font: str) -> Drawing:
    return _line(chart, font, [1], [(BLUE, None)], ["holds active"])


def _tasks(chart: Chart, font: str) -> Drawing:
    drawing = _frame(chart, 180, font)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 44, 40, WIDTH - 60, 110
    bars.data = [[r[1] for r in chart.rows], [r[2] for r in chart.rows]]
    bars.categoryAxis.categoryNames = [str(r[0]) for r in chart.rows]
    bars.bars[0].fillColor, bars.bars[1].fillColor = BLUE, RED
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labelTextFormat = "{:,.0f}".format
    bars.barLabelFormat = "{:,.0f}".format
    bars.barLabels.fontName, bars.barLabels.fontSize, bars.barLabels.nudge = font, 7, 6
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7.5
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 50, 12, font, 7.5
    legend.columnMaximum, legend.deltax, legend.alignment = 1, 80, "right"
    legend.colorNamePairs = [(BLUE, "open"), (RED, "overdue")]
    drawing.add(legend)
    return drawing


def _horizontal(chart: Chart, font: str, labels: list[str], values: list[int]) -> Drawing:
    height = 40 + 16 * len(values)
    drawing = _frame(chart, height + 10, font)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 190, 8, WIDTH - 230, height - 24
    bars.data = [values]
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.reverseDirection = 1
    bars.bars[0].fillColor = BLUE
    bars.valueAxis.valueMin = 0
    bars.valueAxis.visible = 0
    bars.barLabelFormat = "{:,.0f}".format
    bars.barLabels.fontName, bars.barLabels.fontSize = font, 7.5
    bars.barLabels.boxAnchor, bars.barLabels.dx = "w", 3
    bars.categoryAxis.labels.fontName, bars.categoryAxis.labels.fontSize = font, 7.5
    drawing.add(bars)
    return drawing


def _facilities(chart: Chart, font: str) -> Drawing:
    """The facilities by name (the row of all other facilities stays in the table only: its
    bar would dwarf every facility's)."""
    rows = [r for r in chart.rows if r[0]]
    labels = [(r[1] if len(r[1]) <= 34 else r[1][:33] + "…") for r in rows]
    return _horizontal(chart, font, labels, [r[2] for r in rows])


def _clawback(chart: Chart, font: str) -> Drawing:
    return _horizontal(chart, font, [str(r[0]) for r in chart.rows], [r[1] for r in chart.rows])


_DRAW = {"notified": _notified, "holds": _holds, "tasks": _tasks, "facilities": _facilities,
         "clawback": _clawback}
