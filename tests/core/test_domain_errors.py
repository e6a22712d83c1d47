"""A DomainError raised anywhere under a view is answered by the one handler, in the one shape, in either language."""

from server.core.errors import DomainError


class SiteClosed(DomainError):
    status, code, field = 409, "site_closed", "site_id"
    zh, en = "场所 {name} 已停业", "Site {name} has closed"


class Busy(DomainError):
    status = 429

    def headers(self):
        return {"Retry-After": "7"}


def _raising(monkeypatch, exc):
    def refuse(*_args, **_kwargs):
        raise exc

    monkeypatch.setattr("server.sites.services.site_view", refuse)


def test_a_domain_error_answers_in_the_one_shape_in_chinese_and_in_english(login_as, world, monkeypatch):
    _raising(monkeypatch, SiteClosed(name="M1"))
    caller, url = login_as("grid_worker"), f"/api/v1/sites/{world['market_site']}"
    zh = caller.get(url)
    assert zh.status_code == 409
    assert zh.json == {
        "code": "site_closed",
        "status": 409,
        "message": "场所 M1 已停业",
        "errors": {"json": {"site_id": ["场所 M1 已停业"]}},
    }
    en = caller.get(url, headers={"Accept-Language": "en"})
    assert en.status_code == 409
    assert en.json == {
        "code": "site_closed",
        "status": 409,
        "message": "Site M1 has closed",
        "errors": {"json": {"site_id": ["Site M1 has closed"]}},
    }


def test_a_domain_error_without_its_own_code_or_message_gets_the_status_own(login_as, world, monkeypatch):
    _raising(monkeypatch, Busy())
    caller, url = login_as("grid_worker"), f"/api/v1/sites/{world['market_site']}"
    resp = caller.get(url, headers={"Accept-Language": "en"})
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "7"
    assert resp.json == {"code": "too_many_requests", "status": 429, "message": "Too many requests"}
    assert caller.get(url).json["message"] == "请求过于频繁"
