"""Checks beyond the contract's four: value sanity, narrative against the
tables, and repair suggestions that are offered but never applied."""

from reportgen import make_values, to_html

from extract import extract
from extract.checks import extra_checks, narrative_checks, run_checks
from extract.forms import all_forms
from extract.tables import Cell

FORM = all_forms()["2021"]
FORM_2019 = all_forms()["2019"]


def cell(table, row, col, value, raw=None):
    kind = "blank" if value is None else ("zero" if value == 0 else "number")
    return Cell(table, row, col, value, kind, raw if raw is not None else str(value), {})


def cells_of(*cs):
    return {(c.table, c.row, c.col): c for c in cs}


def t3_row(row, values):
    cols = ("natural_person", "commercial", "research", "social_welfare",
            "legal_services", "other_org", "total")  # fmt: skip
    return [cell("t3", row, c, v) for c, v in zip(cols, values, strict=True)]


def test_sanity_flags_negative_and_fractional_counts():
    cells = cells_of(
        cell("t2", "licensing", "decisions", -3),
        cell("t2", "fees", "amount", 12.5),
        *t3_row("granted", [1.5, 0, 0, 0, 0, 0, 1.5]),
    )
    checks = {c["rule"]: c for c in extra_checks(FORM, cells, [])}
    assert checks["t2_sanity"]["ok"] is False
    assert checks["t2_sanity"]["cells"] == ["t2.licensing.decisions"]  # money may be fractional
    assert checks["t3_sanity"]["ok"] is False
    assert "t3.granted.natural_person" in checks["t3_sanity"]["cells"]
    assert "t4_sanity" not in checks  # no 表四 printed, nothing to say


def test_sanity_allows_a_negative_change_in_2019():
    cells = cells_of(
        cell("t2", "licensing", "change", -2), cell("t2", "licensing", "prev_count", 5)
    )
    (check,) = extra_checks(FORM_2019, cells, [])
    assert check["ok"] is True and check["cells"] == []


def test_split_digits_suggested_not_applied():
    # 640 printed for 64 | 0: the row total 70 holds only when reading 64.
    cells = cells_of(*t3_row("new_received", [640, 0, 0, 2, 0, 4, 70]))
    check = next(c for c in run_checks(FORM, cells) if c["rule"] == "t3_row_total")
    assert check["ok"] is False
    readings = {(s["kind"], s["cell"], s["reading"]) for s in check["suggestions"] if "cell" in s}
    assert ("split", "t3.new_received.natural_person", 64) in readings
    assert cells[("t3", "new_received", "natural_person")].value == 640


def test_joined_digits_suggested():
    # 25 printed as 2 | 5 over two cells: total 30 = 25 + 5 holds when joined.
    cols = ("upheld", "corrected", "other", "pending", "total")
    cells = cells_of(
        *(cell("t4", "review", c, v) for c, v in zip(cols, (2, 5, 3, 0, 28), strict=True))
    )
    check = next(c for c in run_checks(FORM, cells) if c["rule"] == "t4_total")
    joins = [s for s in check["suggestions"] if s["kind"] == "join"]
    assert joins and joins[0]["reading"] == 25
    assert joins[0]["cells"] == ["t4.review.upheld", "t4.review.corrected"]


def test_narrative_against_table():
    totals = {("t3", "new_received"): 32, ("t3", "carried_over"): 2, ("t3", "carried_forward"): 6,
              ("t4", "review"): 2, ("t4", "suit_direct"): 1, ("t4", "suit_after_review"): 0}  # fmt: skip
    cells = cells_of(*(cell(t, r, "total", v) for (t, r), v in totals.items()))
    paras = [
        "2025年，本机关共受理公开申请34件，结转至2026年6件。",
        "因政府信息公开产生行政复议共2件，行政诉讼1件。",
        "政务服务大厅共受理审批事项117件。",  # not about disclosure requests
        "依申请公开信息数16条。",
        "收到政府信息公开申请同比增长5件。",  # a difference, not the count
    ]
    checks = {c["rule"]: c for c in narrative_checks(paras, cells)}
    assert set(checks) == {
        "narrative_new_received", "narrative_carried_forward",
        "narrative_review", "narrative_litigation",
    }  # fmt: skip
    received = checks["narrative_new_received"]
    # 34 = 32 new + 2 carried over: the text counts both, and agrees
    assert (received["ok"], received["expected"], received["actual"]) == (True, 34, 34)
    assert received["note"] == "the text counts 本年新收 + 上年结转"
    assert received["cells"] == ["t3.new_received.total", "t3.carried_over.total"]
    (other,) = narrative_checks(["全年收到政府信息公开申请40件。"], cells)
    assert (other["ok"], other["actual"], other["cells"]) == (False, 32, ["t3.new_received.total"])
    assert checks["narrative_carried_forward"]["ok"] is True
    assert checks["narrative_litigation"]["actual"] == 1


def test_record_keeps_the_four_rules_and_adds_extra_checks():
    record = extract(to_html(make_values(4)).encode(), name="r.html")
    assert {c["rule"] for c in record["checks"]} == {
        "t3_balance", "t3_row_total", "t3_results_total", "t4_total",
    }  # fmt: skip
    extra = {c["rule"] for c in record["extra_checks"]}
    assert {"t2_sanity", "t3_sanity", "t4_sanity"} <= extra
    assert all(c["ok"] for c in record["extra_checks"])


