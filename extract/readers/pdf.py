"""PDF reports with a text layer, read from character boxes and ruling lines.

pypdfium2 gives every character with its box and every path object with its
bounds at a few hundred pages a second (pdfplumber, through pdfminer, manages
about 17), so the table geometry is rebuilt here from those two:

* thin path objects are ruling lines; a table row is the band between two
  horizontal rules, its cells the intervals between the vertical rules that
  cross the band, so a label that wraps inside its cell ("1、申请人无正当理由
  逾期不补 / 正、行政机关…") or a number split over two lines stays one cell;
* a merged cell spanning several bands (三、本年度办理结果 printed one
  character per line) falls apart into fragments at the left of the rows,
  where the mapper ignores them (it takes the right-most label);
* characters outside any grid are text lines; a line with widely spaced
  numbers becomes a row (tables drawn without rules), the rest paragraphs;
  page numbers ("-3-", "第 3 页") are dropped, so a table continues across a
  page break as if the footer were not there.

A page whose text layer is garbled ((cid:…), U+FFFD, private-use glyphs) or
empty is rendered and read by OCR when OCR is installed
(:mod:`extract.readers.ocr`); otherwise the layout carries a warning.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from dataclasses import dataclass
from typing import Any

from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.sections import heading_of
from extract.sniff import UnreadableDocument

_FOOTER = re.compile(r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?)$")
_BARE_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_NUMBER = re.compile(r"^[-+]?\d[\d,，.]*%?$")
_RULE_THICKNESS = 3.5  # points: thinner than this is a line, not a box
_TOL = 1.5  # points: rules closer than this are the same rule
_MAX_RULES = 1500  # more thin paths on one page is a drawing (bounded work)


@dataclass
class Char:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    score: float | None = None  # OCR confidence; None for a text layer

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one
    start: float
    end: float


def _is_bad(ch: str) -> bool:
    o = ord(ch)
    return ch == "\ufffd" or 0xE000 <= o <= 0xF8FF or (o < 32 and ch not in "\r\n\t")


def _is_symbol_glyph(ch: str) -> bool:
    """A Symbol/Wingdings glyph (U+F020–U+F0FF: the bullet U+F0B7, the
    square U+F0A7, the check mark U+F0FC …). Word and WPS print list bullets
    with it; it is not text, and not a sign of a garbled text layer."""
    return 0xF020 <= ord(ch) <= 0xF0FF


def page_chars(textpage: Any) -> tuple[list[Char], bool]:
    """Printable characters of a page with their boxes, and whether the text
    layer looks garbled (empty, many replacement/private-use glyphs, or
    Latin-1 mojibake without a single hanzi)."""
    n = textpage.count_chars()
    text = textpage.get_text_range() if n else ""
    if len(text) != n:  # surrogate pairs: fall back to one call per char
        text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(n))
    chars: list[Char] = []
    bad = 0
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "\ufffe\uffff" or _is_symbol_glyph(ch):
            continue
        if _is_bad(ch):
            bad += 1
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if right <= left and top <= bottom:
            continue
        chars.append(Char(ch, left, bottom, right, top))
    garbled = not chars or "(cid:" in text or bad > max(3, 0.05 * (len(chars) + bad))
    if not garbled and len(chars) >= 20:
        # Fonts without a usable ToUnicode map come out as Latin-1 mojibake
        # ("ÿÿÿ", "Ã¦Â"): a page of a Chinese report with no hanzi at all and
        # mostly such characters has no usable text layer.
        hanzi = sum(1 for c in chars if "\u3400" <= c.text <= "\u9fff")
        odd = sum(1 for c in chars if "\u0080" <= c.text <= "\u02ff")
        garbled = hanzi == 0 and odd > 0.3 * len(chars)
    return chars, garbled


def page_rules(page: Any) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical ruling lines of a page (thin path objects and
    thin filled rectangles), as drawn: segments are joined later, after
    underlines are told apart (:func:`items_from_chars`)."""
    import pypdfium2.raw as pdfium_c

    horizontal: list[Rule] = []
    vertical: list[Rule] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h < _RULE_THICKNESS and w > max(3.0, 2 * h):
            horizontal.append(Rule((top + bottom) / 2, left, right))
        elif w < _RULE_THICKNESS and h > max(3.0, 2 * w):
            vertical.append(Rule((left + right) / 2, bottom, top))
    return horizontal, vertical


