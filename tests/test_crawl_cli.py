"""The crawl from the command line: ``xxgk crawl`` (progress, closing
summary, errors) and ``scrapy crawl FAMILY -a portal=…``, including an
interrupted crawl that resumes from its JOBDIR."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.store import DataDir
from crawler.localportal import LocalPortal

ROOT = Path(__file__).resolve().parents[1]


def test_crawl_help_has_an_example():
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "xxgk crawl" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nb_nowhere"], "unknown portal: nb_nowhere"),
        ([], "name at least one PORTAL"),
        (["--impolite", "nb_haishu"], "--impolite is only for the local portal"),
    ],
)
def test_crawl_errors_are_one_line(args, message, tmp_path):
    result = CliRunner().invoke(cli, ["crawl", *args, "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_xxgk_crawl_local_prints_progress_and_summary(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "archive",
            "crawl",
            "--local",
            "--impolite",
            "--data",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "local_hanweb:" in proc.stderr and "reports" in proc.stderr  # live progress
    lines = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.strip()}
    for pid in ("local_hanweb", "local_jpaas", "local_trs"):
        assert lines[pid][2] == "49"  # reports found
    (summary,) = DataDir(tmp_path).crawl_summaries()
    assert summary["portals"]["local_trs"]["reports_found"] == 49


def scrapy_crawl(portal: dict, data: Path, jobdir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "trs",
            "-a",
            "portal=" + json.dumps(portal, ensure_ascii=False),
            "-s",
            f"XXGK_DATA_DIR={data}",
            "-s",
            f"JOBDIR={jobdir}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_scrapy_crawl_is_resumable_after_interruption(tmp_path):
    data, jobdir = tmp_path / "data", tmp_path / "job"
    with LocalPortal() as lp:
        trs = next(p for p in lp.portals() if p["id"] == "local_trs")
        expected = {e["url"] for e in lp.expected() if e["portal"] == "local_trs"}
        first = scrapy_crawl(trs, data, jobdir, "-s", "DOWNLOAD_DELAY=0.05")
        deadline = time.time() + 60
        while time.time() < deadline:
            lines = (
                sum(1 for f in (data / "fetches").glob("*.jsonl") for _ in f.open(encoding="utf-8"))
                if (data / "fetches").exists()
                else 0
            )
            if lines >= 25:
                break
            time.sleep(0.1)
        first.send_signal(signal.SIGINT)  # graceful stop: the queue stays in JOBDIR
        first.communicate(timeout=60)
        runs = DataDir(data).fetches.runs()
        assert len(runs) == 1
        done_first = {
            r["url"] for r in DataDir(data).fetches.read(runs[0]) if r["role"] == "report"
        }
        assert 0 < len(done_first) < len(expected)
        second = scrapy_crawl(trs, data, jobdir, "-s", "DOWNLOAD_DELAY=0")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 0, err[-2000:]
    runs = DataDir(data).fetches.runs()
    assert len(runs) == 2
    recs = [r for r in DataDir(data).fetches.read(runs[1]) if r["role"] == "report"]
    done_second = {r["url"] for r in recs}
    assert done_first | done_second == expected  # nothing lost
    assert len(done_first & done_second) <= 2  # resumed, not restarted
    summaries = DataDir(data).crawl_summaries()
    assert len(summaries) == 2  # `scrapy crawl` writes its run summary too
