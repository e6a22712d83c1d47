"""Generated requests for every operation of the OpenAPI document, checked by schemathesis's own checks: the
server does what the document says (statuses, media types, headers, bodies), invalid input is refused and valid
input is never called malformed, a method the path has not is a 405 with Allow; never a 5xx, and every error in
the one shape. Both of schemathesis's generators run: its coverage cases (boundaries, each constraint broken in
turn, missing parameters, undeclared methods; deterministic) and Hypothesis's, positive and negative."""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks as openapi

from server import create_app
from tests.conftest import app_config

pytestmark = pytest.mark.slow

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # A schema-valid request may still break a rule the document cannot state (the parent area must exist, a
            # site needs a grid, not a street; site_id or grid_id; the current password; an If-Match that is current):
            # 404, 409, 412, 422 and 428 say so, and 429 that the login throttle stops guesses at passwords (login,
            # /me/password) whatever they are. But never 400, 405, 413 or 415: valid is never malformed.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "428", "429"]
            },
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "405", "409", "412", "413", "415", "422", "428"]
            },
            # a missing If-Match is RFC 6585's 428 Precondition Required
            "missing_required_header": {"expected-statuses": ["400", "401", "403", "415", "422", "428"]},
        }
    }
)
# a photo's body must match its SHA-256 (the Content-Digest header, the form's sha256), which no generator makes
DIGESTED = {"PUT /api/v1/photos/{photo_id}", "POST /api/v1/photos"}


def one_error_shape(ctx, response, case):
    """Every error is {code, status, message[, errors]}; the paged lists' X-Pagination is the JSON documented."""
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) <= {"code", "status", "message", "errors"}, body
        assert body["status"] == response.status_code and body["code"] and body["message"], body
    if "x-pagination" in response.headers:  # schemathesis lower-cases the names
        page = json.loads(response.headers["x-pagination"][0])
        assert {"total", "total_pages"} <= set(page) and all(isinstance(v, int) for v in page.values()), page


CHECKS = [
    not_a_server_error,
    openapi.status_code_conformance,
    openapi.content_type_conformance,
    openapi.response_headers_conformance,
    openapi.response_schema_conformance,
    openapi.negative_data_rejection,
    openapi.positive_data_acceptance,
    openapi.missing_required_header,
    openapi.unsupported_method,
    one_error_shape,
]


class Findings:
    """What the checks found, once per operation and kind of failure, with the first example of each."""

    def __init__(self, token):
        self.headers = {"Authorization": f"Bearer {token}"}
        self.found = {}

    def send(self, case, *, generated=False):
        if generated:
            # Hypothesis's cases are all sent signed in: they say so, so that the checks judging what was sent
            # (was it invalid?) see the Authorization that went with it. The coverage cases keep their own
            # headers: one of them is each operation without Authorization, which must be a 401.
            case.headers = {**(case.headers or {}), **self.headers}
        response = case.call(headers=self.headers)
        checks = [c for c in CHECKS if not (c is openapi.positive_data_acceptance and case.operation.label in DIGESTED)]
        try:
            case.validate_response(response, checks=checks, headers=self.headers)
        except (Failure, FailureGroup) as exc:
            for failure in getattr(exc, "exceptions", [exc]):
                where = f"{case.method} {case.formatted_path} {case.query or ''}"
                self.found.setdefault(
                    (case.operation.label, failure.title), f"{where} -> {response.status_code}: {failure.message[:400]}"
                )

    def report(self) -> str:
        return "\n".join(f"{label}: {title}\n    {example}" for (label, title), example in sorted(self.found.items()))


def coverage(schema, operation, findings):
    for case in schema.iter_coverage_cases(
        operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
    ):
        findings.send(case)


def fuzz(operation, findings, mode):
    @given(case=operation.as_strategy(mode))
    @settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def send(case):
        findings.send(case, generated=True)

    try:
        send()
    except Unsatisfiable:
        # an operation with nothing to get wrong (no parameters, no body) has no invalid input
        assert mode is GenerationMode.NEGATIVE and not operation.query and not operation.body, operation.path


def _labels() -> list[str]:
    """Every operation of the OpenAPI document, read from an app that needs no database to say what it serves."""
    app = create_app(app_config("sqlite://"))
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    methods = {"get", "put", "post", "delete", "patch"}
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops if method in methods)


def _share(labels: list[str]) -> list[str]:
    """This leg's share of the operations: scripts/test runs both legs and gives each half (SAFEGRID_FUZZ_SHARE=k/n:
    every n-th from the k-th), so that every operation is fuzzed once per run; unset, all of them."""
    share = os.environ.get("SAFEGRID_FUZZ_SHARE")
    if not share:
        return labels
    k, n = (int(part) for part in share.split("/"))
    return labels[k::n]


LABELS = _labels()
_schemas = {}


def _operation(app, label):
    if id(app) not in _schemas:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
        _schemas[id(app)] = (schema, {op.label: op for op in (result.ok() for result in schema.get_all_operations())})
    schema, operations = _schemas[id(app)]
    return schema, operations[label]


def test_the_document_lists_every_operation():
    assert len(LABELS) >= 15 and "POST /api/v1/hazards" in LABELS


@pytest.mark.parametrize("label", _share(LABELS))
def test_every_operation_does_what_the_document_says(app, login_as, label):
    # each operation signs in afresh: logging out, or guessing the current password at /me/password (the throttle
    # signs the session out), revokes only its own token
    findings = Findings(login_as("district_admin").token)
    schema, operation = _operation(app, label)
    coverage(schema, operation, findings)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        fuzz(operation, findings, mode)
    assert not findings.found, "\n" + findings.report()
