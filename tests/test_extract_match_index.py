"""The mapper normalises each table's labels once and remembers matches: the
index belongs to one table object, never to another that shares its key."""

from extract.forms import Col, Row, Table
from extract.tables import match_col, match_row


def test_tables_sharing_a_key_keep_their_own_labels():
    first = Table("t3", "表三", rows=(Row("granted", "（一）予以公开"),))
    second = Table("t3", "表三", rows=(Row("refused", "（一）予以公开", keys=("不予公开",)),))
    assert match_row("（一）予以公开", first).key == "granted"
    assert match_row("（一）予以公开", second).key == "refused"
    assert match_row("不予公开的", first) is None
    assert match_row("不予公开的", second).key == "refused"


def test_column_tuples_keep_their_own_labels():
    a = (Col("total", "总计"),)
    b = (Col("sum", "总计"), Col("person", "自然人", keys=("自然",)))
    assert match_col("总计", a).key == "total"
    assert match_col("总计", b).key == "sum"
    assert match_col("自然人", a) is None
    assert match_col("自然人申请", b).key == "person"
