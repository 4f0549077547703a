"""Accuracy of every reader on the same reports in other clothes.

    python bench/bench_formats.py [--corpus ../shared/corpus] [--only pdf,lines]
                                  [--scan] [--keep DIR] [--jobs N]

The corpus has hand-checked truth for its portal HTML pages, but real
reports also arrive as Word-exported PDFs, DOCX, DOC, scans, and as text that
other tools copied out of a page (one cell per line, a row per line with
spaces, tab-separated, Markdown pipe tables, Markdown with HTML tables). This
script dresses each corpus HTML report that has a truth file in each of those
forms, scores the result against the same truth with ``extract.evaluate``,
and prints one line per form: cell accuracy, values that came out *wrong*
(as opposed to missing), documents whose wrong values nothing flagged
(silent errors), year accuracy and time.

Forms made by LibreOffice (``soffice`` on PATH): ``pdf`` (the page printed
to PDF), ``docx``, ``doc``, ``pdf-word`` (the DOCX printed to PDF, as Word
and WPS export). Text forms: ``flat`` (everything run together, as
the corpus's Pingtan text), ``lines``, ``spaced``, ``tab``, ``md-pipe``,
``md-html``; ``pdftotext`` (``-layout``) and ``pdftotext-raw`` of every
text-layer PDF with truth (the corpus's own and ``pdf``), when poppler-utils
is installed. With ``--scan``: ``scan``, every text-layer PDF (the corpus's
own and ``pdf``) rendered at 150 dpi, slightly rotated and blurred, as an
image-only PDF for OCR — several minutes.

Nothing is copied into the project; the forms are written to a temporary
directory (or ``--keep DIR``). What is known to be lost in a form, and why,
is in the wrong-cell listing printed with ``--verbose``: a blank cell prints
nothing in copied text, so rows with blank cells are left out there; a page
narrower than its table cuts the table off in LibreOffice's PDFs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.evaluate import evaluate, summarise  # noqa: E402

OFFICE = ("pdf", "docx", "doc", "pdf-word")
TEXT = ("flat", "lines", "spaced", "tab", "md-pipe", "md-html")
POPPLER = ("pdftotext", "pdftotext-raw")
FORMS = (*OFFICE, *TEXT, *POPPLER, "scan")


# -- the reports and their truth --------------------------------------------


def _reports(corpus: Path) -> list[tuple[Path, dict]]:
    """Corpus HTML pages with a truth file."""
    out = []
    for doc in sorted((corpus / "docs").glob("*.html")):
        truth = corpus / "truth" / f"{doc.name}.json"
        if truth.exists():
            out.append((doc, json.loads(truth.read_text(encoding="utf-8"))))
    return out


def _put(form_dir: Path, name: str, data: bytes, truth: dict) -> None:
    (form_dir / "docs").mkdir(parents=True, exist_ok=True)
    (form_dir / "truth").mkdir(exist_ok=True)
    (form_dir / "docs" / name).write_bytes(data)
    (form_dir / "truth" / f"{name}.json").write_text(
        json.dumps({**truth, "file": name}, ensure_ascii=False), encoding="utf-8"
    )


# -- LibreOffice forms -------------------------------------------------------


def _soffice(args: list[str], profile: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit(
            "LibreOffice is needed for the office forms (apt install libreoffice-writer-nogui)"
        )
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=600,
    )


def make_office(reports: list[tuple[Path, dict]], work: Path, forms: set[str]) -> None:
    src = work / "src"
    src.mkdir(exist_ok=True)
    for doc, _ in reports:
        shutil.copy(doc, src / doc.name)
    htmls = [str(src / doc.name) for doc, _ in reports]
    profile = work / "lo-profile"
    out = work / "converted"
    filters = {
        "pdf": ("pdf:writer_web_pdf_Export", "pdf"),
        "docx": ("docx:MS Word 2007 XML", "docx"),
        "doc": ("doc:MS Word 97", "doc"),
    }
    needed = set(forms) | ({"docx"} if "pdf-word" in forms else set())
    for form, (flt, _) in filters.items():
        if form in needed:
            _soffice(["--convert-to", flt, "--outdir", str(out / form), *htmls], profile)
    if "pdf-word" in forms:
        docxs = [str(out / "docx" / f"{doc.stem}.docx") for doc, _ in reports]
        _soffice(
            ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out / "pdf-word"), *docxs],
            profile,
        )
    ext = {"pdf": "pdf", "docx": "docx", "doc": "doc", "pdf-word": "pdf"}
    for form in forms & set(OFFICE):
        for doc, truth in reports:
            made = out / form / f"{doc.stem}.{ext[form]}"
            if made.exists():
                _put(work / form, made.name, made.read_bytes(), truth)


# -- text forms --------------------------------------------------------------


def _blocks(page: bytes) -> list[str | list[list[tuple[str, int, int]]]]:
    """The report body in reading order: paragraphs as strings, tables as rows
    of (text, rowspan, colspan)."""
    from lxml import etree

    root = etree.fromstring(page, etree.HTMLParser(remove_comments=True))
    etree.strip_elements(root, "script", "style", with_tail=False)
    body = root.find(".//body")
    out: list = []

    def text_of(el) -> str:
        return re.sub(r"\s+", " ", "".join(el.itertext())).strip()

    def walk(el) -> None:
        if el.tag == "table":
            rows = []
            for tr in el.iter("tr"):
                if next(tr.iterancestors("table")) is not el:
                    continue
                rows.append(
                    [
                        (re.sub(r"\s+", "", "".join(td.itertext())),
                         int(td.get("rowspan") or 1), int(td.get("colspan") or 1))
                        for td in tr if td.tag in ("td", "th")
                    ]
                )  # fmt: skip
            out.append(rows)
            return
        leaf = el.tag in ("p", "h1", "h2", "h3", "li") or (len(el) == 0 and el.tag != "br")
        if leaf and el.find(".//table") is None:
            t = text_of(el)
            if t:
                out.append(t)
            return
        if el.text and el.text.strip():
            out.append(el.text.strip())
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail and child.tail.strip():
                out.append(child.tail.strip())

    if body is not None:
        walk(body)
    return out


def _text_form(blocks: list, form: str) -> str:
    if form == "flat":  # a page's visible text run together, as some crawlers keep it
        parts: list[str] = []
        for block in blocks:
            parts += [block] if isinstance(block, str) else [t for row in block for t, _, _ in row]
        return "".join(parts) + "\n"
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            continue
        rows = [[t for t, _, _ in row] for row in block]
        if form == "lines":  # a blank cell prints nothing
            lines += [t for row in rows for t in row if t]
        elif form == "spaced":
            lines += [" ".join(t for t in row if t) for row in rows if any(row)]
        elif form == "tab":
            lines += ["\t".join(row) for row in rows]
        elif form == "md-pipe":
            width = max(len(r) for r in rows)
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * width)
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        elif form == "md-html":
            lines.append("<table>")
            for row in block:
                tds = "".join(f'<td rowspan="{r}" colspan="{c}">{t}</td>' for t, r, c in row)
                lines.append(f"<tr>{tds}</tr>")
            lines.append("</table>")
        if form.startswith("md"):
            lines.append("")
    return "\n".join(lines) + "\n"


def make_text(reports: list[tuple[Path, dict]], work: Path, forms: set[str]) -> None:
    for doc, truth in reports:
        blocks = _blocks(doc.read_bytes())
        for form in forms & set(TEXT):
            ext = "md" if form.startswith("md") else "txt"
            _put(work / form, f"{doc.stem}.{ext}", _text_form(blocks, form).encode(), truth)


# -- PDFs as other tools read them ---------------------------------------------


def _pdfs_with_truth(corpus: Path, work: Path) -> list[tuple[Path, dict]]:
    """The corpus's text-layer PDFs and the ``pdf`` form, with their truth."""
    sources = [
        (p, corpus / "truth" / f"{p.name}.json") for p in sorted((corpus / "docs").glob("*.pdf"))
    ]
    sources += [
        (p, corpus / "truth" / f"{p.stem}.html.json")
        for p in sorted((work / "pdf" / "docs").glob("*.pdf"))
    ]
    return [(p, json.loads(t.read_text(encoding="utf-8"))) for p, t in sources if t.exists()]


