"""Benchmark: the photo copies (display copy and thumbnail) as the job makes them, against a bare Pillow
decode-and-encode of the same files, all in the same run; and libvips (pyvips) if it is importable.

The pipeline is the job's own function (server.photos.tasks.make_copies): read the original from a
LocalStorage, make both copies, store both. It takes the byte-level path for a clean phone JPEG (metadata
stripped, the picture untouched, the thumbnail from a DCT-scaled decode) and the full path for anything else
(decode drafted, orient by EXIF, re-encode); "full path" forces the latter, "no draft" also without draft
mode. The bare loop is `Image.open; im.draft("RGB", box); im.thumbnail((1600, 1600)); save`, one JPEG,
with the same encoder settings, nothing stored. pyvips: `thumbnail_buffer` (shrink-on-load, EXIF
orientation applied) to 1600 px, then 320 px from that, both saved without metadata.

Photos: phone-made, 1600×1200 ~300 KB as the field app sends it (upright, EXIF with time and GPS but no
orientation: pwa/src/lib/photo.js); camera-made, 4000×3000 turned a quarter by EXIF (sent without the
phone's resize); and a 1600×1200 turned by EXIF (phone-sized, but needing the full path).

Run: .venv/bin/python bench/photo_variants.py [--seconds 4]
Needs nothing but the project's venv; pyvips is measured when it imports (not a project dependency:
`pip install pyvips pyvips-binary` into another venv and put its pyvips, _libvips and pyvips_binary.libs on
PYTHONPATH). Prints figures; asserts nothing. The machine is shared: compare the ratios, measured in
interleaved rounds, not the absolute rates. Targets (photos issues): the pipeline at ≥ 0.8× the bare rate,
a camera-made photo at the bare rate or better.
"""

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.photos.images import DISPLAY_SIDE, JPEG_OPTIONS, THUMB_OPTIONS, THUMB_SIDE, fit, render  # noqa: E402
from server.photos.models import blob_key  # noqa: E402
from server.photos.tasks import make_copies  # noqa: E402
from server.storage import LocalStorage  # noqa: E402

try:
    import pyvips
except ImportError:  # not a project dependency: measured when present
    pyvips = None


class WritingStorage(LocalStorage):
    """Every run writes its copies, as the first run for a photo does (content addressing would skip
    them from the second run on)."""

    def exists(self, key):
        return key.startswith("originals/") and super().exists(key)


