"""Configuration from the environment: the embedded default, or production with its secrets."""

import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from server.inspections.weights import DEMO_WEIGHTS
from server.maps.tiles import image_origins
from server.storage import split_storage_url
from server.warnings.vapid import check_keys

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout: migrations/, pwa/dist, instance/


class ConfigError(RuntimeError):
    """The app must not start with this configuration."""


# A QR signing key's id is one character of the tag alphabet (Crockford base32), printed in every code.
KEY_IDS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PRODUCTION_REQUIRED = ("SECRET_KEY", "QR_SIGNING_KEYS", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL")
# a host name or an IPv4 address; a leading dot admits its subdomains too
HOST_NAME = re.compile(r"\.?[a-z0-9-]+(\.[a-z0-9-]+)*")
S3_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?")  # no credentials, path or query


def _int(env, name, default):
    value = env.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def _minutes(env, name, default: tuple) -> tuple:
    """A comma-separated list of whole minutes > 0 (10,30), in ascending order."""
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        minutes = tuple(sorted({int(part) for part in value.split(",")}))
    except ValueError:
        raise ConfigError(f"{name} must be whole minutes separated by commas, not {value!r}") from None
    if not minutes or minutes[0] <= 0:
        raise ConfigError(f"{name} must be minutes greater than 0, not {value!r}")
    return minutes


def _bool(env, name, default: bool) -> bool:
    value = (env.get(name) or "").strip().lower()
    if value == "":
        return default
    if value not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ConfigError(f"{name} must be true or false, not {value!r}")
    return value in ("1", "true", "yes", "on")


def _weights(env, name) -> dict | None:
    """A JSON object of levels, each of line keys and numbers ≥ 0: the keys the scorecards' demo weighting has."""
    value = (env.get(name) or "").strip()
    if not value:
        return None
    try:
        weights = json.loads(value)
    except ValueError:
        raise ConfigError(f"{name} must be a JSON object, not {value!r}") from None
    if not isinstance(weights, dict) or not all(
        isinstance(lines, dict)
        and all(isinstance(w, int | float) and not isinstance(w, bool) and w >= 0 for w in lines.values())
        for lines in weights.values()
    ):
        raise ConfigError(f'{name} must be like {{"street": {{"closure": 30}}}}: numbers ≥ 0 by level and line')
    for level, lines in weights.items():
        unknown = sorted(set(lines) - set(DEMO_WEIGHTS.get(level, ()))) if level in DEMO_WEIGHTS else [level]
        if unknown:
            raise ConfigError(f"{name}: unknown {', '.join(unknown)} (levels and lines: {DEMO_WEIGHTS})")
    return weights


def _instance_secret(instance_path: Path, name: str) -> str:
    """A random secret generated on first start and kept in instance/ (embedded default only)."""
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _storage(env) -> dict:
    """Where blobs live: STORAGE_URL=s3://bucket[/prefix] on an S3-compatible store that every machine
    shares, else MEDIA_ROOT on this machine's disk. Settings the store could not be used with are refused."""
    url = env.get("STORAGE_URL") or None
    endpoint = env.get("S3_ENDPOINT_URL") or None
    addressing = (env.get("S3_ADDRESSING") or "auto").strip().lower()
    if url:
        try:
            split_storage_url(url)
        except ValueError as exc:
            raise ConfigError(f"STORAGE_URL {exc}") from None
        if endpoint and not S3_ENDPOINT.fullmatch(endpoint):
            raise ConfigError(f"S3_ENDPOINT_URL must be http(s)://host[:port], without credentials, not {endpoint!r}")
        if addressing not in ("auto", "path", "virtual"):
            raise ConfigError(f"S3_ADDRESSING must be auto, path or virtual, not {addressing!r}")
    return {
        "STORAGE_URL": url,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": env.get("S3_REGION") or None,
        "S3_ADDRESSING": addressing,
    }


def _is_base_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
    )


def _edge(env, app_env: str) -> dict:
    """The HTTP edge (core/security.py): the public address, the host names production answers to, the
    proxies in front whose X-Forwarded-For/-Proto are believed, and whether the API docs are served."""
    public = env.get("PUBLIC_BASE_URL") or None
    if public and not _is_base_url(public):
        raise ConfigError(f"PUBLIC_BASE_URL must be http(s)://host[:port][/path], not {public!r}")
    allowed = [host.strip().lower() for host in (env.get("ALLOWED_HOSTS") or "").split(",") if host.strip()]
    if not all(HOST_NAME.fullmatch(host) for host in allowed):
        raise ConfigError(
            f"ALLOWED_HOSTS must list host names or IPv4 addresses (without ports), "
            f"separated by commas, not {env['ALLOWED_HOSTS']!r}"
        )
    hops = _int(env, "TRUSTED_PROXY_HOPS", 0)
    if hops < 0:
        raise ConfigError(f"TRUSTED_PROXY_HOPS must be 0 or more, not {hops}")
    production = app_env == "production"
    return {
        # where printed tags point; unset (the embedded default only), the address the request came to
        "PUBLIC_BASE_URL": public,
        # production answers only to its own names (Flask checks every request's Host: another is a 400)
        "TRUSTED_HOSTS": [urlsplit(public).hostname, *allowed] if production else None,
        "TRUSTED_PROXY_HOPS": hops,
        "API_DOCS": _bool(env, "API_DOCS", not production),
    }


