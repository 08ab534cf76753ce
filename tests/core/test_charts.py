"""core.charts: server-drawn SVG charts with axes, values, an accessible name and a data table."""

import re
from decimal import Decimal
from xml.etree import ElementTree

from django.test import SimpleTestCase
from django.utils import translation

from core.charts import bar_chart, format_number, line_chart, nice_ticks, sparkline, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ElementTree.Element:
    """The <svg> element of a rendered chart, parsed (so the markup must be well formed)."""
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, html
    return ElementTree.fromstring(
        match.group(0).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def texts(element: ElementTree.Element, css_class: str) -> list[str]:
    return [
        (node.text or "").strip() for node in element.iter(f"{SVG}text") if css_class in node.get("class", "")
    ]


def table_cells(html: str) -> list[list[str]]:
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


class NiceTicksTests(SimpleTestCase):
    def test_ticks_cover_the_largest_value_with_round_steps(self):
        self.assertEqual(nice_ticks(0, 1_234_567), [0, 500_000, 1_000_000, 1_500_000])
        self.assertEqual(nice_ticks(0, 17), [0, 5, 10, 15, 20])

    def test_negative_values_get_ticks_below_zero(self):
        self.assertEqual(nice_ticks(-3, 17), [-5, 0, 5, 10, 15, 20])

    def test_counts_keep_whole_steps(self):
        self.assertEqual(nice_ticks(0, 2, integers=True), [0, 1, 2])
        self.assertEqual(nice_ticks(0, 0, integers=True), [0, 1])


class BarChartTests(SimpleTestCase):
    def render(self, language="en", **options):
        with translation.override(language):
            return str(
                bar_chart(
                    "Overdue by age",
                    ["0–30", "31–60", "61–90", "90+"],
                    [1_234_567, 0, Decimal("35000"), None],
                    value_name="HUF",
                    **options,
                )
            )

    def test_it_draws_axis_ticks_categories_and_values(self):
        svg = svg_of(self.render())
        self.assertEqual(texts(svg, "chart-tick"), ["0", "500 k", "1.0 M", "1.5 M"])
        self.assertEqual(texts(svg, "chart-category"), ["0–30", "31–60", "61–90", "90+"])
        self.assertEqual(texts(svg, "chart-value"), ["1,234,567", "0", "35,000", "—"])
        self.assertEqual(len(list(svg.iter(f"{SVG}rect"))), 4)
        self.assertEqual(len(list(svg.iter(f"{SVG}line"))), 5, "4 gridlines and the y axis")

    def test_bar_heights_follow_the_values(self):
        svg = svg_of(self.render())
        heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]
        self.assertAlmostEqual(heights[0] / heights[2], 1_234_567 / 35_000, places=0)
        self.assertEqual(heights[1], 0)

    def test_numbers_follow_the_language_with_grouping_and_coordinates_stay_dots(self):
        html = self.render("hu")
        svg = svg_of(html)
        self.assertEqual(texts(svg, "chart-value")[0], "1\xa0234\xa0567")
        self.assertEqual(table_cells(html)[1], ["0–30", "1\xa0234\xa0567"])
        self.assertNotRegex(html, r'(x|y|width|height)="-?\d+,\d')

    def test_it_has_an_accessible_name_description_and_data_table(self):
        html = self.render()
        svg = svg_of(html)
        self.assertEqual(svg.get("role"), "img")
        title_id, desc_id = svg.get("aria-labelledby").split()
        self.assertEqual(svg.find(f"{SVG}title").get("id"), title_id)
        self.assertEqual(svg.find(f"{SVG}title").text, "Overdue by age")
        self.assertEqual(svg.find(f"{SVG}desc").get("id"), desc_id)
        self.assertIn('class="chart-table visually-hidden"', html)
        self.assertEqual(
            table_cells(html),
            [["Category", "HUF"], ["0–30", "1,234,567"], ["31–60", "0"], ["61–90", "35,000"], ["90+", "—"]],
        )

    def test_it_scales_to_the_column(self):
        svg = svg_of(self.render())
        self.assertEqual(svg.get("viewBox"), "0 0 480 240")
        self.assertEqual(svg.get("width"), "100%")

    def test_a_visible_table_and_links_on_bars(self):
        html = self.render(table="visible", links=["/overdue/?age=0-30", None, None, None])
        self.assertIn('class="chart-table"', html)
        self.assertIn('<a href="/overdue/?age=0-30">', html)
        self.assertEqual(html.count("<a href"), 1)
        # Links inside an image would not be reachable: a chart with links is a labelled group.
        self.assertEqual(svg_of(html).get("role"), "group")
        self.assertTrue(svg_of(html).get("aria-labelledby"))

    def test_a_custom_format_is_used_in_labels_and_table(self):
        html = str(bar_chart("Amounts", ["a"], [1500], value_format=lambda value: f"{value} Ft"))
        self.assertEqual(texts(svg_of(html), "chart-value"), ["1500 Ft"])
        self.assertEqual(table_cells(html)[1], ["a", "1500 Ft"])

    def test_a_label_too_wide_for_its_slot_turns_compact_but_the_table_keeps_it_whole(self):
        labels = [f"W{i}" for i in range(12)]
        html = str(bar_chart("Weekly", labels, [12_345_678] * 12))
        self.assertEqual(set(texts(svg_of(html), "chart-value")), {"12.3 M"})
        self.assertEqual(table_cells(html)[1], ["W0", "12,345,678"])

    def test_crowded_category_labels_are_thinned_not_overlapping(self):
        labels = [f"2026-{week:02}-long" for week in range(1, 31)]
        html = str(bar_chart("Many", labels, list(range(30))))
        shown = texts(svg_of(html), "chart-category")
        self.assertLess(len(shown), 30)
        self.assertEqual(shown[-1], labels[-1], "the latest category keeps its label")
        self.assertEqual(len(table_cells(html)), 31, "every category in the table")

    def test_mismatched_values_are_refused(self):
        with self.assertRaises(ValueError):
            bar_chart("x", ["a", "b"], [1])


