"""The text reader on tables that lost their grid: text copied out of a web
page or a PDF, one cell per line or one row per line with spaces between
cells, the report's title below the page's menus."""

import re

import pytest
from reportgen import AGENCY, expected, make_values, to_markdown, to_text

from extract import extract
from extract.readers.text import read_lines


def cells_of(record):
    return {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("style", ["lines", "spaced"])
def test_gridless_text_read_exactly(seed, style):
    values = make_values(seed)
    record = extract(to_text(values, style=style).encode(), name="r.txt")
    got = cells_of(record)
    want = expected(values)
    wrong = {k: (got.get(k, "missing"), w) for k, w in want.items() if got.get(k, "missing") != w}
    assert not wrong
    assert all(c["ok"] for c in record["checks"])
    # The title sits below the menus, run together with the page's date line.
    assert (record["agency"], record["year"], record["format"]) == (AGENCY, 2022, "2021")


@pytest.mark.parametrize("blank_orgs", [False, True])
def test_markdown_with_html_tables_read_by_the_grid(blank_orgs):
    """Merged cells and blank cells survive in HTML blocks: blanks stay blank."""
    values = make_values(5, blank_orgs=blank_orgs)
    record = extract(to_markdown(values).encode(), name="r.md")
    got = cells_of(record)
    assert got == expected(values)
    assert (record["agency"], record["year"]) == (AGENCY, 2022)
    assert record["sections"]["overview"] == "本机关认真贯彻落实政府信息公开工作。"
    assert all(c["source"]["table"] in (0, 1, 2) for c in record["cells"])


@pytest.mark.parametrize("style", ["lines", "spaced"])
def test_rows_with_blank_cells_are_left_out_not_shifted(style):
    """A blank cell prints nothing in copied text, so its row comes out short:
    the row is left out with a warning, never shifted left."""
    values = make_values(4, blank_orgs=True)
    record = extract(to_text(values, style=style).encode(), name="r.txt")
    got = cells_of(record)
    want = expected(values)
    assert not {k for k, v in got.items() if want.get(k, v) != v}
    t3_rows_with_blanks = {r for (t, r, c), v in values.items() if t == "t3" and v == ""}
    assert t3_rows_with_blanks
    assert not {r for (t, r, c) in got if t == "t3"} & t3_rows_with_blanks
    warned = {w.get("row") for w in record["warnings"] if w["code"] == "row_misaligned"}
    assert t3_rows_with_blanks <= warned
    # 表二 and 表四 have no blanks and are read whole.
    assert all(got.get(k) == v for k, v in want.items() if k[0] in ("t2", "t4"))


def test_label_wrapped_over_two_lines_is_joined():
    layout = read_lines(
        [
            "（二）部分公开（区分处理的，只计这一情形，",
            "不计其他情形）",
            "5",
            "0",
            "0",
            "0",
            "0",
            "0",
            "5",
        ]
    )
    [row] = layout.rows()
    assert row.cells[0].text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert [c.text for c in row.cells[1:]] == ["5", "0", "0", "0", "0", "0", "5"]


@pytest.mark.parametrize(
    "lines",
    [
        [
            "本年度共收到政府信息公开申请",
            "12",
            "件，均已按时答复。",
        ],  # sentence wrapped around a number
        ["六、其他需要报告的事项", "无"],  # a heading is not a row label
        ["部分公开答复 0 件，不予公开答复 2"],  # narrative ending in a number
        ["第 3 页"],
        ["2"],  # a lone page number
    ],
)
def test_narrative_stays_text(lines):
    layout = read_lines(lines)
    assert layout.rows() == []
    assert [p.text for p in layout.paragraphs()] == lines


def test_labels_wrapped_around_their_numbers_placed_by_template_order():
    """pdftotext -layout: most 表三 rows are numbers with half a label above
    and half below, or a stray character of a merged cell in front. They are
    placed in template order between the rows that keep a label — with the
    table's first and last rows as bounds — because the column sums hold; and
    they say so (lower confidence, a note)."""
    values = make_values(6)
    record = extract(to_text(values, style="wrapped").encode(), name="r.txt")
    got = {(c["table"], c["row"], c["col"]): c for c in record["cells"]}
    want = {k: v for k, v in expected(values).items() if k[0] == "t3"}
    assert {k: c["value"] for k, c in got.items() if k[0] == "t3"} == want
    inferred = {k for k, c in got.items() if c["source"].get("inferred")}
    assert ("t3", "new_received", "total") in inferred  # before the first printed label
    assert ("t3", "granted", "total") not in inferred  # printed with its label
    assert all(got[k]["confidence"] < 1 for k in inferred)


def test_wrapped_rows_not_placed_when_one_is_lost():
    """One row of numbers missing: the counts between labelled rows no longer
    match the template, so nothing is placed by order — gaps, not guesses."""
    values = make_values(6)
    text = to_text(values, style="wrapped").splitlines()
    numbers = [i for i, line in enumerate(text) if re.fullmatch(r"[\s\d开]+", line)]
    del text[numbers[5]]
    record = extract("\n".join(text).encode(), name="r.txt")
    want = expected(values)
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    assert all(want[k] == v for k, v in got.items())
    assert not any(c["source"].get("inferred") for c in record["cells"])


def test_year_from_the_report_name_in_text_run_together():
    """A page's text run into one line, no 统计期限 sentence: the year is the
    one in the report's own name, not in the name of a notice quoted in 《》."""
    text = (
        "首页政务公开政府信息公开年报依据《关于做好2021年政府信息公开工作年度报告编制的通知》"
        f"{AGENCY}2022年政府信息公开工作年度报告来源：时间：2023-01-20"
        "一、总体情况本机关认真贯彻落实政府信息公开工作。"
    )
    record = extract(text.encode(), name="r.txt")
    assert (record["year"], record["year_source"]) == (2022, "report_name")


def test_breadcrumb_run_into_the_title_is_not_the_agency():
    """OCR and copied pages run the breadcrumb's last item into the title."""
    text = "\n".join(
        [
            "首页",
            f"•政府信息公开年报{AGENCY}2022年政府信息公开工作年度报告来源：时间：2023-01-20",
            "一、总体情况",
            "本机关认真贯彻落实政府信息公开工作。",
        ]
    )
    record = extract(text.encode(), name="r.txt")
    assert (record["agency"], record["year"]) == (AGENCY, 2022)


def test_label_wrapped_onto_the_line_with_its_values_is_joined():
    """pdfplumber's text: the label's second half shares a line with the values."""
    layout = read_lines(
        ["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形） 447 7 0 0 0 0 454"]
    )
    [row] = layout.rows()
    assert row.cells[0].text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert [c.text for c in row.cells[1:]] == ["447", "7", "0", "0", "0", "0", "454"]
    assert layout.paragraphs() == []
