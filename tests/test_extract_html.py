"""The HTML reader: encodings, Word markup, page chrome, the grid, and the
corpus HTML pages measured against their hand-checked truth."""

import re

import pytest
from conftest import SHARED
from reportgen import AGENCY, T3_RESULT_ROWS, TITLE, expected, make_values, to_html

from extract import UnreadableDocument, extract
from extract.readers.html import decode_html, read_html


def cells_of(record):
    return {(c["table"], c["row"], c["col"]): c for c in record["cells"]}


def assert_report(record, values):
    got = cells_of(record)
    want = expected(values)
    wrong = {k: (got[k]["value"] if k in got else "missing", w) for k, w in want.items()
             if k not in got or got[k]["value"] != w}  # fmt: skip
    assert not wrong
    assert record["agency"] == AGENCY
    assert record["year"] == 2022
    assert record["format"] == "2021"


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("word", [False, True])
def test_synthetic_report_read_exactly(seed, word):
    values = make_values(seed)
    record = extract(to_html(values, word=word).encode(), name="r.html")
    assert record["reader"] == "html"
    assert_report(record, values)
    assert all(c["ok"] for c in record["checks"])
    assert record["title"] == TITLE


def test_blank_cells_stay_blank_not_zero():
    values = make_values(5, blank_orgs=True)
    record = extract(to_html(values, word=True).encode(), name="r.html")
    assert_report(record, values)
    cell = cells_of(record)[("t3", "new_received", "commercial")]
    assert cell["value"] is None and cell["kind"] == "blank"


@pytest.mark.parametrize(
    ("charset", "encoding", "declared"),
    [
        ("gb2312", "gbk", True),  # declared GB2312, GBK bytes
        (None, "gbk", False),  # no declaration at all
        ("utf-8", "gb18030", True),  # a wrong declaration: the bytes win
        ("gbk", "utf-8", True),  # declared GBK, really UTF-8
    ],
)
def test_encodings_sniffed_from_bytes(charset, encoding, declared):
    values = make_values(7)
    page = to_html(values, charset=charset)
    record = extract(page.encode(encoding), name="r.html")
    assert_report(record, values)


def test_bom_wins():
    text, enc = decode_html(b"\xef\xbb\xbf<meta charset=gbk><p>\xe6\x8a\xa5\xe5\x91\x8a</p>")
    assert enc == "utf-8-sig" and "报告" in text


def test_chrome_outside_the_body_is_ignored():
    layout = read_html(to_html(make_values(1)).encode())
    text = layout.all_text()
    assert "访问量" not in text and "版权所有" not in text and "var total" not in text
    assert layout.paragraphs()[0].text.startswith("本报告根据")


def test_grid_keeps_each_td_once_with_its_position():
    layout = read_html(to_html(make_values(1)).encode())
    t3 = [r for r in layout.rows() if r.table_index == 1]
    assert {r.where["grid_width"] for r in t3} == {10}
    header2 = t3[2]  # 商业企业 … 其他 under 法人或其他组织 (自然人 spans from above)
    assert [c.pos for c in header2.cells] == [4, 5, 6, 7, 8]
    granted = t3[5]  # 三、本年度办理结果 (rowspan) + （一）予以公开 (colspan 2) + 7 values
    assert [(c.pos, c.span) for c in granted.cells[:3]] == [(0, 1), (1, 2), (3, 1)]
    assert granted.cells[0].where["rowspan"] == 22
    secret = t3[7]  # under both rowspans: （三）不予公开 starts here
    assert secret.cells[0].text == "（三）不予公开" and secret.cells[1].pos == 2


def test_provenance_names_table_row_and_column():
    values = make_values(2)
    record = extract(to_html(values).encode(), name="r.html")
    cell = cells_of(record)[("t3", "granted", "total")]
    assert cell["source"]["reader"] == "html"
    assert cell["source"]["table"] == 1 and cell["source"]["col"] == 9
    assert cell["raw"] == values[("t3", "granted", "total")]


