"""Pre-2019 reports: sections, statistics-table figures (spaced and
flattened), narrative figures, era and crosswalk. Expected figures were read
by hand from the corpus documents."""

from pathlib import Path

import pytest

from extract import extract
from extract.pre2019 import CROSSWALK, INDICATORS, era_of, statistics_table

DOCS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs"


def _pre(name):
    record = extract((DOCS / name).read_bytes(), name=name)
    assert record["format"] == "pre2019"
    return record["pre2019"]


def _figs(pre):
    return {k: (v["value"], v.get("cumulative")) for k, v in pre["figures"].items()}


def test_spaced_table_2011():
    # 附件1: 主动公开信息数 条 425 1516; 网站公开 418 1509; 政府公报公开 7 7; 申请 0 0
    pre = _pre("fujian_pingtan_zone_2011.txt")
    figs = _figs(pre)
    assert pre["era"] == "2008"
    assert figs["proactive_items"] == (425, 1516)
    assert figs["proactive_web"] == (418, 1509)
    assert figs["proactive_gazette"] == (7, 7)
    assert figs["requests_received"] == (0, 0)
    assert figs["appeals"] == (0, 0)
    assert pre["figures"]["proactive_items"].get("confidence", 1.0) == 1.0


def test_flattened_table_2011_split_by_its_own_sums():
    # 主动公开信息数条4251516 = 网站公开条4181509 + 政府公报公开条77
    pre = _pre("fujian_pingtan_county_gov_2011.txt")
    figs = _figs(pre)
    assert figs["proactive_items"] == (425, 1516)
    assert figs["proactive_web"] == (418, 1509)
    assert pre["figures"]["proactive_web"]["confidence"] < 1
    assert figs["replies_granted"] == (0, 0)


def test_flattened_2015_uses_the_stated_figure_and_keeps_requests():
    # 主动公开文件数条294981916; narrative: 2015年主动公开政府信息2949条.
    # 受理依申请公开信息总数条01 = 0 this year, 1 cumulative.
    pre = _pre("fujian_pingtan_zone_2015.txt")
    figs = _figs(pre)
    assert pre["era"] == "2014"
    assert figs["proactive_items"] == (2949, 81916)
    assert "states in words" in pre["figures"]["proactive_items"]["note"]
    assert figs["requests_received"] == (0, 1)
    assert figs["replies_granted"] == (0, 1)
    assert figs["fees_collected"][0] == 0  # 暂不收费
    assert {"overview", "requests", "fees", "review_litigation", "statistics"} <= set(
        pre["sections"]
    )
    assert all(c["ok"] for c in pre["checks"])


def test_prose_only_department_report_2013():
    # 地税局: no table; 未收到政府信息公开申请; 行政复议0件; 新增主动公开政府信息45条
    pre = _pre("fujian_pingtan_local_tax_bureau_2013.txt")
    figs = _figs(pre)
    assert figs["requests_received"] == (0, None)
    assert figs["reviews"] == (0, None)
    assert figs["proactive_items"] == (45, None)
    assert all(f["source"]["where"] == "narrative" for f in pre["figures"].values())
    # 减免金额21470.27元 is tax relief, not an information fee
    assert "fees_waived" not in pre["figures"]


def test_2017_table_and_sections():
    pre = _pre("fujian_pingtan_zone_2017.txt")
    figs = _figs(pre)
    assert figs["proactive_items"] == (2122, 10037)
    assert figs["reviews"] == (0, 0)
    assert "problems" in pre["sections"]


def test_ambiguous_run_is_left_out():
    text = "指标名称计量单位2016年度历年累计主动公开文件数条1234567其中：1、政府网站公开数条12345672、政府公报公开数条00附件下载"
    figs, warnings = statistics_table(text)
    assert "proactive_items" not in figs
    assert any(w["row"] == "proactive_items" for w in warnings)
    assert figs["proactive_gazette"]["value"] == 0


@pytest.mark.parametrize(
    ("year", "era"), [(2008, "2008"), (2013, "2008"), (2014, "2014"), (2018, "2014"), (2019, None)]
)
def test_era(year, era):
    assert era_of(year) == era


def test_crosswalk_names_known_keys():
    keys = {k for k, _ in INDICATORS}
    assert all(c["key"] in keys and c["eras"] for c in CROSSWALK)
    assert all(c["caveat"] or c["same_as"] for c in CROSSWALK)


def test_post_2019_record_has_no_pre2019_part(seed_bytes):
    record = extract(seed_bytes("001"), name="x.txt")
    assert record["pre2019"] is None


def test_2014_national_table_rows_and_their_sums():
    # A 2014–2018 统计表 flattened: 申请办结数 = 按时 + 延期 decides the split.
    text = (
        "指标名称计量单位2016年度历年累计收到申请数件1240其中：1.当面申请数件240"
        "申请办结数件1240其中：1.按时办结数件1035 2.延期办结数件25"
        "属于已主动公开范围数件12告知作出更改补充数件01附件下载"
    )
    figs, warnings = statistics_table(text)
    # 收到申请数 1240: (1, 240) or (12, 40), and its one printed channel
    # (当面 2|40) does not add up to either: left out, with a warning.
    assert "requests_received" not in figs
    assert any(w["row"] == "requests_received" for w in warnings)
    assert figs["requests_completed_on_time"]["value"] == 10
    assert figs["requests_completed_on_time"]["cumulative"] == 35
    assert figs["requests_completed_late"]["value"] == 2
    assert figs["requests_completed"]["value"] == 12
    assert figs["requests_completed"]["cumulative"] == 40
    assert figs["replies_already_public"]["value"] == 1
    assert figs["replies_amend"]["value"] == 0


def test_pre2019_narrative_fills_the_record_sections():
    name = "fujian_pingtan_zone_2015.txt"
    record = extract((DOCS / name).read_bytes(), name=name)
    sections = record["sections"]
    assert set(sections) <= {
        "overview",
        "proactive",
        "requests",
        "review_litigation",
        "problems",
        "other",
    }
    assert "未收到有关政府信息公开行政复议" in sections["review_litigation"]
    assert "主要问题" in sections["problems"]


def test_a_running_total_in_the_text_is_not_this_years_figure():
    # "累计主动公开…1568条，…其中2018年度…181条": 1568 is the running total
    text = (
        "某市某局2018年政府信息公开工作年度报告\n"
        "一、概述\n2018年，我局政府信息公开工作稳步推进。\n"
        "二、主动公开政府信息情况\n年内，我局在门户网站累计主动公开政府信息1568条，"
        "全文电子化达100%，其中2018年度我局共主动公开政府信息181条。\n"
        "三、依申请公开政府信息情况\n2018年，未收到公民提出的公开政府信息申请。\n"
        "附件 某市某局2018年度政府信息公开工作统计数据 指 标 名 称单位本年度历年累计"
        "主动公开信息数条1811568其中：1.政府网站公开数条18115682.政府公报公开数条00"
        "受理政府信息公开申请总数条00其中：1.当面申请数条00行政复议数件00行政诉讼数件00\n"
    ).encode()
    pre = extract(text, name="r.txt")["pre2019"]
    figs = _figs(pre)
    # the spaced-out header "指 标 名 称" still opens the table; the text's
    # 181 picks the split of 1811568
    assert figs["proactive_items"] == (181, 1568)
    assert figs["requests_received"] == (0, 0)
    assert figs["reviews"] == (0, 0)
    assert [c["ok"] for c in pre["checks"]] == [True, True]
