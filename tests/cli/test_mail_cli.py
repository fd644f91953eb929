"""`cosell mail send`: the SMTP settings from the config and the environment, and delivery to a
real local server (aiosmtpd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.config_model import smtp_from_environment, validate
from cosell_tui.config_values import ConfigError, SmtpPrefs
from tests.service.test_mail import Server, free_port

from .conftest import Runner


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD"):
        monkeypatch.delenv(f"COSELL_SMTP_{name}", raising=False)
    monkeypatch.delenv("COSELL_MAIL_FROM", raising=False)


def test_settings_from_the_file_and_the_environment_wins(smtp_env: None) -> None:
    config = validate({"smtp": {"host": "mail.example", "port": 2525, "from": "a@x.example"}}, None)
    assert config.smtp == SmtpPrefs("mail.example", 2525, None, None, "a@x.example")
    env = {"COSELL_SMTP_HOST": "relay.example", "COSELL_SMTP_SECURITY": "STARTTLS",
           "COSELL_SMTP_PASSWORD": "s3cret", "COSELL_SMTP_USER": "bot"}  # fmt: skip
    merged = smtp_from_environment(config.smtp, env)
    assert (merged.host, merged.port, merged.security) == ("relay.example", 2525, "starttls")
    assert merged.user == "bot" and merged.password == "s3cret"
    assert "s3cret" not in repr(merged)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"COSELL_SMTP_PORT": "twenty"}, "COSELL_SMTP_PORT must be a port number"),
        ({"COSELL_SMTP_SECURITY": "ssl"}, "must be none, starttls or tls"),
    ],
)
def test_bad_environment_values_are_named(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        smtp_from_environment(SmtpPrefs(), env)


def test_the_password_is_never_read_from_the_file() -> None:
    with pytest.raises(ConfigError, match="COSELL_SMTP_PASSWORD"):
        validate({"smtp": {"host": "x", "password": "no"}}, Path("config.toml"))


def test_send_without_a_server_says_how_to_set_one(cosell: Runner, smtp_env: None) -> None:
    result = cosell("mail", "send")
    assert result.code == 1 and "COSELL_SMTP_HOST" in result.err


def test_send_delivers_and_a_server_down_is_exit_1(
    cosell: Runner, smtp_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = cosell("deal", "list", "--tab", "inbound", "--json").json()["items"]
    received = next(i for i in items if i["status"] == "New")
    declined = cosell("deal", "decline", str(received["x-cosell"]["number"]), "--reason", "1")
    assert declined.code == 0, declined.err  # the sender is told: a message is queued
    port = free_port()
    monkeypatch.setenv("COSELL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("COSELL_SMTP_PORT", str(port))
    down = cosell("mail", "send", "--json")
    assert down.code == 1
    assert down.json()["unreachable"] and down.json()["sent"] == []
    server = Server(port)
    server.start()
    try:
        up = cosell("mail", "send", "--json")
        assert up.code == 0, up.err
        sent = up.json()["sent"]
        assert len(sent) == len(server.inbox.messages)
        again = cosell("mail", "send")
        assert again.code == 0 and again.out.startswith("Sent 0")
    finally:
        server.stop()
