"""Printing the settings (a debugger, an error report) shows no secret."""

import pytest

from roomiai.config import Settings

pytestmark = pytest.mark.unit

SECRETS = {"jwt_secret": "jwt-secret-0123456789abcdef0123", "vault_key": "vault-key-0123456789abcdef",
           "pii_key": "pii-key-0123456789abcdef0123456789", "llm_api_key": "gsk_llm_key_0123456789",
           "deepgram_api_key": "dg_key_0123456789", "stripe_secret_key": "sk_test_0123456789"}


def test_no_secret_is_in_the_settings_repr_or_str():
    settings = Settings(_env_file=None, **SECRETS)
    for name, value in SECRETS.items():
        assert getattr(settings, name) == value
        assert value not in repr(settings) and value not in str(settings), name
