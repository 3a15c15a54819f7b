"""People who use a shared lowpolitics: accounts, roles, passwords, API tokens, logins.

Roles are ordered — viewer < coder < editor < admin — and a role allows everything the roles
below it allow: coders code documents, editors change the registry, admins manage users.
Passwords are hashed with Argon2id (argon2-cffi); API tokens and session ids are random and
only their SHA-256 is stored, so a copy of the database hands nobody a working credential.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import (
    AuthRequiredError,
    ConfigError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
)
from lowpolitics.store.audit import record_change
from lowpolitics.store.models import ApiToken, LoginAttempt, User, WebSession

ROLES = ("viewer", "coder", "editor", "admin")
MIN_PASSWORD = 10
SESSION_HOURS = 12
# Failed logins are throttled per (account, address): after FREE_FAILURES wrong passwords from
# one address the next try from there waits FIRST_DELAY, doubling with each further failure up
# to MAX_DELAY. Another address is not slowed by them, so a stranger guessing cannot lock the
# owner out; an address trying many accounts, or an account tried from very many addresses, is
# slowed as a whole (FAILURES_PER_ADDRESS, FAILURES_PER_NAME in the window).
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
FAILURES_PER_ADDRESS = 20
FAILURES_PER_NAME = 200
FAILURE_WINDOW = timedelta(minutes=15)

_hasher = PasswordHasher()


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def role_rank(role: str) -> int:
    if role not in ROLES:
        raise ConfigError(f"unknown role '{role}': use one of {', '.join(ROLES)}")
    return ROLES.index(role)


def allows(role: str, needed: str) -> bool:
    """Whether a user with ``role`` may do what needs ``needed``."""
    return role_rank(role) >= role_rank(needed)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")


def user_dict(user: User) -> dict:
    return {"name": user.name, "role": user.role, "active": user.active, "version": user.version}


def get_user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFoundError(f"no user named '{name}'")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def add_user(session: Session, name: str, role: str, password: str, *, who: str) -> User:
    name = name.strip()
    if not name or len(name) > 120:
        raise ConfigError("a user name needs 1 to 120 characters")
    role_rank(role)
    check_password_strength(password)
    if session.scalars(select(User).where(User.name == name)).first() is not None:
        raise ConflictError(f"a user named '{name}' already exists")
    user = User(name=name, role=role, password_hash=_hasher.hash(password), active=True)
    session.add(user)
    session.flush()
    record_change(session, who, "create", "user", name, None, user_dict(user))
    return user


def _keep_an_admin(session: Session, user: User, role: str | None, active: bool | None) -> None:
    """Refuse the change that would leave nobody able to manage users."""
    loses_admin = (
        user.role == "admin"
        and user.active
        and ((role is not None and role != "admin") or active is False)
    )
    if not loses_admin:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise ConflictError(f"'{user.name}' is the last active admin; make another admin first")


def update_user(
    session: Session,
    name: str,
    *,
    who: str,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    version: int | None = None,
) -> User:
    user = get_user(session, name)
    if version is not None and version != user.version:
        raise ConflictError(
            f"user '{name}' was changed by someone else (version {user.version}, "
            f"yours {version}); reload and try again",
            current_version=user.version,
        )
    if role is not None:
        role_rank(role)
    _keep_an_admin(session, user, role, active)
    before = user_dict(user)
    if role is not None:
        user.role = role
    if active is not None:
        user.active = active
    if password is not None:
        check_password_strength(password)
        user.password_hash = _hasher.hash(password)
        end_sessions(session, user)
    if active is False:
        end_sessions(session, user)
    user.version += 1
    after = user_dict(user)
    if password is not None:
        after["password"] = "changed"
    record_change(session, who, "update", "user", name, before, after)
    return user


def delete_user(session: Session, name: str, *, who: str, version: int | None = None) -> None:
    """Remove an account (its tokens and sessions with it); with ``version``, only if the
    account is still as the caller last read it."""
    user = get_user(session, name)
    if version is not None and version != user.version:
        raise ConflictError(
            f"user '{name}' was changed by someone else (version {user.version}, "
            f"yours {version}); reload and try again",
            current_version=user.version,
        )
    _keep_an_admin(session, user, None, False)
    before = user_dict(user)
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    end_sessions(session, user)
    session.delete(user)
    record_change(session, who, "delete", "user", name, before, None)


def set_password(session: Session, name: str, password: str, *, who: str) -> User:
    return update_user(session, name, who=who, password=password)


# --- logins --------------------------------------------------------------------------------


def _wait_for(failures: int, last: datetime | None) -> int:
    """Seconds still to wait after ``failures`` recent failures, the latest at ``last``."""
    if failures < FREE_FAILURES or last is None:
        return 0
    delay = min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)
    return max(0, int((_aware(last) + delay - now()).total_seconds()) + 1)


def _check_rate(session: Session, name: str, address: str | None) -> None:
    since = now() - FAILURE_WINDOW
    failed = (
        select(func.count(), func.max(LoginAttempt.at))
        .select_from(LoginAttempt)
        .where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since)
    )
    pair = failed.where(LoginAttempt.name == name, LoginAttempt.address.is_(address))
    if address is not None:
        pair = failed.where(LoginAttempt.name == name, LoginAttempt.address == address)
    n_pair, last_pair = session.execute(pair).one()
    wait = _wait_for(n_pair or 0, last_pair)
    if address is not None:
        n_address = session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since)
            .where(LoginAttempt.address == address)
        )
        if (n_address or 0) >= FAILURES_PER_ADDRESS:
            wait = max(wait, int(FAILURE_WINDOW.total_seconds()))
    n_name = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since, LoginAttempt.name == name)
    )
    if (n_name or 0) >= FAILURES_PER_NAME:
        wait = max(wait, int(FIRST_DELAY.total_seconds()))
    if wait:
        raise RateLimitedError(
            f"too many failed logins from here; wait {wait} seconds and try again",
            retry_after=wait,
        )


def authenticate(session: Session, name: str, password: str, address: str | None) -> User:
    """The user if the password is right; every try is recorded for rate limiting.

    The same message for an unknown name and a wrong password, so that the login form does
    not tell a stranger which accounts exist.
    """
    name = name.strip()[:120]
    _check_rate(session, name, address)
    user = session.scalars(select(User).where(User.name == name)).first()
    ok = False
    if user is not None and user.active and user.password_hash:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # spend the same time as a real check
    session.add(LoginAttempt(name=name, address=address, ok=ok, at=now()))
    if not ok:
        raise AuthRequiredError("wrong user name or password")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def start_session(session: Session, user: User) -> tuple[str, WebSession]:
    """A new browser session: returns the cookie value (shown once) and the stored row."""
    raw = secrets.token_urlsafe(32)
    row = WebSession(
        id_hash=digest(raw),
        user_id=user.id,
        csrf=secrets.token_urlsafe(32),
        expires_at=now() + timedelta(hours=SESSION_HOURS),
    )
    session.add(row)
    session.execute(delete(WebSession).where(WebSession.expires_at < now()))
    return raw, row


@dataclass(frozen=True, slots=True)
class Caller:
    """Whom a token or a session cookie stands for: what a request needs to decide, no more
    (``csrf`` only for a browser session)."""

    name: str
    role: str
    csrf: str | None = None


# Both read in one query with the user's columns (an ORM object and its lazily loaded user
# cost two queries and most of a token check's CPU: issue 17, API latency); built once.
_sessions, _tokens, _users = WebSession.__table__, ApiToken.__table__, User.__table__
_COOKIE_CALLER = (
    select(_users.c.name, _users.c.role, _users.c.active, _sessions.c.csrf, _sessions.c.expires_at)
    .join(_users, _users.c.id == _sessions.c.user_id)
    .where(_sessions.c.id_hash == bindparam("hash"))
)
_TOKEN_CALLER = (
    select(_users.c.name, _users.c.role, _users.c.active, _tokens.c.id, _tokens.c.last_used_at)
    .join(_users, _users.c.id == _tokens.c.user_id)
    .where(_tokens.c.token_hash == bindparam("hash"))
)
_TOKEN_TOUCH = (
    update(_tokens)
    .where(_tokens.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("at"))
)


def session_for_cookie(session: Session, raw: str | None) -> Caller | None:
    """The active user a browser session cookie belongs to, unless it expired."""
    if not raw:
        return None
    row = session.connection().execute(_COOKIE_CALLER, {"hash": digest(raw)}).first()
    if row is None or _aware(row.expires_at) < now() or not row.active:
        return None
    return Caller(row.name, row.role, row.csrf)


def end_session(session: Session, raw: str | None) -> None:
    if raw:
        session.execute(delete(WebSession).where(WebSession.id_hash == digest(raw)))


def end_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


TOKEN_TOUCH_EVERY = timedelta(minutes=5)


def issue_token(session: Session, name: str, *, who: str) -> str:
    """A new API token for ``name``; the caller shows it once, it is never stored in clear."""
    user = get_user(session, name)
    raw = "lp_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=digest(raw)))
    record_change(session, who, "create", "api_token", name, None, {"user": name})
    return raw


def user_for_token(session: Session, raw: str) -> Caller | None:
    """The active user an API token belongs to."""
    connection = session.connection()
    row = connection.execute(_TOKEN_CALLER, {"hash": digest(raw)}).first()
    if row is None or not row.active:
        return None
    # noted at most every few minutes: a write on every read request would make each GET
    # compete for SQLite's write lock with the edits
    last = row.last_used_at
    if last is None or now() - _aware(last) > TOKEN_TOUCH_EVERY:
        connection.execute(_TOKEN_TOUCH, {"token_id": row.id, "at": now()})
    return Caller(row.name, row.role)


def revoke_tokens(session: Session, name: str, *, who: str) -> int:
    user = get_user(session, name)
    count = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    record_change(session, who, "delete", "api_token", name, {"tokens": count}, None)
    return count