def _merge(rules: list[Rule], tolerance: float = _TOL) -> list[Rule]:
    """Join collinear touching segments (cell borders are drawn per cell)."""
    rules = sorted(rules, key=lambda r: r.pos)
    clusters: list[list[Rule]] = []
    for r in rules:
        if clusters and r.pos - clusters[-1][-1].pos < tolerance:
            clusters[-1].append(r)
        else:
            clusters.append([r])
    out: list[Rule] = []
    for cluster in clusters:
        pos = statistics.fmean(r.pos for r in cluster)
        merged: list[Rule] = []
        for r in sorted(cluster, key=lambda r: r.start):
            if merged and r.start <= merged[-1].end + tolerance:
                merged[-1].end = max(merged[-1].end, r.end)
            else:
                merged.append(Rule(pos, r.start, r.end))
        out.extend(merged)
    return out


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into text lines (top to bottom, left to right): a
    character joins a line when its box overlaps the line's vertically, so
    low commas and high quotes stay on their line."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: -c.cy)
    lines: list[list[Char]] = []
    lo = hi = 0.0
    for c in ordered:
        overlap = min(hi, c.top) - max(lo, c.bottom)
        if lines and overlap > 0.3 * min(max(c.height, 0.1), hi - lo):
            lines[-1].append(c)
            lo, hi = min(lo, c.bottom), max(hi, c.top)
        else:
            lines.append([c])
            lo, hi = c.bottom, c.top
    for line in lines:
        line.sort(key=lambda c: c.left)
    return lines


def _segments(line: list[Char]) -> list[list[Char]]:
    """A line split where the gap between characters is wider than two
    character heights (a column gap, not justified spacing); between a label
    and a number 1.2, and between two digits 0.8 (two numbers in narrow
    columns; the digits of one number touch)."""
    h = statistics.median(c.height for c in line) or 10.0
    segs = [[line[0]]]
    for prev, c in itertools.pairwise(line):
        gap = c.left - prev.right
        # digits of one number touch; two numbers in narrow columns do not
        digits = prev.text[-1:].isdigit() + c.text[:1].isdigit()
        limit = (2.0, 1.2, 0.8)[digits]
        if gap > limit * h:
            segs.append([c])
        else:
            segs[-1].append(c)
    return segs


def _text(chars: list[Char]) -> str:
    """Cell text: lines joined without a separator (wrapped labels and
    numbers split over two lines read as one)."""
    return "".join("".join(c.text for c in line) for line in _lines(chars))


def _provenance(chars: list[Char]) -> dict[str, Any]:
    """Bounding box, plus the lowest OCR confidence when the characters
    were recognised rather than read."""
    out: dict[str, Any] = {"bbox": _bbox(chars)}
    scores = [c.score for c in chars if c.score is not None]
    if scores:
        out["ocr_score"] = round(min(scores), 3)
    return out


def _bbox(chars: list[Char]) -> list[float]:
    return [
        round(min(c.left for c in chars), 1),
        round(min(c.bottom for c in chars), 1),
        round(max(c.right for c in chars), 1),
        round(max(c.top for c in chars), 1),
    ]


@dataclass
class _Grid:
    """One ruled table region of a page."""

    horizontal: list[Rule]
    vertical: list[Rule]
    left: float
    right: float
    bottom: float
    top: float

    def contains(self, c: Char) -> bool:
        return self.left <= c.cx <= self.right and self.bottom <= c.cy <= self.top


