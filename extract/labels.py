"""Normalising printed labels so that the variants seen in real reports
compare equal: full/half-width forms, spaces inside labels, quotes,
enumeration prefixes and trailing notes in brackets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# White space, quotes, zero-width space and BOM: all dropped (one pass).
_DROPPED = re.compile("[\\s“”\"'‘’「」『』\u200b\ufeff]+")
ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,，]|\([一二三四五六七八九十\d]+\)|\d+[.、,，)])"
)
_ENUM = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,，]|\([一二三四五六七八九十\d]+\)|\d+[.、,，)]|[①②③④⑤⑥⑦⑧⑨])+"
)
_NOTE = re.compile(r"\([^()]*\)$")


def norm_text(text: str) -> str:
    """NFKC, no white space, no quotes: （一） and (一) compare equal, and so do
    "危及“三安全一稳定”" and "危及"三安全一稳定"". For a whole document's
    text; :func:`norm` is the same for labels and cells, remembered."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """:func:`norm_text` of a label or cell, remembered (they repeat)."""
    return norm_text(text)


@lru_cache(maxsize=65536)
def core(text: str) -> str:
    """The distinctive part of a label: normalised, without its enumeration
    prefix (三、 （一） 1.) and without a trailing note in brackets
    (（区分处理的，只计这一情形，不计其他情形）)."""
    text = norm(text)
    prev = None
    while prev != text:
        prev = text
        text = _ENUM.sub("", text)
        stripped = _NOTE.sub("", text)
        if stripped:
            text = stripped
    return text
