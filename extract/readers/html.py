"""Portal HTML pages and Word-exported HTML.

The page is decoded from its bytes (BOM, valid UTF-8, a declared charset that
really decodes, then GB18030), the report body is found among the page
chrome (TRS_Editor, #zoom, UCAP-CONTENT, article …, or the smallest container
holding the report's tables), and the body is read in order into paragraphs
and table rows.

Tables become a true grid: rowspan/colspan are expanded into grid positions,
but each source ``<td>`` appears once, in the row where it starts, with its
grid column (``pos``) and ``span``; the row records the table's grid width.
The template mapper reads values in order and falls back to grid positions
only when a row shows more or fewer values than its template row.

Word markup is flattened: nested ``<font>``/``<span>``, ``<o:p>``, ``&nbsp;``,
comments (``<!--[if !supportLists]-->``) and scripts/styles are dropped; block
elements and ``<br>`` inside a cell become line breaks.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.readers.grid import grid_cell, grid_rows
from extract.sniff import UnreadableDocument, decode_text

# Elements that end a line of text.
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "br",
        "caption",
    ]
)
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "select", "button")
# Report-body containers of the portal CMS families (shared/research/portals.md).
_BODY_HINTS = re.compile(
    r"trs_editor|trs_ueditor|ucap-content|ucapcontent|\bzoom\b|article[_-]?content|"
    r"\bcontent[_-]?(?:text|body|main)?\b|\bview\b|\bxxgk[_-]?content|\bnews[_-]?content|"
    r"\bdetail[_-]?content|\bmain[_-]?content|\bart[_-]?con",
    re.I,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONDITIONAL = re.compile(r"<!\[(?:end)?if[^\]]*\]>|\[(?:end)?if[^\]]*\]", re.I)
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_REPORT_WORDS = (
    "本年新收", "自然人", "行政复议", "主动公开", "本年制发", "本年新制作", "规章",
    "信息内容", "处理决定", "总计",
)  # fmt: skip
MAX_SPAN = 100  # a hostile colspan/rowspan cannot blow up the grid …
MAX_GRID = 200_000  # … nor can many of them (a report table has a few hundred)
# libxml2 silently drops content nested deeper than 255 elements: a page that
# deep is refused rather than read with holes.
MAX_DEPTH = 250


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and encoding of an HTML page: BOM; then UTF-8 when the bytes are
    valid UTF-8 (GBK text practically never is, while UTF-8 bytes may decode
    as GB18030 without error, so a stale "gb2312" declaration must not win);
    then the declared charset when the bytes decode with it; then GB18030 or
    a detector (deps G9)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        if declared in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030"):
            declared = "gb18030"
        try:
            codecs.lookup(declared)
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; trust the bytes
    return decode_text(data)


def _clean(text: str) -> str:
    """One line of visible text: conditional-comment leftovers dropped, runs of
    spaces (&nbsp;, U+3000 …) collapsed, ends stripped."""
    if "[" in text:  # every conditional-comment leftover has one
        text = _CONDITIONAL.sub("", text)
    return _WS.sub(" ", text).strip()


def _add_text(node: etree._Element, parts: list[str]) -> None:
    """``node``'s text and everything below it, then its tail; a block
    element's content between newlines. Comments and processing
    instructions are left out with their tails (as ``etree.iterwalk`` does)."""
    block = node.tag in _BLOCK
    if block:
        parts.append("\n")
    if node.text:
        parts.append(node.text)
    if len(node):  # most nodes are leaves: no iterator for them
        for child in node.iterchildren(etree.Element):
            _add_text(child, parts)
    if block:
        parts.append("\n")
    if node.tail:
        parts.append(node.tail)


def _cell_text(el: etree._Element) -> str:
    """Visible text of a cell; blocks and <br> inside it become newlines.
    (Recursion depth is bounded: libxml2 nests at most 256 levels.)"""
    parts = [el.text] if el.text else []
    for child in el.iterchildren(etree.Element):
        _add_text(child, parts)
    lines = [_clean(x) for x in "".join(parts).split("\n") if x]
    return "\n".join(x for x in lines if x)


_DIGITS = re.compile(r"\d+")


def _span(el: etree._Element, attr: str) -> int:
    raw = el.get(attr)
    if raw is None:
        return 1
    m = _DIGITS.match(raw.strip() or "1")
    n = int(m.group()) if m else 1
    return min(max(n, 1), MAX_SPAN)


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The <tr>s of this table, not of tables nested inside its cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def read_table(table: etree._Element, index: int) -> list[SourceRow]:
    """A table as grid rows: each <td> once, at its grid column, with its span."""
    occupied: set[tuple[int, int]] = set()
    raw_rows: list[list[SourceCell]] = []
    width = 0
    for r, tr in enumerate(_own_rows(table)):
        cells: list[SourceCell] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, col) in occupied:
                col += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            if len(occupied) + rs * cs > MAX_GRID:
                raise UnreadableDocument(
                    f"HTML table {index} spans more than {MAX_GRID} grid cells: not a report table"
                )
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, col + dc))
            cells.append(grid_cell(_cell_text(td), index, r, col, rs, cs))
            col += cs
            width = max(width, col)
        raw_rows.append(cells)
    return grid_rows(raw_rows, index, width)


@lru_cache(maxsize=4096)
def _is_body_hint(classes: str) -> bool:
    return _BODY_HINTS.search(classes) is not None


def _hinted(body: etree._Element) -> list[etree._Element]:
    """Elements below ``body`` whose class or id names a report-body container."""
    out = []
    for el in body.iterdescendants(etree.Element):
        cls, ident = el.get("class"), el.get("id")
        if (cls is not None or ident is not None) and _is_body_hint(f"{cls or ''} {ident or ''}"):
            out.append(el)
    return out


def _is_report_table(table: etree._Element) -> bool:
    text = "".join(table.itertext())
    return sum(w in text for w in _REPORT_WORDS) >= 2


def find_body(root: etree._Element) -> etree._Element:
    """The element holding the report: the innermost known content container
    that holds every report table (or, without tables, the one with the most
    text); else the tables' common ancestor; else <body>."""
    body = root.find(".//body")
    if body is None:
        body = root
    # innermost report tables: a layout table around them is page chrome
    reports = [t for t in body.iter("table") if _is_report_table(t)]
    tables = [t for t in reports if not any(r in reports for r in t.iterdescendants("table"))]
    hinted = _hinted(body)
    if tables:
        around = [set(t.iterancestors()) for t in tables]
        holding = [el for el in hinted if all(el in a for a in around)]
        if holding:
            return max(holding, key=lambda el: sum(1 for _ in el.iterancestors()))
        common = set(tables[0].iterancestors())
        for t in tables[1:]:
            common &= set(t.iterancestors())
        if not common:
            return body
        found = max(common, key=lambda el: sum(1 for _ in el.iterancestors()))
        # A wrapper holding nothing but the tables: climb to the narrative
        # around them (统计期限, sections), never past a layout cell.
        while (
            found is not body
            and found.tag != "td"
            and found.getparent() is not None
            and _own_text(found) < 100
        ):
            found = found.getparent()
        return found
    if hinted:
        best = max(hinted, key=lambda el: len("".join(el.itertext()).strip()))
        if len("".join(best.itertext()).strip()) >= 200:
            return best
    return body


