"""Benchmark: the photo variants pipeline with and without Pillow's draft mode, beside a bare Pillow
draft-decode-and-resize of the same files, all in the same run.

The pipeline is the job's own function (server.photos.tasks.make_copies): read the original from a
LocalStorage, decode (drafted), orient by EXIF, strip, make the 1600 px display copy and the 320 px
thumbnail, store both. The bare loop is `Image.open; im.draft("RGB", box); im.thumbnail((1600, 1600));
save`, one JPEG, with the same encoder settings. Photos: a 4000×3000 camera JPEG and a phone-resized
1600×1200 one, both turned a quarter by EXIF (a phone held upright) and carrying GPS.

Run: .venv/bin/python bench/photo_variants.py [--seconds 4]
Needs nothing but the project's venv. Prints figures; asserts nothing. Target (photos issue): the
whole pipeline at ≥ 0.8× the bare rate, in photos per second.
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

from server.photos.images import DISPLAY_SIDE, JPEG_OPTIONS, fit  # noqa: E402
from server.photos.models import blob_key  # noqa: E402
from server.photos.tasks import make_copies  # noqa: E402
from server.storage import LocalStorage  # noqa: E402


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
    big, small = io.BytesIO(), io.BytesIO()
    camera.save(big, "JPEG", quality=88, exif=phone_exif())
    camera.resize((1600, 1200), Image.Resampling.LANCZOS).save(small, "JPEG", quality=75, exif=phone_exif())
    return {"4000×3000": big.getvalue(), "1600×1200": small.getvalue()}


def bare(data: bytes):
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", fit(im.size, DISPLAY_SIDE))
    im.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    im.save(io.BytesIO(), "JPEG", **JPEG_OPTIONS)


def rate(runs: dict, seconds: float) -> dict[str, float]:
    """Photos per second of each contender, measured in interleaved rounds so that drift hits all alike."""
    done, spent = dict.fromkeys(runs, 0), dict.fromkeys(runs, 0.0)
    end = time.perf_counter() + seconds * len(runs)
    while time.perf_counter() < end:
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            spent[name] += time.perf_counter() - start
            done[name] += 1
    return {name: done[name] / spent[name] for name in runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per contender and photo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as media:
        store = WritingStorage(media)
        print(
            f"{'photo':<22} {'bare draft+resize':>18} {'pipeline, draft':>24} {'pipeline, no draft':>24}"
            f" {'draft/no draft':>15} {'pipeline/bare':>14}"
        )
        for name, data in photos().items():
            key = blob_key("originals", f"{len(data):064x}")
            store.put(key, data)
            for warm_up in (lambda: bare(data), lambda: make_copies(store, key)):
                warm_up()
            found = rate(
                {
                    "bare": lambda: bare(data),
                    "draft": lambda: make_copies(store, key),
                    "no draft": lambda: make_copies(store, key, draft=False),
                },
                args.seconds,
            )
            label = f"{name} ({len(data) / 1e6:.2f} MB)"
            print(
                f"{label:<22} {found['bare']:>9.1f} photos/s"
                f" {found['draft']:>6.1f} ph/s {2 * found['draft']:>5.1f} var/s"
                f" {found['no draft']:>6.1f} ph/s {2 * found['no draft']:>5.1f} var/s"
                f" {found['draft'] / found['no draft']:>14.2f}× {found['draft'] / found['bare']:>13.2f}×"
            )
    print("\nvar/s: variants per second (each photo makes two, the display copy and the thumbnail).")
    print("pipeline/bare compares photos per second: the bare loop makes one JPEG and stores nothing.")
    print("Target: pipeline/bare ≥ 0.8.")


if __name__ == "__main__":
    main()
