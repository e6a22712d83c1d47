"""Correcting a patrol on the phone (issue 14, item 3: a correction is a new revision on record, never an overwrite):
a grid worker submits a patrol with a failed item, then, with no signal, corrects it to pass with a reason; the page
reloads halfway and the correction is found as it was left; back online it arrives once, the page shows 第 2 版 with
its reason and the server's new score, and the first revision is still on record. A correction based on a revision
someone corrected since is refused in plain words, with the way on: the latest revision, to correct again. A
co-inspector corrects a colleague's patrol from their inspections (the feed's summary), online."""

import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.test_inspection_offline import CHECKLIST, SMALL_TARGETS, TEMPLATES_KEPT, _n, _ok

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSING = ["stairs", "ebike", "cylinders", "hoses", "three-in-one", "billboards"]
SHANGHAI = timezone(timedelta(hours=8))
REASON = "复核：消防通道堆放物已当场清走，改为合格"
# The correction kept on the phone for an inspection: its state and reason, or null.
CORRECTION_KEPT = """(id) => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const read = db.transaction('corrections').objectStore('corrections').getAll();
    read.onsuccess = () => {
      db.close();
      const c = read.result.find((x) => x.inspectionId === id);
      done(c ? { status: c.status, reason: c.reason, lane: c.answers['fire-lane']?.value } : null);
    };
  };
})"""


@pytest.fixture
def photo(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 60, 40)).save(buffer, "JPEG", quality=85)
    path = tmp_path / "IMG_2001.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def _score(view) -> str:
    return f"得分 {_n(view['points'])}/{_n(view['max_points'])}（{_n(view['percentage'])}%）"


def submit_a_patrol_with_the_fire_lane_failed(page, photo) -> str:
    """Run the community patrol online, the fire lane failed with its photo; wait until the server has it."""
    page.get_by_role("link", name="开始检查").click()
    page.get_by_test_id("checklist").filter(has_text=CHECKLIST).get_by_role("button", name="开始").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    inspection_id = page.url.rsplit("/", 1)[1]
    lane = page.get_by_test_id("item-fire-lane")
    lane.get_by_role("button", name="不合格", exact=True).click()
    lane.get_by_label("拍照（必填）").set_input_files(photo)
    expect(lane.get_by_role("img")).to_have_count(1)
    for key in PASSING:
        page.get_by_test_id(f"item-{key}").get_by_role("button", name="合格", exact=True).click()
    page.get_by_test_id("item-hydrant").get_by_label("读数（MPa）").fill("0.25")
    page.get_by_test_id("item-wiring").get_by_role("button", name="线路规范").click()
    page.get_by_test_id("item-shafts").get_by_role("button", name="不适用").click()
    expect(page.get_by_test_id("inspection-progress")).to_contain_text("已完成 10/10")
    page.get_by_role("button", name="提交检查").click()
    expect(page.get_by_test_id("inspection-status")).to_contain_text("已发送", timeout=30_000)
    return inspection_id


