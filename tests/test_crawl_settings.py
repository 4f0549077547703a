"""Politeness defaults, as the crawl worker configures each portal's crawler."""

from __future__ import annotations

import pytest

from crawler import portals
from crawler.run import worker_settings


@pytest.fixture(autouse=True)
def project_settings(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")


def job(polite=True, redis_url=None):
    return {
        "data_dir": "/tmp/x",
        "run": "r",
        "polite": polite,
        "redis_url": redis_url,
        "frontier": "f",
        "settings": {},
    }


def test_real_portals_are_crawled_politely():
    s = worker_settings(job(), portals.get("nb_haishu"))
    assert s.getbool("ROBOTSTXT_OBEY") is True
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert s.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert s.getbool("AUTOTHROTTLE_ENABLED") is True
    assert "+http" in s.get("USER_AGENT") and s.get("USER_AGENT").startswith("xxgk-archive/")
    assert s.get("JOBDIR").endswith("/jobs/nb_haishu")  # resumable


def test_loopback_portals_and_impolite_runs_are_fast_but_obey_robots():
    local = {**portals.get("nb_haishu"), "id": "local_x", "allowed_domains": ["127.0.0.1"]}
    local["listing_urls"] = ["http://127.0.0.1:1/"]
    local.pop("start_urls")
    for s in (
        worker_settings(job(), local),
        worker_settings(job(polite=False), portals.get("nb_haishu")),
    ):
        assert s.getfloat("DOWNLOAD_DELAY") == 0
        assert s.getbool("AUTOTHROTTLE_ENABLED") is False
        assert s.getbool("ROBOTSTXT_OBEY") is True


def test_robots_override_and_redis_frontier():
    entry = {**portals.get("nb_haishu"), "robots": {"obey": False, "reason": "written permission"}}
    s = worker_settings(job(redis_url="redis://127.0.0.1:1"), entry)
    assert s.getbool("ROBOTSTXT_OBEY") is False
    assert s.get("SCHEDULER") == "scrapy_redis.scheduler.Scheduler"
    assert s.get("SCHEDULER_QUEUE_KEY") == "f:nb_haishu:requests"
    assert not s.get("JOBDIR")  # the frontier lives in Redis
