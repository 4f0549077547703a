"""表三 and 表四, shared by the 2019 and 2021 templates (data only).

表三's rows are the same in both templates except （六）其他处理: one row in
2019, three in 2021. Some 2021-year reports still print the single row, so the
2021 form accepts it too (key ``other``), as the contract says.
"""

from extract.forms import Col, Row, Table

T3_COLS = (
    Col("natural_person", "自然人"),
    Col("commercial", "商业企业", keys=("商业企业",)),
    Col("research", "科研机构", keys=("科研机构",)),
    Col("social_welfare", "社会公益组织", variants=("社会组织", "公益组织"), keys=("公益组织",)),
    Col("legal_services", "法律服务机构", keys=("法律服务",)),
    Col("other_org", "其他"),
    Col("total", "总计", variants=("合计",)),
)

_HEAD = (
    Row(
        "new_received",
        "一、本年新收政府信息公开申请数量",
        variants=("一、本年新收到政府信息公开申请数量",),
        keys=("本年新收",),
    ),
    Row(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        variants=("二、上年转结政府信息公开申请数量",),
        keys=("上年结转", "上年转结"),
    ),
    Row("granted", "（一）予以公开", keys=("予以公开",), results=True),
    Row(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        keys=("部分公开",),
        results=True,
    ),
    Row(
        "withheld_state_secret",
        "1.属于国家秘密",
        keys=("国家秘密",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        variants=("2.其他法律法规禁止公开", "2.其他法律行政止公开", "2.法律行政法规禁止公开"),
        keys=("禁止公开", "行政止公开", "法规禁止"),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_security_stability",
        "3.危及“三安全一稳定”",
        keys=("三安全一稳定", "三安全"),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_third_party",
        "4.保护第三方合法权益",
        keys=("第三方",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_internal_affairs",
        "5.属于三类内部事务信息",
        keys=("内部事务",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_process_info",
        "6.属于四类过程性信息",
        keys=("过程性",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_enforcement_file",
        "7.属于行政执法案卷",
        keys=("执法案卷",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "withheld_admin_query",
        "8.属于行政查询事项",
        keys=("行政查询",),
        group="（三）不予公开",
        results=True,
    ),
    Row(
        "unavailable_not_held",
        "1.本机关不掌握相关政府信息",
        keys=("不掌握",),
        group="（四）无法提供",
        results=True,
    ),
    Row(
        "unavailable_needs_creation",
        "2.没有现成信息需要另行制作",
        keys=("另行制作", "没有现成"),
        group="（四）无法提供",
        results=True,
    ),
    Row(
        "unavailable_unclear",
        "3.补正后申请内容仍不明确",
        keys=("仍不明确", "补正后"),
        group="（四）无法提供",
        results=True,
    ),
    Row(
        "rejected_petition",
        "1.信访举报投诉类申请",
        keys=("信访",),
        group="（五）不予处理",
        results=True,
    ),
    Row(
        "rejected_duplicate",
        "2.重复申请",
        keys=("重复申请",),
        group="（五）不予处理",
        results=True,
    ),
    Row(
        "rejected_publication",
        "3.要求提供公开出版物",
        keys=("出版物",),
        group="（五）不予处理",
        results=True,
    ),
    Row(
        "rejected_excessive",
        "4.无正当理由大量反复申请",
        keys=("大量反复",),
        group="（五）不予处理",
        results=True,
    ),
    Row(
        "rejected_reconfirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        keys=("重新出具", "确认或重新"),
        group="（五）不予处理",
        results=True,
    ),
)

OTHER_SINGLE = Row("other", "（六）其他处理", exact=True, results=True)

OTHER_SPLIT = (
    Row(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        keys=("逾期不补正",),
        group="（六）其他处理",
        results=True,
    ),
    Row(
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        keys=("收费通知", "缴纳费用"),
        group="（六）其他处理",
        results=True,
    ),
    Row("other_misc", "3.其他", exact=True, group="（六）其他处理", results=True),
)

_TAIL = (
    Row("total_handled", "（七）总计", keys=("总计",), exact=True, variants=("总计", "（七）合计")),
    Row(
        "carried_forward",
        "四、结转下年度继续办理",
        variants=("四、转结下年度继续办理",),
        keys=("结转下年", "转结下年", "转下年度", "结转下一年"),
    ),
)

T3_MARKERS = (
    "收到和处理政府信息公开申请情况",
    "本列数据的勾稽关系",
    "申请人情况",
)
T3_GROUPS = (
    "三、本年度办理结果",
    "本年度办理",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
    "法人或其他组织",
    "申请人情况",
)


def t3(other_rows: tuple[Row, ...]) -> Table:
    return Table(
        key="t3",
        title="收到和处理政府信息公开申请情况",
        rows=(*_HEAD, *other_rows, *_TAIL),
        cols=T3_COLS,
        markers=T3_MARKERS,
        groups=T3_GROUPS,
    )


T4_COLS = (
    Col("upheld", "结果维持", keys=("维持",)),
    Col("corrected", "结果纠正", keys=("纠正",)),
    Col("other", "其他结果"),
    Col("pending", "尚未审结", keys=("未审结",)),
    Col("total", "总计", variants=("合计",)),
)

T4 = Table(
    key="t4",
    title="政府信息公开行政复议、行政诉讼情况",
    rows=(
        Row("review", "行政复议", exact=True),
        Row("suit_direct", "未经复议直接起诉", keys=("直接起诉",)),
        Row("suit_after_review", "复议后起诉", keys=("复议后起诉",)),
    ),
    cols=T4_COLS,
    markers=("政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼"),
    groups=("行政诉讼",),
    single_value_row=True,
)