def test_a_patrol_corrected_offline_arrives_once_as_its_second_revision_and_the_first_stays_on_record(
    page, sign_in, tag_video, compound, photo, api_as, tmp_path
):
    page.set_viewport_size(live.PHONE_360["viewport"])
    page.context.set_geolocation({"latitude": compound["latitude"], "longitude": compound["longitude"], "accuracy": 10})
    tag_video(compound["tag"]["url"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.get_by_role("link", name="扫码").click()
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    live.until(page, TEMPLATES_KEPT)
    inspection_id = submit_a_patrol_with_the_fire_lane_failed(page, photo)
    first = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}"))
    assert first["revision"] == 1 and first["points"] < first["max_points"]
    score = page.get_by_test_id("inspection-score")
    expect(score).to_contain_text(_score(first))

    # No signal: the inspector corrects the fire lane, from the answers of the revision kept on the phone.
    page.context.set_offline(True)
    page.get_by_role("button", name="更正", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"更正：{CHECKLIST}")
    expect(page.get_by_text("在第 1 版的基础上更正，提交后为第 2 版")).to_be_visible()
    lane = page.get_by_test_id("item-fire-lane")
    expect(lane.get_by_role("button", name="不合格", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("inspection-progress")).to_contain_text("已完成 10/10")
    page.get_by_role("button", name="提交更正").click()  # nothing changed yet: nothing to correct
    expect(page.get_by_role("alert")).to_have_text("还没有修改任何一项，无需更正。")
    lane.get_by_role("button", name="合格", exact=True).click()
    expect(page.get_by_test_id("correction-changes")).to_contain_text("已修改 1 项")
    page.get_by_role("button", name="提交更正").click()  # changed, but no reason given
    expect(page.get_by_role("alert")).to_have_text("请填写更正原因。")
    assert page.evaluate(SMALL_TARGETS) == []
    live.until(page, f"(id) => ({CORRECTION_KEPT})(id).then((c) => c && c.lane === 'pass')", inspection_id)

    # Halfway, the page reloads: the correction is there as it was left, and the reason is written after.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"更正：{CHECKLIST}")
    expect(lane.get_by_role("button", name="合格", exact=True)).to_have_attribute("aria-pressed", "true")
    page.get_by_label("更正原因（必填）").fill(REASON)
    page.screenshot(path=tmp_path / "correcting-360.png", full_page=True)
    page.get_by_role("button", name="提交更正").click()

    # Waiting: said so, with the phone's provisional score; the server still has the first revision only.
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    status = page.get_by_test_id("correction-status")
    expect(status).to_contain_text("更正已保存，待发送（将成为第 2 版）")
    expect(status).to_contain_text(REASON)
    expect(page.get_by_test_id("outbox-status")).to_contain_text("0/1 已发送")
    assert page.evaluate(CORRECTION_KEPT, inspection_id)["status"] == "queued"
    assert len(_ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}/revisions"))) == 1
    page.reload()  # still waiting after a reload, still once
    expect(page.get_by_test_id("correction-status")).to_contain_text("待发送")

    page.context.set_offline(False)
    expect(page.get_by_test_id("correction-status")).to_have_count(0, timeout=30_000)
    expect(page.get_by_test_id("outbox-status")).to_contain_text("全部已发送")

    # It arrived once, as revision 2 with its reason; the first is on record with its own score.
    now = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}"))
    revisions = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}/revisions"))
    assert now["revision"] == 2 and now["points"] == now["max_points"] > first["points"]
    assert [(r["number"], r["reason"]) for r in revisions] == [(1, ""), (2, REASON)]
    assert revisions[0]["score"]["points"] == first["points"] and revisions[0]["answers"] == first["answers"]
    assert next(a for a in revisions[1]["answers"] if a["item"] == "fire-lane")["value"] == "pass"
    expect(score).to_contain_text(_score(now))  # the server's new score
    expect(page.get_by_test_id("inspection-revision")).to_have_text("已更正，当前为第 2 版")
    history = page.get_by_test_id("revisions")
    current = history.get_by_test_id("current-revision")
    expect(current.get_by_role("heading")).to_have_text("第 2 版（当前）")
    expect(current).to_contain_text(f"更正原因：{REASON}")
    expect(current).to_contain_text(_score(now))
    expect(current).to_contain_text(_ok(api_as("demo-grid").get("/api/v1/me"))["name"])  # who corrected it
    expect(history.get_by_test_id("revision-1")).to_contain_text("首次提交")
    expect(history.get_by_test_id("revision-1")).to_contain_text(_score(first))
    # the first revision is viewable: its answers, and its own record
    history.get_by_test_id("revision-1").get_by_text("各项结果").click()
    expect(history.get_by_test_id("revision-1")).to_contain_text("不合格")
    expect(page.get_by_test_id("record-link")).to_contain_text("第 2 版")
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path=tmp_path / "correction-360.png", full_page=True)

    page.reload()  # sent once: still two revisions, nothing waiting
    expect(page.get_by_test_id("current-revision")).to_contain_text(REASON)
    assert len(_ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}/revisions"))) == 2


def test_a_correction_of_a_revision_corrected_since_is_explained_and_begun_again_on_the_latest(
    page, sign_in, tag_video, compound, photo, api_as, tmp_path
):
    page.set_viewport_size(live.PHONE_360["viewport"])
    page.context.set_geolocation({"latitude": compound["latitude"], "longitude": compound["longitude"], "accuracy": 10})
    tag_video(compound["tag"]["url"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.get_by_role("link", name="扫码").click()
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    live.until(page, TEMPLATES_KEPT)
    inspection_id = submit_a_patrol_with_the_fire_lane_failed(page, photo)

    page.context.set_offline(True)
    page.get_by_role("button", name="更正", exact=True).click()
    page.get_by_test_id("item-stairs").get_by_role("button", name="不适用", exact=True).click()
    page.get_by_label("更正原因（必填）").fill("楼梯间不在本次巡查范围")
    page.get_by_role("button", name="提交更正").click()
    expect(page.get_by_test_id("correction-status")).to_contain_text("待发送")

    # Meanwhile the inspection is corrected from elsewhere (another phone of its inspector), on revision 1.
    elsewhere = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}"))
    passed = {"value": "pass", "raise_hazard": None}
    answers = [{**a, **passed} if a["item"] == "fire-lane" else a for a in elsewhere["answers"]]
    body = {"id": str(uuid.uuid4()), "based_on": 1, "reason": "通道已清理", "answers": answers}
    _ok(api_as("demo-grid").post(f"/api/v1/inspections/{inspection_id}/corrections", data=body))

    page.context.set_offline(False)
    refused = page.get_by_test_id("correction-refused")
    expect(refused).to_contain_text("这次检查已在别处被更正（现为第 2 版），您的更正没有提交", timeout=30_000)
    for word in ("412", "precondition", "based_on"):
        expect(refused).not_to_contain_text(word)
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path=tmp_path / "refused-360.png", full_page=True)
    refused.get_by_role("button", name="载入最新版本重新更正").click()

    # Begun again on revision 2, the reason kept: the fire lane as corrected elsewhere, the stairs to redo.
    expect(page.get_by_text("在第 2 版的基础上更正，提交后为第 3 版")).to_be_visible()
    expect(page.get_by_label("更正原因（必填）")).to_have_value("楼梯间不在本次巡查范围")
    lane = page.get_by_test_id("item-fire-lane")
    expect(lane.get_by_role("button", name="合格", exact=True)).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("item-stairs").get_by_role("button", name="不适用", exact=True).click()
    page.get_by_role("button", name="提交更正").click()
    expect(page.get_by_test_id("current-revision")).to_contain_text("楼梯间不在本次巡查范围", timeout=30_000)
    revisions = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}/revisions"))
    reasons = [(r["number"], r["reason"]) for r in revisions]
    assert reasons == [(1, ""), (2, "通道已清理"), (3, "楼梯间不在本次巡查范围")]
    expect(page.get_by_test_id("outbox-status")).to_contain_text("全部已发送")  # the refused one is gone, not waiting


