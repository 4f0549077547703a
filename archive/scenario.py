"""A small data directory that exercises every path of ``xxgk build``, made
from the seed reports, written only through ``archive.store`` — what two
crawl runs of a portal would have left behind:

* run 1 (January 2023): the five seeds as report pages of portal
  ``test_portal``; a 2021 report of 海曙 (the 2022 seed with its year
  changed and one total misprinted, so the agency has two years and a
  report that fails its own checks); an HTML report page with a
  ``<script>`` whose table sits in an attachment (the 工信局 seed) — twins of
  one report; an unreadable binary "report".
* run 2 (June 2023): 北仑区经济和信息化局 2022 re-fetched with changed bytes
  (a revision); 北仑区统计局 2023 answers 404 (a removal); the 工信局 page is
  no longer listed, so this complete run never requests it (a removal too);
  the rest unchanged.

Used by the tests; the expected figures are computed by the tests from
``extract.extract`` on the same bytes, not written here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.store import DataDir

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
PORTAL = {
    "id": "test_portal",
    "district_code": "330203",
    "district": "宁波市海曙区",
    "level": "county",
    "family": "test",
    "listing_urls": ["http://127.0.0.1:9/col/index.html"],
}
BASE = "http://127.0.0.1:9/art"
RUN1, RUN2 = "20230115T000000Z-0001", "20230615T000000Z-0002"
HOSTILE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>工信局2022年政府信息公开工作年度报告</title>"
    "<script>document.title='pwned'; fetch('/xxgk.json')</script></head><body>"
    "<h1>工信局2022年政府信息公开工作年度报告</h1><a href='att.txt'>附件</a></body></html>"
).encode()
# which document speaks for each report of the scenario (its design)
CURRENT = [
    "beilun_econ_v2",
    "haishu_2022",
    "haishu_2021",
    "fazhan_2020",
    "gongxin_attachment",
    "tongji_2023",
]
UNREADABLE = b"\x00\x01\x02 not a report \x00" * 10


def seed(prefix: str) -> bytes:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_bytes()


def documents() -> dict[str, bytes]:
    """Name → bytes of every document in the scenario."""
    haishu = seed("001")
    return {
        "beilun_econ": seed("000"),
        "haishu_2022": haishu,
        # the 2021 report also prints a wrong 总计 (39 → 38): its own checks fail
        "haishu_2021": haishu.decode("utf-8")
        .replace("2022", "2021")
        .replace("0\t0\t0\t0\t39", "0\t0\t0\t0\t38")
        .encode("utf-8"),
        "fazhan_2020": seed("002"),
        "gongxin_page": HOSTILE_PAGE,
        "gongxin_attachment": seed("003"),
        "tongji_2023": seed("004"),
        "beilun_econ_v2": seed("000") + "\n（2023年6月修订）\n".encode(),
        "garbage": UNREADABLE,
    }


def write_scenario(root: Path | str) -> dict[str, Any]:
    """Fill ``root`` as a data directory; returns {name: sha256} and URLs."""
    data = DataDir(root)
    docs = documents()
    sha = {name: data.raw.put(body)[0] for name, body in docs.items()}
    urls = {name: f"{BASE}/{name}.html" for name in docs}
    urls["gongxin_attachment"] = f"{BASE}/gongxin/att.txt"
    urls["beilun_econ_v2"] = urls["beilun_econ"]

    def fetch(log: Any, name: str, when: str, **extra: Any) -> None:
        body = docs[name]
        log.write(
            portal=PORTAL["id"],
            url=urls[name],
            final_url=urls[name],
            method="GET",
            status=200,
            fetched_at=when,
            content_type="text/html" if name == "gongxin_page" else "text/plain",
            sha256=sha[name],
            size=len(body),
            role=extra.pop("role", "report"),
            **extra,
        )

    def listing(log: Any, when: str) -> None:
        log.write(
            portal=PORTAL["id"],
            url=PORTAL["listing_urls"][0],
            status=200,
            role="listing",
            fetched_at=when,
        )

    first = ["beilun_econ", "haishu_2022", "haishu_2021", "fazhan_2020", "tongji_2023", "garbage"]
    with data.fetches.open(RUN1) as log:
        listing(log, "2023-01-15T00:00:00Z")
        for i, name in enumerate(first):
            fetch(log, name, f"2023-01-15T00:0{i + 1}:00Z")
        fetch(
            log,
            "gongxin_page",
            "2023-01-15T00:10:00Z",
            title="工信局2022年政府信息公开工作年度报告",
        )
        fetch(
            log,
            "gongxin_attachment",
            "2023-01-15T00:11:00Z",
            role="attachment",
            parent_url=urls["gongxin_page"],
        )
    with data.fetches.open(RUN2) as log:
        listing(log, "2023-06-15T00:00:00Z")
        for i, name in enumerate(["haishu_2022", "haishu_2021", "fazhan_2020"]):
            fetch(log, name, f"2023-06-15T00:0{i + 1}:00Z")
        fetch(log, "beilun_econ_v2", "2023-06-15T00:05:00Z")
        log.write(
            portal=PORTAL["id"],
            url=urls["tongji_2023"],
            status=404,
            role="report",
            fetched_at="2023-06-15T00:06:00Z",
            error="HTTP 404",
        )
    for run, started in ((RUN1, "2023-01-15T00:00:00Z"), (RUN2, "2023-06-15T00:00:00Z")):
        data.write_crawl_summary(
            run, {"run": run, "started_at": started, "finished_at": started, "portals": {}}
        )
    (data.root / "portals.json").write_text(
        json.dumps([PORTAL], ensure_ascii=False), encoding="utf-8"
    )
    return {"sha256": sha, "urls": urls}


def build_scenario(root: Path | str) -> tuple[Path, dict[str, Any]]:
    """Write the scenario into ``root`` and build ``root/xxgk.db``."""
    from archive.build import build

    info = write_scenario(root)
    db_path = Path(root) / "xxgk.db"
    build(root, db_path, progress=False)
    return db_path, info
