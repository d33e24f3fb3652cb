"""Errors the domain raises; the API maps each kind to one HTTP status."""


class DomainError(Exception):
    """Base for errors a caller can understand and usually fix."""

    status = 400
    title = "Bad request"
    code: str | None = None  # a stable machine-readable code for errors a client must tell apart

    def __init__(self, detail: str, *, field: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field


class InvalidRequest(DomainError):
    status = 422
    title = "Invalid request"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class SoldOut(Conflict):
    title = "Not available"


class InvalidTransition(Conflict):
    title = "Invalid status change"


class PaymentDeclined(DomainError):
    status = 402
    title = "Payment declined"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