def _passing(item) -> dict:
    """An answer that passes `item` (as the inspection-templates API gives it), or N/A where nothing else does."""
    kind = item["answer_type"]
    if kind == "pass_fail_na":
        value = "pass"
    elif kind == "choice":
        value = next(o["key"] for o in item["options"] if not o.get("fail"))
    elif kind == "number":
        value = item["min"] if item.get("min") is not None else item.get("max", 0)
    elif kind == "text":
        value = "无"
    else:
        value = "na"
    return {"item": item["key"], "value": value}


def test_a_co_inspector_corrects_a_colleagues_patrol_from_their_inspections(
    api_as, compound, browser, browser_context_args, csp, tmp_path
):
    station = _ok(api_as("demo-station").get("/api/v1/me"))
    published = {"kind": "patrol", "state": "published"}
    found = _ok(api_as("demo-grid").get("/api/v1/inspection-templates", params=published))
    summary = next(t for t in found if t["name"] == CHECKLIST)
    template = _ok(api_as("demo-grid").get(f"/api/v1/inspection-templates/{summary['id']}"))
    items = [item for section in template["sections"] for item in section["items"]]
    inspection_id = str(uuid.uuid4())
    finished = datetime.now(SHANGHAI).replace(second=0, microsecond=0) - timedelta(hours=3, minutes=7)
    body = {
        "id": inspection_id,
        "template_id": template["id"],
        "site_id": compound["id"],
        "mode": "routine_patrol",
        "started_at": (finished - timedelta(minutes=20)).isoformat(),
        "finished_at": finished.isoformat(),
        "co_inspector_ids": [station["id"]],
        "answers": [_passing(item) for item in items],
    }
    first = _ok(api_as("demo-grid").post("/api/v1/inspections", data=body))

    # The co-inspector's phone has it from the feed (a summary: no answers), and online gets 更正 on it.
    context = csp.watch(browser.new_context(**{**browser_context_args, **live.PHONE_360}))
    phone = context.new_page()
    live.sign_in(phone, "/", "demo-station")
    live.wait_until_controlled(phone)
    mine = phone.get_by_test_id("my-inspections").get_by_role("link").filter(has_text="协同检查人")
    row = mine.filter(has_text=finished.strftime("%H:%M"))
    expect(row.filter(has_text=CHECKLIST)).to_have_count(1, timeout=20_000)
    row.first.click()
    expect(phone.get_by_test_id("inspection-people")).to_contain_text(f"{station['name']} · 协同检查人")
    phone.get_by_role("button", name="更正", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"更正：{CHECKLIST}")
    stairs = phone.get_by_test_id("item-stairs")
    expect(stairs.get_by_role("button", name="合格", exact=True)).to_have_attribute("aria-pressed", "true")
    stairs.get_by_role("button", name="不适用", exact=True).click()
    phone.get_by_label("更正原因（必填）").fill("楼梯间属相邻楼栋，不在本网格")
    phone.get_by_role("button", name="提交更正").click()

    current = phone.get_by_test_id("current-revision")
    expect(current).to_contain_text("楼梯间属相邻楼栋，不在本网格", timeout=30_000)
    expect(current).to_contain_text(station["name"])  # who corrected it
    now = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{inspection_id}"))
    assert now["revision"] == 2 and now["max_points"] < first["max_points"]  # an item not applicable counts no more
    expect(phone.get_by_test_id("inspection-score")).to_contain_text(_score(now))
    expect(phone.get_by_test_id("inspection-revision")).to_have_text("已更正，当前为第 2 版")
    expect(phone.get_by_test_id("revisions").get_by_test_id("revision-1")).to_contain_text(_score(first))
    assert phone.evaluate(SMALL_TARGETS) == []
    phone.set_viewport_size({"width": 1280, "height": 900})  # a station officer at a desk too
    phone.screenshot(path=tmp_path / "co-inspector-1280.png", full_page=True)
    context.close()
