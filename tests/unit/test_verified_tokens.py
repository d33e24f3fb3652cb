"""A token verified once is not verified again until it expires; the map stays bounded."""

from __future__ import annotations

import datetime as dt

import pytest

from roomiai.api.verified_tokens import VerifiedTokens
from roomiai.services.auth import Unauthorized, access_token, principal_until

pytestmark = pytest.mark.unit

SECRET = "unit-secret-0123456789abcdef0123456789"


class Counted:
    """The real verification, counted."""

    def __init__(self):
        self.calls = 0

    def __call__(self, token, *, secret):
        self.calls += 1
        return principal_until(token, secret=secret)


def token(minutes: int = 30, subject: str = "someone") -> str:
    return access_token(secret=SECRET, subject=subject, role="staff", minutes=minutes, now=dt.datetime.now(dt.UTC),
                        version=3)


def test_a_token_is_verified_once_until_it_expires():
    now = [dt.datetime.now(dt.UTC).timestamp()]
    verify = Counted()
    tokens = VerifiedTokens(now=lambda: now[0], verify=verify)
    raw = token()
    first = tokens.principal(raw, secret=SECRET)
    assert (first.subject, first.role, first.version) == ("someone", "staff", 3)
    assert tokens.principal(raw, secret=SECRET) == first and verify.calls == 1
    now[0] += 31 * 60  # past its expiry by the cache's clock: checked again
    tokens.principal(raw, secret=SECRET)
    assert verify.calls == 2


def test_invalid_and_expired_tokens_are_refused_and_never_kept():
    tokens = VerifiedTokens()
    for bad in (token(minutes=-1), token()[:-2] + "xx", "not-a-token"):
        with pytest.raises(Unauthorized):
            tokens.principal(bad, secret=SECRET)
    with pytest.raises(Unauthorized):
        tokens.principal(token(), secret="another-secret-0123456789abcdef012345")
    assert len(tokens) == 0


def test_a_token_kept_under_one_secret_is_not_taken_under_another():
    tokens = VerifiedTokens()
    raw = token()
    tokens.principal(raw, secret=SECRET)
    with pytest.raises(Unauthorized):
        tokens.principal(raw, secret="another-secret-0123456789abcdef012345")


def test_the_map_is_bounded():
    tokens = VerifiedTokens(max_entries=2)
    for n in range(5):
        tokens.principal(token(subject=f"user{n}"), secret=SECRET)
    assert len(tokens) == 2
