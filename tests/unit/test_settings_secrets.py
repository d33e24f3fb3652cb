"""Printing the settings (a debugger, an error report) shows no secret; nor does the `roomi` command when it refuses to start."""

import os
import socket
import subprocess
import sys

import pytest

from roomiai.config import Settings

pytestmark = pytest.mark.unit

SECRETS = {"jwt_secret": "jwt-secret-0123456789abcdef0123", "vault_key": "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q=",
           "pii_key": "pii-key-0123456789abcdef0123456789", "llm_api_key": "gsk_llm_key_0123456789",
           "deepgram_api_key": "dg_key_0123456789", "stripe_secret_key": "sk_test_0123456789",
           "smtp_url": "smtp://hotel:Sm7-mail-pass-Qx2@mail.example.com:587"}


def test_no_secret_is_in_the_settings_repr_or_str():
    settings = Settings(_env_file=None, **SECRETS)
    for name, value in SECRETS.items():
        assert getattr(settings, name) == value
        assert value not in repr(settings) and value not in str(settings), name


PROD = {  # known values, so the output can be searched for every piece of them
    "ROOMIAI_ENV": "prod",
    "ROOMIAI_JWT_SECRET": "Jw7-kQ2xZp9-Lm4vTb8-Ns3yHc6-Rd1uFg5",
    "ROOMIAI_VAULT_KEY": "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q=",
    "ROOMIAI_PII_KEY": "Pk4-wN8rYt2-Hv6mQz1-Bx9cLs5-Gd3jUe7",
}
DB_PASSWORD = "Db5-pW9sKq3-Xn7"


def fragments(secret: str, size: int = 6) -> set[str]:
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def roomi(tmp_path, *args: str, **environ: str) -> subprocess.CompletedProcess:
    """The real command, with only the given ROOMIAI_ variables (None: unset) and nothing from a .env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_")}
    env.update({"ROOMIAI_DATA_DIR": str(tmp_path), **{k: v for k, v in environ.items() if v is not None}})
    return subprocess.run([sys.executable, "-m", "roomiai.cli", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)


def assert_says_only(done: subprocess.CompletedProcess, words: str, secrets: list[str]) -> None:
    """A short refusal naming the problem, with no 6-character piece of any secret."""
    output = done.stdout + done.stderr
    assert done.returncode != 0 and words in output, output
    assert len(output.strip().splitlines()) <= 2 and "Traceback" not in output, output
    leaked = {piece for secret in secrets for piece in fragments(secret) if piece in output}
    assert leaked == set(), output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("change", "words"), [
    ({"ROOMIAI_JWT_SECRET": None}, "ROOMIAI_JWT_SECRET must be set"),
    ({"ROOMIAI_JWT_SECRET": "Wk8-short-Qz3"}, "ROOMIAI_JWT_SECRET is too short"),
    ({"ROOMIAI_VAULT_KEY": "Vk2-not-a-fernet-key-Mx7-Tp4"}, "ROOMIAI_VAULT_KEY is not a valid key"),
    ({"ROOMIAI_PII_KEY": "Pq6-too-short-Lr2"}, "ROOMIAI_PII_KEY must be at least 32"),
    ({"ROOMIAI_ACCESS_TOKEN_MINUTES": "Am3-fifteen-Zx8"}, "ROOMIAI_ACCESS_TOKEN_MINUTES"),
    ({"ROOMIAI_SMTP_URL": "smtpx://hotel:Sm7-mail-pass-Qx2@mail.example.com"}, "ROOMIAI_SMTP_URL must start with smtp://"),
    ({"ROOMIAI_SMTP_URL": "smtp://hotel:Sm7-mail-pass-Qx2@mail.example.com:58x7"}, "ROOMIAI_SMTP_URL has a port"),
    ({"ROOMIAI_SMTP_URL": "smtp://hotel:Sm7-mail-pass-Qx2@mail.example.com?tls=always"}, "has unknown options: tls"),
    ({"ROOMIAI_MAIL_DELIVERY": "smtp"}, "ROOMIAI_MAIL_DELIVERY=smtp needs ROOMIAI_SMTP_URL"),
    ({"ROOMIAI_MAIL_FROM": "Gh4-front-desk-Wq7"}, "ROOMIAI_MAIL_FROM must be an e-mail address"),
])
def test_a_refused_production_configuration_names_the_variable_and_shows_no_secret(tmp_path, change, words):
    environ = {**PROD, **change}
    done = roomi(tmp_path, "migrate", **environ)
    assert_says_only(done, words, [v for v in [*PROD.values(), *change.values()] if v and v != "prod"])


def test_an_unreachable_database_is_one_line_with_the_password_masked(tmp_path):
    url = f"postgresql+asyncpg://roomi:{DB_PASSWORD}@127.0.0.1:{free_port()}/hotel"
    done = roomi(tmp_path, "migrate", **PROD, ROOMIAI_DATABASE_URL=url)
    assert_says_only(done, "cannot use the database postgresql+asyncpg://roomi:***@127.0.0.1", [*PROD.values(), DB_PASSWORD])


def test_a_database_url_that_cannot_be_read_is_not_repeated(tmp_path):
    done = roomi(tmp_path, "migrate", **PROD, ROOMIAI_DATABASE_URL=f"postgres//roomi:{DB_PASSWORD}@db/hotel")
    assert_says_only(done, "ROOMIAI_DATABASE_URL", [*PROD.values(), DB_PASSWORD])
