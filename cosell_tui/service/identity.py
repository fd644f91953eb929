"""Who is at the keyboard, and what they may claim (README "Security").

Read with SQLAlchemy Core (store/tables.py) on one connection: every command asks this before
anything else, so it stays clear of the ORM.

On a real team's database the user is the one whose login is the operating-system user (on
PostgreSQL, first the database role): on a shared SSH host each person is themselves with no
flag. `--user`/`COSELL_USER` naming someone else is allowed only to a Referrals admin, and the
history then says "admin acting as user"; `--now`/`COSELL_NOW` is refused, as it would move the
14-day and 72-hour clocks. On a database marked demo or test (the seeder and the tests mark it)
both stay free for anyone, as demos, benchmarks and scripted tests need them.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, and_, select, text

from cosell_tui.domain import OrgKind, Role
from cosell_tui.domain.views import UserView
from cosell_tui.service.errors import NotFoundError, RuleRefusal
from cosell_tui.store.tables import (
    PURPOSES,
    database_purpose,
    organization,
    user_account,
    user_location,
)

NOT_SET_UP = (
    "This database is not set up yet: run `cosell setup` (or `cosell` for the setup screen), "
    "or `cosell seed` to fill it with demo data."
)
NOW_REFUSED = (
    "--now (or COSELL_NOW) moves the 14-day and 72-hour clocks, so it is accepted only on a "
    "demo or test database; this one is a real team's."
)


class NotSetUpError(NotFoundError):
    """The database has no partner organisation with an admin yet: the TUI offers set-up."""


@dataclass(frozen=True, slots=True)
class Login:
    """A user as identification reads them: the view every use case gets, and whether the
    account may act at all."""

    view: UserView
    active: bool


def is_demo(conn: Connection) -> bool:
    """A database the seeder or the tests made: `--now` and `--user` are free on it."""
    return database_purpose(conn) in PURPOSES


def is_set_up(conn: Connection) -> bool:
    """Some partner organisation exists (set up by `cosell setup`, or seeded)."""
    org = organization.c
    found = conn.execute(select(org.id).where(org.kind == OrgKind.PARTNER).limit(1)).first()
    return found is not None


def os_login() -> str | None:
    """The operating-system user, or None when the system cannot say.

    On POSIX the account of the process's user id, not `getpass.getuser()`'s first choice,
    the LOGNAME/USER variables, which anyone can set for one command."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None


def logins(conn: Connection) -> tuple[str, ...]:
    """The logins that say who is at the keyboard, strongest first: the PostgreSQL role (when
    it is not the shared superuser a test server runs as), then the operating-system user."""
    found: list[str] = []
    if conn.dialect.name == "postgresql":
        role = conn.execute(text("SELECT current_user")).scalar_one_or_none()
        if role:
            found.append(str(role))
    login = os_login()
    if login and login not in found:
        found.append(login)
    return tuple(found)


_U = user_account.c


def _logins(conn: Connection, where: Any, *order: Any) -> list[Login]:
    org = organization.c
    users = conn.execute(
        select(
            _U.id,
            _U.username,
            _U.display_name,
            _U.email,
            _U.role,
            _U.org_id,
            org.name.label("org_name"),
            _U.entire_company,
            _U.active,
        )
        .join_from(user_account, organization, org.id == _U.org_id)
        .where(where)
        .order_by(*order)
        .limit(1)
    ).all()
    found = []
    for u in users:
        locations = conn.execute(
            select(user_location.c.location_id).where(user_location.c.user_id == u.id)
        ).scalars()
        view = UserView(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            email=u.email,
            role=u.role,
            org_id=u.org_id,
            org_name=u.org_name,
            entire_company=bool(u.entire_company),
            location_ids=tuple(sorted(locations)),
        )
        found.append(Login(view, active=bool(u.active)))
    return found


def _user(conn: Connection, username: str) -> Login | None:
    found = _logins(conn, _U.username == username.strip())
    return found[0] if found else None