def _grids(horizontal: list[Rule], vertical: list[Rule], tol: float = 2.0) -> list[_Grid]:
    """Ruled regions: connected groups of rules with at least two rules each
    way. Rules that touch (within a tolerance) belong to the same grid."""
    rules = [("h", r) for r in horizontal] + [("v", r) for r in vertical]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    t = tol
    for i, (ki, ri) in enumerate(rules):
        for j in range(i + 1, len(rules)):
            kj, rj = rules[j]
            if ki == kj:
                continue
            h, v = (ri, rj) if ki == "h" else (rj, ri)
            if v.start - t <= h.pos <= v.end + t and h.start - t <= v.pos <= h.end + t:
                parent[find(i)] = find(j)
    groups: dict[int, list[tuple[str, Rule]]] = {}
    for i, r in enumerate(rules):
        groups.setdefault(find(i), []).append(r)
    out = []
    for members in groups.values():
        hs = sorted((r for k, r in members if k == "h"), key=lambda r: -r.pos)
        vs = sorted((r for k, r in members if k == "v"), key=lambda r: r.pos)
        if len(hs) < 2 or len(vs) < 2:
            continue
        out.append(
            _Grid(
                hs,
                vs,
                left=min(r.pos for r in vs),
                right=max(r.pos for r in vs),
                bottom=min(r.pos for r in hs),
                top=max(r.pos for r in hs),
            )
        )
    return out


def _crossed(grid: _Grid, y: float, x0: float, x1: float, tol: float) -> bool:
    """Whether a horizontal rule at height y runs the whole span x0..x1 (a
    cell border; an underline under text stops where the text stops)."""
    edge = max(tol, 3.0)
    return any(
        abs(r.pos - y) <= tol and r.start <= x0 + edge and r.end >= x1 - edge
        for r in grid.horizontal
    )


def _grid_rows(
    grid: _Grid, chars: list[Char], page_no: int, table: int, tol: float = _TOL
) -> list[SourceRow]:
    """The rows of one ruled table: one per band between horizontal rules
    that holds text, cells split at the vertical rules crossing the band.
    Bands that no rule separates under any of their filled columns are one
    row (a label wrapped over lines that rules elsewhere in the table cut
    apart: "1.属于国家秘" / "密  0  0 …")."""
    ys = sorted({round(r.pos, 1) for r in grid.horizontal}, reverse=True)
    bands: dict[int, list[Char]] = {}
    for c in chars:
        for i in range(len(ys) - 1):
            if ys[i + 1] <= c.cy <= ys[i]:
                bands.setdefault(i, []).append(c)
                break
    built: list[tuple[int, list[float], list[list[Char]]]] = []
    for i in sorted(bands):
        top, bottom = ys[i], ys[i + 1]
        mid = (top + bottom) / 2
        xs = sorted({round(v.pos, 1) for v in grid.vertical if v.start - tol <= mid <= v.end + tol})
        if len(xs) < 2:
            xs = [grid.left, grid.right]
        cells: list[list[Char]] = [[] for _ in range(len(xs) - 1)]
        for c in bands[i]:
            for j in range(len(xs) - 1):
                if xs[j] <= c.cx <= xs[j + 1]:
                    cells[j].append(c)
                    break
        # The grid's first band may end a row begun on the previous page
        # (see _continue_across_pages): it never takes the band below.
        # Bands in between without any text do not separate two bands.
        if built and _one_row(
            grid, ys[built[-1][0] + 1 : i + 1], xs, cells, built[-1], tol, labels=len(built) > 1
        ):
            for mine, theirs in zip(cells, built[-1][2], strict=True):
                theirs.extend(mine)
            built[-1] = (i, built[-1][1], built[-1][2])
            continue
        built.append((i, xs, cells))
    rows = []
    for i, xs, cells in built:
        top, bottom = ys[i], ys[i + 1]
        out_cells = []
        for j, cell in enumerate(cells):
            where: dict[str, Any] = {"page": page_no, "table": table, "row": i, "col": j}
            if cell:
                where.update(_provenance(cell))
            else:
                where["bbox"] = [xs[j], bottom, xs[j + 1], top]
            out_cells.append(SourceCell(_text(cell) if cell else "", pos=j, where=where))
        # A band with text but no number at all is a heading or the first
        # line of a label cut apart from its numbers: its empty cells are not
        # printed blanks (padded rows keep the mapper from placing them).
        no_number = not any(_NUMBER.match(c.text) for c in out_cells if c.text)
        rows.append(
            SourceRow(
                out_cells,
                where={"page": page_no, "table": table, "row": i, "top": top},
                padded=no_number,
                positional=False,
                table_index=table,
            )
        )
    return rows


