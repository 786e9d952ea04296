"""config/gunicorn.py trusts X-Forwarded-Proto only with DJANGO_BEHIND_PROXY=1, and then only
from DJANGO_PROXY_ADDRESSES (gunicorn's own default trusts 127.0.0.1 and ::1)."""

import runpy
import urllib.request

import pytest
from gunicorn.config import Config

from tooling.server import BASE_DIR, GunicornServer, production_env

CONFIG = BASE_DIR / "config" / "gunicorn.py"


def gunicorn_settings(monkeypatch, **env: str) -> Config:
    """config/gunicorn.py read under ``env``, as gunicorn reads it: through its validators."""
    for name in ("DJANGO_BEHIND_PROXY", "DJANGO_PROXY_ADDRESSES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # gunicorn's own default reader; ours wins
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(str(CONFIG))
    config = Config()
    for name in ("forwarded_allow_ips", "secure_scheme_headers"):
        config.set(name, module[name])
    return config


@pytest.mark.parametrize("env", [{}, {"DJANGO_BEHIND_PROXY": "0"}, {"DJANGO_PROXY_ADDRESSES": "10.0.0.1"}])
def test_not_behind_a_proxy_nobody_is_trusted(monkeypatch, env):
    config = gunicorn_settings(monkeypatch, **env)
    assert config.forwarded_allow_ips == []
    assert config.secure_scheme_headers == {}


def test_behind_a_proxy_loopback_by_default(monkeypatch):
    config = gunicorn_settings(monkeypatch, DJANGO_BEHIND_PROXY="1")
    assert config.forwarded_allow_ips == ["127.0.0.1"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}


def test_behind_a_proxy_the_configured_addresses(monkeypatch):
    config = gunicorn_settings(monkeypatch, DJANGO_BEHIND_PROXY="1", DJANGO_PROXY_ADDRESSES="10.0.0.0/8, 192.168.1.5")
    assert config.forwarded_allow_ips == ["10.0.0.0/8", "192.168.1.5"]


def test_a_mistyped_proxy_address_stops_gunicorn(monkeypatch):
    with pytest.raises(ValueError):
        gunicorn_settings(monkeypatch, DJANGO_BEHIND_PROXY="1", DJANGO_PROXY_ADDRESSES="10.0.0.300")


def sitemap_line(server: GunicornServer, headers: dict[str, str]) -> str:
    """robots.txt names the sitemap by absolute URL, in the scheme the request was taken to use."""
    request = urllib.request.Request(f"{server.base_url}/robots.txt", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    return next(line for line in body.splitlines() if line.startswith("Sitemap: "))


def test_a_real_server_not_behind_a_proxy_ignores_the_scheme_headers_from_loopback(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path / "static", DJANGO_BEHIND_PROXY="0")
    env.pop("FORWARDED_ALLOW_IPS", None)
    with GunicornServer(env, tmp_path / "gunicorn.log", workers=1) as server:
        plain = f"Sitemap: {server.base_url}/sitemap.xml"
        assert sitemap_line(server, {}) == plain
        # From 127.0.0.1, which gunicorn's default would trust: still plain HTTP.
        for headers in ({"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}, {"X-Forwarded-Protocol": "ssl"}):
            assert sitemap_line(server, headers) == plain, headers


def test_a_real_server_behind_a_proxy_takes_the_proxys_word(tmp_path):
    env = production_env(
        f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        tmp_path / "static",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_PROXY_ADDRESSES="127.0.0.1",
    )
    with GunicornServer(env, tmp_path / "gunicorn.log", workers=1) as server:
        secure = sitemap_line(server, {"X-Forwarded-Proto": "https"})
        assert secure == f"Sitemap: https://127.0.0.1:{server.port}/sitemap.xml"
