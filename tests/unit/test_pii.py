"""Guest PII keys: encryption bound to its column and key, search hashes over one normal form, the key's configuration."""

from __future__ import annotations

import hashlib
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from roomiai.config import Settings
from roomiai.domain.contact import clean_phone, normal_email, phone_digits, phone_tail
from roomiai.store.pii import PiiError, PiiKeyMismatch, PiiKeys

pytestmark = pytest.mark.unit

SECRET = "k" * 20 + "0123456789abcdef"
OTHER = "o" * 20 + "0123456789abcdef"


@pytest.fixture
def keys() -> PiiKeys:
    return PiiKeys(SECRET)


def test_a_value_comes_back_and_never_reads_the_same_twice(keys):
    one = keys.encrypt("ada.lovelace@example.com", context="guests.email")
    two = keys.encrypt("ada.lovelace@example.com", context="guests.email")

    assert one != two
    assert "ada" not in one and "example" not in one
    assert one.startswith(f"pii1:{keys.key_id}:")
    assert keys.decrypt(one, context="guests.email") == keys.decrypt(two, context="guests.email") == "ada.lovelace@example.com"
    assert keys.decrypt(keys.encrypt("Zoë 🏖", context="c"), context="c") == "Zoë 🏖"


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt(keys):
    sealed = keys.encrypt("+15551234567", context="guests.phone")

    with pytest.raises(PiiError, match="guests.email .*integrity check"):
        keys.decrypt(sealed, context="guests.email")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(PiiError, match="integrity check"):
        keys.decrypt(flipped, context="guests.phone")


def test_the_wrong_key_and_plaintext_are_named_clearly(keys):
    sealed = keys.encrypt("x", context="guests.email")
    other = PiiKeys(OTHER)

    assert other.key_id != keys.key_id
    with pytest.raises(PiiKeyMismatch, match=f"encrypted with the PII key {keys.key_id}.*ROOMIAI_PII_KEY is {other.key_id}"):
        other.decrypt(sealed, context="guests.email")
    with pytest.raises(PiiError, match="not encrypted; upgrade the database with `roomi migrate`"):
        keys.decrypt("ada@example.com", context="guests.email")


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="at least 32 characters"):
        PiiKeys("too-short-a-secret")


def test_search_hashes_follow_the_normal_form_and_the_key(keys):
    assert keys.email_hash("  Ada.Lovelace@Example.COM ") == keys.email_hash("ada.lovelace@example.com")
    assert keys.email_hash("ada@example.com") != keys.email_hash("ada@example.org")
    assert keys.email_hash(None) is None and keys.email_hash("  ") is None and keys.phone_hash(None) is None

    digits = "15551234567"
    assert keys.phone_hash(digits) != keys.phone_hash("15551234568")
    assert keys.phone_tail_hash(digits) == keys.phone_tail_hash("4567") == keys.phone_tail_hash("449994567")
    assert len({keys.phone_hash(digits), keys.phone_tail_hash(digits), keys.email_hash(digits)}) == 3  # kinds kept apart

    assert PiiKeys(OTHER).email_hash("ada@example.com") != keys.email_hash("ada@example.com")
    assert keys.email_hash("ada@example.com") != hashlib.sha256(b"ada@example.com").hexdigest()
    assert len(keys.phone_hash(digits)) == 64


def test_contact_normal_forms():
    assert normal_email("  Grace@Example.com\n") == "grace@example.com" and normal_email("") is None
    assert phone_digits({"country_code": "+1", "number": "(555) 123-4567"}) == "15551234567"
    assert phone_digits({"number": "555.123.4567"}) == "5551234567"
    assert phone_digits({"country_code": "+1"}) is None and phone_digits(None) is None
    assert phone_tail("15551234567") == "4567" and phone_tail(None) is None
    assert clean_phone({"country_code": "44", "number": "020 7946 0018"}) == {"country_code": "+44", "number": "02079460018"}


def settings(tmp_path, **values) -> Settings:
    base = {"data_dir": tmp_path, "jwt_secret": "j" * 40, "vault_key": "v" * 43 + "=", "_env_file": None}
    return Settings(**{**base, **values})


def test_production_needs_a_real_pii_key(tmp_path):
    for refused in ("", "changeme", "your_encryption_key"):
        with pytest.raises(ValueError, match="ROOMIAI_PII_KEY must be set to a real secret when ROOMIAI_ENV=prod"):
            settings(tmp_path, env="prod", pii_key=refused)
    with pytest.raises(ValueError, match="at least 32 random characters"):
        settings(tmp_path, env="prod", pii_key="short-but-not-a-placeholder")
    configured = settings(tmp_path, env="prod", pii_key=SECRET)
    assert configured.resolved_pii_key() == SECRET
    assert SECRET not in repr(configured)
    assert not (tmp_path / "pii.key").exists()


def test_dev_mode_generates_one_owner_only_key_even_when_processes_race(tmp_path):
    dev = settings(tmp_path / "var")
    with ThreadPoolExecutor(8) as pool:
        found = set(pool.map(lambda _: dev.resolved_pii_key(), range(16)))

    assert len(found) == 1
    key = found.pop()
    path = tmp_path / "var" / "pii.key"
    assert path.read_text() == key and len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["pii.key"]  # no drafts left behind
    assert settings(tmp_path / "var").resolved_pii_key() == key
    PiiKeys(key)
