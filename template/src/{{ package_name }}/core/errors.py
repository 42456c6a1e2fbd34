"""The application's error hierarchy.

Raise these from services and repositories; the web layer answers each one as an RFC 9457
problem (``application/problem+json``) with its status, stable ``code`` and ``title``.
``detail`` is shown to clients, ``context`` is logged but never sent to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar


class Severity(StrEnum):
    """How much an error matters to whoever operates the service."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


class AppError(Exception):
    """Base of every error the service raises on purpose.

    Subclasses set the class attributes; instances carry what is specific to one occurrence.
    """

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal Server Error"
    severity: ClassVar[Severity] = Severity.ERROR
    default_detail: ClassVar[str] = "The server could not complete the request."

    def __init__(
        self,
        detail: str | None = None,
        *,
        context: Mapping[str, Any] | None = None,
        cause: BaseException | None = None,
    ) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.context: dict[str, Any] = dict(context or {})
        super().__init__(self.detail)
        if cause is not None:
            self.__cause__ = cause

    @property
    def fingerprint(self) -> str:
        """A stable key that groups occurrences of the same error raised at the same place.

        It hashes the error class, its code and the function that raised it (not the line,
        so edits elsewhere in the file keep the group), never the detail or context values.
        """
        return fingerprint(self, self.code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


def fingerprint(error: BaseException, *parts: str) -> str:
    """A stable key grouping occurrences of ``error``'s class raised in the same function.

    The raising function is read from the traceback's frames, without reading source files.
    """
    location = "unraised"
    traceback = error.__traceback__
    if traceback is not None:
        while traceback.tb_next is not None:
            traceback = traceback.tb_next
        code = traceback.tb_frame.f_code
        location = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}"
    error_type = type(error)
    key = "|".join((f"{error_type.__module__}.{error_type.__qualname__}", *parts, location))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class InvalidInputError(AppError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 422
    code = "validation_error"
    title = "Unprocessable Content"
    severity = Severity.INFO
    default_detail = "The request content is not valid."


class UnauthorizedError(AppError):
    """The request lacks valid credentials."""

    status_code = 401
    code = "unauthorized"
    title = "Unauthorized"
    severity = Severity.INFO
    default_detail = "Valid credentials are required."


class ForbiddenError(AppError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"
    title = "Forbidden"
    severity = Severity.WARNING
    default_detail = "You are not allowed to do this."


class NotFoundError(AppError):
    """The resource the request names does not exist."""

    status_code = 404
    code = "not_found"
    title = "Not Found"
    severity = Severity.INFO
    default_detail = "The requested resource does not exist."


class ConflictError(AppError):
    """The request conflicts with the current state (a duplicate, a stale version)."""

    status_code = 409
    code = "conflict"
    title = "Conflict"
    severity = Severity.INFO
    default_detail = "The request conflicts with the current state of the resource."


class BusinessRuleError(AppError):
    """The request is valid but a business rule forbids it."""

    status_code = 422
    code = "business_rule_violated"
    title = "Business Rule Violated"
    severity = Severity.WARNING
    default_detail = "The request breaks a business rule."


class ServiceUnavailableError(AppError):
    """A dependency is down or overloaded; the client may retry later."""

    status_code = 503
    code = "service_unavailable"
    title = "Service Unavailable"
    severity = Severity.ERROR
    default_detail = "The service is temporarily unavailable; retry later."

    def __init__(
        self,
        detail: str | None = None,
        *,
        retry_after: int | None = None,
        context: Mapping[str, Any] | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(detail, context=context, cause=cause)
        self.retry_after = retry_after


class DeadlineExceededError(ServiceUnavailableError):
    """The request ran past the service's deadline for it and was cancelled."""

    code = "deadline_exceeded"
    title = "Deadline Exceeded"
    severity = Severity.WARNING
    default_detail = "The request took longer than the service allows and was cancelled."
