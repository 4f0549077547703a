"""Hostile input in a batch: each file becomes a recorded failure with a
one-line reason within the limits, and the good documents around them are extracted as usual.

The large files are generated in a tmp dir at test time, never committed.
"""

import io
import json
import random
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, SHARED
from pdfgen import encrypted_pdf
from reportgen import make_values, to_html, zip_bomb

from extract.batch import Job, extract_many

CORPUS_PDF = SHARED / "corpus" / "docs" / "jiangsu_huaian_hongzequ_gov_2023.pdf"


def noise_png() -> bytes:
    from PIL import Image

    rnd = random.Random(0)
    img = Image.frombytes("L", (600, 400), bytes(rnd.getrandbits(8) for _ in range(600 * 400)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def make_batch(tmp_path):
    files = {
        "good.html": to_html(make_values(1)).encode(),
        "good.docx": (FIXTURES / "docs" / "report_2021.docx").read_bytes(),
        "encrypted.pdf": encrypted_pdf(),
        "truncated.pdf": (CORPUS_PDF.read_bytes())[:40000],
        "bomb.docx": zip_bomb(),
        "deep.html": ("<html><body>" + "<div>" * 50000 + "x" + "</div>" * 50000).encode(),
        "noise.png": noise_png(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with open(tmp_path / "huge.txt", "wb") as f:  # 200 MB, sparse where the disk allows
        f.seek(200 * 2**20 - 1)
        f.write(b"\n")
    row = "<tr><td>（一）予以公开</td>" + "<td>1</td>" * 7 + "</tr>"
    table = "<table>" + row * 1000 + "</table>"
    slow = "<html><body>" + table * 200 + "</body></html>"
    (tmp_path / "slow.html").write_text(slow)  # ~20 MB of small tables: tens of seconds
    return files


def test_hostile_files_are_recorded_failures_and_the_batch_goes_on(tmp_path):
    make_batch(tmp_path)
    jobs = [Job(p.name, str(p)) for p in sorted(tmp_path.iterdir())]
    results = dict(extract_many(jobs, workers=2, timeout=4, memory_mb=1024))
    assert set(results) == {j.key for j in jobs}
    for name in ("good.html", "good.docx"):
        assert "failure" not in results[name], results[name]
        assert len(results[name]["cells"]) == 200
    for name in ("encrypted.pdf", "truncated.pdf", "bomb.docx", "deep.html", "huge.txt"):
        failure = results[name].get("failure")
        assert failure and "\n" not in failure, (name, results[name])
    assert "zip bomb" in results["bomb.docx"]["failure"]
    assert "levels deep" in results["deep.html"]["failure"]
    assert results["huge.txt"]["kind"] == "too_large"
    assert results["slow.html"]["kind"] in ("timeout", "memory")
    assert "\n" not in results["noise.png"]["failure"]


def test_cli_batch_writes_one_json_line_per_document(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.html").write_text(to_html(make_values(2)))
    (docs / "b.html").write_text(to_html(make_values(3)))
    (docs / "bomb.docx").write_bytes(zip_bomb())
    (docs / ".hidden").write_text("not a document")
    proc = subprocess.run(
        [sys.executable, "-m", "archive", "extract", str(docs), "--jobs", "2", "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    by_source = {x["source"]: x for x in lines}
    assert set(by_source) == {str(docs / n) for n in ("a.html", "b.html", "bomb.docx")}
    assert by_source[str(docs / "a.html")]["year"] == 2022
    assert "zip bomb" in by_source[str(docs / "bomb.docx")]["failure"]
    assert "3 documents: 2 read, 1 failed (1 unreadable)" in proc.stderr


def orphaned_converters():
    """soffice processes whose worker (the pid in their xxgk-lo-<pid> profile) is gone."""
    import os
    import re
    from pathlib import Path

    orphans = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        m = re.search(r"xxgk-lo-(\d+)-", cmd)
        if m and "soffice" in cmd and not Path(f"/proc/{m.group(1)}").exists():
            orphans.append(int(proc.name))
    return [p for p in orphans if p != os.getpid()]


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="libreoffice-writer-nogui not installed"
)
def test_timed_out_conversion_leaves_no_converter_behind(tmp_path):
    doc = tmp_path / "r.doc"
    doc.write_bytes((FIXTURES / "docs" / "report_2021.doc").read_bytes())
    jobs = [Job(f"r{i}", str(doc)) for i in range(2)]
    results = dict(extract_many(jobs, workers=2, timeout=0.5, memory_mb=2048))
    assert set(results) == {"r0", "r1"}
    for result in results.values():
        assert result.get("kind") == "timeout" or len(result["cells"]) == 200
    assert orphaned_converters() == []
    assert leftover_profiles() == []


def leftover_profiles():
    """LibreOffice profile directories of worker processes that are gone."""
    import re
    import tempfile
    from pathlib import Path

    out = []
    for path in Path(tempfile.gettempdir()).glob("xxgk-lo-*"):
        m = re.match(r"xxgk-lo-(\d+)-", path.name)
        if m and not Path(f"/proc/{m.group(1)}").exists():
            out.append(path.name)
    return out
