"""Photos on the wire."""

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from server.core.api import InputSchema, OutputSchema


class PhotoFormSchema(InputSchema):
    """The multipart form, for clients that prefer one to a raw body."""

    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    sha256 = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"),
        metadata={"description": "SHA-256 of the file as the phone computed it, in hex"},
    )
    file = Upload(required=True, metadata={"description": "the photo: JPEG, PNG, WebP or HEIC"})


class PhotoUrlsSchema(OutputSchema):
    display = fields.String(metadata={"description": "1600 px JPEG without EXIF; when ready"})
    thumb = fields.String(metadata={"description": "320 px JPEG without EXIF; when ready"})
    original = fields.String(
        metadata={"description": "the original as received; for station officers, supervisors and admins only"}
    )


class PhotoSchema(OutputSchema):
    id = fields.UUID()
    state = fields.String(metadata={"description": "pending | processing | ready | failed (its copies)"})
    sha256 = fields.String(metadata={"description": "of the original, as received"})
    byte_size = fields.Integer()
    format = fields.String(metadata={"description": "JPEG, PNG, WEBP or HEIF, by its signature and structure"})
    width = fields.Integer(metadata={"description": "as shown (after the EXIF orientation)"})
    height = fields.Integer()
    taken_at = fields.AwareDateTime(allow_none=True, metadata={"description": "from EXIF, if the phone wrote it"})
    latitude = fields.Float(allow_none=True, metadata={"description": "WGS-84, from EXIF"})
    longitude = fields.Float(allow_none=True, metadata={"description": "WGS-84, from EXIF"})
    uploader_id = fields.UUID()
    received_at = fields.AwareDateTime()
    duplicate_of = fields.UUID(
        allow_none=True,
        metadata={"description": "the earliest photo with the same bytes, when you may see it (else null)"},
    )
    reused = fields.Boolean(
        metadata={
            "description": "these exact bytes arrived before under another id: the same "
            "evidence sent again (whoever sent it)"
        }
    )
    urls = fields.Nested(PhotoUrlsSchema)
