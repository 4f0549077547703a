"""`xxgk eval` on a tiny corpus built in a tmp dir from a seed report.

The truth is taken from the seed's own record and then altered on purpose, so
the harness must notice the difference, skip soft cells, and count crashes.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract import extract
from extract.evaluate import evaluate, summarise

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def make_corpus(root: Path) -> dict:
    seed = next(SEEDS.glob("001_*.txt"))
    (root / "docs").mkdir()
    (root / "truth").mkdir()
    shutil.copy(seed, root / "docs" / "good.txt")
    shutil.copy(seed, root / "docs" / "wrong.txt")
    shutil.copy(seed, root / "docs" / "soft.txt")
    (root / "docs" / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    record = extract(seed.read_bytes(), name="good.txt")
    cells = [{k: c[k] for k in ("table", "row", "col", "value")} for c in record["cells"]]
    base = {"agency": record["agency"], "year": record["year"], "format": record["format"]}

    def write(name, cells, soft=()):
        truth = {"file": name, **base, "cells": cells, "soft": list(soft)}
        (root / "truth" / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False))

    write("good.txt", cells)
    # A truth that disagrees with one checked cell: the record's own check
    # (t3_row_total on that row) did not fail, so the error is silent.
    wrong = [dict(c) for c in cells]
    target = next(c for c in wrong if c["table"] == "t3" and c["row"] == "new_received")
    target["value"] = (target["value"] or 0) + 1
    write("wrong.txt", wrong)
    # The same disagreement inside a soft glob is not scored.
    write("soft.txt", wrong, soft=["t3/new_received/*"])
    write("broken.pdf", cells[:3])
    return {"n": len(cells), "target": f"t3.new_received.{target['col']}"}


@pytest.mark.parametrize("jobs", [0, 2])
def test_eval_scores_wrong_soft_and_crash(tmp_path, jobs):
    info = make_corpus(tmp_path)
    results = {r.file: r for r in evaluate(tmp_path, jobs=jobs)}
    assert set(results) == {"good.txt", "wrong.txt", "soft.txt", "broken.pdf"}
    good = results["good.txt"]
    assert good.right == good.scored == info["n"] and good.exact
    wrong = results["wrong.txt"]
    assert wrong.right == info["n"] - 1 and not wrong.exact
    assert [w["cell"] for w in wrong.wrong] == [info["target"]]
    assert wrong.silent  # no check of the record flags a cell that the truth altered
    soft = results["soft.txt"]
    assert soft.exact and soft.scored < info["n"]
    assert results["broken.pdf"].crash
    summary = summarise(list(results.values()))
    assert summary["crashes"] == 1
    assert summary["silent_errors"] == 1
    assert summary["documents_exact"] == 2
    assert summary["cells_right"] == 3 * info["n"] - 1 - (info["n"] - soft.scored)


def test_eval_flags_cells_of_failed_checks(tmp_path):
    from extract.evaluate import DocResult, score

    record = {
        "year": 2022,
        "format": "2021",
        "cells": [
            {"table": "t4", "row": "review", "col": "total", "value": 3},
            {"table": "t4", "row": "review", "col": "pending", "value": 0},
        ],
        "checks": [{"rule": "t4_total", "ok": False, "cells": ["t4.review.total"]}],
    }
    truth = {"year": 2022, "format": "2021", "cells": [
        {"table": "t4", "row": "review", "col": "total", "value": 2},
        {"table": "t4", "row": "review", "col": "upheld", "value": None},
        {"table": "t4", "row": "review", "col": "pending", "value": None},
    ]}  # fmt: skip
    result = DocResult("x.html", "html")
    score(record, truth, result)
    # wrong and checked: flagged; missing: a visible gap; 0 for a blank: silent
    assert [w["flagged"] for w in result.wrong] == [True, True, False]
    assert result.wrong[1]["missing"] and not result.wrong[2]["missing"]
    assert result.silent


def test_eval_cli_prints_summary_and_json(tmp_path):
    make_corpus(tmp_path)
    cmd = [sys.executable, "-m", "archive", "eval", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "cell accuracy" in proc.stdout and "silent errors:    1" in proc.stdout
    proc = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=120)
    out = json.loads(proc.stdout)
    assert out["summary"]["crashes"] == 1
    assert {d["file"] for d in out["documents"]} == {
        "good.txt",
        "wrong.txt",
        "soft.txt",
        "broken.pdf",
    }
    bad = subprocess.run([*cmd[:-1], str(tmp_path / "docs")], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
