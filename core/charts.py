"""Server-drawn SVG charts: bar, stacked bar, line with points, sparkline (issues 18 and 19).

Pure Python geometry + one template per kind (``templates/core/charts/``); no JavaScript, no CDN.
Every builder returns a :class:`Chart`, which renders itself: put ``{{ chart }}`` in a template
(or ``str(chart)`` in Python). Numbers are written in the active language's format with thousands
grouped (``django.utils.formats.number_format(..., force_grouping=True)``), so call the builders
inside the request (or under ``translation.override``), as the view does.

What a chart shows (bar, stacked bar, line):
- a ``<figure>`` with the title as ``<figcaption>``; the ``<svg role="img">`` is labelled by its
  ``<title>`` and ``<desc>`` (the description, or "Values in the table below");
- a y axis with "nice" ticks (1, 2, 2.5 or 5 x 10^n), gridlines, an x axis with the category labels
  (thinned when they would collide; the table keeps every one);
- each value written at its bar, segment or point (in a compact form, "1.2 M", only when the full
  number would not fit its slot);
- a legend (HTML, wraps on a phone) when there are several series;
- a data table with every value in full: visually hidden by default (screen readers), or shown
  under the chart with ``table="visible"``.
- ``viewBox`` + ``width="100%"``: the drawing scales to the column; the default 480 x 240 box with
  13-unit text stays readable at phone width (390 px: about 10 px text).

Builders (keyword arguments after the first ones; ``labels`` and every values list have one entry
per category; values are int, float or Decimal, ``None`` counts as 0 and shows "—" in the table):

``bar_chart(title, labels, values, *, description="", value_name=_("Value"), decimals=0,
            value_format=None, links=None, table="hidden", width=480, height=240)``
    One bar per category. ``links`` (one URL or None per bar) makes each bar and its label a link:
    the figure opens the list it counts.
``stacked_bar_chart(title, labels, series, *, ...same options without value_name...)``
    ``series`` is ``[(name, values), ...]``; segments stack per category, the total is written on
    top and each segment's value inside it when it is tall enough (always in the table).
``line_chart(title, labels, series, *, ...)``
    One line with a point per category for each series (up to 6 colours); values at the points
    (the second series' below them, so two lines stay readable).
``sparkline(title, values, *, labels=None, decimals=0, value_format=None, width=120, height=28)``
    A tiny inline line for a table cell: no axes, the last value marked; its ``<title>`` names
    the series and ``<desc>`` lists every value (``labels[i]: value``), so a screen reader hears
    the numbers and no hidden table is added per row.
``format_number(value, decimals=0)`` -> the locale's grouped number, e.g. "12 345" (hu).
``nice_ticks(low, high, count=5)`` -> the axis ticks covering [low, high].

``value_format`` (a function of one number returning text, e.g.
``lambda v: money(v, "HUF")`` from ``core.templatetags.crm``) replaces the number format in the
table and in the labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Literal

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

Number = int | float | Decimal
Formatter = Callable[[Number], str]
TableMode = Literal["hidden", "visible"]

# Colours that carry white text at 4.5:1 or more and stay apart for the common colour blindnesses.
PALETTE = ["#1f5fa8", "#a84300", "#2b6e2f", "#6b3fa0", "#8a1c3c", "#4a5568"]
FONT = 13
CHAR_WIDTH = 7.4  # average advance of a 13-unit sans-serif character, for fitting labels
_ids = count(1)


def format_number(value: Number | None, decimals: int = 0) -> str:
    """The active locale's number with thousands grouped ("12,345" en, "12 345" hu, "12 345" bg)."""
    if value is None:
        return "—"
    return number_format(
        round(Decimal(str(value)), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def compact_number(value: Number) -> str:
    """A short form for a label that has no room: 1234567 -> "1.2 M", 12345 -> "12 k" (locale separators)."""
    number = float(value)
    size = abs(number)
    if size >= 1_000_000_000:
        return _("%(value)s bn") % {
            "value": number_format(round(number / 1e9, 1), decimal_pos=1, use_l10n=True)
        }
    if size >= 1_000_000:
        return _("%(value)s M") % {
            "value": number_format(round(number / 1e6, 1), decimal_pos=1, use_l10n=True)
        }
    if size >= 10_000:
        return _("%(value)s k") % {"value": number_format(round(number / 1e3), decimal_pos=0, use_l10n=True)}
    return format_number(value, 0 if number == int(number) else 1)


def nice_ticks(low: float, high: float, count: int = 5, *, integers: bool = False) -> list[float]:
    """Evenly spaced round ticks (step 1, 2, 2.5 or 5 x 10^n) from at most `low` to at least `high`, 0 included.

    `integers` keeps the step whole (counts of things: no 0.25 person).
    """
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, math.ceil(step))
    value = math.floor(low / step) * step
    ticks = [round(value, 10)]
    while ticks[-1] < high and len(ticks) < 25:
        value += step
        ticks.append(round(value, 10))
    return ticks


def _number(value: Number | None) -> float:
    return float(value) if value is not None else 0.0


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


@dataclass
class Chart:
    """A chart ready to render; built by the functions of this module, shown with ``{{ chart }}``."""

    kind: str
    title: str
    description: str
    labels: list[str]
    series_names: list[str]
    table_rows: list[dict]
    table: TableMode = "hidden"
    width: int = 480
    height: int = 240
    shapes: dict = field(default_factory=dict)
    chart_id: str = ""

    @property
    def template_name(self) -> str:
        return f"core/charts/{'sparkline' if self.kind == 'sparkline' else 'chart'}.html"

    @property
    def has_links(self) -> bool:
        """A chart whose bars are links is a labelled group (links inside an image are not reachable)."""
        bars = self.shapes.get("bars") or self.shapes.get("stacks") or []
        return any(bar.get("link") for bar in bars)

    @property
    def legend(self) -> list[dict]:
        if len(self.series_names) < 2:
            return []
        return [
            {"name": name, "color": PALETTE[i % len(PALETTE)]} for i, name in enumerate(self.series_names)
        ]

    def render(self) -> SafeString:
        return render_to_string(self.template_name, {"chart": self})

    def __html__(self) -> SafeString:
        return self.render()

    def __str__(self) -> str:
        return self.render()


@dataclass
class _Frame:
    """The plot area inside the viewBox and the value-to-y mapping of its axis."""

    left: float
    top: float
    right: float
    bottom: float
    low: float
    high: float

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return round(self.bottom - (value - self.low) / span * (self.bottom - self.top), 1)


def _axes(
    values: Sequence[float], labels: list[str], width: int, height: int, fmt: Formatter, slots: str = "band"
) -> tuple[_Frame, dict]:
    """Ticks, gridlines and category labels; returns the frame and the shapes of the axes."""
    integers = all(float(v).is_integer() for v in values)
    ticks = nice_ticks(min(values, default=0.0), max(values, default=0.0), integers=integers)
    tick_texts = [
        compact_number(t) if abs(t) >= 100_000 else format_number(t, _decimals_of(ticks)) for t in ticks
    ]
    left = max(_text_width(text) for text in tick_texts) + 10
    frame = _Frame(left=left, top=22, right=width - 8, bottom=height - 26, low=ticks[0], high=ticks[-1])
    grid = [
        {"y": frame.y(t), "text": text, "zero": t == 0} for t, text in zip(ticks, tick_texts, strict=True)
    ]
    n = max(len(labels), 1)
    slot = (frame.right - frame.left) / n
    centers = [round(frame.left + slot * (i + 0.5), 1) for i in range(n)]
    widest = max((_text_width(label) for label in labels), default=0)
    every = max(1, math.ceil((widest + 6) / slot)) if slot else 1
    # Counted from the last category: the latest week or day always keeps its label.
    x_labels = [
        {"x": centers[i], "text": label, "shown": (n - 1 - i) % every == 0} for i, label in enumerate(labels)
    ]
    return frame, {
        "grid": grid,
        "x_labels": x_labels,
        "slot": slot,
        "centers": centers,
        "label_y": height - 8,
        "axis": {
            "x1": frame.left,
            "x2": frame.right,
            "tick_x": round(frame.left - 6, 1),
            "y": frame.y(max(frame.low, 0)),
        },
        "frame": frame,
    }


def _decimals_of(ticks: list[float]) -> int:
    return 0 if all(float(t).is_integer() for t in ticks) else 1


def _formatter(decimals: int, value_format: Formatter | None) -> Formatter:
    return value_format or (lambda value: format_number(value, decimals))


def _fit(text: str, value: Number, room: float) -> str:
    """The full label if it fits `room`, else the compact one."""
    return text if _text_width(text) <= room else compact_number(value)


def _table_rows(labels: list[str], columns: list[Sequence[Number | None]], fmt: Formatter) -> list[dict]:
    return [
        {
            "label": label,
            "cells": [fmt(column[i]) if column[i] is not None else "—" for column in columns],
        }
        for i, label in enumerate(labels)
    ]


def _check(labels: Sequence[str], columns: Sequence[Sequence]) -> None:
    for column in columns:
        if len(column) != len(labels):
            raise ValueError("Every series needs one value per label.")


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    description: str = "",
    value_name: str | None = None,
    decimals: int = 0,
    value_format: Formatter | None = None,
    links: Sequence[str | None] | None = None,
    table: TableMode = "hidden",
    width: int = 480,
    height: int = 240,
) -> Chart:
    """One bar per category with its value on top; see the module docstring."""
    labels = [str(label) for label in labels]
    _check(labels, [values])
    fmt = _formatter(decimals, value_format)
    numbers = [_number(v) for v in values]
    frame, shapes = _axes(numbers, labels, width, height, fmt)
    bar_width = min(shapes["slot"] * 0.62, 64)
    zero = frame.y(max(frame.low, 0))
    bars = []
    for i, value in enumerate(numbers):
        top = frame.y(value)
        text = fmt(values[i]) if values[i] is not None else "—"
        bars.append(
            {
                "x": round(shapes["centers"][i] - bar_width / 2, 1),
                "y": min(top, zero),
                "width": round(bar_width, 1),
                "height": round(abs(zero - top), 1),
                "color": PALETTE[0],
                "label": _fit(text, value, shapes["slot"] - 2),
                "label_x": shapes["centers"][i],
                "label_y": round((top - 5) if value >= 0 else (top + FONT + 2), 1),
                "link": links[i] if links else None,
                "title": f"{labels[i]}: {text}",
            }
        )
    shapes["bars"] = bars
    return Chart(
        kind="bar",
        title=title,
        description=description,
        labels=labels,
        series_names=[value_name or _("Value")],
        table_rows=_table_rows(labels, [values], fmt),
        table=table,
        width=width,
        height=height,
        shapes=shapes,
        chart_id=f"chart-{next(_ids)}",
    )


