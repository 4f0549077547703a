import hashlib
import json
from datetime import UTC, datetime

import pytest

from archive.store import DataDir, new_run_id


def test_raw_store_writes_each_sha_once(tmp_path):
    data = DataDir(tmp_path)
    sha, new = data.raw.put(b"report bytes")
    assert sha == hashlib.sha256(b"report bytes").hexdigest()
    assert new is True
    assert data.raw.put(b"report bytes") == (sha, False)
    assert data.raw.get(sha) == b"report bytes"
    assert data.raw.path(sha).parent.parent.name == sha[:2]
    assert list(data.raw) == [sha]


def test_run_ids_sort_in_the_order_runs_start():
    # the archive takes a portal's latest run to be its greatest crawl id;
    # runs started within one second must still sort in order
    ids = [new_run_id() for _ in range(500)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    # ids written before microseconds were added still sort by time
    assert new_run_id(datetime(2026, 1, 22, 10, 15, 1, tzinfo=UTC)) > "20260122T101500Z-ffff"


def test_fetch_log_appends_and_survives_a_torn_line(tmp_path):
    data = DataDir(tmp_path)
    run = new_run_id()
    with data.fetches.open(run) as log:
        log.write(portal="p", url="http://127.0.0.1/a", status=200, sha256="ab" * 32)
        log.write(portal="p", url="http://127.0.0.1/b", status=404)
    with data.fetches.path(run).open("a") as f:
        f.write('{"url": "http://127.0.0.1/c", "sta')  # crash mid-line
    recs = list(data.fetches.read())
    assert [r["url"] for r in recs] == ["http://127.0.0.1/a", "http://127.0.0.1/b"]
    assert recs[0]["run"] == run and recs[0]["fetched_at"].endswith("Z")
    assert set(data.fetches.latest_by_url()) == {"http://127.0.0.1/a"}


def test_fetch_log_rejects_unknown_keys(tmp_path):
    with DataDir(tmp_path).fetches.open("r1") as log, pytest.raises(ValueError):
        log.write(url="x", colour="red")


def test_crawl_summary_round_trip(tmp_path):
    data = DataDir(tmp_path)
    data.write_crawl_summary("r1", {"run": "r1", "portals": {"p": {"pages": 3}}})
    assert data.crawl_summaries() == [{"run": "r1", "portals": {"p": {"pages": 3}}}]
    assert json.loads((tmp_path / "crawls" / "r1.json").read_text())["run"] == "r1"
