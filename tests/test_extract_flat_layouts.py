"""Flattened page text in the layouts real portals print: signed numbers glued
to a row ("35-15"), values separated by spaces in one long line, units between
values ("2笔 984361元"), and narrative figures that settle a glued 表二 row.
Every document here is synthetic, built from the template's labels."""

import re

import pytest
from reportgen import T4_COLS, T4_ROWS, expected, make_values, to_text

from extract import extract
from extract.flat import SPLIT_CONFIDENCE, splits

_T3_2019 = (
    ("一、本年新收政府信息公开申请数量", "1000001"),
    ("二、上年结转政府信息公开申请数量", "0000000"),
    ("三、本年度办理结果（一）予以公开", "1000001"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0000000"),
    ("（三）不予公开1.属于国家秘密", "0000000"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "0000000"),
    ("（六）其他处理", "0000000"),
    ("（七）总计", "1000001"),
    ("四、结转下年度继续办理", "0000000"),
)


def _report_2019(t2_items: str, narrative: str = "") -> str:
    """A 2020 report in the 2019 template, its page text run together into one
    line; ``t2_items`` is printed after the 第二十条第（八）项 header."""
    t3 = "".join(label + digits for label, digits in _T3_2019)
    return (
        "测试市测试区人民政府办公室2020年政府信息公开工作年度报告\n"
        f"一、总体情况{narrative}二、主动公开政府信息情况"
        "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000"
        "第二十条第（八）项信息内容上一年项目数量本年增/减"
        + t2_items
        + "三、收到和处理政府信息公开申请情况"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        + t3
        + "四、政府信息公开"
        "行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "000000000000000五、存在的主要问题及改进情况无。"
    )


def _cells(record: dict) -> dict[tuple[str, str, str], dict]:
    return {(c["table"], c["row"], c["col"]): c for c in record["cells"]}


def test_signed_change_glued_to_a_row_is_read_whole():
    # "35-15" is 上一年项目数量 35 and 本年增/减 −15: never 3 | 5 with "-15" dropped.
    record = extract(_report_2019("行政事业性收费35-15").encode(), name="flat.txt")
    assert record["format"] == "2019"
    cells = _cells(record)
    got = [cells[("t2", "fees", c)]["value"] for c in ("prev_count", "change")]
    assert got == [35, -15]
    assert cells[("t2", "fees", "change")]["confidence"] == SPLIT_CONFIDENCE


def test_a_row_followed_by_printed_characters_it_cannot_hold_is_left_out():
    # "35/15": the slash is printed inside the row, so "35" alone is not the row.
    record = extract(_report_2019("行政事业性收费35/15").encode(), name="flat.txt")
    assert not any(k[:2] == ("t2", "fees") for k in _cells(record))
    assert any(w.get("row") == "fees" for w in record["warnings"])


def test_negative_only_in_an_increase_decrease_column():
    assert splits("35-15", 2) == [("35", "-15")]
    # "2648-18538" under 上一年 | 增/减 | 处理决定: several splits remain.
    assert len(splits("2648-18538", 3)) > 1


def _one_line(text: str) -> str:
    """A page whose body a crawler kept as one line: the lines from the
    first heading on joined by spaces."""
    lines = text.splitlines()
    start = lines.index("一、总体情况")
    return "\n".join([*lines[:start], " ".join(lines[start:])]) + "\n"


def _glue_last_value(text: str) -> str:
    """Each 表三 row's last two values and the next label's number run
    together, as some portals print them: "0 0 0 0 0 0 0 2.其他…" becomes
    "0 0 0 0 0 002.其他…"."""
    return re.sub(r"(\d) (\d+) (?=\d[.、]\D|[（一二三四])", r"\1\2", text)


@pytest.mark.parametrize("seed", [3, 8])
@pytest.mark.parametrize("glue", [False, True])
def test_space_separated_rows_in_one_long_line(seed, glue):
    values = make_values(seed)
    text = _one_line(to_text(values, style="spaced"))
    if glue:
        text = _glue_last_value(text)
        text = text.replace(" 0 0 ", " 00 ", 1)  # 表三 spacing need not be regular
    record = extract(text.encode(), name="flat.txt")
    want = expected(values)
    got = {k: c["value"] for k, c in _cells(record).items()}
    assert {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v} == {}
    assert all(c["ok"] for c in record["checks"])


def test_spaced_table_four_with_irregular_spacing():
    values = make_values(3)
    text = _one_line(to_text(values, style="spaced"))
    t4 = " ".join(values[("t4", r, c)] for r in T4_ROWS for c in T4_COLS)
    assert t4 in text
    # "00 0 00 0 0 …": the spaces are not where every cell boundary is.
    irregular = t4.replace("0 0 0 0 0 2", "00 0 00 2")
    assert irregular != t4
    record = extract(text.replace(t4, irregular).encode(), name="flat.txt")
    got = {k: c["value"] for k, c in _cells(record).items() if k[0] == "t4"}
    assert got == {k: v for k, v in expected(values).items() if k[0] == "t4"}


def test_units_printed_between_a_rows_values():
    items = "行政事业性收费 0 0 第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购 2笔 984361元"
    record = extract(_report_2019(items).encode(), name="flat.txt")
    cells = _cells(record)
    assert [cells[("t2", "procurement", c)]["value"] for c in ("items", "amount")] == [2, 984361]
    assert [cells[("t2", "fees", c)]["value"] for c in ("prev_count", "change")] == [0, 0]


def test_tables_that_cannot_be_read_are_never_silently_missing():
    # The page prints the tables' labels but none of their values can be read.
    text = _one_line(to_text(make_values(3), style="spaced"))
    start = text.index("第二十条")
    end = text.index("五、存在的主要问题")
    text = text[:start] + re.sub(r"[\d ]+", "〇", text[start:end]) + text[end:]
    record = extract(text.encode(), name="flat.txt")
    assert record["cells"] == []
    assert any(w["code"] == "tables_unread" for w in record["warnings"])


def test_a_stated_figure_that_leaves_several_splits_decides_nothing():
    # "6233440" with 制发 62 stated: 62|3|3440, 62|33|440, 62|334|40 and 62|3344|0
    # all agree with the text and no sum tells them apart, so the row stays out,
    # and the warning says the stated figure was used.
    values = make_values(3)
    row = "行政规范性文件 " + " ".join(
        values[("t2", "normative_documents", c)] for c in ("issued", "repealed", "in_force")
    )
    text = _one_line(to_text(values, style="spaced"))
    assert row in text
    text = text.replace(row, "行政规范性文件6233440").replace(
        "一、总体情况", "一、总体情况动态更新发布本年度制发行政规范性文件62件。"
    )
    record = extract(text.encode(), name="flat.txt")
    assert not any(k[:2] == ("t2", "normative_documents") for k in _cells(record))
    (warning,) = [w for w in record["warnings"] if w.get("row") == "normative_documents"]
    assert warning["code"] == "flat_split_ambiguous"
    assert "admit 4 splits" in warning["message"]
    assert "issued = 62" in warning["message"]


def test_digits_whose_sums_fail_stay_out_even_one_per_cell():
    # 表四 "100000000000000" prints review upheld 1 with total 0. A blank cell
    # prints nothing in flattened text, so the failed sum may mean shifted
    # digits: the table stays out, and the record says so
    text = _report_2019("行政事业性收费00").replace("总计000000000000000", "总计100000000000000")
    record = extract(text.encode(), name="flat.txt")
    assert not [c for c in record["cells"] if c["table"] == "t4"]
    codes = {(w["code"], w.get("table")) for w in record["warnings"]}
    assert ("flat_split_impossible", "t4") in codes and ("table_not_found", "t4") in codes


def test_a_plus_sign_starts_a_number_in_an_increase_column():
    record = extract(_report_2019("行政许可0+11行政事业性收费00").encode(), name="flat.txt")
    cells = _cells(record)
    assert [cells[("t2", "licensing", c)]["value"] for c in ("prev_count", "change")] == [0, 1]
    assert cells[("t2", "licensing", "change")]["raw"] == "+1"


def test_a_dated_sentence_under_the_t4_heading_leaves_no_false_warning():
    text = _report_2019("行政事业性收费00").replace(
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、政府信息公开行政复议、行政诉讼情况2020年，没有政府信息公开行政复议及行政诉讼情况。",
    )
    record = extract(text.encode(), name="flat.txt")
    cells = _cells(record)
    assert all(cells[("t4", r, c)]["value"] == 0 for r in T4_ROWS for c in T4_COLS)
    assert not [w for w in record["warnings"] if w.get("table") == "t4"]


def test_made_and_repealed_stated_in_the_text_settle_a_glued_row():
    # "15621": with 制定 15 and 废止 6 stated, only 15 | 6 | 21 remains
    values = make_values(3)
    row = "行政规范性文件 " + " ".join(
        values[("t2", "normative_documents", c)] for c in ("issued", "repealed", "in_force")
    )
    text = _one_line(to_text(values, style="spaced"))
    text = text.replace(row, "行政规范性文件15621").replace(
        "一、总体情况", "一、总体情况2024年，我局废止规范性文件6件，制定规范性文件15件。"
    )
    cells = _cells(extract(text.encode(), name="flat.txt"))
    got = [cells[("t2", "normative_documents", c)] for c in ("issued", "repealed", "in_force")]
    assert [c["value"] for c in got] == [15, 6, 21]
    assert all(c["confidence"] == SPLIT_CONFIDENCE for c in got)
