"""国办公开办函〔2019〕60号 格式（试行）: reports on 2019 and 2020.

表二 differs from 2021 in rows and columns (规范性文件; 上一年项目数量 / 本年增/减;
政府集中采购); 表三 prints （六）其他处理 as a single row; 表四 is the same.
"""

from extract.forms import Col, Form, Row, Table
from extract.forms.common import OTHER_SINGLE, T4, t3

_DOC_COLS = (
    Col("made", "本年新制作数量", keys=("新制作",)),
    Col("published", "本年新公开数量", keys=("新公开",)),
    Col("public_total", "对外公开总数量", keys=("公开总数",)),
)
_ITEM_COLS = (
    Col("prev_count", "上一年项目数量", keys=("上一年",)),
    Col("change", "本年增/减", variants=("本年增减",), keys=("增/减", "增减")),
    Col("decisions", "处理决定数量", keys=("处理决定",)),
)

T2 = Table(
    key="t2",
    title="主动公开政府信息情况",
    rows=(
        Row("regulations", "规章", exact=True, cols=_DOC_COLS),
        Row(
            "normative_documents",
            "规范性文件",
            variants=("行政规范性文件",),
            keys=("规范性文件",),
            cols=_DOC_COLS,
        ),
        Row("licensing", "行政许可", exact=True, cols=_ITEM_COLS),
        Row(
            "other_admin_services",
            "其他对外管理服务事项",
            keys=("对外管理服务",),
            cols=_ITEM_COLS,
        ),
        Row("punishment", "行政处罚", exact=True, cols=_ITEM_COLS),
        Row("enforcement", "行政强制", exact=True, cols=_ITEM_COLS),
        Row("fees", "行政事业性收费", keys=("事业性收费",), cols=_ITEM_COLS[:2]),
        Row(
            "procurement",
            "政府集中采购",
            keys=("集中采购",),
            cols=(
                Col("items", "采购项目数量", keys=("采购项目",)),
                # No unit is printed; reports write 元 (e.g. "251000元"). Kept as printed.
                Col("amount", "采购总金额", keys=("采购总金额", "总金额"), money=True),
            ),
        ),
    ),
    markers=("主动公开政府信息情况", "第二十条第（一）项", "信息内容"),
    groups=("第二十条", "信息内容"),
)

FORM = Form(
    key="2019",
    name="国办公开办函〔2019〕60号",
    tables=(T2, t3((OTHER_SINGLE,)), T4),
    markers=(
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "其他对外管理服务事项",
        "政府集中采购",
        "采购项目数量",
    ),
)
