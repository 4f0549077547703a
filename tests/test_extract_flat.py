"""Flattened tables: digit runs split into cells only where the report's own
sums leave exactly one split."""

import json
from pathlib import Path

import pytest

from extract import extract
from extract.flat import SPLIT_CONFIDENCE, splits, tokens

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_splits_respect_spaces_and_leading_zeros():
    assert splits("000", 3) == [("0", "0", "0")]
    assert ("27", "0", "0", "2", "0", "1", "30") in splits("270020130", 7)
    # A space is a cell boundary: "500000 5" cannot end in "05".
    assert all(s[-1] == "5" for s in splits("500000 5", 7))
    assert all(not (x.startswith("0") and x != "0") for s in splits("1000001", 7) for x in s)
    assert splits("5949.088667", 1, decimals=True) == [("5949.088667",)]
    assert splits("12", 3) == []


def test_enumeration_digit_goes_to_the_next_label():
    text = "第二十条信息内容（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开1000001"
    got = [(label, run) for label, run, _ in tokens(text)]
    assert got[0] == ("1.属于国家秘密", "0000000")
    assert got[1][0] == "2.其他法律行政法规禁止公开"
    assert got[1][1] == "1000001"


def _table(total_new: str, granted: str) -> str:
    """A tiny flattened 2021 表三 in which the 予以公开 row has two splits
    that each add up (270020130), and only the column sums pick one."""
    rows = [
        ("一、本年新收政府信息公开申请数量", total_new),
        ("二、上年结转政府信息公开申请数量", "0000000"),
        ("（一）予以公开", granted),
        ("（四）无法提供1.本机关不掌握相关政府信息", "3000003"),
        ("（七）总计", total_new),
        ("四、结转下年度继续办理", "0000000"),
    ]
    body = "".join(label + digits for label, digits in rows)
    return (
        "平潭综合实验区2021年度政府信息公开工作年度报告\n"
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件693665三、收到和处理政府信息公开申请情况"
        + body
        + "五、存在的主要问题及改进情况无。"
    )


def test_column_sums_pick_the_only_consistent_split():
    # 270020130: (27,0,0,2,0,1,30) or (2,7,0,0,20,1,30) both add up to 30;
    # the 总计 row 30|0|0|2|0|1|33 minus 不掌握 3|0|…|3 decides.
    record = extract(_table("300020133", "270020130").encode(), name="flat.txt")
    cells = {(c["table"], c["row"], c["col"]): c for c in record["cells"]}
    granted = [cells[("t3", "granted", col)]["value"] for col in ("natural_person", "total")]
    assert granted == [27, 30]
    cell = cells[("t3", "granted", "legal_services")]
    assert cell["value"] == 0
    assert cell["confidence"] == SPLIT_CONFIDENCE
    assert "flattened" in cell["note"]


def test_ambiguous_rows_are_left_out_with_a_warning():
    record = extract(_table("300020133", "270020130").encode(), name="flat.txt")
    keys = {(c["table"], c["row"]) for c in record["cells"]}
    assert ("t2", "normative_documents") not in keys  # 693665: no identity decides
    assert ("t2", "regulations") in keys  # 000: one digit per cell
    codes = {(w["code"], w.get("row")) for w in record["warnings"]}
    assert ("flat_split_ambiguous", "normative_documents") in codes


def test_inconsistent_row_is_left_out():
    # The row total cannot be met by any split: never invent one.
    record = extract(_table("300020133", "9999999").encode(), name="flat.txt")
    rows = {(c["table"], c["row"]) for c in record["cells"]}
    assert ("t3", "granted") not in rows
    assert any(w["code"] == "flat_split_impossible" for w in record["warnings"])


@pytest.mark.parametrize("year", [2019, 2021, 2023, 2025])
def test_corpus_flat_text_never_wrong(year):
    name = f"fujian_pingtan_zone_{year}.txt"
    record = extract((CORPUS / "docs" / name).read_bytes(), name=name)
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    want = {(c["table"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    wrong = {k: (got[k], want[k]) for k in got if k in want and got[k] != want[k]}
    assert wrong == {}
    # 表三 and 表四 are fully determined by their sums in these reports.
    t34 = [k for k in want if k[0] in ("t3", "t4")]
    assert all(k in got for k in t34)
    warned = {(w.get("table"), w.get("row")) for w in record["warnings"]}
    assert all(k[:2] in warned for k in want if k not in got)


@pytest.mark.parametrize(
    ("narrative", "want"),
    [
        # Both figures fit the digits "693665": one split is left.
        ("本年度制发的规范性文件69件，现行有效行政规范性文件665件。", (69, 3, 665)),
        # A figure that fits no split counts something else: still ambiguous.
        ("现行有效行政规范性文件393件。", None),
        # One figure leaving several splits decides nothing.
        ("本年度制发的规范性文件69件。", None),
    ],
)
def test_figures_the_text_states_can_pick_a_split(narrative, want):
    text = _table("300020133", "270020130").replace(
        "二、主动公开政府信息情况", f"一、总体情况{narrative}二、主动公开政府信息情况"
    )
    record = extract(text.encode(), name="flat.txt")
    cells = {(c["table"], c["row"], c["col"]): c for c in record["cells"]}
    keys = [("t2", "normative_documents", col) for col in ("issued", "repealed", "in_force")]
    if want is None:
        assert not any(k in cells for k in keys)
        return
    assert tuple(cells[k]["value"] for k in keys) == want
    assert all(cells[k]["confidence"] == SPLIT_CONFIDENCE for k in keys)
    assert "figures its text states" in cells[keys[0]]["note"]
    checks = {c["rule"]: c["ok"] for c in record["extra_checks"]}
    assert checks["narrative_normative_in_force"] is True


def test_sections_of_a_page_run_together():
    record = extract(_table("300020133", "270020130").replace(
        "二、主动公开政府信息情况", "一、总体情况本机关公开了信息。二、主动公开政府信息情况"
    ).encode(), name="flat.txt")  # fmt: skip
    assert record["sections"]["overview"] == "本机关公开了信息。"
    assert record["sections"]["problems"] == "无。"
    assert record["sections"]["proactive"].startswith("第二十条")
