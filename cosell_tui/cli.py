"""The `cosell` command: open the TUI, or run one co-sell use case from a shell or a script.

Every subcommand goes through the same service layer as the TUI, so a rule that refuses a key
press also refuses the command. The command is built for scripts: `--json` on reads, stable
exit codes (0 done, 1 refused or invalid, 2 usage, 3 conflict, 4 not found, 70 internal), one
`cosell: ` line on stderr for every refusal, and never a traceback for bad input.

Start-up stays light: this module imports only the standard library; the service (SQLAlchemy,
durable-rules) loads when a command needs it and Textual only when the TUI opens.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from cosell_tui.service import Service

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3
EXIT_NOT_FOUND = 4
EXIT_INTERNAL = 70

DEBUG_ENV = "COSELL_DEBUG"


class CliError(Exception):
    """Bad input caught by the command itself (a date, an enum, a file): exit 1, no traceback."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class Context:
    """What a command handler needs: its arguments, its streams and a service opened on demand."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self._service: Service | None = None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(f"cosell: {text}", file=self.err)

    def db_url(self) -> str:
        """--db, else COSELL_DB, else the config file's `db`, else the default SQLite file."""
        from cosell_tui.service.admin import resolve_db_url

        explicit = self.args.db or os.environ.get("COSELL_DB")
        if not explicit:
            from cosell_tui.config import load_config

            explicit = load_config().db
        return resolve_db_url(explicit)

    def mouse(self) -> bool:
        """--no-mouse wins; else the config's `mouse` setting."""
        if self.args.no_mouse:
            return False
        from cosell_tui.config import load_config

        return load_config().mouse

    def service(self) -> Service:
        """The service for --db/--user/--now (environment and config as fallback), opened once."""
        if self._service is None:
            from cosell_tui.service import open_service

            user = self.args.user or os.environ.get("COSELL_USER")
            if not user:
                from cosell_tui.config import load_config

                user = load_config().user
            self._service = open_service(
                db=self.db_url(), user=user, now=self.args.now, on_upgrade=_say_on_stderr
            )
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


Handler = Callable[[Context], int]


# --- the parser -------------------------------------------------------------------------------


