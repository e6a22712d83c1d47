"""Push subscriptions on the wire: what the browser's PushSubscription.toJSON() gives, and what is stored of it."""

from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import ValidationError, fields, validate, validates

from server.core.api import InputSchema, OutputSchema, QuerySchema
from server.warnings.vapid import unb64url

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_endpoint(value: str) -> None:
    """A push service's URL: https (a browser's always is); plain http only to this machine outside production (a
    local push service, in development). Never credentials in it."""
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        parts = None
    local = parts is not None and parts.scheme == "http" and parts.hostname in LOOPBACK
    if (
        parts is None
        or not parts.hostname
        or "@" in parts.netloc
        or not (parts.scheme == "https" or (local and current_app.config["APP_ENV"] != "production"))
    ):
        raise ValidationError("须为推送服务的 https 地址 / must be the push service's https URL")


class PushKeysSchema(InputSchema):
    p256dh = fields.String(
        required=True,
        validate=validate.Length(max=100),
        metadata={"description": "the browser's P-256 public key (65 bytes, base64url)"},
    )
    auth = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "its authentication secret (16 bytes, base64url)"},
    )

    @validates("p256dh")
    def _point(self, value, **_kwargs):
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(value))
        except ValueError:
            raise ValidationError("不是有效的 P-256 公钥 / not a P-256 public key") from None

    @validates("auth")
    def _secret(self, value, **_kwargs):
        try:
            secret = unb64url(value)
        except ValueError:
            secret = b""
        if len(secret) != 16:
            raise ValidationError("须为 16 字节的 base64url / must be 16 bytes in base64url")


class PushSubscriptionInputSchema(InputSchema):
    endpoint = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=1000), check_endpoint],
        metadata={"description": "the push service's URL for this browser (PushSubscription.endpoint)"},
    )
    keys = fields.Nested(PushKeysSchema, required=True)
    expirationTime = fields.Float(  # the browser's own name, as PushSubscription.toJSON() gives it
        allow_none=True, metadata={"description": "as the browser gives it (ignored: a lapsed one answers 404/410)"}
    )


class PushEndpointQuerySchema(QuerySchema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PushSubscriptionSchema(OutputSchema):
    id = fields.UUID()
    endpoint = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
