"""Labels, values, titles, templates and format detection, piece by piece."""

import pytest

from extract import extract
from extract.forms import all_forms
from extract.forms.format_2021 import FORM as F2021
from extract.tables import match_row
from extract.titles import is_report_title, parse_title
from extract.values import parse_value

CONTRACT_T3 = {
    "new_received", "carried_over", "granted", "partially_granted",
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
    "withheld_third_party", "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_file", "withheld_admin_query", "unavailable_not_held",
    "unavailable_needs_creation", "unavailable_unclear", "rejected_petition",
    "rejected_duplicate", "rejected_publication", "rejected_excessive",
    "rejected_reconfirmation", "other_overdue_correction", "other_overdue_fee",
    "other_misc", "total_handled", "carried_forward",
}  # fmt: skip


def test_forms_use_contract_keys():
    forms = all_forms()
    t3_2021 = {r.key for r in forms["2021"].table("t3").rows}
    assert t3_2021 == CONTRACT_T3 | {"other"}
    t3_2019 = {r.key for r in forms["2019"].table("t3").rows}
    assert t3_2019 == (
        CONTRACT_T3 - {"other_overdue_correction", "other_overdue_fee", "other_misc"}
    ) | {"other"}
    assert [c.key for c in forms["2021"].table("t3").cols] == [
        "natural_person", "commercial", "research", "social_welfare",
        "legal_services", "other_org", "total",
    ]  # fmt: skip
    t2_2019 = {
        r.key: [c.key for c in forms["2019"].table("t2").cols_of(r)]
        for r in forms["2019"].table("t2").rows
    }
    assert t2_2019["fees"] == ["prev_count", "change"]
    assert t2_2019["procurement"] == ["items", "amount"]
    for form in forms.values():
        for table in form.tables:
            keys = [r.key for r in table.rows]
            assert len(keys) == len(set(keys))


def test_every_official_label_matches_its_own_row():
    for form in all_forms().values():
        for table in form.tables:
            for row in table.rows:
                for label in (row.label, *row.variants):
                    assert match_row(label, table) is row, (form.key, label)