def stacked_bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    description: str = "",
    decimals: int = 0,
    value_format: Formatter | None = None,
    links: Sequence[str | None] | None = None,
    table: TableMode = "hidden",
    width: int = 480,
    height: int = 240,
) -> Chart:
    """Segments stacked per category, the total on top; see the module docstring."""
    labels = [str(label) for label in labels]
    _check(labels, [values for _name, values in series])
    fmt = _formatter(decimals, value_format)
    totals = [sum(max(_number(values[i]), 0) for _name, values in series) for i in range(len(labels))]
    frame, shapes = _axes(totals, labels, width, height, fmt)
    bar_width = min(shapes["slot"] * 0.62, 64)
    bars = []
    for i, total in enumerate(totals):
        base = 0.0
        segments = []
        for s, (name, values) in enumerate(series):
            value = max(_number(values[i]), 0)
            if value == 0:
                continue
            y_top, y_bottom = frame.y(base + value), frame.y(base)
            text = fmt(values[i])
            room = y_bottom - y_top
            segments.append(
                {
                    "y": y_top,
                    "height": round(room, 1),
                    "color": PALETTE[s % len(PALETTE)],
                    "label": _fit(text, value, bar_width - 2) if room >= FONT + 2 else "",
                    "label_y": round((y_top + y_bottom) / 2 + FONT / 2 - 2, 1),
                    "title": f"{labels[i]}, {name}: {text}",
                }
            )
            base += value
        total_text = fmt(total)
        bars.append(
            {
                "x": round(shapes["centers"][i] - bar_width / 2, 1),
                "width": round(bar_width, 1),
                "center": shapes["centers"][i],
                "segments": segments,
                "total": _fit(total_text, total, shapes["slot"] - 2),
                "total_y": round(frame.y(total) - 5, 1),
                "link": links[i] if links else None,
            }
        )
    shapes["stacks"] = bars
    names = [name for name, _values in series]
    return Chart(
        kind="stacked",
        title=title,
        description=description,
        labels=labels,
        series_names=names,
        table_rows=_table_rows(labels, [values for _name, values in series], fmt),
        table=table,
        width=width,
        height=height,
        shapes=shapes,
        chart_id=f"chart-{next(_ids)}",
    )


