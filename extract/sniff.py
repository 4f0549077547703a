"""What a document is, from its bytes (not its name or Content-Type, which
portals get wrong), and how its text is encoded."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class UnreadableDocument(Exception):
    """The bytes cannot be read as a report at all (one-line reason)."""


def sniff(data: bytes, name: str = "") -> str:
    """'pdf', 'docx', 'zip', 'doc' (OLE: doc/wps/xls), 'image', 'rtf', 'mht',
    'html', 'markdown', 'text', or 'binary'."""
    head = data[:2048]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or name.lower().endswith(".docx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")) or (
        head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    ):
        return "image"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    lowered = head.lower().lstrip(codecs.BOM_UTF8)
    if lowered.startswith(b"{\\rtf"):
        return "rtf"
    if b"mime-version:" in lowered[:1024] and b"multipart/related" in lowered:
        return "mht"  # Word/IE "single file web page"
    if re.search(rb"<!doctype html|<html|<head|<body|<meta\s|<title", lowered[:2048]):
        return "html"
    markdown = name.lower().endswith((".md", ".markdown"))
    # A page fragment is HTML; Markdown with HTML tables in it (what
    # PDF-to-Markdown converters write) is Markdown.
    fragment = re.search(rb"<table|<div|<p[\s>]", lowered[:2048])
    if fragment and not (markdown or _MD_HEADING.search(lowered)):
        return "html"
    return "markdown" if markdown else "text"


_MD_HEADING = re.compile(rb"(?m)^#{1,6} \S")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOM, then UTF-8, then GB18030 (a superset of GBK and
    GB2312), then a detector as a last resort. Returns (text, encoding)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        enc = best.encoding
        # charset-normalizer calls short GBK runs cp949 and the like (deps G9).
        if enc.lower() in ("cp949", "euc_kr", "big5", "shift_jis", "cp932", "euc_jp"):
            enc = "gb18030"
        return data.decode(enc, errors="replace"), enc
    return data.decode("gb18030", errors="replace"), "gb18030"