def test_extra_blank_cell_aligned_under_header_and_warned():
    """A 自然人 header spanning two columns over an empty cell: the data rows
    print one cell more than the template has columns. Values are placed
    under their header positions, and the row is flagged."""
    values = make_values(3)
    page = to_html(values)
    # widen the grid: 自然人 spans two columns; every data row gets an empty
    # cell after its 自然人 value.
    page = page.replace('<td rowspan="2">自然人</td>', '<td rowspan="2" colspan="2">自然人</td>')
    page = page.replace('<td colspan="7">申请人情况</td>', '<td colspan="8">申请人情况</td>')
    rows = [k for k, _, _ in T3_RESULT_ROWS]
    inserted = 0
    for key in ("new_received", "carried_over", *rows, "carried_forward"):
        n = values[("t3", key, "natural_person")]
        c = values[("t3", key, "commercial")]
        page, k = re.subn(
            rf"(>{re.escape(key_label(key))}</td><td>{n}</td>)(<td>{c}</td>)",
            r"\1<td></td>\2",
            page,
            count=1,
        )
        inserted += k
    assert inserted == 25
    record = extract(page.encode(), name="r.html")
    assert_report(record, values)
    assert any(w["code"] == "row_partial" for w in record["warnings"])


def key_label(key):
    labels = {k: label for k, _, label in T3_RESULT_ROWS}
    labels |= {
        "new_received": "一、本年新收政府信息公开申请数量",
        "carried_over": "二、上年结转政府信息公开申请数量",
        "carried_forward": "四、结转下年度继续办理",
    }
    return labels[key]


def test_deeply_nested_html_is_refused_with_a_reason():
    deep = "<html><body>" + "<div>" * 100000 + "x" + "</div>" * 100000 + "</body></html>"
    with pytest.raises(UnreadableDocument, match="levels deep"):
        read_html(deep.encode())
    nested_ok = "<html><body>" + "<div>" * 100 + "正文" + "</div>" * 100 + "</body></html>"
    assert read_html(nested_ok.encode()).paragraphs()[0].text == "正文"


def test_hostile_spans_are_clamped():
    huge_span = '<table><tr><td colspan="999999999" rowspan="99999999">x</td></tr></table>'
    layout = read_html(huge_span.encode())
    assert layout.rows()[0].cells[0].span <= 100
    many = "<table>" + '<tr><td colspan="100" rowspan="100">x</td></tr>' * 100 + "</table>"
    with pytest.raises(UnreadableDocument, match="grid cells"):
        read_html(many.encode())


CORPUS = SHARED / "corpus"


def test_corpus_html_accuracy():
    from extract.evaluate import evaluate, summarise

    results = evaluate(CORPUS, only="*.html")
    summary = summarise(results)
    assert summary["documents"] >= 9
    assert summary["crashes"] == 0
    assert summary["silent_errors"] == 0
    assert summary["cell_accuracy"] >= 0.995


def test_table_layout_page_without_content_hints():
    """An old portal: the whole page is a layout table, the report's tables
    sit inside one of its cells, and no container names itself."""
    values = make_values(8)
    page = to_html(values).replace('<div class="TRS_Editor">', "<div>")
    page = page.replace('<div class="main">', '<table width="100%"><tr><td>栏目 导航 12</td><td>')
    page = page.replace(
        '</div></div><div class="footer">', '</div></td></tr></table><div class="footer">'
    )
    assert "TRS_Editor" not in page and page.count("<table") == 5
    record = extract(page.encode(), name="r.html")
    assert_report(record, values)
    assert "版权所有" not in " ".join(record["sections"].values())


def test_tail_text_after_a_table_is_read_once():
    layout = read_html(
        b"<html><body><div><table><tr><td>x</td></tr></table>TAIL<p>y</p></div></body></html>"
    )
    assert [p.text for p in layout.paragraphs()] == ["TAIL", "y"]


def test_single_table_wrapper_climbs_to_the_narrative():
    values = make_values(9)
    page = to_html(values).replace('<div class="TRS_Editor">', "<div>")
    # only 表三 is printed, in a wrapper of its own
    start = page.index('<table border="1" cellspacing="0"><tr><td rowspan="3"')
    end = page.index("</table>", start) + len("</table>")
    t3 = page[start:end]
    body_start = page.index("<p><strong>二、")
    body_end = page.index("<p><strong>五、")
    page = page[:body_start] + f'<div class="tbl">{t3}</div>' + page[body_end:]
    record = extract(page.encode(), name="r.html")
    assert "认真贯彻落实" in record["sections"]["overview"]  # narrative outside the wrapper
    assert {c["table"] for c in record["cells"]} == {"t3"}


