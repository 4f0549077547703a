"""Markdown from PDF converters: labels detached from their value rows, a
row printed one cell short, "label number" lines."""

import json
from pathlib import Path

from extract import extract
from extract.detached import DETACHED_CONFIDENCE

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

HEAD = """# 某局2024年政府信息公开工作年度报告
二、主动公开政府信息情况
信息内容本年处理决定数量
行政许可 97
三、收到和处理政府信息公开申请情况
| 一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
| 二、上年结转政府信息公开申请数量 | {carried} | 0 | 0 | 0 | 0 | 0 | {carried} |
| （一）予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
| {partial} |
（二）部分公开（区分处理的，只
计这一情形，不计其他情形）
| 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 1.本机关不掌握相关政府信息 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| （七）总计 | 6 | 1 | 0 | 0 | 0 | 0 | 7 |
| 四、结转下年度继续办理 | {fwd} | 0 | 0 | 0 | 0 | 0 | |
"""


def _doc(partial: str, carried: int = 2) -> bytes:
    # 新收 + 结转 = 总计 + 结转下年度 in every column: 5+c = 6+(c-1).
    return HEAD.format(partial=partial, carried=carried, fwd=carried - 1).encode()


def _cells(record):
    return {(c["table"], c["row"], c["col"]): c for c in record["cells"]}


def test_detached_row_placed_when_column_sums_confirm():
    record = extract(_doc("1 | 0 | 0 | 0 | 0 | 0 | 1"), name="r.md")
    cells = _cells(record)
    partial = cells[("t3", "partially_granted", "natural_person")]
    assert partial["value"] == 1
    assert partial["confidence"] == DETACHED_CONFIDENCE
    assert "template order" in partial["note"]
    assert cells[("t2", "licensing", "decisions")]["value"] == 97


def test_detached_row_left_out_when_sums_disagree():
    record = extract(_doc("2 | 0 | 0 | 0 | 0 | 0 | 2"), name="r.md")
    cells = _cells(record)
    assert ("t3", "partially_granted", "natural_person") not in cells
    assert any(w["code"] == "detached_rows_unplaced" for w in record["warnings"])


def test_short_balance_row_placed_by_the_balance():
    record = extract(_doc("1 | 0 | 0 | 0 | 0 | 0 | 1"), name="r.md")
    cells = _cells(record)
    fwd = cells[("t3", "carried_forward", "natural_person")]
    assert fwd["value"] == 1
    assert fwd["confidence"] < 1
    total = cells[("t3", "carried_forward", "total")]
    assert total["value"] is None and total["kind"] == "blank"


def test_short_balance_row_of_zeros_is_ambiguous_and_left_out():
    # With 结转下年度 all zero, the missing cell could be any of the seven.
    record = extract(_doc("1 | 0 | 0 | 0 | 0 | 0 | 1", carried=1), name="r.md")
    assert not any(c["row"] == "carried_forward" for c in record["cells"])


def test_narrative_ending_in_a_number_is_not_a_row():
    doc = "某局2024年报告\n三、收到和处理政府信息公开申请情况\n申请中同意公开答复 9 件，部分公开答复 0 件，不予公开答复 2\n"
    record = extract(doc.encode(), name="r.md")
    assert not any(c["row"] == "partially_granted" for c in record["cells"])


def test_kewei_markdown_matches_truth():
    name = "shanghai_stcsm_kewei_2024_pdf2md.md"
    record = extract((CORPUS / "docs" / name).read_bytes(), name=name)
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    soft = {s.split("/")[1] for s in truth["soft"] if s.endswith("/*")}
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    wrong = [
        c
        for c in truth["cells"]
        if c["row"] not in soft
        and f"{c['table']}/{c['row']}/{c['col']}" not in truth["soft"]
        and got.get((c["table"], c["row"], c["col"]), "missing") != c["value"]
    ]
    assert wrong == []