def _one_row(
    grid: _Grid,
    boundaries: list[float],
    xs: list[float],
    cells: list[list[Char]],
    prev: tuple[int, list[float], list[list[Char]]],
    tol: float,
    labels: bool = True,
) -> bool:
    """Whether a band is the same table row as the band above: the same
    column spans, no rule at the boundary under any column holding text in
    either band, and no column with a number in both (two numbers stacked
    without a rule are two rows of a table drawn without inner rules)."""
    _, pxs, pcells = prev
    if len(pxs) != len(xs) or any(abs(a - b) > tol for a, b in zip(pxs, xs, strict=True)):
        return False

    def texts(band: list[list[Char]]) -> list[str]:
        return ["".join(c.text for c in cell) for cell in band]

    above, here = texts(pcells), texts(cells)
    if (
        labels
        and any(above)
        and not any(_NUMBER.match(t) for t in above)
        and any(_NUMBER.match(t) for t in here)
        and not any(t and _NUMBER.match(here[j]) for j, t in enumerate(above))
    ):
        # A label's first lines above the band holding its numbers, with no
        # text above a number (that would be a header row): one row, whatever
        # the rules say (a rule there is the label's underline or a border
        # the converter drew through a wrapped cell).
        return True
    for j, (mine, theirs) in enumerate(zip(cells, pcells, strict=True)):
        if not mine and not theirs:
            continue
        if any(_crossed(grid, y, xs[j], xs[j + 1], tol) for y in boundaries):
            return False
        if (
            mine
            and theirs
            and _NUMBER.match("".join(c.text for c in mine))
            and _NUMBER.match("".join(c.text for c in theirs))
        ):
            return False
    return True


_ENUM_START = re.compile(
    r"^(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)"
)


