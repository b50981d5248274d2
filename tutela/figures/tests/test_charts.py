from tutela.figures import charts


def test_bar_chart_escapes_labels_and_is_one_image_without_links():
    svg = charts.bar_chart([charts.Bar('<script>alert(1)</script>', 3),
                            charts.Bar("Ethiopia", 12)], title='Countries "engaged"')
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img" aria-label="Countries &quot;engaged&quot;"' in svg
    assert "<a " not in svg  # the table beside it carries the links (axe: nested-interactive)
    assert "&quot;engaged&quot;" in svg and ">12<" in svg


def test_an_empty_chart_is_still_valid_svg():
    assert charts.bar_chart([], title="Nothing").count("<svg") == 1
    svg = charts.stacked_column_chart([], [], title="Nothing")
    assert svg.startswith("<svg") and "NaN" not in svg


def test_stacked_columns_stack_series_per_category_with_a_legend():
    svg = charts.stacked_column_chart(
        ["2013", "2014"],
        [charts.Series("Capacity <b>building</b>", [3, 1]), charts.Series("Cooperation", [2, 0])],
        title="Activities by pillar and year",
    )
    assert svg.count("<rect") == 3 + 2  # three non-zero cells and two legend keys
    assert "Capacity &lt;b&gt;building&lt;/b&gt;" in svg and "<b>" not in svg
    assert "<a " not in svg and 'role="img"' in svg and ">5<" in svg  # 2013 total above its column
