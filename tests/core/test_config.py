"""Configuration: the embedded default makes its own secret once; production refuses to start without its own."""

import pytest

from server.config import ConfigError, load_config

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "QR_SIGNING_KEYS": "A:0123456789abcdef0123",
    "DATABASE_URL": "postgresql://db/safegrid",
    "REDIS_URL": "redis://r:6379/0",
    "PUBLIC_BASE_URL": "https://safegrid.example.cn",
}


def test_the_embedded_default_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_config(tmp_path, env={})
    second = load_config(tmp_path, env={})
    assert len(first["SECRET_KEY"]) >= 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'safegrid.db'}"
    assert first["REDIS_URL"] is None  # jobs inline
    assert load_config(tmp_path / "other", env={})["SECRET_KEY"] != first["SECRET_KEY"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "QR_SIGNING_KEYS", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL"])
def test_production_refuses_to_start_without_each_secret(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(tmp_path, env=env)
    assert not (tmp_path / "secret_key").exists()  # and never falls back to a generated one


def test_production_uses_what_it_is_given(tmp_path):
    cfg = load_config(tmp_path, env=PRODUCTION)
    assert cfg["SECRET_KEY"] == "s" * 40
    assert cfg["DATABASE_URL"] == "postgresql+psycopg://db/safegrid"


# (environment beyond PRODUCTION, the hosts production answers to, proxy hops trusted, API docs served)
EDGES = [
    ({}, ["safegrid.example.cn"], 0, False),
    (
        {"ALLOWED_HOSTS": "Intranet.Jianghan.Gov.cn, 10.0.0.5,.example.org"},
        ["safegrid.example.cn", "intranet.jianghan.gov.cn", "10.0.0.5", ".example.org"],
        0,
        False,
    ),
    ({"TRUSTED_PROXY_HOPS": "1", "API_DOCS": "true"}, ["safegrid.example.cn"], 1, True),
    ({"PUBLIC_BASE_URL": "http://10.0.0.5:8000/safegrid"}, ["10.0.0.5"], 0, False),
]


@pytest.mark.parametrize("env, hosts, hops, docs", EDGES)
def test_production_answers_only_to_its_own_hosts_and_hides_its_docs(tmp_path, env, hosts, hops, docs):
    cfg = load_config(tmp_path, env={**PRODUCTION, **env})
    assert (cfg["TRUSTED_HOSTS"], cfg["TRUSTED_PROXY_HOPS"], cfg["API_DOCS"]) == (hosts, hops, docs)


def test_the_embedded_default_answers_to_any_host_and_shows_its_docs(tmp_path):
    cfg = load_config(tmp_path, env={"ALLOWED_HOSTS": "safegrid.example.cn"})
    assert (cfg["TRUSTED_HOSTS"], cfg["TRUSTED_PROXY_HOPS"], cfg["API_DOCS"]) == (None, 0, True)


@pytest.mark.parametrize(
    "env",
    [
        {"APP_ENV": "staging"},
        {"TOKEN_TTL_HOURS": "two weeks"},
        {"QR_SIGNING_KEYS": "no-colon-here"},
        {"QR_SIGNING_KEYS": "k1:0123456789abcdef0123"},
        {"QR_SIGNING_KEYS": "A:short"},
        {"PUBLIC_BASE_URL": "safegrid.example.cn"},
        {"PUBLIC_BASE_URL": "ftp://example.cn"},
        {"PUBLIC_BASE_URL": "https://user:pw@example.cn"},
        {"PUBLIC_BASE_URL": "https://example.cn:port"},
        {"PUBLIC_BASE_URL": "https://example.cn/?a=1"},
        {"ALLOWED_HOSTS": "example.cn:8000"},
        {"ALLOWED_HOSTS": "*"},
        {"TRUSTED_PROXY_HOPS": "-1"},
        {"TRUSTED_PROXY_HOPS": "all"},
        {"API_DOCS": "maybe"},
    ],
)
def test_bad_settings_are_refused_with_their_name(tmp_path, env):
    with pytest.raises(ConfigError):
        load_config(tmp_path, env=env)
