"""Generated input for every operation of the OpenAPI document, valid and invalid: never a 5xx,
always the one error shape."""
import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

pytestmark = pytest.mark.slow


def check_operation(operation, token, mode):
    @given(case=operation.as_strategy(mode))
    @settings(max_examples=30, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        where = f"{case.method} {case.formatted_path}"
        assert response.status_code < 500, (where, response.text[:500])
        if response.status_code >= 400 and response.status_code != 405:
            body = response.json()
            assert set(body) <= {"code", "status", "message", "errors"}, where
            assert body["status"] == response.status_code and body["message"], where

    try:
        fuzz()
    except Unsatisfiable:
        # an operation with nothing to get wrong (no parameters, no body) has no invalid input
        assert mode is GenerationMode.NEGATIVE and not operation.query and not operation.body, operation.path


def test_no_generated_request_breaks_the_server(app, login_as):
    token = login_as("district_admin").token
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    # logging out would revoke the token the others use: it goes last
    for operation in sorted(operations, key=lambda op: op.path.endswith("/logout")):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            check_operation(operation, token, mode)