def scene(width: int, height: int) -> Image.Image:
    """Something a JPEG encoder finds realistic: gradients, soft blobs and sensor-like grain."""
    base = Image.linear_gradient("L").resize((width, height))
    blobs = Image.effect_noise((width // 16, height // 16), 90).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 10)
    return Image.merge(
        "RGB",
        [
            Image.blend(Image.blend(base, blobs, 0.6), grain, 0.25),
            Image.blend(blobs, grain, 0.25),
            Image.blend(Image.blend(base.transpose(Image.Transpose.ROTATE_180), blobs, 0.4), grain, 0.25),
        ],
    )


def phone_exif(orientation: int | None = 6) -> bytes:
    """EXIF with a capture time and GPS; turned a quarter (a camera held upright) unless orientation is None,
    as the field app writes it (pwa/src/lib/exif.js: the picture already upright, no orientation tag)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:03 09:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 35.0, 24.0), "E", (114.0, 16.0, 12.0)
    return exif.tobytes()


def photos() -> dict[str, bytes]:
    camera = scene(4000, 3000)
    big, phone, turned = io.BytesIO(), io.BytesIO(), io.BytesIO()
    camera.save(big, "JPEG", quality=88, exif=phone_exif())
    # as bench/hazard_reports.py's photos: about 300 KB
    small = scene(1600, 1200)
    small.save(phone, "JPEG", quality=82, exif=phone_exif(None))
    small.save(turned, "JPEG", quality=82, exif=phone_exif())
    return {
        "phone 1600×1200": phone.getvalue(),
        "camera 4000×3000 turned": big.getvalue(),
        "1600×1200 turned": turned.getvalue(),
    }


def bare(data: bytes):
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", fit(im.size, DISPLAY_SIDE))
    im.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    im.save(io.BytesIO(), "JPEG", **JPEG_OPTIONS)


def vips(data: bytes):
    """Both copies through libvips: shrink-on-load to 1600 px (EXIF orientation applied), 320 px from that."""
    # decoded once into memory, as libvips streams: both copies are made from it
    display = pyvips.Image.thumbnail_buffer(data, DISPLAY_SIDE, height=DISPLAY_SIDE, size="down").copy_memory()
    display.jpegsave_buffer(Q=JPEG_OPTIONS["quality"], interlace=True, keep="none")
    display.thumbnail_image(THUMB_SIDE, height=THUMB_SIDE).jpegsave_buffer(Q=THUMB_OPTIONS["quality"], keep="none")


def rate(runs: dict, seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    """Photos per second of each contender, measured in interleaved rounds so that drift hits all alike: by the
    wall clock (the copies' fsyncs included), and by this process's CPU time (what a busy machine distorts less)."""
    done, spent, cpu = dict.fromkeys(runs, 0), dict.fromkeys(runs, 0.0), dict.fromkeys(runs, 0.0)
    end = time.perf_counter() + seconds * len(runs)
    while time.perf_counter() < end:
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            spent[name] += time.perf_counter() - start
            cpu[name] += time.process_time() - start_cpu
            done[name] += 1
    return {name: done[name] / spent[name] for name in runs}, {name: done[name] / cpu[name] for name in runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per contender and photo")
    args = parser.parse_args()
    found_vips = ".".join(str(pyvips.version(i)) for i in range(3)) if pyvips else None
    print(f"pyvips: libvips {found_vips}" if pyvips else "pyvips: not importable, not measured")
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as media:
        store = WritingStorage(media)
        print(
            f"{'photo':<34} {'path':<8} {'bare Pillow':>13} {'pipeline':>10} {'full path':>10} {'no draft':>10}"
            f" {'pyvips':>8} {'pipeline/bare':>14} {'full/bare':>10} {'pyvips/bare':>12}"
        )
        for name, data in photos().items():
            key = blob_key("originals", f"{len(data):064x}")
            store.put(key, data)
            path = render(io.BytesIO(data)).path
            runs = {
                "bare": lambda data=data: bare(data),
                "pipeline": lambda key=key: make_copies(store, key),
                "full path": lambda key=key: make_copies(store, key, strip=False),
                "no draft": lambda key=key: make_copies(store, key, strip=False, draft=False),
            }
            if pyvips:
                runs["pyvips"] = lambda data=data: vips(data)
            for warm_up in runs.values():
                warm_up()
            found, by_cpu = rate(runs, args.seconds)
            vips_rate = f"{found['pyvips']:>8.1f}" if pyvips else f"{'–':>8}"
            vips_ratio = f"{found['pyvips'] / found['bare']:>11.2f}×" if pyvips else f"{'–':>12}"
            label = f"{name} ({len(data) / 1e6:.2f} MB)"
            print(
                f"{label:<34} {path:<8} {found['bare']:>7.1f} ph/s {found['pipeline']:>10.1f}"
                f" {found['full path']:>10.1f} {found['no draft']:>10.1f} {vips_rate}"
                f" {found['pipeline'] / found['bare']:>13.2f}× {found['full path'] / found['bare']:>9.2f}× {vips_ratio}"
            )
            cpu_ratios = [f"{name} {by_cpu[name] / by_cpu['bare']:.2f}×" for name in runs if name != "bare"]
            print(f"{'':<34} by CPU time: bare {1000 / by_cpu['bare']:.1f} ms a photo; " + ", ".join(cpu_ratios))
    print("\nph/s: photos per second; the pipeline and pyvips make two copies (display and thumbnail) a photo, and the")
    print("pipeline stores them; the bare loop makes one JPEG and stores nothing. path: what the pipeline took")
    print("(bytes: metadata stripped at the byte level; decoded: the full path).")
    print("Targets: pipeline/bare ≥ 0.8; the camera-made photo at ≥ 1.0×.")


if __name__ == "__main__":
    main()
