"""Report recognition from titles (shared/research/portals.md §10): the
grammar seen in the wild, the look-alikes excluded, agency and report year."""

import pytest

from extract.titles import infer_report, is_report_title, parse_title, strip_suffix

# Verbatim titles from portals.md §10.1 with the agency and year they name.
OBSERVED = [
    ("江北区招商局2016年政府信息公开工作年度报告", "江北区招商局", 2016),
    ("宁波市江北区统计局2020年政府信息公开工作年度报告", "宁波市江北区统计局", 2020),
    ("宁波国家高新区招商局2018年度政府信息公开工作年度报告", "宁波国家高新区招商局", 2018),
    ("北仑区档案局 2017 年度政府信息公开工作年度报告", "北仑区档案局", 2017),
    ("宁波市2020年政府信息公开工作年度报告", "宁波市", 2020),
    ("杭州钱江经济开发区2022年度政府信息公开工作报告", "杭州钱江经济开发区", 2022),
    ("螺洋街道2021年度信息公开年度报告", "螺洋街道", 2021),
    ("2021年迎宾路街道政府信息公开工作年度报告", "迎宾路街道", 2021),
    (
        "南京市鼓楼区人民政府华侨路街道办事处2021年政府信息公开年度报告",
        "南京市鼓楼区人民政府华侨路街道办事处",
        2021,
    ),
    ("下湿壕镇政府2022年信息公开工作年度报告", "下湿壕镇政府", 2022),
    ("舒兰市市场监督管理局2016年政务信息公开年度报告", "舒兰市市场监督管理局", 2016),
    ("2022年上海市政府信息公开工作年度报告", "上海市", 2022),
    ("上海市黄浦区人民政府2022年政府信息公开工作年度报告（超链版）", "上海市黄浦区人民政府", 2022),
    ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", "宿州市人民政府", 2019),
    ("市扶农办2016年度政府信息公开工作报告", "市扶农办", 2016),
    ("2023年政府信息公开工作年度报告", None, 2023),
    ("海曙区教育局二〇二三年度政府信息公开工作年度报告", "海曙区教育局", 2023),
    ("海曙区教育局２０２３年度政府信息公开工作年度报告", "海曙区教育局", 2023),
    ("2021年信息公开年报", None, 2021),
]

LOOKALIKES = [
    "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知",
    "政府信息公开工作年度报告格式（2021年）",
    "宁波市海曙区政府信息公开指南（2023年修订）",
    "海曙区2022年统计年报",
    "海曙区教育局2022年部门决算",
    "海曙区2024年政务公开工作要点",
    "2023年企业年报公示提醒",
    "图解：海曙区2023年政府信息公开工作年度报告",
    "解读《海曙区2023年政府信息公开工作年度报告》",
    "海曙区2023年政府信息公开制度",
    "政府信息公开工作年度报告",  # no year
    "海曙区2023年国民经济和社会发展统计公报",
]


@pytest.mark.parametrize(("title", "agency", "year"), OBSERVED)
def test_observed_titles_are_reports(title, agency, year):
    assert is_report_title(title)
    assert infer_report(title) == (agency, year)


@pytest.mark.parametrize("title", LOOKALIKES)
def test_lookalikes_are_not_reports(title):
    assert not is_report_title(title)


def test_suffix_is_stripped_and_agency_survives():
    assert strip_suffix("某局2022年政府信息公开工作年度报告（图片版）") == (
        "某局2022年政府信息公开工作年度报告"
    )
    assert parse_title("某局2022年政府信息公开工作年度报告（PDF版）")[1] == 2022


def test_agency_falls_back_to_page_then_column_then_site():
    title = "2023年政府信息公开工作年度报告"
    assert infer_report(title, publisher="宁波市海曙区统计局") == ("宁波市海曙区统计局", 2023)
    assert infer_report(title, column="区统计局政府信息公开年报") == ("区统计局", 2023)
    assert infer_report(title, column="政府信息公开年报", site="宁波市海曙区人民政府") == (
        "宁波市海曙区人民政府",
        2023,
    )


def test_year_is_the_report_year_not_the_publication_date():
    # A report on 2022 published in March 2023: only the title's year counts.
    assert (
        infer_report("区住建局2022年度政府信息公开工作年度报告", publisher="2023-03-16")[1] == 2022
    )
    assert parse_title("二○二四年度政府信息公开工作年度报告") == (None, 2024)
