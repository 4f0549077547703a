"""What a printed cell means: a number, a zero, a blank, not-applicable, or
text — keeping blank apart from 0 and never inventing a value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

NOT_APPLICABLE = frozenset(
    {"/", "\\", "-", "--", "—", "——", "–", "－", "―", "不适用", "N/A", "n/a", "NA", "无", "…", "×"}
)

_NUMBER = re.compile(
    r"""^(?P<sign>[-−－+]?)\s*
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)
    (?P<frac>\.\d+)?\s*
    (?P<unit>万元|元|件|条|个|项|次|人|篇|%)?\s*
    (?:[(（](?P<note>[^()（）]*)[)）])?\s*$""",
    re.X,
)


@dataclass(frozen=True)
class Value:
    kind: str  # "number" | "zero" | "blank" | "na" | "text"
    value: int | float | None
    note: str | None = None
    unit: str | None = None
    decimal: str | None = None  # the printed number, exactly, for money

    @property
    def is_value(self) -> bool:
        return self.kind in ("number", "zero", "na", "blank")


@lru_cache(maxsize=65536)
def parse_value(raw: str, *, money: bool = False) -> Value:
    """Read one printed cell.

    >>> parse_value("22（其中修订16件）")
    Value(kind='number', value=22, note='其中修订16件', unit=None, decimal=None)
    >>> parse_value("251000元", money=True).value
    251000
    >>> parse_value(" ").kind
    'blank'
    """
    text = unicodedata.normalize("NFKC", raw).replace("\u200b", "").strip()
    if not text:
        return Value("blank", None)
    if text in NOT_APPLICABLE:
        return Value("na", None, note=text)
    m = _NUMBER.match(text)
    if not m:
        return Value("text", None)
    digits = m["int"].replace(",", "")
    frac = m["frac"] or ""
    negative = m["sign"] in ("-", "−", "－")
    printed = ("-" if negative else "") + digits + frac
    number: int | float
    number = float(Decimal(printed)) if frac else int(printed)
    kind = "zero" if Decimal(printed) == 0 else "number"
    return Value(
        kind,
        number,
        note=m["note"] or None,
        unit=m["unit"],
        decimal=printed if (money or frac) else None,
    )


def looks_like_value(raw: str) -> bool:
    """True for cells that can only be data (numbers, blanks, dashes)."""
    return parse_value(raw).kind != "text"