def _own_text(el: etree._Element) -> int:
    """Characters of text in ``el`` outside its tables."""
    total = len("".join(el.itertext()))
    inner = sum(len("".join(t.itertext())) for t in el.iter("table") if t.find(".//table") is None)
    return total - inner


def _title_blocks(root: etree._Element) -> Iterator[etree._Element]:
    """Elements classed as a title, in document order, outside links and
    list items and holding no link (XPath ``//*[contains(@class, 'title')
    and not(ancestor-or-self::a) and not(ancestor::li) and not(.//a)]``,
    walked in Python: libxml2's XPath is slower on large pages)."""
    for el in root.iter(etree.Element):
        if (
            "title" in (el.get("class") or "")
            and el.tag != "a"
            and next(el.iterancestors("a", "li"), None) is None
            and el.find(".//a") is None
        ):
            yield el


def _title(root: etree._Element) -> str | None:
    """The report's title: the first of meta ArticleTitle/title, <title>, <h1>
    and elements classed as a title that names a report (报告); else the first
    one found. A site's <title> is often just the portal's name."""
    found: list[str] = []
    for name in ("ArticleTitle", "articletitle", "title", "Title"):
        found += [m.get("content") or "" for m in root.iter("meta") if m.get("name") == name]
    found += ["".join(t.itertext()) for t in root.iter("title")]
    found += ["".join(h.itertext()) for h in root.iter("h1", "h2")]
    # a page's own title block, not a list of links to other reports
    classed = itertools.islice(_title_blocks(root), 20)
    found += ["".join(el.itertext()) for el in classed]
    titles = [t for t in (_clean(x) for x in found) if t and len(t) <= 120]
    for t in titles:
        if "报告" in t:
            return t
    return titles[0] if titles else None


