"""One-row tables whose row label is the heading just above them, as
PDF-to-Markdown converters print 表四 (and sometimes 表三):

    ### 行政复议
    | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
    | 27 | 10 | 9 | 15 | 61 |

Every document here is built from ``reportgen`` values; the same layout is
also tried as plain text (label line, header line, values line) and as HTML
(a ``<p>`` heading, then a one-row ``<table>``)."""

import html
import re

import pytest
from reportgen import (
    T3_COLS,
    T3_RESULT_ROWS,
    T4_COLS,
    T4_ROWS,
    expected,
    make_values,
    to_html,
    to_markdown,
    to_text,
)

from extract import extract

T4_HEADINGS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
T4_HEADER = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T3_HEADER = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T3_LABELS = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    *((key, label) for key, _, label in T3_RESULT_ROWS),
    ("carried_forward", "四、结转下年度继续办理"),
)


def cells_of(record):
    return {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}


def codes(record):
    return [w["code"] for w in record["warnings"]]


def _pipe(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _headed_tables(headings, header, rows, heading="### {}") -> list[str]:
    """One Markdown table per row: the heading, the column header, one value row."""
    out: list[str] = []
    for title, values in zip(headings, rows, strict=True):
        out += [heading.format(title), _pipe(header), _pipe(["---"] * len(header)), _pipe(values)]
        out.append("")
    return out


def _replace_html_block(markdown: str, n: int, new: list[str]) -> str:
    """``to_markdown`` prints 表二, 表三, 表四 as HTML blocks: put ``new`` in
    place of block ``n``."""
    lines = markdown.split("\n")
    opens = [i for i, line in enumerate(lines) if line == "<table>"]
    start = opens[n]
    end = lines.index("</table>", start)
    return "\n".join([*lines[:start], *new, *lines[end + 1 :]])


def _t4_rows(values, cols=T4_COLS):
    return [[values[("t4", r, c)] for c in cols] for r in T4_ROWS]


def _t4_markdown(values, *, headings=T4_HEADINGS, header=T4_HEADER, cols=T4_COLS, **kw) -> str:
    new = _headed_tables(headings, header, _t4_rows(values, cols), **kw)
    return _replace_html_block(to_markdown(values), 2, new)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("heading", ["### {}", "**{}**", "{}"])
def test_t4_as_three_headed_markdown_tables(seed, heading):
    values = make_values(seed)
    record = extract(_t4_markdown(values, heading=heading).encode(), name="r.md")
    assert cells_of(record) == expected(values)
    assert "row_misaligned" not in codes(record)
    assert all(c["ok"] for c in record["checks"])
    review = next(c for c in record["cells"] if (c["table"], c["row"]) == ("t4", "review"))
    assert review["confidence"] == 1.0
    # the heading, the header, the separator line, then the values
    assert review["source"]["label"] == {"line": review["source"]["line"] - 3, "text": "行政复议"}


def test_t4_headed_columns_placed_by_their_header():
    """The header, not the template order, says which value is which."""
    values = make_values(4)
    order = (4, 0, 3, 1, 2)
    header = tuple(T4_HEADER[i] for i in order)
    cols = tuple(T4_COLS[i] for i in order)
    record = extract(_t4_markdown(values, header=header, cols=cols).encode(), name="r.md")
    assert cells_of(record) == expected(values)


def test_t3_as_one_headed_table_per_row():
    values = make_values(6)
    rows = [[values[("t3", key, c)] for c in T3_COLS] for key, _ in T3_LABELS]
    new = _headed_tables([label for _, label in T3_LABELS], T3_HEADER, rows)
    record = extract(_replace_html_block(to_markdown(values), 1, new).encode(), name="r.md")
    assert cells_of(record) == expected(values)
    assert not [w for w in record["warnings"] if w["code"].startswith("row_")]
    assert all(c["ok"] for c in record["checks"])


_DOCS = {"本年制发件数": "issued", "本年废止件数": "repealed", "现行有效件数": "in_force"}
_DECISIONS = {"本年处理决定数量": "decisions"}
T2_ROWS = (  # label, row key, {header cell: column key}
    ("规章", "regulations", _DOCS),
    ("行政规范性文件", "normative_documents", _DOCS),
    ("行政许可", "licensing", _DECISIONS),
    ("行政处罚", "punishment", _DECISIONS),
    ("行政强制", "enforcement", _DECISIONS),
    ("行政事业性收费", "fees", {"本年收费金额（单位：万元）": "amount"}),
)


@pytest.mark.parametrize("style", ["markdown", "lines"])
def test_t2_rows_as_headed_tables(style):
    """Also 表二, one table per row; in plain text a one-word header line and a
    one-value line come out as one row ("本年处理决定数量 2473")."""
    values = make_values(13)
    new: list[str] = []
    for label, key, cols in T2_ROWS:
        header = list(cols)
        row = [values[("t2", key, c)] for c in cols.values()]
        if style == "markdown":
            new += _headed_tables([label], header, [row])
        else:
            new += [label, " ".join(header), " ".join(row)]
    record = extract(_replace_html_block(to_markdown(values), 0, new).encode(), name="r.md")
    assert cells_of(record) == expected(values)


def test_t3_small_tables_with_labelled_rows_still_read():
    """One small table per 表三 row whose own first cell is the label and whose
    header names no template column ("数据1" …): the row label wins, as before."""
    values = make_values(7)
    new: list[str] = []
    header = ("类别", *(f"数据{i}" for i in range(1, 7)), "总计")
    for key, label in T3_LABELS:
        new += [f"### {label}", _pipe(header), _pipe(["---"] * 8)]
        new += [_pipe([label, *(values[("t3", key, c)] for c in T3_COLS)]), ""]
    record = extract(_replace_html_block(to_markdown(values), 1, new).encode(), name="r.md")
    assert cells_of(record) == expected(values)


def test_t4_as_label_header_and_values_lines_in_plain_text():
    values = make_values(8)
    lines = to_text(values, style="spaced").split("\n")
    at = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert lines[at + 4] == " ".join(values[("t4", r, c)] for r in T4_ROWS for c in T4_COLS)
    new = []
    for title, row in zip(T4_HEADINGS, _t4_rows(values), strict=True):
        new += [title, " ".join(T4_HEADER), " ".join(row)]
    text = "\n".join([*lines[: at + 1], *new, *lines[at + 5 :]])
    record = extract(text.encode(), name="r.txt")
    assert cells_of(record) == expected(values)


def _tr(cells, colspan=1):
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    return "<tr>" + "".join(f"<td{span}>{html.escape(c)}</td>" for c in cells) + "</tr>"


def _with_html_t4(values, new: str) -> bytes:
    page = to_html(values)
    blocks = [m.start() for m in re.finditer('<table border="1"', page)]
    start, end = blocks[2], page.index("</table>", blocks[2]) + len("</table>")
    return (page[:start] + new + page[end:]).encode()


def test_t4_as_paragraph_headings_over_one_row_html_tables():
    values = make_values(9)
    new = "".join(
        f"<p>{title}</p><table border='1'>{_tr(T4_HEADER)}{_tr(row)}</table>"
        for title, row in zip(T4_HEADINGS, _t4_rows(values), strict=True)
    )
    record = extract(_with_html_t4(values, new), name="r.html")
    assert cells_of(record) == expected(values)


def test_t4_as_one_html_table_with_a_caption_row_per_row():
    values = make_values(12)
    rows = "".join(
        _tr([title], colspan=5) + _tr(T4_HEADER) + _tr(row)
        for title, row in zip(T4_HEADINGS, _t4_rows(values), strict=True)
    )
    record = extract(_with_html_t4(values, f"<table border='1'>{rows}</table>"), name="r.html")
    assert cells_of(record) == expected(values)
    review = next(c for c in record["cells"] if (c["table"], c["row"]) == ("t4", "review"))
    assert review["source"]["label"]["text"] == "行政复议"
    assert review["source"]["label"]["row"] == review["source"]["row"] - 2


@pytest.mark.parametrize(
    "change",
    [
        # a heading naming a group, not a row
        {"headings": ("行政复议", "行政诉讼", "行政诉讼")},
        # a heading naming two rows at once
        {"headings": ("行政复议", "行政诉讼（未经复议直接起诉、复议后起诉）", "行政诉讼（复议）")},
        # a header naming no template column
        {"header": ("数据1", "数据2", "数据3", "数据4", "数据5")},
        # a header naming one column twice
        {"header": ("结果维持", "结果维持", "其他结果", "尚未审结", "总计")},
    ],
)
def test_headed_rows_left_out_unless_heading_and_header_name_them(change):
    values = make_values(10)
    record = extract(_t4_markdown(values, **change).encode(), name="r.md")
    got = cells_of(record)
    placed = {k[1] for k in got if k[0] == "t4"}
    want = expected(values)
    # Only a row whose heading and header both name it is placed, exactly.
    assert placed <= {"review"}
    assert all(got[k] == want[k] for k in got)
    assert "row_misaligned" in codes(record)


def test_headed_row_needs_the_heading_right_above_its_header():
    values = make_values(11)
    new = _headed_tables(
        T4_HEADINGS, T4_HEADER, _t4_rows(values), heading="### {}\n本年度情况如下。"
    )
    record = extract(_replace_html_block(to_markdown(values), 2, new).encode(), name="r.md")
    assert not [k for k in cells_of(record) if k[0] == "t4"]
    assert codes(record).count("row_misaligned") == 3
