"""The variants job: run inline by default and by an RQ worker with Redis; a failure never loses the upload;
the watermark (水印) on display copies when configured, in Latin letters when no CJK font is installed."""

import io
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageCms
from rq import SimpleWorker
from sqlalchemy import select

from server import jobs
from server.core.db import db
from server.jobs.models import PendingJob
from server.photos import images, services, tasks
from server.photos.models import Photo
from tests.conftest import WORLD
from tests.photos.conftest import as_image, fetch, identity, make_photo, put


def test_a_failed_job_keeps_the_upload_and_a_repeat_upload_tries_again(login_as, monkeypatch):
    caller = login_as("grid_worker")
    data, photo_id = make_photo(orientation=6), uuid.uuid4()  # turned: its copies are the job's
    with monkeypatch.context() as patch:
        patch.setattr(images, "render", lambda *a, **k: (_ for _ in ()).throw(OSError("disk on fire")))
        failed = put(caller, data, photo_id)
    assert failed.status_code == 201 and failed.json["state"] == "failed"
    again = put(caller, data, photo_id)
    assert again.status_code == 200 and again.json["state"] == "ready" and "display" in again.json["urls"]


def test_a_job_for_a_photo_not_yet_committed_fails_for_rq_to_retry(app):
    with app.app_context(), pytest.raises(LookupError):
        tasks.make_variants(str(uuid.uuid4()))


def test_transparency_is_flattened_onto_white(login_as):
    caller = login_as("grid_worker")
    im = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    im.paste((0, 0, 255, 255), (0, 0, 100, 100))
    out = io.BytesIO()
    im.save(out, "PNG")
    shown = as_image(fetch(caller, put(caller, out.getvalue()).json["urls"]["display"]).data)
    assert shown.getpixel((150, 50)) >= (250, 250, 250) and shown.getpixel((50, 50))[2] > 200


@pytest.mark.parametrize("profile", ["sRGB", "broken"])
def test_copies_carry_no_colour_profile_and_keep_the_colours(login_as, profile):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if profile == "sRGB" else b"junk" * 40
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, "JPEG", icc_profile=icc)
    caller = login_as("grid_worker")
    served = fetch(caller, put(caller, out.getvalue()).json["urls"]["display"]).data
    assert b"ICC_PROFILE" not in served
    assert all(abs(a - b) <= 3 for a, b in zip(as_image(served).getpixel((5, 5)), (10, 200, 30), strict=True))


def test_with_redis_the_copies_are_made_by_a_worker(redis_app, login_as):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo(orientation=6)).json  # turned: its copies are the job's
    assert photo["state"] == "pending" and photo["urls"] == {}
    with redis_app.app_context():
        [job] = [jobs.queue().fetch_job(job_id) for job_id in jobs.queue().job_ids]
        [pending] = db.session.scalars(select(PendingJob)).all()  # the truth the message points at
        assert job.args == (str(pending.id),) and job.timeout == 60 and pending.args == [photo["id"]]
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    ready = caller.get(f"/api/v1/photos/{photo['id']}").json
    assert ready["state"] == "ready" and as_image(fetch(caller, ready["urls"]["display"]).data).size == (300, 400)


def test_with_redis_a_clean_phone_photo_is_ready_when_answered_and_asks_no_job(redis_app, login_as):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo()).json  # upright, small, EXIF without an orientation: as the field app sends
    assert photo["state"] == "ready" and set(photo["urls"]) >= {"display", "thumb"}
    with redis_app.app_context():
        assert jobs.queue().count == 0 and not db.session.scalars(select(PendingJob)).all()


# ---- 水印 ---------------------------------------------------------------------------------------------------


def test_the_watermark_is_a_band_on_the_display_copy_only(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_WATERMARK", True)
    caller = login_as("grid_worker")
    photo = put(caller, make_photo(size=(800, 600))).json
    display = as_image(fetch(caller, photo["urls"]["display"]).data)
    thumb = as_image(fetch(caller, photo["urls"]["thumb"]).data)
    assert max(display.getpixel((700, 595))) < 150  # the dark band across the bottom
    assert min(display.getpixel((700, 300))) > 200 and min(thumb.getpixel((300, 236))) > 200


def test_without_a_cjk_font_the_watermark_shows_time_and_coordinates():
    lines = images.watermark_lines(
        taken_at=datetime(2026, 11, 3, 1, 15, tzinfo=UTC),
        received_at=datetime(2026, 11, 3, 2, 0, tzinfo=UTC),
        latitude=30.59,
        longitude=114.27,
        site_name="测试农贸市场",
        reporter="张三",
        cjk=False,
    )
    assert lines == ["2026-11-03 09:15 UTC+8 (taken)", "30.59000, 114.27000"]
    assert all(line.isascii() for line in lines)


def test_with_a_cjk_font_the_watermark_names_the_place_and_the_reporter():
    lines = images.watermark_lines(
        taken_at=None,
        received_at=datetime(2026, 11, 3, 2, 0, tzinfo=UTC),
        latitude=None,
        longitude=None,
        site_name="测试农贸市场",
        reporter="张三",
        cjk=True,
    )
    assert lines == ["上传 2026-11-03 10:00  上报人 张三", "测试农贸市场"]


def test_the_watermark_takes_the_place_from_the_citing_record_when_the_photo_has_none(app, login_as, monkeypatch):
    monkeypatch.setattr(images, "cjk_font_path", lambda configured: None)
    photo_id, uploader = uuid.uuid4(), login_as("grid_worker", name="李四")
    put(uploader, make_photo("PNG", metadata=False), photo_id)
    author = identity(app, uploader)
    with app.app_context():
        services.cite(
            [photo_id],
            author=author,
            record_type="checkin",
            record_id=uuid.uuid4(),
            site_id=WORLD["market_site"],
            grid_id=WORLD["grid_a1"],
        )
        lines = tasks.watermark_for(db.session.get(Photo, photo_id)).keywords["lines"]
    assert lines[1] == "30.59000, 114.27000"  # the market's own position


def test_the_watermark_takes_no_place_from_a_citation_by_someone_else(app, login_as, monkeypatch):
    monkeypatch.setattr(images, "cjk_font_path", lambda configured: None)
    photo_id, attacker = uuid.uuid4(), identity(app, login_as("grid_worker"))
    with app.app_context():  # cited, before it arrives, by one who learned its id
        services.cite(
            [photo_id],
            author=attacker,
            record_type="hazard",
            record_id=uuid.uuid4(),
            site_id=WORLD["market_site"],
            grid_id=WORLD["grid_a1"],
        )
        db.session.commit()
    put(login_as("grid_worker"), make_photo("PNG", metadata=False), photo_id)
    with app.app_context():
        lines = tasks.watermark_for(db.session.get(Photo, photo_id)).keywords["lines"]
    assert lines[1] == ""  # neither the market's name nor its position


def test_stamping_cuts_a_line_too_long_for_a_narrow_picture():
    im = Image.new("RGB", (120, 160), "white")
    images.stamp(im, ["x" * 200, ""], None)
    assert max(im.getpixel((60, 158))) < 150 and im.getpixel((60, 10)) == (255, 255, 255)