def _web_push(env) -> dict:
    """Web Push (VAPID): on only where all three are given (else the feed and the app's poll deliver alone); given,
    they must be a key pair as `flask warnings vapid-keys` prints it and a contact, or the app does not start."""
    names = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")
    values = {name: (env.get(name) or "").strip() or None for name in names}
    if all(values.values()):
        try:
            check_keys(*values.values())
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return {
        **values,
        # how long a push service keeps a warning for a phone that is off (at most; never past the warning's expiry)
        "PUSH_TTL_SECONDS": _int(env, "PUSH_TTL_SECONDS", 6 * 3600),
    }


def load_config(instance_path: Path, env=None) -> dict:
    """Read settings from the environment; refuse to start production without its secrets."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "embedded")
    if app_env not in ("embedded", "production"):
        raise ConfigError(f"APP_ENV must be 'embedded' or 'production', not {app_env!r}")
    if app_env == "production":
        missing = [name for name in PRODUCTION_REQUIRED if not env.get(name)]
        if missing:
            raise ConfigError("APP_ENV=production needs " + ", ".join(missing))
        secret_key = env["SECRET_KEY"]
        qr_keys = env["QR_SIGNING_KEYS"]
    else:
        secret_key = env.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key")
        qr_keys = env.get("QR_SIGNING_KEYS") or "A:" + _instance_secret(instance_path, "qr_key_A")
    if not all(
        len(kid) == 1 and kid in KEY_IDS and len(secret) >= 16
        for kid, _, secret in (item.partition(":") for item in qr_keys.split(","))
    ):
        raise ConfigError(
            "QR_SIGNING_KEYS must be kid:secret pairs separated by commas, each kid one of "
            f"{KEY_IDS} and each secret at least 16 characters; the first key signs new tags"
        )
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'safegrid.db'}"
    if database_url.startswith("postgres://"):  # the form some hosts hand out
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "QR_SIGNING_KEYS": qr_keys,
        "DATABASE_URL": database_url,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(instance_path / "media"),
        **_storage(env),
        # photos: the upload cap (bytes), the pixel cap against decompression bombs (at most Pillow's own
        # 89.5 million), and the 水印 on display copies, whose Chinese text needs a CJK font (fc-list :lang=zh)
        "PHOTO_MAX_BYTES": _int(env, "PHOTO_MAX_BYTES", 15 * 1024 * 1024),
        "PHOTO_MAX_PIXELS": _int(env, "PHOTO_MAX_PIXELS", 50_000_000),
        "PHOTO_WATERMARK": _bool(env, "PHOTO_WATERMARK", False),
        "PHOTO_WATERMARK_FONT": env.get("PHOTO_WATERMARK_FONT") or None,
        # a checklist imported as an XLSX sheet (a 68-item assessment is some 15 KB)
        "TEMPLATE_SHEET_MAX_BYTES": _int(env, "TEMPLATE_SHEET_MAX_BYTES", 2 * 1024 * 1024),
        # ledgers (台账): up to this many rows a ledger is the answer itself, beyond it a job; the map's tiles:
        # 天地图 with its key (TIANDITU_KEY), or MAP_TILES=gaode (GCJ-02 tiles, points shifted), or none
        "LEDGER_INLINE_ROWS": _int(env, "LEDGER_INLINE_ROWS", 5000),
        "TIANDITU_KEY": env.get("TIANDITU_KEY") or None,
        "MAP_TILES": env.get("MAP_TILES") or ("tianditu" if env.get("TIANDITU_KEY") else "none"),
        "IMAGE_ORIGINS": image_origins(
            {"MAP_TILES": env.get("MAP_TILES") or "tianditu", "TIANDITU_KEY": env.get("TIANDITU_KEY")}
        ),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_JSON_BYTES", 1024 * 1024),
        # a request body under gunicorn may take BODY_GRACE_S plus a second per BODY_MIN_RATE_BYTES_S bytes
        # (core/body_deadline.py; 0 turns it off): a slower client gets a 408 instead of holding a worker
        "BODY_GRACE_S": _int(env, "BODY_GRACE_S", 20),
        "BODY_MIN_RATE_BYTES_S": _int(env, "BODY_MIN_RATE_BYTES_S", 500),
        "TOKEN_TTL_HOURS": _int(env, "TOKEN_TTL_HOURS", 24 * 14),
        # login throttling (auth/throttle.py), failed attempts per window of LOGIN_LOCK_MINUTES: for one
        # login from one address (and for one user's current password); for one address whatever the
        # login (carriers put many phones behind one address); for one login from everywhere, past which
        # only addresses that have not failed at it yet may try
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _int(env, "LOGIN_LOCK_MINUTES", 15),
        "LOGIN_MAX_FAILURES_PER_CLIENT": _int(env, "LOGIN_MAX_FAILURES_PER_CLIENT", 30),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 20),
        **_edge(env, app_env),
        "CHECKIN_MAX_DISTANCE_M": _int(env, "CHECKIN_MAX_DISTANCE_M", 200),
        # a check-in whose phone's clock was further off than this (Device-Time) is flagged clock_off
        "CHECKIN_MAX_CLOCK_OFFSET_S": _int(env, "CHECKIN_MAX_CLOCK_OFFSET_S", 300),
        # the 30-minute target: a report must be acknowledged (受理) this long after it reached us
        "HAZARD_ACK_MINUTES": _int(env, "HAZARD_ACK_MINUTES", 30),
        "HAZARD_DEADLINE_WARNING_HOURS": _int(env, "HAZARD_DEADLINE_WARNING_HOURS", 24),
        # rectification deadlines when the notice gives none, by level; re-inspection within days
        "HAZARD_DEADLINE_DAYS": {
            "general": _int(env, "HAZARD_DEADLINE_DAYS_GENERAL", 7),
            "major": _int(env, "HAZARD_DEADLINE_DAYS_MAJOR", 30),
        },
        "HAZARD_REINSPECTION_DAYS": _int(env, "HAZARD_REINSPECTION_DAYS", 3),
        # warnings (预警): remind those who have not read a message this many minutes after it was sent; Web Push
        # only where all three VAPID settings are given (absent, the feed and the app's poll deliver alone)
        "WARNING_REMINDER_MINUTES": _minutes(env, "WARNING_REMINDER_MINUTES", (10, 30)),
        **_web_push(env),
        # incidents (突发事件, indicator 4): the street forwards to the district within this many minutes of receiving
        # one, warned this many minutes after receipt; disaster statistics (自然灾害情况统计): the first report within
        # hours of the disaster's start, and a figure moving by more than the ratio (and the figure's minimum) since
        # the community's previous report needs a written explanation
        "INCIDENT_FORWARD_MINUTES": _int(env, "INCIDENT_FORWARD_MINUTES", 30),
        "INCIDENT_FORWARD_WARNING_MINUTES": _int(env, "INCIDENT_FORWARD_WARNING_MINUTES", 20),
        "DISASTER_FIRST_REPORT_HOURS": _int(env, "DISASTER_FIRST_REPORT_HOURS", 2),
        "DISASTER_SHARP_CHANGE_PERCENT": _int(env, "DISASTER_SHARP_CHANGE_PERCENT", 50),
        # the daily follow-up (续报) during a response: a community without one by this hour (Asia/Shanghai) is reminded
        "DISASTER_FOLLOWUP_HOUR": _int(env, "DISASTER_FOLLOWUP_HOUR", 16),
        # the bottom group of a checklist's monthly ranking: the last this many units (twice in a row: 约谈)
        "RANKING_BOTTOM_N": _int(env, "RANKING_BOTTOM_N", 3),
        # the two-monthly scorecards' weights, overriding the demo's (演示) by level and line (docs/inspections.md)
        "SCORECARD_WEIGHTS": _weights(env, "SCORECARD_WEIGHTS"),
        # how often each process fires due clocks and hands over pending work (web processes, with Redis, a third
        # as often as the workers)
        "MAINTENANCE_SECONDS": _int(env, "MAINTENANCE_SECONDS", 10),
        # an attempt at a job may hold it for its timeout and this much more; past that its worker is taken for dead
        "JOB_LEASE_MARGIN_SECONDS": _int(env, "JOB_LEASE_MARGIN_SECONDS", 15),
        # argon2id cost; tests lower it, production keeps the library's recommended defaults
        "PASSWORD_HASH": {
            "time_cost": _int(env, "ARGON2_TIME_COST", 3),
            "memory_cost": _int(env, "ARGON2_MEMORY_KIB", 65536),
        },
        "API_TITLE": "SafeGrid 江汉安全网格 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
        "PAGINATION_MAX_PAGE_SIZE": 100,
        "JSON_AS_ASCII": False,
    }
