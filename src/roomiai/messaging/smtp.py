"""SMTP delivery from ROOMIAI_SMTP_URL: smtp:// upgrades with STARTTLS whenever offered, smtps:// is TLS from the start.

smtp://user:password@host:587                      STARTTLS when the server offers it
smtp://user:password@host:587?starttls=require     refuse to send (and retry later) unless STARTTLS works
smtps://user:password@host:465                     implicit TLS
?cafile=/path/ca.pem                               trust this CA as well (a private mail relay)
?timeout=30                                        seconds for connecting and each command
Certificates are always verified; a user name or password with special characters is percent-encoded.
"""

from __future__ import annotations

import asyncio
import re
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ..domain.delivery import DeliveryFailed

_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    implicit_tls: bool
    require_starttls: bool
    username: str | None
    password: str | None
    cafile: str | None
    timeout: float

    def __repr__(self) -> str:  # never the password
        return f"SmtpConfig({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port})"

    @property
    def display(self) -> str:
        return repr(self)


def parse_smtp_url(url: str) -> SmtpConfig:
    """The settings in an smtp:// or smtps:// URL; ValueError says what is wrong without repeating the URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("ROOMIAI_SMTP_URL must start with smtp:// (STARTTLS when offered) or smtps:// (implicit TLS)")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("ROOMIAI_SMTP_URL has a port that is not a number") from None
    if not parts.hostname:
        raise ValueError("ROOMIAI_SMTP_URL names no host, e.g. smtp://user:password@mail.example.com:587")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "cafile", "timeout"}
    if unknown:
        raise ValueError(
            f"ROOMIAI_SMTP_URL has unknown options: {', '.join(sorted(unknown))} (known: starttls, cafile, timeout)"
        )
    starttls = query.get("starttls", "auto")
    if starttls not in ("auto", "require"):
        raise ValueError("ROOMIAI_SMTP_URL: starttls is auto (the default) or require")
    implicit = parts.scheme == "smtps"
    if implicit and starttls == "require":
        raise ValueError("ROOMIAI_SMTP_URL: smtps:// is TLS from the start; starttls=require is for smtp://")
    try:
        timeout = float(query.get("timeout", "30"))
    except ValueError:
        raise ValueError("ROOMIAI_SMTP_URL: timeout is a number of seconds") from None
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if implicit else 587),
        implicit_tls=implicit,
        require_starttls=starttls == "require",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        cafile=query.get("cafile"),
        timeout=timeout,
    )


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if config.cafile:
        context.load_verify_locations(cafile=config.cafile)
    return context


def without_addresses(text: str) -> str:
    """A server's answer fit to store: the e-mail addresses it quotes left out."""
    return _ADDRESS.sub("<address>", text)


class SmtpTransport:
    name = "smtp"

    def __init__(self, config: SmtpConfig):
        self.config = config
        self.local_hostname: str | None = None

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> None:
        await asyncio.to_thread(self._send, sender, recipient, message)

    def _send(self, sender: str, recipient: str, message: bytes) -> None:
        c = self.config
        try:
            client: smtplib.SMTP
            if c.implicit_tls:
                client = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=c.timeout, context=_tls_context(c), local_hostname=self.local_hostname
                )
            else:
                client = smtplib.SMTP(c.host, c.port, timeout=c.timeout, local_hostname=self.local_hostname)
            with client:
                client.ehlo()
                if not c.implicit_tls:
                    if client.has_extn("starttls"):
                        client.starttls(context=_tls_context(c))
                        client.ehlo()
                    elif c.require_starttls:
                        raise DeliveryFailed("the mail server does not offer STARTTLS, which ROOMIAI_SMTP_URL requires")
                if c.username:
                    client.login(c.username, c.password or "")
                client.sendmail(sender, [recipient], message)
        except DeliveryFailed:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            raise _refused("the recipient", code, text) from None
        except smtplib.SMTPAuthenticationError as exc:  # the hotel's settings, not the guest's message: keep trying
            raise DeliveryFailed(
                f"the mail server refused the login ({exc.smtp_code}); check ROOMIAI_SMTP_URL"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise _refused("the message", exc.smtp_code, exc.smtp_error) from None
        except ssl.SSLError as exc:
            raise DeliveryFailed(f"TLS with the mail server failed: {exc.reason or type(exc).__name__}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"the mail server could not be reached: {type(exc).__name__}: {exc}") from None


def _refused(what: str, code: int, text: bytes | str) -> DeliveryFailed:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return DeliveryFailed(
        f"the mail server refused {what}: {code} {without_addresses(reason)}".strip(), permanent=500 <= code < 600
    )