class StackedBarChartTests(SimpleTestCase):
    def test_segments_stack_with_a_total_and_a_legend(self):
        html = str(
            stacked_bar_chart(
                "Activity", ["W1", "W2"], [("Phone", [30, 4]), ("E-mail", [0, 10]), ("Meeting", [20, 6])]
            )
        )
        svg = svg_of(html)
        self.assertEqual(texts(svg, "chart-total"), ["50", "20"])
        rects = list(svg.iter(f"{SVG}rect"))
        self.assertEqual(len(rects), 5, "the zero segment is not drawn")
        first, second = rects[0], rects[1]
        self.assertAlmostEqual(
            float(first.get("y")), float(second.get("y")) + float(second.get("height")), places=1
        )
        self.assertIn("Phone", html.split("chart-legend")[1])
        self.assertEqual(table_cells(html)[0], ["Category", "Phone", "E-mail", "Meeting"])
        self.assertEqual(table_cells(html)[1], ["W1", "30", "0", "20"])


class LineChartTests(SimpleTestCase):
    def test_points_with_values_for_each_series(self):
        html = str(line_chart("Trend", ["W1", "W2", "W3"], [("HUF", [100, 250, 175]), ("EUR", [3, 4, 5])]))
        svg = svg_of(html)
        self.assertEqual(len(list(svg.iter(f"{SVG}polyline"))), 2)
        self.assertEqual(len(list(svg.iter(f"{SVG}circle"))), 6)
        self.assertEqual(texts(svg, "chart-value"), ["100", "250", "175", "3", "4", "5"])
        self.assertEqual(texts(svg, "chart-category"), ["W1", "W2", "W3"])
        self.assertEqual(table_cells(html)[2], ["W2", "250", "4"])


class SparklineTests(SimpleTestCase):
    def test_the_values_are_in_its_description(self):
        html = str(sparkline("Daily activity", [1, 0, 1200], labels=["Mon", "Tue", "Wed"]))
        svg = svg_of(html)
        self.assertEqual(svg.find(f"{SVG}title").text, "Daily activity")
        self.assertEqual(svg.find(f"{SVG}desc").text, "Mon: 1, Tue: 0, Wed: 1,200")
        self.assertEqual(len(svg.find(f"{SVG}polyline").get("points").split()), 3)

    def test_format_number_groups_per_language(self):
        with translation.override("bg"):
            self.assertEqual(format_number(1234567), "1\xa0234\xa0567")
        with translation.override("en"):
            self.assertEqual(format_number(Decimal("1234.5"), 1), "1,234.5")


class CrowdedLineLabelTests(SimpleTestCase):
    def test_long_values_on_many_points_keep_clear_of_each_other_and_the_last_is_written(self):
        values = [5500.5] * 6 + [98_765_432.0] * 6
        html = str(line_chart("Trend", [f"W{i}" for i in range(12)], [("EUR", values)], decimals=2))
        svg = svg_of(html)
        written = [
            (float(node.get("x")), (node.text or "").strip())
            for node in svg.iter(f"{SVG}text")
            if "chart-value" in node.get("class", "")
        ]
        self.assertEqual(written[-1][1], "98.8 M", "the last point is always written, compact when long")
        self.assertLessEqual(written[-1][0] + len("98.8 M") * 7.4 * 11 / 13 / 2, 480, "inside the drawing")
        self.assertEqual(written[0][1], "5,500.50")
        self.assertLess(len(written), 12)
        placed = sorted(written)
        for (x1, t1), (x2, t2) in zip(placed, placed[1:], strict=False):
            self.assertGreaterEqual(x2 - x1, (len(t1) + len(t2)) * 7.4 * 11 / 13 / 2, (t1, t2))
        self.assertEqual(len(table_cells(html)), 13, "every value in the table")