def _read_body(body: etree._Element) -> list[Paragraph | SourceRow]:
    """Paragraphs and table rows of the body, in reading order."""
    items: list[Paragraph | SourceRow] = []
    buf: list[str] = []
    table_index = -1

    def flush() -> None:
        text = _clean("".join(buf))
        buf.clear()
        if text:
            items.append(Paragraph(text, where={"paragraph": len(items)}))

    # A page laid out with tables holds the report's tables inside its own
    # cells: such a table is a container, read as blocks, not as a grid.
    layout_tables = {
        t
        for t in body.iter("table")
        if any(_is_report_table(inner) for inner in t.iterdescendants("table"))
    }
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "table" and el not in layout_tables:
                flush()
                table_index += 1
                items.extend(read_table(el, table_index))
                walker.skip_subtree()  # its "end" event still comes, with the tail
                continue
            if tag in _BLOCK:
                flush()
            if el.text:
                buf.append(el.text)
        else:
            if tag in _BLOCK:
                flush()
            if el is not body and el.tail:
                buf.append(el.tail)
    flush()
    return items


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_ATTR = re.compile(
    r"""style\s*=\s*["'][^"'>]*(?:display\s*:\s*none|visibility\s*:\s*hidden)""", re.I
)


_STYLED = etree.XPath("descendant-or-self::*[@style]")


@lru_cache(maxsize=4096)
def _hides(style: str) -> bool:
    """Whether an inline style hides its element (Word pages repeat a few
    hundred styles, so each is searched once)."""
    return _HIDDEN.search(style) is not None


def _drop_hidden(root: etree._Element) -> None:
    """Remove small hidden elements (``display:none``), keeping their tail:
    some portals salt the text with invisible characters against copying,
    which would corrupt numbers ("1<span style=display:none>7</span>2").
    A hidden container with a table or much text is kept: pages that reveal
    the report body by script hide it in the markup."""
    # A list, collected first: the loop removes elements.
    for el in _STYLED(root):
        style = el.get("style")
        if not style or not _hides(style):
            continue
        if el.find(".//table") is not None or len("".join(el.itertext())) > 40:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail or ""
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(el)


# /*/*/…/* MAX_DEPTH levels down: libxml2 walks it level by level, O(elements).
_DEEP_PATH = etree.XPath("boolean(/" + "/".join(["*"] * MAX_DEPTH) + ")")


def _too_deep(root: etree._Element) -> bool:
    """Whether some element sits MAX_DEPTH levels down."""
    return bool(_DEEP_PATH(root))


def read_html(data: bytes) -> Layout:
    text, encoding = decode_html(data)
    return read_html_text(text, encoding)


def read_mht(data: bytes) -> Layout:
    """A "single file web page" (.mht/.mhtml, Word's 单个文件网页): its first
    text/html part, decoded by the part's own charset."""
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.compat32)
    for part in msg.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = (part.get_content_charset() or "").lower()
        if charset in ("gbk", "gb2312", "x-gbk", "cp936"):
            charset = "gb18030"
        if charset:
            try:
                return read_html_text(payload.decode(charset), charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return read_html(payload)
    raise UnreadableDocument("MHT file without an HTML part")


def read_html_text(text: str, encoding: str) -> Layout:
    """An HTML page already decoded."""
    text = text.replace("\x00", "")
    if not text.strip():
        raise UnreadableDocument("empty HTML page")
    try:
        # Plain etree elements: lxml.html's element classes cost a Python
        # lookup per element.
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise UnreadableDocument(f"HTML cannot be parsed: {e}") from None
    if root is None:
        raise UnreadableDocument("HTML page without any element")
    etree.strip_elements(root, *_DROP, with_tail=False)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    if _too_deep(root):
        raise UnreadableDocument(
            f"HTML nested {MAX_DEPTH} or more levels deep: the parser drops what lies deeper"
        )
    if _HIDDEN_ATTR.search(text):
        _drop_hidden(root)
    body = find_body(root)
    items = _read_body(body)
    title = _title(root)
    return Layout(
        reader="html",
        items=items,
        title=title and unicodedata.normalize("NFC", title),
        encoding=encoding,
    )