def find_user(conn: Connection, username: str) -> Login:
    """The user with this login; NotFoundError when there is none, a refusal when deactivated."""
    user = _user(conn, username)
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    if not user.active:
        raise RuleRefusal(
            f"{user.view.username} is deactivated and cannot act; an admin can reactivate them."
        )
    return user


def default_user(conn: Connection) -> Login:
    """The first active entire-company Referrals admin of the first partner organisation."""
    partners = select(organization.c.id).where(organization.c.kind == OrgKind.PARTNER)
    found = _logins(
        conn,
        and_(
            _U.org_id.in_(partners),
            _U.role == Role.ADMIN,
            _U.entire_company.is_(True),
            _U.active.is_(True),
        ),
        _U.org_id,
        _U.id,
    )
    if not found:
        raise NotSetUpError(NOT_SET_UP)
    return found[0]


def _keyboard_user(conn: Connection) -> Login:
    """The user whose login is the database role or the operating-system user."""
    tried = logins(conn)
    for login in tried:
        if (user := _user(conn, login)) is not None:
            if not user.active:
                raise RuleRefusal(
                    f"Your user {user.view.username} is deactivated; ask a Referrals admin to "
                    "reactivate you."
                )
            return user
    who = " or ".join(f"'{login}'" for login in tried) or "unknown"
    raise RuleRefusal(
        f"You are signed in as {who}, which is not a user of this database; a Referrals admin "
        "adds you with `cosell admin user add`."
    )


def may_act_as(operator: UserView, target: UserView) -> str | None:
    """Why `operator` may not act as `target` (None: they may): only an admin, only in their
    own organisation, never beyond their own scope."""
    if operator.role is not Role.ADMIN:
        return (
            f"Only a Referrals admin may act as another user (--user or COSELL_USER); "
            f"you are {operator.username}."
        )
    if operator.org_id != target.org_id:
        return f"You may act only as a user of your own organisation; {target.username} is not."
    if not operator.entire_company and (
        target.entire_company or not set(target.location_ids) <= set(operator.location_ids)
    ):
        return (
            f"You may act only as users within your own locations; {target.username}'s "
            "scope is wider."
        )
    return None


def still_may_act(conn: Connection, user: UserView) -> str | None:
    """Why `user` (and the admin acting as them) can no longer write, or None: checked in
    every write's transaction, so a session opened before an admin deactivated someone or
    changed their role or locations (a TUI left open all day) does not go on acting with the
    access it started with."""
    for user_id, started in ((user.id, user), (user.operator_id, None)):
        if user_id is None:
            continue
        found = _logins(conn, _U.id == user_id)
        if not found or not found[0].active:
            who = found[0].view.username if found else "This user"
            return f"{who} was deactivated and can no longer act; an admin can reactivate them."
        now = found[0].view
        if started is not None and (now.role, now.entire_company, now.location_ids) != (
            started.role,
            started.entire_company,
            started.location_ids,
        ):
            return (
                f"{now.username}'s role or locations changed since cosell started; "
                "start it again to act with the new access."
            )
    return None


def identify(conn: Connection, name: str | None, now_given: bool) -> UserView:
    """The acting user for `--user`/`COSELL_USER` (`name`) on this database; refusals as the
    module's docstring says."""
    if not is_set_up(conn):
        raise NotSetUpError(NOT_SET_UP)
    if is_demo(conn):
        if name:
            return find_user(conn, name).view
        for login in logins(conn):
            user = _user(conn, login)
            if user is not None and user.active:
                return user.view
        return default_user(conn).view
    if now_given:
        raise RuleRefusal(NOW_REFUSED)
    operator = _keyboard_user(conn).view
    if not name or name.strip() == operator.username:
        return operator
    target = find_user(conn, name).view
    if (why := may_act_as(operator, target)) is not None:
        raise RuleRefusal(why)
    return replace(target, operator_id=operator.id, operator_name=operator.display_name)
