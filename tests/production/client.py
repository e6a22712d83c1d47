"""A phone's and an office's requests against a running instance, over real HTTP (requests)."""

import base64
import hashlib
import io
import random
import uuid
from datetime import UTC, datetime

import requests
from PIL import ExifTags, Image, ImageDraw

DEMO_PASSWORD = "safegrid-demo"


def photo_bytes(seed: int | None = None) -> bytes:
    """A small JPEG whose pixels (and so bytes) are its own, turned by its EXIF as a camera's photo is: its copies are
    the copies job's work (a clean phone JPEG's are made in its upload's request, and would need no worker)."""
    rng = random.Random(seed)
    im = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    ImageDraw.Draw(im).rectangle(
        (rng.randrange(200), rng.randrange(150), 300, 220), fill=tuple(rng.randrange(256) for _ in range(3))
    )
    out = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    im.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


class Client:
    """One signed-in user against one instance (`base`, e.g. http://127.0.0.1:8123)."""

    def __init__(self, base: str, login: str, password: str = DEMO_PASSWORD):
        self.base, self.http = base, requests.Session()
        answer = self.http.post(f"{base}/api/v1/auth/login", json={"login": login, "password": password}, timeout=30)
        answer.raise_for_status()
        self.token = answer.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def on(self, base: str) -> "Client":
        """The same user, token and all, against another instance."""
        other = object.__new__(Client)
        other.base, other.token, other.http = base, self.token, requests.Session()
        other.http.headers["Authorization"] = f"Bearer {self.token}"
        return other

    def get(self, path: str, **kwargs):
        return self.http.get(self.base + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs):
        return self.http.post(self.base + path, timeout=30, **kwargs)

    def upload(self, data: bytes) -> str:
        photo_id = str(uuid.uuid4())
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        answer = self.http.put(
            f"{self.base}/api/v1/photos/{photo_id}",
            data=data,
            timeout=30,
            headers={"Content-Type": "image/jpeg", "Content-Digest": f"sha-256=:{digest}:"},
        )
        assert answer.status_code == 201, answer.text
        return photo_id

    def report(self, site_id: str, photo_ids: list[str]) -> dict:
        body = {
            "id": str(uuid.uuid4()),
            "site_id": site_id,
            "category": "fire",
            "level": "general",
            "description": "消防通道被占用",
            "observed_at": datetime.now(UTC).isoformat(),
            "photo_ids": photo_ids,
        }
        answer = self.post("/api/v1/hazards", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def act(self, hazard_id: str, action: str, etag: str | None = None, change_id: str | None = None, **payload):
        if etag is None:
            etag = self.get(f"/api/v1/hazards/{hazard_id}").headers["ETag"]
        return self.post(
            f"/api/v1/hazards/{hazard_id}/transitions",
            headers={"If-Match": etag},
            json={"id": change_id or str(uuid.uuid4()), "action": action, **payload},
        )

    def first_site(self) -> str:
        return self.get("/api/v1/sites", params={"page_size": 1}).json()[0]["id"]
