"""A grid worker's patrol checklist with no signal (issue 14's done-when): scanned in at a compound, the checklist
run offline with two failed items and their photos, the page reloaded halfway and the answers found as they were,
submitted; back online it arrives once, the server's score is the one on screen, and its two hazards wait in the
station's triage queue. Another patrol names a co-inspector and the party signs on the phone; the co-inspector finds
it among their inspections, offline."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e import live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHECKLIST = "社区消防安全巡查表（演示）"
FAILED = {"fire-lane", "ebike"}
TEMPLATES_KEPT = """() => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const count = db.transaction('templates').objectStore('templates').count();
    count.onsuccess = () => { db.close(); done(count.result > 0); };
  };
})"""


# The controls of the screen a thumb must hit that are under 44 px high or wide (hidden ones aside).
SMALL_TARGETS = """() => [...document.querySelectorAll(
  'main button, main .button, main select, main summary, main .row > a,'
  + 'main input:not([type=checkbox]):not(.visually-hidden)')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map((el) => el.textContent.trim() || el.outerHTML.slice(0, 60))"""


def _ok(resp):
    assert resp.ok, f"{resp.status} {resp.url}: {resp.text()}"
    return resp.json()


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, colour in enumerate([(200, 60, 40), (40, 90, 200)], start=1):
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, "JPEG", quality=85)
        paths.append(tmp_path / f"IMG_100{n}.jpg")
        paths[-1].write_bytes(buffer.getvalue())
    return paths


def assert_arrived_once(after: list, draft_id: str, before: list):
    """The site's inspections, newest first: this one on top, once, and otherwise those there before."""
    assert after[0] == draft_id and after.count(draft_id) == 1 and set(after[1:]) <= set(before)


def _n(value) -> str:
    return f"{value:g}"


def test_a_patrol_checklist_run_offline_resumes_after_a_reload_and_arrives_once_with_its_hazards(
    page, sign_in, tag_video, compound, photos, api_as
):
    def inspections_at(site):  # as the station lists them, newest first
        found = _ok(api_as("demo-station").get("/api/v1/inspections", params={"site_id": site["id"], "page_size": 100}))
        return [i["id"] for i in found]

    page.set_viewport_size(live.PHONE_360["viewport"])
    page.context.set_geolocation({"latitude": compound["latitude"], "longitude": compound["longitude"], "accuracy": 10})
    tag_video(compound["tag"]["url"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.get_by_role("link", name="扫码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(compound["name"])
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    live.until(page, TEMPLATES_KEPT)  # the checklists came down with the feed
    before = inspections_at(compound)

    page.context.set_offline(True)
    page.get_by_role("link", name="开始检查").click()
    card = page.get_by_test_id("checklist").filter(has_text=CHECKLIST)
    expect(card).to_contain_text("检查方式：日常巡查")  # a grid worker's patrol: no choice to make
    assert page.evaluate(SMALL_TARGETS) == []
    card.get_by_role("button", name="开始").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    progress = page.get_by_test_id("inspection-progress")
    expect(progress).to_contain_text("已完成 0/10")
    draft_id = page.url.rsplit("/", 1)[1]  # the phone's id for it, from the start

    def item(key):
        return page.get_by_test_id(f"item-{key}")

    def answer(key, name):
        item(key).get_by_role("button", name=name, exact=True).click()
        expect(item(key).get_by_role("button", name=name, exact=True)).to_have_attribute("aria-pressed", "true")

    def fail_with_photo(key, path):
        answer(key, "不合格")
        expect(item(key).get_by_label("上报隐患")).to_be_checked()  # the item proposes a hazard
        item(key).get_by_label("拍照（必填）").set_input_files(path)
        expect(item(key).get_by_role("img")).to_have_count(1)

    fail_with_photo("fire-lane", photos[0])
    answer("stairs", "合格")
    item("hydrant").get_by_label("读数（MPa）").fill("0.25")
    fail_with_photo("ebike", photos[1])
    answer("wiring", "线路规范")
    answer("shafts", "不适用")
    answer("cylinders", "合格")
    expect(progress).to_contain_text("已完成 7/10")
    assert page.evaluate(SMALL_TARGETS) == []  # on a 360 px phone, every answer is a thumb's target

    # Halfway, the page reloads (a killed browser, an update): the draft is there as it was left.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    expect(progress).to_contain_text("已完成 7/10")
    for key, name in [("fire-lane", "不合格"), ("stairs", "合格"), ("ebike", "不合格"), ("shafts", "不适用")]:
        expect(item(key).get_by_role("button", name=name, exact=True)).to_have_attribute("aria-pressed", "true")
    expect(item("hydrant").get_by_label("读数（MPa）")).to_have_value("0.25")
    for key in FAILED:
        photo = item(key).get_by_role("img")
        expect(photo).to_have_count(1)
        assert photo.evaluate("(i) => i.decode().then(() => i.naturalWidth > 0)")  # drawn from the kept bytes

    for key in ("hoses", "three-in-one", "billboards"):
        answer(key, "合格")
    expect(progress).to_contain_text("已完成 10/10")
    page.get_by_role("button", name="提交检查").click()

    # Waiting: the phone's own score, marked provisional; one record with its two photos in the outbox.
    expect(page.get_by_test_id("inspection-status")).to_contain_text("待发送")
    score = page.get_by_test_id("inspection-score")
    expect(score.get_by_text("预估", exact=True)).to_be_visible()
    expect(score).to_contain_text("得分 70/90（77.8%） · 不合格")
    expect(page.get_by_test_id("outbox-status")).to_contain_text("0/1 已发送")
    assert inspections_at(compound) == before

    page.context.set_offline(False)
    expect(page.get_by_test_id("inspection-status")).to_contain_text("已发送", timeout=30_000)
    expect(score.get_by_text("预估", exact=True)).to_have_count(0)

    # It arrived once, and the score on screen is the server's.
    assert_arrived_once(inspections_at(compound), draft_id, before)  # the station sees it, under the phone's id
    inspection = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{draft_id}"))
    assert inspection["mode"] == "routine_patrol" and inspection["flags"] == []  # checked in here
    pct = f"{inspection['percentage']}%"
    expect(score).to_contain_text(f"得分 {_n(inspection['points'])}/{_n(inspection['max_points'])}（{pct}）")
    explanation = page.get_by_test_id("explanation")
    for line in inspection["explanation"]:
        expect(explanation).to_contain_text(line)

    # Its two failed items are hazards, linked to it, each with its photo, in the station's triage queue.
    assert {h["item"] for h in inspection["hazards"]} == FAILED
    reported = {"state": "reported", "site_id": compound["id"]}
    triage = {h["id"] for h in _ok(api_as("demo-station").get("/api/v1/hazards", params=reported))}
    for link in inspection["hazards"]:
        hazard = _ok(api_as("demo-station").get(f"/api/v1/hazards/{link['hazard_id']}"))
        assert hazard["state"] == "reported" and hazard["site_id"] == compound["id"] and len(hazard["photos"]) == 1
        assert hazard["id"] in triage
    expect(page.get_by_test_id("inspection-hazards").get_by_role("link")).to_have_count(2)
    assert page.evaluate(SMALL_TARGETS) == []

    # Reloaded once sent: still one inspection, shown as sent, no draft left to resume.
    page.reload()
    expect(page.get_by_test_id("inspection-status")).to_contain_text("已发送")
    assert_arrived_once(inspections_at(compound), draft_id, before)
    expect(page.get_by_role("link", name=re.compile("继续检查"))).to_have_count(0)


COLLEAGUES_KEPT = """() => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const read = db.transaction('meta').objectStore('meta').get('colleagues');
    read.onsuccess = () => { db.close(); done(!!(read.result && read.result['grid_worker,station_officer'])); };
  };
})"""
# The draft's signature as kept in IndexedDB: its type and size, or null.
SIGNATURE_KEPT = """(id) => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const read = db.transaction('inspections').objectStore('inspections').get(id);
    read.onsuccess = () => {
      db.close();
      const s = read.result?.acknowledgement?.signature;
      done(s ? { type: s.type, size: s.bytes.byteLength } : null);
    };
  };
})"""
# How many pixels of the signature pad are inked (not white): the strokes drawn, or drawn again from the draft.
INKED = """() => { const c = document.querySelector('[data-testid=signature-pad]');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n; }"""
ALL_PASS = ["fire-lane", "stairs", "ebike", "cylinders", "hoses", "three-in-one", "billboards"]


def sign_on(pad, page):
    """Draw a signature with a finger's path (two strokes) on the pad."""
    box = pad.bounding_box()
    for stroke in ([(0.1, 0.6), (0.25, 0.3), (0.4, 0.7), (0.55, 0.35)], [(0.6, 0.5), (0.75, 0.3), (0.9, 0.6)]):
        page.mouse.move(box["x"] + stroke[0][0] * box["width"], box["y"] + stroke[0][1] * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=6)
        page.mouse.up()


def test_a_patrol_names_its_co_inspector_and_the_partys_signature_and_the_co_inspector_finds_it_offline(
    page, sign_in, tag_video, compound, api_as, browser, browser_context_args, csp
):
    station = _ok(api_as("demo-station").get("/api/v1/me"))
    page.set_viewport_size(live.PHONE_360["viewport"])
    page.context.set_geolocation({"latitude": compound["latitude"], "longitude": compound["longitude"], "accuracy": 10})
    tag_video(compound["tag"]["url"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.get_by_role("link", name="扫码").click()
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    live.until(page, TEMPLATES_KEPT)
    live.until(page, COLLEAGUES_KEPT)  # the colleagues to name came down with the sync, for offline use

    page.context.set_offline(True)
    page.get_by_role("link", name="开始检查").click()
    page.get_by_test_id("checklist").filter(has_text=CHECKLIST).get_by_role("button", name="开始").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    page.wait_for_url(re.compile(r"#/inspection/"))
    draft_id = page.url.rsplit("/", 1)[1]
    for key in ALL_PASS:
        page.get_by_test_id(f"item-{key}").get_by_role("button", name="合格", exact=True).click()
    page.get_by_test_id("item-hydrant").get_by_label("读数（MPa）").fill("0.25")
    page.get_by_test_id("item-wiring").get_by_role("button", name="线路规范").click()
    page.get_by_test_id("item-shafts").get_by_role("button", name="不适用").click()
    expect(page.get_by_test_id("inspection-progress")).to_contain_text("已完成 10/10")

    # Offline, the co-inspector is picked from the station's officers kept on the phone.
    team = page.get_by_test_id("inspection-team")
    team.get_by_label("添加协同检查人").select_option(station["id"])
    expect(team).to_contain_text(f"{station['name']} · 协同检查人")
    ack = page.get_by_test_id("acknowledgement")
    ack.get_by_label("签字人姓名").fill("张经理")
    # a name without a signature is not sent: the phone says what is missing
    page.get_by_role("button", name="提交检查").click()
    expect(ack.get_by_role("alert")).to_have_text("已填写姓名，请签名。")
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    sign_on(pad, page)
    expect(page.get_by_test_id("signature-state")).to_have_text("已签名。")
    page.get_by_role("button", name="撤销一笔").click()  # one stroke taken back, then drawn again
    sign_on(pad, page)
    expect(ack.get_by_role("alert")).to_have_count(0)
    assert page.evaluate(SMALL_TARGETS) == []
    live.until(page, f"(id) => ({SIGNATURE_KEPT})(id).then((s) => s && s.type === 'image/png')", draft_id)

    # The draft, its co-inspector and its signature survive a reload.
    page.reload()
    expect(page.get_by_test_id("inspection-progress")).to_contain_text("已完成 10/10")
    expect(page.get_by_test_id("inspection-team")).to_contain_text(f"{station['name']} · 协同检查人")
    expect(page.get_by_test_id("acknowledgement").get_by_label("签字人姓名")).to_have_value("张经理")
    expect(page.get_by_test_id("signature-state")).to_have_text("已签名。")
    page.get_by_test_id("signature-pad").scroll_into_view_if_needed()
    assert page.evaluate(INKED) > 200  # drawn again from the strokes kept
    kept = page.evaluate(SIGNATURE_KEPT, draft_id)
    assert kept["type"] == "image/png" and kept["size"] > 1000

    page.get_by_role("button", name="提交检查").click()
    expect(page.get_by_test_id("inspection-status")).to_contain_text("待发送")
    people = page.get_by_test_id("inspection-people")
    expect(people).to_contain_text(f"{station['name']} · 协同检查人")
    expect(people).to_contain_text("被检查单位确认：张经理")
    expect(people.get_by_role("img", name="签名")).to_be_visible()
    page.context.set_offline(False)
    expect(page.get_by_test_id("inspection-status")).to_contain_text("已发送", timeout=30_000)

    # The server has the co-inspector, the acknowledgement and the signature's photo, which its record prints.
    inspection = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{draft_id}"))
    assert [(p["user_id"], p["role"]) for p in inspection["inspectors"]][1:] == [(station["id"], "co")]
    signature = inspection["acknowledgement"]["signature_photo_id"]
    assert inspection["acknowledgement"]["name"] == "张经理"
    expect(people).to_contain_text(f"{station['name']} · 协同检查人")  # as the server names them
    pdf = None
    for _ in range(60):
        resp = api_as("demo-grid").get(f"/api/v1/inspections/{draft_id}/record.pdf")
        now = _ok(api_as("demo-grid").get(f"/api/v1/inspections/{draft_id}"))
        if resp.status == 200 and {"id": signature, "state": "ready"} in now["photos"]:
            pdf = resp.body()
            break
        page.wait_for_timeout(500)
    assert pdf is not None, "the record and the signature's copies were not ready in 30 s"
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "张经理" in text and station["name"] in text
    images = [Image.open(io.BytesIO(image.data)).size for p in reader.pages for image in p.images]
    assert images == [(320, 107)]  # the signature's thumbnail (the answers had no photo)

    # The co-inspector signs in on their phone, and finds it among their inspections, offline.
    context = csp.watch(browser.new_context(**{**browser_context_args, **live.PHONE_360}))
    phone = context.new_page()
    live.sign_in(phone, "/", "demo-station")
    live.wait_until_controlled(phone)
    mine = phone.get_by_test_id("my-inspections")
    # (other tests' patrols at this compound may name demo-station too: this one is found by its id)
    taken = mine.locator(f'a[href="#/inspection/{draft_id}"]')
    expect(taken).to_have_count(1, timeout=20_000)
    expect(taken).to_contain_text(CHECKLIST)
    expect(taken).to_contain_text(compound["name"])
    # online, its record (检查记录) downloads from its page, with the token
    taken.click()
    with phone.expect_download() as download:
        phone.get_by_test_id("record-link").click()
    with open(download.value.path(), "rb") as record:
        assert record.read(5) == b"%PDF-"
    phone.get_by_role("link", name="返回首页").click()
    context.set_offline(True)
    phone.reload()
    row = phone.get_by_test_id("my-inspections").get_by_role("link").filter(has_text=compound["name"]).first
    expect(row).to_contain_text("协同检查人")
    row.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    expect(phone.get_by_test_id("inspection-people")).to_contain_text(f"{station['name']} · 协同检查人")
    expect(phone.get_by_test_id("inspection-people")).to_contain_text("被检查单位确认：张经理")
    score = f"得分 {_n(inspection['points'])}/{_n(inspection['max_points'])}"
    expect(phone.get_by_test_id("inspection-score")).to_contain_text(score)
    expect(phone.get_by_test_id("record-link")).to_have_count(0)  # read online only
    assert phone.evaluate(SMALL_TARGETS) == []
    context.close()