def make_pdftotext(corpus: Path, work: Path, forms: set[str]) -> None:
    if shutil.which("pdftotext") is None:
        print("pdftotext forms skipped: pdftotext is not installed (apt install poppler-utils)")
        return
    for form, option in (("pdftotext", "-layout"), ("pdftotext-raw", "-raw")):
        if form not in forms:
            continue
        for pdf_path, truth in _pdfs_with_truth(corpus, work):
            out = subprocess.run(
                ["pdftotext", option, "-enc", "UTF-8", str(pdf_path), "-"],
                check=True,
                capture_output=True,
                timeout=120,
            ).stdout
            _put(work / form, f"{pdf_path.stem}.txt", out, truth)


# -- scans -------------------------------------------------------------------


def make_scans(corpus: Path, work: Path) -> None:
    """Image-only PDFs of every text-layer PDF with truth: 150 dpi, grey,
    rotated by under a degree, slightly blurred."""
    import pypdfium2
    from PIL import Image, ImageFilter

    rnd = random.Random(1)
    for pdf_path, truth in _pdfs_with_truth(corpus, work):
        pages = []
        for page in pypdfium2.PdfDocument(str(pdf_path)):
            img = page.render(scale=150 / 72).to_pil().convert("L")
            img = img.rotate(rnd.uniform(-0.8, 0.8), fillcolor=255, resample=Image.BICUBIC)
            pages.append(img.filter(ImageFilter.GaussianBlur(0.4)).convert("RGB"))
        out = work / "scan-tmp.pdf"
        pages[0].save(out, save_all=True, append_images=pages[1:], resolution=150)
        _put(work / "scan", f"scan_{pdf_path.stem}.pdf", out.read_bytes(), truth)