def test_normative_documents_stated_in_the_text_against_表二():
    paras = ["集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"]
    cells = cells_of(
        cell("t2", "normative_documents", "issued", 88),
        cell("t2", "normative_documents", "in_force", 700),
    )
    checks = {c["rule"]: c for c in narrative_checks(paras, cells, FORM)}
    assert checks["narrative_normative_issued"]["ok"] is True
    in_force = checks["narrative_normative_in_force"]
    assert (in_force["ok"], in_force["expected"], in_force["actual"]) == (False, 698, 700)
    # The 2019 表二 counts documents differently (新制作/新公开/对外公开总数量):
    # no rule about cells that form does not have.
    assert not [c for c in narrative_checks(paras, {}, FORM_2019) if "normative" in c["rule"]]


def test_a_total_printed_blank_leaves_the_check_undecided_not_failed():
    # the 总计 column left empty while the applicant columns hold numbers:
    # the report did not print the total, so the identity cannot be judged
    cells = cells_of(
        *t3_row("granted", [272, 0, 0, None, None, None, None]),
        *t3_row("partially_granted", [3, None, None, None, None, None, 3]),
        *t3_row("withheld_state_secret", [None] * 7),
    )
    checks = {c["row"]: c for c in run_checks(FORM, cells) if c["rule"] == "t3_row_total"}
    blank = checks["granted"]
    assert blank["ok"] is None and blank["blank"] == ["t3.granted.total"]
    assert blank["expected"] is None and blank["actual"] == 272
    assert checks["partially_granted"]["ok"] is True  # blank applicant columns add as nothing
    assert checks["withheld_state_secret"]["ok"] is True  # nothing printed on either side
    wrong = cells_of(*t3_row("granted", [272, 0, 0, None, None, None, 270]))
    (failed,) = [c for c in run_checks(FORM, wrong) if c["rule"] == "t3_row_total"]
    assert failed["ok"] is False and "blank" not in failed


def test_a_table_not_read_is_named_in_the_warnings():
    html = to_html(make_values(1))
    whole = extract(html.encode(), name="r.html")
    assert not [w for w in whole["warnings"] if w["code"] == "table_not_found"]
    cut = html[: html.index("四、政府信息公开行政复议")] + "</body></html>"
    record = extract(cut.encode(), name="r.html")
    assert {c["table"] for c in record["cells"]} == {"t2", "t3"}
    missing = [w for w in record["warnings"] if w["code"] == "table_not_found"]
    assert [w["table"] for w in missing] == ["t4"] and "no cell read" in missing[0]["message"]


def test_zero_statements_and_counts_in_条_are_checked():
    cells = cells_of(
        cell("t3", "new_received", "total", 3),
        cell("t4", "review", "total", 0),
        cell("t4", "suit_direct", "total", 0),
        cell("t4", "suit_after_review", "total", 0),
    )
    stated = {
        c["rule"]: (c["ok"], c["expected"])
        for c in narrative_checks(
            [
                "2023年，我局未收到政府信息公开申请。",
                "全年没有发生政府信息公开行政复议及行政诉讼。",
            ],
            cells,
        )
    }
    assert stated == {
        "narrative_new_received": (False, 0),  # the text says none, the table 3
        "narrative_review": (True, 0),
        "narrative_litigation": (True, 0),
    }
    (counted,) = narrative_checks(["2022年，共收到政府信息公开申请3条。"], cells)
    assert (counted["ok"], counted["expected"]) == (True, 3)
    # no case lost is not no case
    assert not narrative_checks(["全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。"], cells)
    # no review about requests says nothing of the requests themselves
    (review,) = narrative_checks(["未收到针对政府信息公开申请的行政复议。"], cells)
    assert (review["rule"], review["ok"]) == ("narrative_review", True)


def test_a_flattened_page_is_judged_clause_by_clause():
    # a page run into one sentence: the table's 行政许可 row does not make the
    # request count "about 审批", and a comparison elsewhere does not hide it
    cells = cells_of(cell("t3", "new_received", "total", 3))
    page = "行政许可5行政处罚0同比增长2件三、收到和处理政府信息公开申请情况2022年，共收到政府信息公开申请3条"
    (check,) = narrative_checks([page], cells)
    assert (check["rule"], check["ok"], check["expected"]) == ("narrative_new_received", True, 3)


def test_normative_documents_made_repealed_and_summed_over_years():
    cells = cells_of(
        cell("t2", "normative_documents", "issued", 15),
        cell("t2", "normative_documents", "repealed", 6),
    )
    paras = ["2024年，我局废止规范性文件6件，制定规范性文件15件。",
             "梳理历年印发的行政规范性文件228份。"]  # fmt: skip
    stated = {(c["rule"], c["expected"], c["ok"]) for c in narrative_checks(paras, cells, FORM)}
    assert stated == {
        ("narrative_normative_repealed", 6, True),
        ("narrative_normative_issued", 15, True),
    }  # 228 over the years is not this year's 制发