@dataclass
class _Line:
    n: int
    chars: list[Char]
    text: str
    segs: list[list[Char]]
    texts: list[str]
    is_row: bool
    used: bool = False

    @property
    def top(self) -> float:
        return max(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return min(c.bottom for c in self.chars)

    @property
    def height(self) -> float:
        return statistics.median(c.height for c in self.chars) or 10.0


def _wrapped_label(lines: list[_Line], k: int) -> list[_Line]:
    """Label lines of a row printed as numbers only (a table without rules
    whose label wraps and whose numbers sit in the middle of the cell): the
    text lines just above, back to one starting with an enumeration mark,
    and those just below that do not start a new label; all left of the
    first number and no more than a line's gap apart."""
    row = lines[k]
    first_number = row.segs[0][0].left
    h = row.height

    def fits(line: _Line) -> bool:
        return not line.is_row and not line.used and line.chars[-1].right < first_number

    above: list[_Line] = []
    edge = row
    for line in reversed(lines[:k]):
        if not fits(line) or line.bottom - edge.top > 1.6 * h:
            break
        above.insert(0, line)
        edge = line
        if _ENUM_START.match(line.text):
            break
    if above and not _ENUM_START.match(above[0].text):
        above = []
    below: list[_Line] = []
    edge = row
    for line in lines[k + 1 :]:
        if not fits(line) or edge.bottom - line.top > 1.6 * h or _ENUM_START.match(line.text):
            break
        below.append(line)
        edge = line
    return [*above, *below] if above else []


def _free_items(chars: list[Char], page_no: int) -> list[tuple[float, Paragraph | SourceRow]]:
    """Text outside ruled tables: a line of label + spaced numbers is a row
    (a table without rules; a row of numbers alone takes its wrapped label
    from the lines around it), other lines are joined into paragraphs."""
    out: list[tuple[float, Paragraph | SourceRow]] = []
    raw = _lines(chars)
    if not raw:
        return out
    lines: list[_Line] = []
    for n, line in enumerate(raw, start=1):
        text = "".join(c.text for c in line)
        # "-3-", "第 3 页" anywhere; a bare "3" only as the page's first or
        # last line (a row of values "0000000" is not a page number).
        if _FOOTER.match(text) or (_BARE_PAGE_NUMBER.match(text) and n in (1, len(raw))):
            continue
        segs = _segments(line)
        texts = ["".join(c.text for c in s) for s in segs]
        numbers = sum(1 for t in texts if _NUMBER.match(t))
        is_row = len(segs) >= 2 and numbers >= 1 and numbers >= len(segs) - 2
        lines.append(_Line(n, line, text, segs, texts, is_row))
    labels: dict[int, list[_Line]] = {}
    for k, line in enumerate(lines):
        if line.is_row and all(_NUMBER.match(t) for t in line.texts):
            found = _wrapped_label(lines, k)
            for used in found:
                used.used = True
            if found:
                labels[k] = found
    margin = min(line.chars[0].left for line in lines) if lines else 0.0
    para: list[str] = []
    para_top = 0.0
    para_line = 0
    prev_bottom = 0.0

    def flush() -> None:
        nonlocal para
        if para:
            out.append(
                (para_top, Paragraph("".join(para), where={"page": page_no, "line": para_line}))
            )
        para = []

    for k, line in enumerate(lines):
        if line.used:
            continue
        if line.is_row:
            flush()
            cells = [
                SourceCell(t, pos=i, where={"page": page_no, "line": line.n, **_provenance(s)})
                for i, (t, s) in enumerate(zip(line.texts, line.segs, strict=True))
            ]
            if k in labels:
                parts = labels[k]
                label_chars = [c for p in parts for c in p.chars]
                where = {"page": page_no, "line": parts[0].n, **_provenance(label_chars)}
                cells.insert(0, SourceCell("".join(p.text for p in parts), where=where))
            row = SourceRow(cells, where={"page": page_no, "line": line.n}, padded=True)
            out.append((line.top, row))
            continue
        h = line.height
        # A section heading is a paragraph of its own even when it is set
        # like the body text, without indent or space around it.
        heading = heading_of(line.text) is not None
        indented = line.chars[0].left > margin + 1.2 * h
        if para and (heading or indented or prev_bottom - line.top > 1.5 * h):
            flush()
        prev_bottom = line.bottom
        if not para:
            para_top, para_line = line.top, line.n
        para.append(line.text)
        if heading or len(line.segs) > 1 or line.chars[-1].text in "。：:；;":
            flush()
    flush()
    return out


def _drop_underlines(horizontal: list[Rule], chars: list[Char], tol: float) -> list[Rule]:
    """Horizontal rules that are text decoration: a rule just under a run of
    characters that starts and ends where the run does (LibreOffice prints
    underlined and linked text so)."""
    if not horizontal or not chars:
        return horizontal
    edge = max(tol, 3.0)
    by_bottom = sorted(chars, key=lambda c: c.bottom)
    bottoms = [c.bottom for c in by_bottom]
    reach = 0.5 * max(c.height for c in chars) + 1
    keep = []
    for r in horizontal:
        lo = bisect.bisect_left(bottoms, r.pos - 0.5)
        hi = bisect.bisect_right(bottoms, r.pos + reach)
        above = [
            c
            for c in by_bottom[lo:hi]
            if c.bottom - r.pos <= 0.5 * c.height + 1
            and c.right > r.start - edge
            and c.left < r.end + edge
        ]
        if above and (
            abs(min(c.left for c in above) - r.start) <= edge
            and abs(max(c.right for c in above) - r.end) <= edge
        ):
            continue
        keep.append(r)
    return keep


def items_from_chars(
    chars: list[Char],
    horizontal: list[Rule],
    vertical: list[Rule],
    page_no: int,
    table_base: int = 0,
    tol: float = _TOL,
) -> tuple[list[Paragraph | SourceRow], int]:
    """A page's characters and ruling lines as items in reading order (ruled
    tables as rows, the rest as text lines), and the number of tables. Used
    for text-layer pages and, with OCR boxes as characters, for images."""
    if len(horizontal) + len(vertical) > _MAX_RULES:
        # a vector drawing, not a table: read the page as text lines
        horizontal, vertical = [], []
    horizontal = _merge(_drop_underlines(horizontal, chars, tol), tol)
    vertical = _merge(vertical, tol)
    grids = _grids(horizontal, vertical, tol=max(tol, 2.0))
    placed: list[tuple[float, Paragraph | SourceRow]] = []
    free = []
    in_grid: list[list[Char]] = [[] for _ in grids]
    for c in chars:
        for k, g in enumerate(grids):
            if g.contains(c):
                in_grid[k].append(c)
                break
        else:
            free.append(c)
    grids_sorted = sorted(range(len(grids)), key=lambda k: -grids[k].top)
    for n, k in enumerate(grids_sorted):
        for row in _grid_rows(grids[k], in_grid[k], page_no, table_base + n, tol):
            placed.append((row.where["top"], row))
    placed.extend(_free_items(free, page_no))
    placed.sort(key=lambda x: -x[0])
    return [item for _, item in placed], len(grids)


def _rotate_box(
    box: tuple[float, float, float, float], rotation: int, width: float, height: float
) -> tuple[float, float, float, float]:
    """A box in PDF user space as seen on the displayed page (/Rotate is
    clockwise; ``width``/``height`` of the unrotated media box)."""
    left, bottom, right, top = box
    corners = [(left, bottom), (right, top)]
    if rotation == 90:
        pts = [(y, width - x) for x, y in corners]
    elif rotation == 180:
        pts = [(width - x, height - y) for x, y in corners]
    elif rotation == 270:
        pts = [(height - y, x) for x, y in corners]
    else:
        return box
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _upright(
    page: Any, chars: list[Char], horizontal: list[Rule], vertical: list[Rule]
) -> tuple[list[Char], list[Rule], list[Rule]]:
    """Characters and rules of a page with /Rotate turned the way a reader
    sees it (landscape tables printed on rotated portrait pages)."""
    rotation = page.get_rotation() % 360
    if rotation not in (90, 180, 270):
        return chars, horizontal, vertical
    left, bottom, right, top = page.get_mediabox()
    w, h = right - left, top - bottom

    def turn(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return _rotate_box(
            (box[0] - left, box[1] - bottom, box[2] - left, box[3] - bottom), rotation, w, h
        )

    out_chars = [
        Char(c.text, *turn((c.left, c.bottom, c.right, c.top)), score=c.score) for c in chars
    ]
    boxes = [(r.start, r.pos, r.end, r.pos) for r in horizontal]
    boxes += [(r.pos, r.start, r.pos, r.end) for r in vertical]
    out_h: list[Rule] = []
    out_v: list[Rule] = []
    for box in boxes:
        x0, y0, x1, y1 = turn(box)
        if y1 - y0 <= x1 - x0:
            out_h.append(Rule((y0 + y1) / 2, x0, x1))
        else:
            out_v.append(Rule((x0 + x1) / 2, y0, y1))
    return out_chars, out_h, out_v


def read_page(page: Any, textpage: Any, page_no: int, table_base: int) -> tuple[list, int, bool]:
    """Items of one page in reading order, tables found, and whether the
    text layer was garbled (then the items are empty)."""
    chars, garbled = page_chars(textpage)
    if garbled:
        return [], 0, True
    horizontal, vertical = page_rules(page)
    chars, horizontal, vertical = _upright(page, chars, horizontal, vertical)
    items, found = items_from_chars(chars, horizontal, vertical, page_no, table_base)
    return items, found, False


def read_pdf(data: bytes) -> Layout:
    """Read a PDF's text layer into paragraphs and table rows; garbled or
    empty pages go to OCR when it is installed."""
    try:
        import pypdfium2 as pdfium
    except ImportError as e:  # pragma: no cover - a core dependency
        raise UnreadableDocument("PDF support needs pypdfium2 (pip install pypdfium2)") from e
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        reason = str(e).split("\n")[0]
        if "password" in reason.lower():
            raise UnreadableDocument("encrypted PDF (password required)") from e
        raise UnreadableDocument(f"not a readable PDF: {reason}") from e
    items: list[Paragraph | SourceRow] = []
    warnings: list[dict[str, Any]] = []
    ocr_pages: list[int] = []
    tables = 0
    confidence = 1.0
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            page_items, found, garbled = read_page(page, textpage, i + 1, tables)
            tables += found
            if garbled:
                ocr_items, conf, warn = _ocr_page(page, i + 1)
                page_items = ocr_items
                confidence = min(confidence, conf)
                if warn:
                    warnings.append(warn)
                else:
                    ocr_pages.append(i + 1)
            if page_items and items and _continue_across_pages(items[-1], page_items[0]):
                page_items = page_items[1:]
            items.extend(page_items)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    reader = "pdf+ocr" if ocr_pages else "pdf"
    layout = Layout(reader=reader, items=items, confidence=confidence)
    layout.warnings.extend(warnings)
    if ocr_pages:
        layout.warnings.append(
            {
                "code": "ocr_pages",
                "message": f"pages {ocr_pages} had no usable text layer and were read by OCR",
                "pages": ocr_pages,
            }
        )
    return layout


def _continue_across_pages(last: Any, first: Any) -> bool:
    """A table row broken by a page break: the new page's first row holds
    only text, each piece under a filled cell of the previous page's last
    row (same column span). Appends the text there; True when it did."""
    if not (isinstance(last, SourceRow) and isinstance(first, SourceRow)):
        return False
    filled = [c for c in first.cells if c.text.strip()]
    if not filled or any(_NUMBER.match(c.text.strip()) for c in filled):
        return False
    pairs = []
    for cell in filled:
        x0, _, x1, _ = cell.where.get("bbox", (0, 0, 0, 0))
        mid = (x0 + x1) / 2
        target = next(
            (
                p
                for p in last.cells
                if p.text.strip()
                and "bbox" in p.where
                and p.where["bbox"][0] - 2 <= mid <= p.where["bbox"][2] + 2
                and _NUMBER.match(p.text.strip()) is None
            ),
            None,
        )
        if target is None:
            return False
        pairs.append((target, cell))
    for target, cell in pairs:
        target.text += cell.text
        target.where = {**target.where, "continued_on_page": cell.where.get("page")}
    return True


def _ocr_page(page: Any, page_no: int) -> tuple[list, float, dict[str, Any] | None]:
    """OCR one page rendered at ~200 dpi, or a warning when OCR is missing."""
    from extract.readers import ocr

    if not ocr.available():
        return (
            [],
            0.0,
            {
                "code": "page_unreadable",
                "message": f"page {page_no} has no usable text layer and OCR is not installed "
                "(pip install 'xxgk-archive[ocr]')",
                "page": page_no,
            },
        )
    image = page.render(scale=200 / 72).to_pil()
    layout = ocr.read_image_obj(image, page_no=page_no)
    return layout.items, layout.confidence, None
