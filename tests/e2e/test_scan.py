"""Scanning a site's tag with the phone's camera: the app opens the site and checks the worker in there."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_grid_worker_scans_a_sites_tag_and_is_checked_in_there(sign_in, tag_video, demo_site, api_as):
    tag_video(demo_site["tag"]["url"])
    page = sign_in("demo-grid")
    page.get_by_role("link", name="扫码").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site["name"])
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    checkins = api_as("demo-grid").get("/api/v1/checkins", params={"site_id": demo_site["id"]}).json()
    assert checkins and checkins[0]["code"].replace("-", "") == demo_site["tag"]["code"].replace("-", "")
    assert checkins[0]["flags"] == [] and checkins[0]["distance_m"] < 50  # where the phone said it was
