"""The web process as the Procfile starts it listens where only the proxy on its machine reaches it."""

import runpy

from server import PROJECT_ROOT


def test_the_web_process_listens_on_loopback_only_so_no_client_can_write_the_headers_the_app_believes(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == ["127.0.0.1:8123"]
    assert settings["forwarded_allow_ips"] == ""  # gunicorn believes no X-Forwarded-* itself
