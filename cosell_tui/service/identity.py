"""Who is at the keyboard, and what they may claim (README "Security").

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
from dataclasses import replace

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from cosell_tui.domain import OrgKind, Role
from cosell_tui.domain.views import UserView
from cosell_tui.service.errors import NotFoundError, RuleRefusal
from cosell_tui.store.models import PURPOSES, Organization, User, database_purpose

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


def is_demo(session: Session) -> bool:
    """A database the seeder or the tests made: `--now` and `--user` are free on it."""
    return database_purpose(session) in PURPOSES


def is_set_up(session: Session) -> bool:
    """Some partner organisation exists (set up by `cosell setup`, or seeded)."""
    return (
        session.scalar(select(Organization.id).where(Organization.kind == OrgKind.PARTNER).limit(1))
        is not None
    )


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


def logins(session: Session) -> tuple[str, ...]:
    """The logins that say who is at the keyboard, strongest first: the PostgreSQL role (when
    it is not the shared superuser a test server runs as), then the operating-system user."""
    found: list[str] = []
    if session.get_bind().dialect.name == "postgresql":
        role = session.execute(text("SELECT current_user")).scalar_one_or_none()
        if role:
            found.append(str(role))
    login = os_login()
    if login and login not in found:
        found.append(login)
    return tuple(found)


def _user(session: Session, username: str) -> User | None:
    return session.scalar(
        select(User).where(User.username == username.strip()).options(selectinload(User.locations))
    )


def find_user(session: Session, username: str) -> User:
    """The user with this login; NotFoundError when there is none, a refusal when deactivated."""
    user = _user(session, username)
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    if not user.active:
        raise RuleRefusal(
            f"{user.username} is deactivated and cannot act; an admin can reactivate them."
        )
    return user


def default_user(session: Session) -> User:
    """The first active entire-company Referrals admin of the first partner organisation."""
    user = session.scalar(
        select(User)
        .join(Organization, Organization.id == User.org_id)
        .where(
            Organization.kind == OrgKind.PARTNER,
            User.role == Role.ADMIN,
            User.entire_company.is_(True),
            User.active.is_(True),
        )
        .order_by(Organization.id, User.id)
        .options(selectinload(User.locations))
        .limit(1)
    )
    if user is None:
        raise NotSetUpError(NOT_SET_UP)
    return user


def user_view(session: Session, user: User) -> UserView:
    org = session.get(Organization, user.org_id)
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        org_id=user.org_id,
        org_name=org.name if org else "",
        entire_company=user.entire_company,
        location_ids=tuple(sorted(loc.id for loc in user.locations)),
    )


def _keyboard_user(session: Session) -> User:
    """The user whose login is the database role or the operating-system user."""
    tried = logins(session)
    for login in tried:
        if (user := _user(session, login)) is not None:
            if not user.active:
                raise RuleRefusal(
                    f"Your user {user.username} is deactivated; ask a Referrals admin to "
                    "reactivate you."
                )
            return user
    who = " or ".join(f"'{login}'" for login in tried) or "unknown"
    raise RuleRefusal(
        f"You are signed in as {who}, which is not a user of this database; a Referrals admin "
        "adds you with `cosell admin user add`."
    )


def may_act_as(operator: User, target: User) -> str | None:
    """Why `operator` may not act as `target` (None: they may): only an admin, only in their
    own organisation, never beyond their own scope."""
    if operator.role is not Role.ADMIN:
        return (
            f"Only a Referrals admin may act as another user (--user or COSELL_USER); "
            f"you are {operator.username}."
        )
    if operator.org_id != target.org_id:
        return f"You may act only as a user of your own organisation; {target.username} is not."
    if not operator.entire_company:
        mine = {loc.id for loc in operator.locations}
        if target.entire_company or not {loc.id for loc in target.locations} <= mine:
            return (
                f"You may act only as users within your own locations; {target.username}'s "
                "scope is wider."
            )
    return None


def identify(session: Session, name: str | None, now_given: bool) -> UserView:
    """The acting user for `--user`/`COSELL_USER` (`name`) on this database; refusals as the
    module's docstring says."""
    if not is_set_up(session):
        raise NotSetUpError(NOT_SET_UP)
    if is_demo(session):
        if name:
            return user_view(session, find_user(session, name))
        for login in logins(session):
            user = _user(session, login)
            if user is not None and user.active:
                return user_view(session, user)
        return user_view(session, default_user(session))
    if now_given:
        raise RuleRefusal(NOW_REFUSED)
    operator = _keyboard_user(session)
    if not name or name.strip() == operator.username:
        return user_view(session, operator)
    target = find_user(session, name)
    if (why := may_act_as(operator, target)) is not None:
        raise RuleRefusal(why)
    view = user_view(session, target)
    return replace(view, operator_id=operator.id, operator_name=operator.display_name)