def _label_points(points: list[dict], values: list[float], slot: float, left: float, right: float) -> None:
    """Write values at the points where they fit: each point's own value when every label fits its
    slot; otherwise the last point, then the others from the first on wherever the value changed and
    the label keeps clear of the labels already placed (the table has every value)."""
    small = CHAR_WIDTH * 11 / FONT  # the point labels are 11 units high

    def width(text: str) -> float:
        return len(text) * small

    if all(width(point["text"]) <= slot - 2 for point in points):
        for point in points:
            point["label"], point["label_x"] = point["text"], point["x"]
        return
    placed: list[tuple[float, float]] = []  # (x, half width) of the labels written

    def place(index: int) -> None:
        point = points[index]
        text = point["text"] if width(point["text"]) <= 2 * slot else compact_number(values[index])
        half = width(text) / 2 + 3
        x = round(min(max(point["x"], left + half), right - half), 1)  # inside the drawing
        if all(abs(x - other_x) >= half + other for other_x, other in placed):
            point["label"], point["label_x"] = text, x
            placed.append((x, half))

    place(len(points) - 1)
    for index in range(len(points) - 1):
        if index == 0 or values[index] != values[index - 1]:
            place(index)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    description: str = "",
    decimals: int = 0,
    value_format: Formatter | None = None,
    table: TableMode = "hidden",
    width: int = 480,
    height: int = 240,
) -> Chart:
    """One line with a labelled point per category for each series; see the module docstring."""
    labels = [str(label) for label in labels]
    _check(labels, [values for _name, values in series])
    fmt = _formatter(decimals, value_format)
    every_value = [_number(v) for _name, values in series for v in values]
    frame, shapes = _axes(every_value, labels, width, height, fmt)
    lines = []
    for s, (name, values) in enumerate(series):
        points = []
        for i, value in enumerate(values):
            x, y = shapes["centers"][i], frame.y(_number(value))
            text = fmt(value) if value is not None else "—"
            below = s % 2 == 1
            points.append(
                {
                    "x": x,
                    "y": y,
                    "text": text,
                    "label": "",
                    "label_x": x,
                    "label_y": round(y + FONT + 4 if below else y - 7, 1),
                    "title": f"{labels[i]}, {name}: {text}",
                }
            )
        if len(series) <= 2:
            _label_points(points, [_number(v) for v in values], shapes["slot"], frame.left, width)
        lines.append(
            {
                "name": name,
                "color": PALETTE[s % len(PALETTE)],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    shapes["lines"] = lines
    return Chart(
        kind="line",
        title=title,
        description=description,
        labels=labels,
        series_names=[name for name, _values in series],
        table_rows=_table_rows(labels, [values for _name, values in series], fmt),
        table=table,
        width=width,
        height=height,
        shapes=shapes,
        chart_id=f"chart-{next(_ids)}",
    )


def sparkline(
    title: str,
    values: Sequence[Number | None],
    *,
    labels: Sequence[str] | None = None,
    decimals: int = 0,
    value_format: Formatter | None = None,
    width: int = 120,
    height: int = 28,
) -> Chart:
    """A tiny line for a table cell; the values are in its <desc>. See the module docstring."""
    fmt = _formatter(decimals, value_format)
    numbers = [_number(v) for v in values]
    labels = (
        [str(label) for label in labels] if labels is not None else [str(i + 1) for i in range(len(numbers))]
    )
    _check(labels, [values])
    low, high = min(numbers, default=0.0), max(numbers, default=0.0)
    low = min(low, 0.0)
    span = (high - low) or 1
    step = (width - 6) / max(len(numbers) - 1, 1)
    points = [
        {"x": round(3 + i * step, 1), "y": round(height - 3 - (value - low) / span * (height - 6), 1)}
        for i, value in enumerate(numbers)
    ]
    description = ", ".join(
        f"{label}: {fmt(value) if value is not None else '—'}"
        for label, value in zip(labels, values, strict=True)
    )
    return Chart(
        kind="sparkline",
        title=title,
        description=description,
        labels=labels,
        series_names=[title],
        table_rows=[],
        width=width,
        height=height,
        shapes={
            "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            "last": points[-1] if points else None,
            "baseline": round(height - 3 - (0 - low) / span * (height - 6), 1),
            "color": PALETTE[0],
        },
        chart_id=f"chart-{next(_ids)}",
    )
