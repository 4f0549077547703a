"""国办公开办函〔2021〕30号: the 2021 template, for reports on 2021 and later."""

from extract.forms import Col, Form, Row, Table
from extract.forms.common import OTHER_SINGLE, OTHER_SPLIT, T4, t3

_DOC_COLS = (
    Col("issued", "本年制发件数", keys=("制发",)),
    Col("repealed", "本年废止件数", keys=("废止",)),
    Col("in_force", "现行有效件数", keys=("现行有效",)),
)
_DECISIONS = (Col("decisions", "本年处理决定数量", keys=("处理决定",)),)

T2 = Table(
    key="t2",
    title="主动公开政府信息情况",
    rows=(
        Row("regulations", "规章", exact=True, cols=_DOC_COLS),
        Row(
            "normative_documents",
            "行政规范性文件",
            variants=("规范性文件",),
            keys=("规范性文件",),
            cols=_DOC_COLS,
        ),
        Row("licensing", "行政许可", exact=True, cols=_DECISIONS),
        Row("punishment", "行政处罚", exact=True, cols=_DECISIONS),
        Row("enforcement", "行政强制", exact=True, cols=_DECISIONS),
        Row(
            "fees",
            "行政事业性收费",
            keys=("事业性收费",),
            cols=(
                Col(
                    "amount",
                    "本年收费金额（单位：万元）",
                    keys=("收费金额",),
                    money=True,
                    unit="万元",
                ),
            ),
        ),
    ),
    markers=("主动公开政府信息情况", "第二十条第（一）项", "信息内容"),
    groups=("第二十条", "信息内容"),
)

FORM = Form(
    key="2021",
    name="国办公开办函〔2021〕30号",
    # OTHER_SINGLE: some 2021-year reports still print （六）其他处理 as one row.
    tables=(T2, t3((*OTHER_SPLIT, OTHER_SINGLE)), T4),
    markers=(
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "逾期不补正",
        "逾期未按收费通知",
    ),
)