@pytest.mark.parametrize(
    "printed, key",
    [
        ("（一）予以公开", "granted"),
        ("(一) 予以公开", "granted"),
        ("(二) 部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
        ("2.其他法律行政止公开", "withheld_prohibited_by_law"),  # dropped character
        ("2.其他法律法规禁止公开", "withheld_prohibited_by_law"),
        ('3.危及"三安全一稳定"', "withheld_security_stability"),
        ("３．危及 “三安全一稳定”", "withheld_security_stability"),
        ("1. 本机关不掌握相关政府信息", "unavailable_not_held"),
        ("二、上年转结政府信息公开申请数量", "carried_over"),
        ("一、本年新收到政府信息公开申请数量", "new_received"),
        ("四、转结下年度继续办理", "carried_forward"),
        ("（七）总计", "total_handled"),
        ("3.其他", "other_misc"),
        ("（六）其他处理", "other"),
        ("（三）不予公开", None),  # a group label, not a row
        ("三、本年度办理结果", None),
        ("申请人情况", None),
    ],
)
def test_t3_label_variants(printed, key):
    row = match_row(printed, F2021.table("t3"))
    assert (row.key if row else None) == key


@pytest.mark.parametrize(
    "raw, kind, value, note, unit",
    [
        ("0", "zero", 0, None, None),
        (" 12 ", "number", 12, None, None),
        ("１２", "number", 12, None, None),
        ("", "blank", None, None, None),
        ("\u3000", "blank", None, None, None),
        ("/", "na", None, "/", None),
        ("—", "na", None, "—", None),
        ("无", "na", None, "无", None),
        ("22（其中修订16件）", "number", 22, "其中修订16件", None),
        ("55（含自然失效29件）", "number", 55, "含自然失效29件", None),
        ("251000元", "number", 251000, None, "元"),
        ("-8", "number", -8, None, None),
        ("1,203", "number", 1203, None, None),
        ("24252.311082", "number", 24252.311082, None, None),
        ("详见附件", "text", None, None, None),
    ],
)
def test_values(raw, kind, value, note, unit):
    v = parse_value(raw)
    assert (v.kind, v.value, v.note, v.unit) == (kind, value, note, unit)
    assert type(v.value) is type(value)


def test_money_keeps_printed_digits():
    assert parse_value("0.123400", money=True).decimal == "0.123400"


@pytest.mark.parametrize(
    "title, agency, year",
    [
        ("宁波市江北区统计局2020年政府信息公开工作年度报告", "宁波市江北区统计局", 2020),
        ("宁波国家高新区招商局2018年度政府信息公开工作年度报告", "宁波国家高新区招商局", 2018),
        ("北仑区档案局 2017 年度政府信息公开工作年度报告", "北仑区档案局", 2017),
        ("2021年迎宾路街道政府信息公开工作年度报告", "迎宾路街道", 2021),
        ("螺洋街道2021年度信息公开年度报告", "螺洋街道", 2021),
        ("舒兰市市场监督管理局2016年政务信息公开年度报告", "舒兰市市场监督管理局", 2016),
        ("杭州钱江经济开发区2022年度政府信息公开工作报告", "杭州钱江经济开发区", 2022),
        ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", "宿州市人民政府", 2019),
        ("某某区人民政府二〇二三年政府信息公开工作年度报告", "某某区人民政府", 2023),
        ("2023年政府信息公开工作年度报告", None, 2023),
    ],
)
def test_parse_title(title, agency, year):
    assert parse_title(title) == (agency, year)


@pytest.mark.parametrize(
    "title, ok",
    [
        ("宁波市江北区统计局2020年政府信息公开工作年度报告", True),
        ("关于做好2023年政府信息公开工作年度报告编制工作的通知", False),
        ("政府信息公开指南", False),
        ("2023年统计年报", False),
        ("2022年部门决算", False),
        ("政府信息公开工作年度报告", False),  # no year
    ],
)
def test_is_report_title(title, ok):
    assert is_report_title(title) is ok


def test_format_comes_from_headers_not_year(seed_bytes):
    # The 2019-template seed, relabelled as a 2023 report, is still 2019 format.
    data = seed_bytes("002").decode().replace("2020年度", "2023年度").encode()
    record = extract(data, source="x")
    assert record["year"] == 2023
    assert record["format"] == "2019"


def test_failed_check_is_data_not_error(seed_bytes):
    # Change one printed total: the record still comes back, the check fails.
    text = seed_bytes("001").decode()
    text = text.replace(
        "\t(七) 总计\t\t34\t5\t0\t0\t0\t0\t39", "\t(七) 总计\t\t34\t5\t0\t0\t0\t0\t40"
    )
    record = extract(text.encode(), source="x")
    failed = {
        (c["rule"], c.get("col") or c.get("row")) for c in record["checks"] if c["ok"] is False
    }
    assert ("t3_balance", "total") in failed
    assert ("t3_results_total", "total") in failed
    assert ("t3_row_total", "total_handled") in failed
    bal = next(c for c in record["checks"] if c["rule"] == "t3_balance" and c["col"] == "total")
    assert (bal["expected"], bal["actual"]) == (43, 44)


def test_gbk_text_is_decoded(seed_bytes):
    data = seed_bytes("000").decode().encode("gb18030")
    assert extract(data, source="x")["agency"] == "北仑区经济和信息化局"


def test_markdown_pipe_table():
    md = "\n".join(
        [
            "# 某某局2022年政府信息公开工作年度报告",
            "本报告所列数据的统计期限自2022年1月1日起至12月31日止。",
            "## 三、收到和处理政府信息公开申请情况",
            "| 本列数据的勾稽关系 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
            "|---|---|---|---|---|---|---|---|",
            "| 一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
            "| 本年制发件数 | 本年废止件数 | 现行有效件数 | 本年处理决定数量 |",
        ]
    )
    record = extract(md.encode(), source="x.md", name="x.md")
    assert (record["agency"], record["year"], record["format"]) == ("某某局", 2022, "2021")
    got = {c["col"]: c["value"] for c in record["cells"] if c["row"] == "new_received"}
    assert got == {
        "natural_person": 3, "commercial": 1, "research": 0, "social_welfare": 0,
        "legal_services": 0, "other_org": 0, "total": 4,
    }  # fmt: skip