def _say_on_stderr(message: str) -> None:
    """Progress that must not mix with a command's output (which may be --json)."""
    print(message, file=sys.stderr, flush=True)


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--db/--user/--now/--no-mouse; on subcommands they default to SUPPRESS so
    `cosell deal list --db x` and `cosell --db x deal list` both work."""
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("global options")
    group.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL or SQLite path (env COSELL_DB; default: the user data dir)",
    )
    group.add_argument(
        "--user",
        metavar="NAME",
        default=default,
        help="act as this user (env COSELL_USER; default: the configured or first admin)",
    )
    group.add_argument(
        "--now",
        metavar="ISO-8601",
        default=default,
        help="fix the clock, e.g. 2025-06-01T09:00:00Z (env COSELL_NOW)",
    )
    group.add_argument(
        "--no-mouse",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="TUI: do not capture the mouse (useful over SSH)",
    )


class _Builder:
    """Adds subcommands that all carry the global options and name their handler."""

    def __init__(self) -> None:
        self.common = argparse.ArgumentParser(add_help=False)
        _global_options(self.common, suppress=True)

    def add(
        self,
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: Handler | None,
        help_text: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(
            name,
            help=help_text,
            description=description or help_text,
            parents=[self.common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if handler is not None:
            parser.set_defaults(handler=handler)
        return parser


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print JSON (documented in docs/deal-format.md)"
    )


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--version",
        type=int,
        metavar="N",
        dest="expect_version",
        help="fail with exit 3 unless the deal is still at version N (default: as just read)",
    )


def _add_write(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deal", metavar="ID", help="deal number or referral ID (GUID)")
    _add_version(parser)
    _add_json(parser)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; handlers are imported from small modules when they run."""
    from cosell_tui import cli_admin  # light at import time: handlers import what they use

    parser = argparse.ArgumentParser(
        prog="cosell",
        description=(
            "Co-sell referrals with Microsoft and partners: a keyboard-first TUI "
            "(no subcommand) and scriptable commands."
        ),
        epilog=(
            "exit codes: 0 done, 1 refused or invalid input, 2 usage, 3 conflict with "
            "another change, 4 not found or not visible, 70 internal error "
            f"(set {DEBUG_ENV}=1 for the traceback). See docs/cli.md."
        ),
    )
    _global_options(parser, suppress=False)
    b = _Builder()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b.add(sub, "init", cli_admin.cmd_init, "create or migrate the database")

    p = b.add(sub, "seed", cli_admin.cmd_seed, "fill the database with deterministic demo data")
    p.add_argument("--deals", type=int, default=500, metavar="N", help="deals (default 500)")
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    p.add_argument(
        "--force",
        action="store_true",
        help="seed even when the database already holds data (adds to it)",
    )

    p = b.add(sub, "demo", cli_admin.cmd_demo, "open the TUI on a fresh seeded database as ava")
    p.add_argument("--deals", type=int, default=500, metavar="N", help="deals (default 500)")
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")

    p = b.add(sub, "sweep", cli_admin.cmd_sweep, "expire overdue referrals, send 48h reminders")
    _add_json(p)

    rules = b.add(sub, "rules", None, "rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    p = b.add(rules_sub, "check", cli_admin.cmd_rules_check, "validate rule files")
    p.add_argument("files", nargs="*", metavar="FILE", help="default: the built-in rule files")

    catalog = b.add(sub, "catalog", None, "customer accounts, solutions and partners")
    cat_sub = catalog.add_subparsers(dest="catalog_command", metavar="LIST", required=True)
    p = b.add(cat_sub, "accounts", cli_admin.cmd_catalog_accounts, "search customer accounts")
    p.add_argument("--search", default="", metavar="NAME", help="customer name (or part)")
    p.add_argument("--country", metavar="CC", help="ISO 3166 alpha-2 country code")
    p.add_argument("--wider", action="store_true", help="fuzzy search, more results")
    _add_json(p)
    p = b.add(cat_sub, "solutions", cli_admin.cmd_catalog_solutions, "search the solutions")
    p.add_argument("--search", default="", metavar="TEXT")
    p.add_argument(
        "--category",
        metavar="CAT",
        help="Mine, Microsoft, ThirdParty or Assessment (labels accepted too)",
    )
    p.add_argument("--limit", type=int, default=50, metavar="N")
    _add_json(p)
    p = b.add(cat_sub, "partners", cli_admin.cmd_catalog_partners, "co-sell partner companies")
    p.add_argument("--search", default="", metavar="TEXT")
    _add_json(p)

    p = b.add(sub, "users", cli_admin.cmd_users, "users you can act as (--user)")
    _add_json(p)

    p = b.add(sub, "locate", cli_admin.cmd_locate, "print where the config or the database is")
    p.add_argument("what", choices=["config", "db"])

    _deal_parsers(b, sub)
    return parser


def _deal_parsers(b: _Builder, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`cosell deal ACTION`: one subparser per use case."""
    from cosell_tui import cli_deals
    from cosell_tui.cli_deals import SORT_KEYS, TABS

    deal = b.add(sub, "deal", None, "list, show, create and change deals")
    ds = deal.add_subparsers(dest="deal_command", metavar="ACTION", required=True)

    p = b.add(ds, "list", cli_deals.cmd_list, "list the deals of a tab")
    p.add_argument("--tab", choices=TABS, default="inbound")
    p.add_argument("--filter", default="", metavar="Q", help="filter query (docs/filter.md)")
    p.add_argument("--sort", choices=SORT_KEYS, help="sort key (default: the tab's)")
    p.add_argument("--desc", action="store_true", help="descending order")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="rows (default 50)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip N rows")
    _add_json(p)

    p = b.add(ds, "show", cli_deals.cmd_show, "everything about one deal")
    p.add_argument("deal", metavar="ID", help="deal number or referral ID (GUID)")
    _add_json(p)

    p = b.add(ds, "explain", cli_deals.cmd_explain, "deal type, allowed actions, eligibility")
    p.add_argument("deal", metavar="ID", help="deal number or referral ID (GUID)")
    _add_json(p)

    p = b.add(
        ds,
        "create",
        cli_deals.cmd_create,
        "create a deal from a JSON document (docs/deal-format.md)",
    )
    p.add_argument("file", metavar="FILE", help="JSON file, or - for standard input")
    _add_json(p)

    p = b.add(ds, "accept", cli_deals.cmd_accept, "accept an inbound referral")
    _add_write(p)
    p.add_argument("--name", help="deal name (default: the referral's)")
    p.add_argument("--value", help="estimated value (default: the referral's)")
    p.add_argument("--currency", help="ISO 4217 code (default: the referral's)")
    p.add_argument("--close-date", metavar="YYYY-MM-DD", help="(default: the referral's)")
    p.add_argument("--notes", help="customer need (default: the referral's notes)")
    p.add_argument("--crm-id")
    p.add_argument("--campaign-id")

    p = b.add(ds, "decline", cli_deals.cmd_decline, "decline an inbound referral")
    _add_write(p)
    p.add_argument("--reason", required=True, metavar="CODE|NAME", help="close reason 1-8")
    p.add_argument("--notes", default="")

    p = b.add(ds, "stage", cli_deals.cmd_stage, "mark a sales stage")
    _add_write(p)
    p.add_argument("stage", metavar="PCT|NAME", help="20, 40, 60, 80 or the stage's name")

    p = b.add(ds, "won", cli_deals.cmd_won, "mark a deal won")
    _add_write(p)
    p.add_argument("--yes", action="store_true", help="confirm past warnings (72-hour advisory)")

    p = b.add(ds, "lost", cli_deals.cmd_lost, "mark a deal lost")
    _add_write(p)
    p.add_argument("--reason", required=True, metavar="CODE|NAME", help="close reason 1-8")
    p.add_argument("--notes", default="")

    p = b.add(ds, "error", cli_deals.cmd_error, "close a deal as error")
    _add_write(p)
    p.add_argument("--reason", required=True, metavar="CODE|NAME", help="error reason 1-9")
    p.add_argument("--notes", default="")

    p = b.add(ds, "share", cli_deals.cmd_share, "let Microsoft sellers see a private deal")
    _add_write(p)

    p = b.add(ds, "help", cli_deals.cmd_help, "ask Microsoft for help (makes it co-sell)")
    _add_write(p)
    p.add_argument(
        "--type",
        required=True,
        dest="help_type",
        metavar="HELP",
        help="help type (API code or label)",
    )
    p.add_argument("--notes", required=True)
    _add_contact(p)

    p = b.add(ds, "invite", cli_deals.cmd_invite, "invite a partner or Microsoft")
    _add_write(p)
    p.add_argument("--partner", required=True, metavar="NAME|microsoft")
    p.add_argument("--value", required=True)
    p.add_argument("--currency", required=True)
    p.add_argument("--close-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--solutions",
        required=True,
        nargs="+",
        metavar="SOL",
        help="solution IDs the invitee should bring (spaces or commas)",
    )
    p.add_argument("--help-type", required=True, metavar="HELP")
    p.add_argument("--notes", default="")

    p = b.add(ds, "favorite", cli_deals.cmd_favorite, "star a deal (or --off)")
    p.add_argument("deal", metavar="ID", help="deal number or referral ID (GUID)")
    p.add_argument("--off", action="store_true", help="remove the star")
    _add_json(p)

    p = b.add(ds, "register", cli_deals.cmd_register, "register a won deal (Azure IP co-sell)")
    _add_write(p)
    p.add_argument("--file", metavar="FORM.json", help="registration form (docs/deal-format.md)")
    p.add_argument("--marketplace", choices=["yes", "no"], help="is marketplace transaction?")
    p.add_argument("--marketplace-date", metavar="YYYY-MM-DD")
    p.add_argument("--azure", choices=["yes", "no"], help="deployed on Azure?")
    p.add_argument("--term", choices=["perpetual", "finite"])
    p.add_argument("--contract-value")
    p.add_argument("--contract-currency")
    p.add_argument("--solution", metavar="SOL", help="the IP co-sell solution registered")
    p.add_argument("--solution-value")
    p.add_argument("--solution-currency")
    p.add_argument("--sign-date", metavar="YYYY-MM-DD")
    p.add_argument("--start-date", metavar="YYYY-MM-DD")
    p.add_argument("--end-date", metavar="YYYY-MM-DD")
    p.add_argument("--tenant", choices=["customer", "partner"], help="primary deployment")
    p.add_argument("--pricing", choices=["payg", "other"], help="pricing model")


def _add_contact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contact-first-name", metavar="NAME")
    parser.add_argument("--contact-last-name", metavar="NAME")
    parser.add_argument("--contact-phone", metavar="PHONE")
    parser.add_argument("--contact-email", metavar="EMAIL")


# --- running ----------------------------------------------------------------------------------


def _check_clock(args: argparse.Namespace) -> None:
    """Validate --now / COSELL_NOW up front, so a typo is exit 1, not a crash later."""
    from cosell_tui.domain.clock import parse_instant

    for source, text in (("--now", args.now), ("COSELL_NOW", os.environ.get("COSELL_NOW"))):
        if text:
            try:
                parse_instant(text)
            except ValueError:
                raise CliError(
                    f"{source}: {text!r} is not an ISO-8601 instant (e.g. 2025-06-01T09:00:00Z)"
                ) from None
            return


def _run(ctx: Context) -> int:
    _check_clock(ctx.args)
    handler: Handler | None = getattr(ctx.args, "handler", None)
    if handler is None:
        from cosell_tui.cli_admin import cmd_tui

        handler = cmd_tui
    return handler(ctx)


def report_error(exc: BaseException, err: TextIO) -> int:
    """One `cosell: ` line (plus field lines for a form) and the error's exit code."""
    from cosell_tui.config import ConfigError
    from cosell_tui.jsonio import DocumentError
    from cosell_tui.service.errors import CosellError, ValidationError

    if isinstance(exc, CliError | ConfigError):
        print(f"cosell: {exc.message}", file=err)
        return exc.exit_code
    rules_errors = sys.modules.get("cosell_tui.rules.errors")  # loaded if rules were read
    if rules_errors is not None and isinstance(exc, rules_errors.RuleFileError):
        print(f"cosell: broken rule file: {exc}", file=err)
        return EXIT_REFUSED
    if isinstance(exc, DocumentError):
        print(f"cosell: {exc}", file=err)
        return EXIT_REFUSED
    if isinstance(exc, CosellError):
        print(f"cosell: {exc.message}", file=err)
        if isinstance(exc, ValidationError):
            for name, message in exc.fields.items():
                if message and message not in exc.message:
                    print(f"cosell:   {name}: {message}", file=err)
        return exc.exit_code
    raise exc


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line and return its exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    ctx = Context(args, out, err)
    try:
        return _run(ctx)
    except KeyboardInterrupt:
        print("cosell: interrupted", file=err)
        return 130
    except BrokenPipeError:  # `cosell deal list | head`: the reader left; not an error of ours
        _silence_stdout()
        return 141
    except Exception as exc:
        try:
            return report_error(exc, err)
        except Exception:
            if os.environ.get(DEBUG_ENV):
                raise
            print(f"cosell: internal error: {type(exc).__name__}: {exc}".rstrip(": "), file=err)
            print(f"cosell: set {DEBUG_ENV}=1 to see the traceback", file=err)
            return EXIT_INTERNAL
    finally:
        try:
            ctx.close()
        except Exception as exc:  # closing must never turn success into a crash
            if os.environ.get(DEBUG_ENV):
                raise
            print(f"cosell: could not close the database cleanly: {exc}", file=err)


if __name__ == "__main__":
    raise SystemExit(main())