# -- scoring -----------------------------------------------------------------


def score_form(form_dir: Path, jobs: int) -> tuple[dict, list]:
    started = time.perf_counter()
    results = evaluate(form_dir, jobs=jobs)
    summary = summarise(results)
    summary["wall_seconds"] = time.perf_counter() - started
    return summary, results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", default=",".join(f for f in FORMS if f != "scan"))
    ap.add_argument("--scan", action="store_true", help="also the OCR form (minutes)")
    ap.add_argument("--keep", type=Path, help="write the forms here and keep them")
    ap.add_argument("--jobs", type=int, default=0, help="isolated worker processes")
    ap.add_argument("--verbose", action="store_true", help="list wrong cells")
    args = ap.parse_args(argv)
    forms = {f.strip() for f in args.only.split(",") if f.strip()}
    if args.scan:
        forms |= {"scan"}
    if forms & {"scan", *POPPLER}:
        forms |= {"pdf"}
    unknown = forms - set(FORMS)
    if unknown:
        ap.error(f"unknown form(s): {', '.join(sorted(unknown))}; known: {', '.join(FORMS)}")
    reports = _reports(args.corpus)
    if not reports:
        ap.error(f"no HTML report with a truth file under {args.corpus}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-forms-"))
    work.mkdir(parents=True, exist_ok=True)
    makers: list[tuple[set[str], Callable[[], None]]] = [
        (set(OFFICE), lambda: make_office(reports, work, forms & set(OFFICE))),
        (set(TEXT), lambda: make_text(reports, work, forms)),
        (set(POPPLER), lambda: make_pdftotext(args.corpus, work, forms)),
        ({"scan"}, lambda: make_scans(args.corpus, work)),
    ]
    try:
        for kinds, make in makers:
            if forms & kinds:
                make()
        print(f"{len(reports)} corpus reports with truth, dressed as: {', '.join(sorted(forms))}")
        print(f"{'form':13} {'docs':>4} {'cells':>12} {'accuracy':>9} {'wrong':>6} "
              f"{'missing':>8} {'silent':>6} {'year':>5} {'seconds':>8}")  # fmt: skip
        for form in FORMS:
            if form not in forms or not (work / form / "truth").exists():
                continue
            summary, results = score_form(work / form, args.jobs)
            wrong = sum(1 for r in results for w in r.wrong if not w["missing"])
            missing = sum(1 for r in results for w in r.wrong if w["missing"])
            acc = summary["cell_accuracy"]
            print(
                f"{form:13} {summary['documents']:>4} "
                f"{summary['cells_right']:>5}/{summary['cells_scored']:<6} "
                f"{'n/a' if acc is None else f'{100 * acc:.2f} %':>9} {wrong:>6} {missing:>8} "
                f"{summary['silent_errors']:>6} {summary['year_right']:>2}/{summary['documents']:<2} "
                f"{summary['wall_seconds']:>8.1f}"
            )
            if args.verbose:
                for r in results:
                    for w in r.wrong:
                        got = "missing" if w["missing"] else repr(w["got"])
                        print(f"    {r.file}: {w['cell']} got {got}, want {w['want']!r}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