def test_mht_single_file_web_page():
    """Word's 单个文件网页: MIME multipart/related around GB2312 HTML."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    values = make_values(10)
    msg = MIMEMultipart("related")
    msg.attach(MIMEText(to_html(values, word=True, charset="gb2312"), "html", "gb2312"))
    data = msg.as_bytes()
    assert b"multipart/related" in data[:400]
    record = extract(data, name="report.mht")
    assert record["kind"] == "mht"
    assert_report(record, values)


def test_small_table_nested_in_a_report_cell_keeps_the_grid():
    values = make_values(12)
    page = to_html(values)
    page = page.replace("<td>规章</td>", "<td><table><tr><td>规章</td></tr></table></td>", 1)
    record = extract(page.encode(), name="r.html")
    assert_report(record, values)


@pytest.mark.parametrize("declare", ["gbk", None])
def test_corpus_page_reencoded_in_gbk_reads_the_same(declare):
    """A real page re-encoded as GB18030 (what GBK portals serve), declared
    GBK or not declared at all, gives the same cells as the UTF-8 original."""
    path = CORPUS / "docs" / "fujian_pingtan_zone_2021.html"
    original = extract(path.read_bytes(), name=path.name)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'charset="?utf-8"?', f"charset={declare}" if declare else "", text, flags=re.I)
    record = extract(text.encode("gb18030"), name=path.name)
    assert record["encoding"] == "gb18030"
    assert [(c["row"], c["col"], c["value"]) for c in record["cells"]] == [
        (c["row"], c["col"], c["value"]) for c in original["cells"]
    ]
    assert record["agency"] == original["agency"] and record["year"] == 2021


def test_hidden_anti_copy_characters_are_dropped():
    values = make_values(13)
    v = values[("t2", "licensing", "decisions")]
    page = to_html(values).replace(
        f"<td>{v}</td>", f'<td>{v}<span style="display: none">7</span></td>', 1
    )
    page = page.replace("<p>本机关", '<p>本<font style="DISPLAY:none">水印</font>机关', 1)
    record = extract(page.encode(), name="r.html")
    assert_report(record, values)
    assert "水印" not in record["sections"]["overview"]
    hidden_body = to_html(values).replace(
        '<div class="TRS_Editor">', '<div class="TRS_Editor" style="display:none">'
    )
    assert_report(extract(hidden_body.encode(), name="r.html"), values)


def test_title_that_names_the_report_wins_over_the_site_name():
    values = make_values(14)
    page = to_html(values).replace(f'<meta name="ArticleTitle" content="{TITLE}">', "")
    assert "ArticleTitle" not in page and "<title>测试门户网站</title>" in page
    layout = read_html(page.encode())
    assert layout.title == TITLE  # from the <h1>, not the portal's <title>
    assert_report(extract(page.encode(), name="r.html"), values)


def test_stale_gbk_declaration_on_utf8_bytes_that_gb18030_would_accept():
    page = '<html><head><meta charset="gb2312"></head><body><p>政府信息公开工作年度报告</p></body></html>'
    data = page.encode("utf-8")
    data.decode("gb18030")  # valid as GB18030 too, as mojibake (鏀垮簻…)
    text, encoding = decode_html(data)
    assert encoding == "utf-8" and "政府信息公开工作年度报告" in text


@pytest.mark.parametrize(
    "labels",
    [
        ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"),
        ("行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"),
    ],
)
def test_t4_as_three_labelled_rows(labels):
    values = make_values(22)
    record = extract(to_html(values, t4_labels=labels).encode(), name="r.html")
    assert_report(record, values)


def test_value_in_the_second_column_under_a_spanning_header():
    """自然人 spans two grid columns and the data rows print a blank cell
    first, then the value: the one printed value under the header is taken."""
    values = make_values(3)
    page = to_html(values)
    page = page.replace('<td rowspan="2">自然人</td>', '<td rowspan="2" colspan="2">自然人</td>')
    page = page.replace('<td colspan="7">申请人情况</td>', '<td colspan="8">申请人情况</td>')
    inserted = 0
    for key in (
        "new_received",
        "carried_over",
        *(k for k, _, _ in T3_RESULT_ROWS),
        "carried_forward",
    ):
        n = values[("t3", key, "natural_person")]
        page, k = re.subn(
            rf"(>{re.escape(key_label(key))}</td>)(<td>{n}</td>)", r"\1<td></td>\2", page, count=1
        )
        inserted += k
    assert inserted == 25
    record = extract(page.encode(), name="r.html")
    assert_report(record, values)
