"""The portal registry is data, validated: ten Ningbo districts and counties,
each with a GB/T 2260 code as text and a family the crawler knows."""

from __future__ import annotations

import pytest

from crawler import portals
from crawler.localportal import LocalPortal
from crawler.run import SPIDERS

NINGBO = {
    "330203": "海曙",
    "330205": "江北",
    "330206": "北仑",
    "330211": "镇海",
    "330212": "鄞州",
    "330213": "奉化",
    "330281": "余姚",
    "330282": "慈溪",
    "330226": "宁海",
    "330225": "象山",
}


def test_registry_has_the_ten_ningbo_districts():
    entries = portals.load()
    by_code = {p["district_code"]: p for p in entries}
    assert set(NINGBO) <= set(by_code)
    for code, name in NINGBO.items():
        assert name in by_code[code]["district"]
        assert by_code[code]["id"].startswith("nb_")


def test_every_entry_is_valid_and_unverified_ones_say_why():
    for p in portals.load():
        assert portals.validate(p) == []
        assert p["family"] in SPIDERS
        if not p.get("verified", False):
            assert len(p.get("notes", "")) > 20, p["id"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"district_code": 330203}, "six digits as text"),
        ({"family": "wordpress"}, "family must be"),
        ({"listing_urls": ["https://www.example.com/"]}, "outside allowed_domains"),
        ({"listing_urls": []}, "non-empty list"),
        ({"robots": {"obey": False}}, "robots must be"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_validation_catches_bad_entries(change, message):
    entry = {**portals.get("nb_haishu"), **change}
    errors = portals.validate(entry)
    assert any(message in e for e in errors), errors


def test_unknown_portal_is_a_clear_error():
    with pytest.raises(portals.PortalError, match="unknown portal: nb_nowhere"):
        portals.get("nb_nowhere")


def test_local_portal_entries_use_the_same_schema():
    lp = LocalPortal()  # not started: URLs are relative until then
    for site in lp.sites:
        site.base_url = "http://127.0.0.1:1"
    lp.blocked.base_url = "http://127.0.0.1:2"
    for p in lp.portals() + lp.blocked_portals():
        assert portals.validate(p) == [], p["id"]
