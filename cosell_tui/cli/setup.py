"""`cosell setup`: a real team's first run on an empty database, from flags or a TOML file.

The same use case as the TUI's setup screen (service/setup.py). Demo data stays `cosell seed`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import click

from cosell_tui.cli.errors import EXIT_OK, CliError
from cosell_tui.cli.options import command, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime


def parse_location(text: str) -> dict[str, str]:
    """`NAME=PARTNERID:CC` (`Seattle=4812345:US`) as a location's values."""
    name, eq, rest = text.rpartition("=")
    partner_id, colon, country = rest.partition(":")
    if not eq or not colon or not name.strip():
        raise CliError(
            f'--location: {text!r} is not NAME=PARTNERID:COUNTRY (e.g. "Seattle=4812345:US")'
        )
    return {"name": name.strip(), "partner_id": partner_id.strip(), "country": country.strip()}


def read_file(path: str) -> dict[str, Any]:
    """The set-up as a TOML file (examples/setup.toml)."""
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise CliError(f"{path}: {(exc.strerror or str(exc)).lower()}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CliError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    unknown = sorted(set(data) - {"org", "assessments", "locations", "admin"})
    if unknown:
        raise CliError(
            f"{path}: unknown setting {unknown[0]!r} (the settings are org, assessments, "
            "[[locations]] and [admin])"
        )
    return data


@command("setup", help="Set up an empty database for your team (organisation, locations, admin).")
@option("--file", "file", metavar="TOML", help="Read the set-up from a TOML file.")
@option("--org", metavar="NAME", help="Your partner organisation's name.")
@option(
    "--location",
    "locations",
    multiple=True,
    metavar="NAME=PARTNERID:CC",
    help='A location: name, PartnerID and ISO country, e.g. "Seattle=4812345:US" (repeatable).',
)
@option("--assessments", is_flag=True, default=None, help="Vetted to run solution assessments.")
@option("--admin", "admin_login", metavar="LOGIN", help="The first admin's login (default: yours).")
@option("--admin-name", metavar="NAME", help="The first admin's full name.")
@option("--admin-email", metavar="EMAIL", help="The first admin's email.")
@option("--admin-phone", metavar="PHONE", help="The first admin's phone, e.g. +12065550101.")
@json_option
@pass_runtime
def setup(
    rt: Runtime,
    file: str | None,
    org: str | None,
    locations: tuple[str, ...],
    assessments: bool | None,
    admin_login: str | None,
    admin_name: str | None,
    admin_email: str | None,
    admin_phone: str | None,
    as_json: bool,
) -> int:
    from cosell_tui.domain.clock import Clock
    from cosell_tui.service.admin import shown_url
    from cosell_tui.service.identity import os_login
    from cosell_tui.service.setup import setup_database

    values: dict[str, Any] = read_file(file) if file else {}
    if org is not None:
        values["org"] = org
    if assessments is not None:
        values["assessments"] = assessments
    if locations:
        values["locations"] = [parse_location(text) for text in locations]
    admin = dict(values.get("admin") or {}) if isinstance(values.get("admin"), dict) else {}
    for key, given in (("login", admin_login), ("name", admin_name), ("email", admin_email),
                       ("phone", admin_phone)):  # fmt: skip
        if given is not None:
            admin[key] = given
    admin.setdefault("login", os_login() or "")
    admin["role"], admin["entire_company"] = "admin", True
    values["admin"] = admin
    if not values.get("org") and not file:
        raise click.UsageError("give --org, --location and --admin-… (or --file setup.toml)")
    url = rt.db_url()
    result = setup_database(url, values, Clock().now())
    out = rt.output
    if as_json:
        out.json(
            {
                "organization": result.organization,
                "locations": list(result.locations),
                "admin": result.admin,
            }
        )
        return EXIT_OK
    out.line(f"Set up {shown_url(url)} for {result.organization}.")
    out.line(f"Locations: {', '.join(result.locations)}.")
    out.line(
        f"Admin: {result.admin} (Referrals admin, entire company). Next: `cosell admin user add` "
        "for your colleagues, then `cosell` to open the app."
    )
    out.line(
        "Microsoft: its organisation is set up, so deals can ask it for help; its sellers, who "
        "answer, come with `cosell admin partner import FILE`."
    )
    me = os_login()
    if me and me != result.admin:  # on stderr: stdout stays what the docs show
        out.warn(
            f"note: you are signed in as {me}, not {result.admin}; cosell acts as the user whose "
            f"login is yours, so open it as {result.admin} (or add {me} with `cosell admin user "
            "add`)."
        )
    return EXIT_OK
