"""Photos: uploaded under the phone's id (raw body or multipart form), described and served within scope."""

import io
import uuid
from functools import wraps

from flask import current_app, g, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.wsgi import wrap_file

from server.auth.permissions import requires
from server.auth.scope import grants
from server.core import api
from server.core.api import ApiView, answer_with, get_or_404
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.jobs import run_after_commit
from server.photos import services
from server.photos.images import FORMATS
from server.photos.models import COPIES, Photo
from server.photos.schemas import PhotoFormSchema, PhotoSchema
from server.storage import storage

A_YEAR = 365 * 24 * 3600
DIGEST_HEADER = {
    "in": "header",
    "name": "Content-Digest",
    "required": True,
    "schema": {"type": "string"},
    "description": "RFC 9530: sha-256=:<base64 of the SHA-256 of the body>: (Repr-Digest also accepted)",
}
BINARY = {"type": "string", "format": "binary"}
RAW_BODY = {
    "required": True,
    "content": {"application/octet-stream": {"schema": BINARY}},
    "description": "the photo itself (JPEG, PNG, WebP or HEIC), as application/octet-stream or image/*",
}


class Parser(api.Parser):
    """Adds the location "form_and_files": a multipart body's fields and files, read by one schema."""

    __location_map__ = {**api.Parser.__location_map__, "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req, schema):
        if None in req.form or None in req.files:  # werkzeug's reading of a part whose name it cannot parse
            error(
                400,
                tr("表单中有名称无法识别的部分", "A part of the form has a name that cannot be read"),
                code="malformed_form",
            )
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(api.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **api.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }


blp = Blueprint("photos", __name__, url_prefix="/api/v1/photos", description="照片 / Photos")


def photo_body(view):
    """The body is a photo of up to PHOTO_MAX_BYTES, far above the app's JSON limit: set before it is read."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.max_content_length = current_app.config["PHOTO_MAX_BYTES"]
        return view(*args, **kwargs)

    return wrapper


def _visible(action: str):
    return Photo.scope_clause(grants(action), g.identity.user_id)


def _view(photo: Photo) -> dict:
    """The photo as the API shows it, with the addresses of what the caller may fetch."""
    urls = {}
    if photo.state == "ready":
        urls = {
            copy: url_for("photos.PhotoCopy", photo_id=photo.id, copy=copy, sha=photo.copy_sha256(copy))
            for copy in COPIES
        }
    if not grants("photos.original").empty:
        urls["original"] = url_for("photos.PhotoOriginal", photo_id=photo.id)
    view = {
        **{column.key: getattr(photo, column.key) for column in Photo.__table__.columns},
        "urls": urls,
        "reused": photo.duplicate_of is not None,
    }
    if photo.duplicate_of is not None and not _sees(photo.duplicate_of):
        view["duplicate_of"] = None  # someone else's photo: its id would open it to a record citing it
    return view


def _sees(photo_id: uuid.UUID) -> bool:
    return db.session.scalar(select(Photo.id).where(Photo.id == photo_id, _visible("photos.view"))) is not None


def _receive(photo_id: uuid.UUID, data: bytes, sha256: str) -> dict:
    photo, created = services.receive(photo_id, data, sha256, uploader_id=g.identity.user_id)
    if photo.state != "ready":  # new, or sent again while its copies are still missing: (re)asked for
        services.request_variants(photo.id)
        # Committed and handed over here rather than at the request's end, so that in the embedded default (copies
        # made inline) the answer already shows them: with a failed login, the one exception to the single commit
        # at the request's end. Nothing after it undoes it.
        db.session.commit()
        run_after_commit()
    if not created:
        answer_with(200)
    return _view(photo)


def _blob(sha256: str, mimetype: str, opened):
    """A stored blob under its content hash: cached for a year, by the caller's own browser only. `opened()`: the
    blob as a file, asked for only when the caller does not have it already."""
    if request.if_none_match.contains_weak(sha256):
        response = current_app.response_class(status=304, mimetype=mimetype)
    else:
        file = opened()
        length = file.seek(0, io.SEEK_END)  # one request to the store, not a HEAD before the GET
        file.seek(0)
        response = current_app.response_class(
            wrap_file(request.environ, file), mimetype=mimetype, direct_passthrough=True
        )
        response.content_length = length
    response.set_etag(sha256)
    response.cache_control.private = True
    response.cache_control.max_age = A_YEAR
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"  # an image, whatever else its bytes might pass for
    return response


@blp.route("")
class Photos(ApiView):
    json_body = False

    @requires("photos.upload")
    @photo_body
    @blp.arguments(PhotoFormSchema, location="form_and_files")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(
        200,
        schema=PhotoSchema,
        success=True,
        description="already stored under this id with the same SHA-256: nothing stored twice",
    )
    @blp.alt_response(
        409,
        description="id_conflict: the id is one of your photos, with another SHA-256; id_taken: "
        "the id is someone else's photo (nothing more is told)",
    )
    @blp.alt_response(413, description="larger than PHOTO_MAX_BYTES")
    @blp.alt_response(415, description="not a JPEG, PNG, WebP or HEIC image (by its signature)")
    @blp.alt_response(
        422,
        description="damaged_image, image_too_complex, too_much_metadata or too_many_pixels: "
        "checked by its structure and header, before any pixel is decoded",
    )
    def post(self, form):
        """上传照片（表单）/ Upload a photo as a multipart form: id, sha256 (hex) and file"""
        return _receive(form["id"], form["file"].read(), form["sha256"])


@blp.route("/<uuid:photo_id>")
class PhotoById(ApiView):
    json_body = False

    @requires("photos.view")
    @blp.response(200, PhotoSchema)
    def get(self, photo_id: uuid.UUID):
        """一张照片 / A photo's state, metadata and addresses (yours, or cited by a record in your scope)"""
        return _view(get_or_404(Photo, photo_id, clause=_visible("photos.view")))

    @requires("photos.upload")
    @photo_body
    @blp.response(201, PhotoSchema)
    @blp.alt_response(
        200,
        schema=PhotoSchema,
        success=True,
        description="already stored under this id with the same SHA-256: nothing stored twice",
    )
    @blp.alt_response(400, description="no Content-Digest, or the body does not match it (arrived damaged)")
    @blp.alt_response(
        409,
        description="id_conflict: the id is one of your photos, with another SHA-256; id_taken: "
        "the id is someone else's photo (nothing more is told)",
    )
    @blp.alt_response(413, description="larger than PHOTO_MAX_BYTES")
    @blp.alt_response(415, description="not a JPEG, PNG, WebP or HEIC image (by its signature)")
    @blp.alt_response(
        422,
        description="damaged_image, image_too_complex, too_much_metadata or too_many_pixels: "
        "checked by its structure and header, before any pixel is decoded",
    )
    @blp.doc(parameters=[DIGEST_HEADER], requestBody=RAW_BODY)
    def put(self, photo_id: uuid.UUID):
        """上传照片 / Upload a photo as the raw body, under the id the phone gave it"""
        if request.mimetype and not (
            request.mimetype.startswith("image/") or request.mimetype == "application/octet-stream"
        ):
            error(
                415,
                tr(
                    "照片应以图片（image/*）或 application/octet-stream 上传，收到的是 “{t}”",
                    "Send the photo as image/* or application/octet-stream, not “{t}”",
                    t=request.mimetype,
                ),
            )
        sha256 = services.digest_from_header(
            ", ".join(request.headers.getlist("Content-Digest") + request.headers.getlist("Repr-Digest"))
        )
        if sha256 is None:
            error(
                400,
                tr(
                    "缺少 Content-Digest 请求头（sha-256=:<Base64>:），无法核对照片是否完整",
                    "The Content-Digest header (sha-256=:<base64>:) is missing: the photo cannot be checked",
                ),
                code="digest_missing",
            )
        return _receive(photo_id, request.get_data(cache=False), sha256)


@blp.route("/<uuid:photo_id>/<any(display, thumb):copy>/<sha>.jpg")
class PhotoCopy(ApiView):
    @requires("photos.view")
    @blp.response(200, BINARY, content_type="image/jpeg", description="the JPEG, without EXIF")
    @blp.alt_response(304, description="If-None-Match: the copy you have is current")
    def get(self, photo_id: uuid.UUID, copy: str, sha: str):
        """照片副本 / A photo's display copy (1600 px) or thumbnail (320 px), at the address of its content"""
        photo = get_or_404(Photo, photo_id, clause=_visible("photos.view"))
        if photo.state != "ready" or sha != photo.copy_sha256(copy):
            _no_such_copy()

        def whole():
            data = services.copy_bytes(photo, copy)  # checked, and made again if a crash broke it
            if photo.copy_sha256(copy) != sha:  # made again as other bytes: the photo names them from now on
                db.session.commit()  # a read's one write, so that the next read of the photo gives their address
                _no_such_copy()
            return io.BytesIO(data)

        return _blob(sha, "image/jpeg", whole)


def _no_such_copy():
    error(
        404,
        tr(
            "该照片没有这个副本（可能已更新，请重新读取照片）",
            "The photo has no such copy (it may have changed; read the photo again)",
        ),
    )


@blp.route("/<uuid:photo_id>/original")
class PhotoOriginal(ApiView):
    @requires("photos.original")
    @blp.response(
        200,
        BINARY,
        content_type="image/*",
        description="the original, byte for byte as received (with its EXIF), as image/jpeg, "
        "image/png, image/webp or image/heic",
    )
    @blp.alt_response(304, description="If-None-Match: the original never changes")
    def get(self, photo_id: uuid.UUID):
        """原始照片 / The original as received: for station officers, supervisors and admins in scope"""
        photo = get_or_404(Photo, photo_id, clause=_visible("photos.original"))
        return _blob(photo.sha256, FORMATS[photo.format], lambda: storage().open(photo.original_key))
