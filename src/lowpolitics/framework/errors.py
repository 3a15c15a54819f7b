"""One hierarchy for every error a user can cause and fix.

The CLI turns any :class:`LowpoliticsError` into a plain message and exit code 2; the web app
turns it into an HTTP response with ``http_status``. Anything else is a bug and may show a
traceback. Keeping the mapping in one place is why every stage raises these, not ad-hoc
exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass


class LowpoliticsError(Exception):
    """An error in what the user gave us (file, option, database URL), not in our code."""

    exit_code = 2
    http_status = 400


class ConfigError(LowpoliticsError):
    """A bad option, URL or configuration file."""


class CodebookError(LowpoliticsError):
    """The codebook (bundled or user extension) does not validate."""


class DatabaseError(LowpoliticsError):
    """The database cannot be reached or has no schema yet."""

    http_status = 503


class AuditBrokenError(LowpoliticsError):
    """The audit trail's hash chain does not hold: an entry was edited, removed or cut off."""

    http_status = 409


class ClusterError(LowpoliticsError):
    """A compute cluster (Dask) cannot take the work or lost it: no workers, a worker died,
    a worker cannot build what it was sent. Not the user's data, but something they can fix
    on their machines, so it is reported as a message, not a traceback."""

    http_status = 503


class NotFoundError(LowpoliticsError):
    """A record the user named does not exist."""

    http_status = 404


SHOWN_CHARACTERS = 80  # an echoed value longer than this is cut, so a message stays readable


def shorten(value: object, limit: int = SHOWN_CHARACTERS) -> object:
    """``value`` cut to ``limit`` characters with "…" when it is longer text; anything else
    unchanged. For values echoed back in an error: a pasted paragraph (or a hostile 10 kB
    query) should not become the message."""
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


@dataclass(frozen=True)
class CellError:
    """One bad cell: where it is, what it holds, and what was expected there."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        if self.column is None and self.value is None:
            return f"{where}: expected {self.expected}"  # the whole file or line, not a cell
        if self.value is None or self.value == "":
            got = "empty"
        else:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            got = f"'{shown}'"
        return f"{where}: {got} — expected {self.expected}"


class InputError(LowpoliticsError):
    """A file with bad content. Carries every bad cell, not only the first."""

    http_status = 422

    def __init__(self, errors: list[CellError], message: str | None = None):
        self.errors = list(errors)
        n = len(self.errors)
        files = sorted({e.file for e in self.errors})
        summary = message or (
            f"{n} error{'s' if n != 1 else ''} in {', '.join(files)}; nothing was written"
        )
        super().__init__(summary)

    @property
    def summary(self) -> str:
        return str(self.args[0])


class ConflictError(LowpoliticsError):
    """The record changed since the user read it, or the key is already taken.

    ``current_version``: for a stale edit, the version now stored — so that a client can
    show what changed and try again without reading the record first (the API sends it as
    the error's ``version`` field and as ``ETag``)."""

    http_status = 409

    def __init__(self, message: str, *, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class PreconditionRequiredError(LowpoliticsError):
    """A change that must name the version it was based on did not (HTTP 428): deleting or
    patching blind is exactly what the version check exists to prevent."""

    http_status = 428


class AuthRequiredError(LowpoliticsError):
    """No valid session or API token came with the request."""

    http_status = 401


class ForbiddenError(LowpoliticsError):
    """The user is known, but their role does not allow this."""

    http_status = 403


class RateLimitedError(LowpoliticsError):
    """Too many failed logins; try again after ``retry_after`` seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
