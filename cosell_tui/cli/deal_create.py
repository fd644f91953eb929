"""`cosell deal create` and `cosell deal register`: the commands that read a JSON document
(docs/deal-format.md); the documents themselves are modelled in `document.py`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

import click

from cosell_tui.cli.errors import CliError
from cosell_tui.cli.options import (
    argument,
    command,
    json_option,
    option,
    pass_runtime,
    write_options,
)
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from collections.abc import Callable

    from cosell_tui.cli.document import JSON
    from cosell_tui.domain.views import Outcome
    from cosell_tui.service.core import Service
    from cosell_tui.service.forms import RegistrationForm


#: The largest document `deal create` and `deal register` read (docs/cli.md): a deal is a few kB.
MAX_DOCUMENT_BYTES = 1024 * 1024


def _too_large(source: str) -> CliError:
    return CliError(
        f"{source} is larger than {MAX_DOCUMENT_BYTES // 1024:,} kB; a deal document is a few kB"
    )


def _read_file(path: str) -> bytes:
    """At most MAX_DOCUMENT_BYTES + 1 bytes of `path`, whatever it is: a file, a pipe made by
    the shell (`<(…)`), a FIFO nobody writes to (opened without waiting: it reads as empty),
    or a device that never ends (/dev/zero: cut off)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_DOCUMENT_BYTES:
            chunk = os.read(fd, MAX_DOCUMENT_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_document(path: str, stdin: TextIO | None = None) -> tuple[str, str]:
    """The text of a JSON file or of standard input (`-`), and a name for messages; at most
    MAX_DOCUMENT_BYTES, UTF-8."""
    if path == "-":
        text = (stdin or sys.stdin).read(MAX_DOCUMENT_BYTES + 1)
        if len(text) > MAX_DOCUMENT_BYTES:
            raise _too_large("standard input")
        return text, "standard input"
    try:
        data = _read_file(path)
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a folder, not a JSON file") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read it ({(exc.strerror or str(exc)).lower()})") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_large(path)
    try:
        return data.decode("utf-8"), path
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None


@command("create", help="Create a deal from a JSON document (docs/deal-format.md).")
@argument("file", metavar="FILE", help="JSON file, or - for standard input.")
@json_option
@pass_runtime
def create(rt: Runtime, file: str, as_json: bool) -> int:
    from cosell_tui.cli.document import draft_from_json

    def create_deal(document: JSON, service: Service) -> Outcome:
        return service.creation.create_deal(draft_from_json(document, service))

    return _from_document(rt, file, as_json, create_deal)


@command("send", help="Send a referral to a partner (a Microsoft seller; docs/deal-format.md).")
@option("--to", "to", required=True, metavar="PARTNER", help="The receiving partner: name or id.")
@argument("file", metavar="FILE", help="JSON document as `deal create` reads, or - for stdin.")
@json_option
@pass_runtime
def send(rt: Runtime, to: str, file: str, as_json: bool) -> int:
    from cosell_tui.cli.document import referral_from_json
    from cosell_tui.cli.parse import resolve_partner

    def send_referral(document: JSON, service: Service) -> Outcome:
        target = resolve_partner(service, to, "--to")
        if target == "microsoft":
            raise CliError(
                "--to: a referral is sent to a partner; Microsoft is asked for help instead"
            )
        return service.creation.send_referral(referral_from_json(document, target))

    return _from_document(rt, file, as_json, send_referral)


def _from_document(
    rt: Runtime, file: str, as_json: bool, write: Callable[[JSON, Service], Outcome]
) -> int:
    """Read and parse the document in FILE, write it with `write` and print the outcome; the
    service's field names in a refusal are said as the document's paths."""
    from cosell_tui.cli.deal_write import print_outcome
    from cosell_tui.cli.document import in_document_terms, parse_document
    from cosell_tui.service.errors import ValidationError

    text, source = read_document(file)
    document = parse_document(text, source)
    try:
        outcome = write(document, rt.service())
    except ValidationError as exc:  # name the document's fields, not the service's
        fields, message = in_document_terms(exc.fields, exc.message)
        raise ValidationError(message, fields) from None
    return print_outcome(rt, outcome, as_json)


# --- register ---------------------------------------------------------------------------------

#: Options that give (or override) an answer of the registration form: option -> form field.
REGISTER_OPTIONS = {
    "marketplace": "is_marketplace",
    "marketplace_date": "marketplace_date",
    "azure": "deployed_on_azure",
    "term": "term",
    "contract_value": "contract_value",
    "contract_currency": "contract_currency",
    "solution": "solution_id",
    "solution_value": "solution_value",
    "solution_currency": "solution_currency",
    "sign_date": "sign_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "tenant": "tenant_type",
    "pricing": "pricing_model",
}
#: Without --file, every one of these must be given (domain.md §4.4).
REQUIRED_OPTIONS = [
    "marketplace", "azure", "term", "contract_value", "contract_currency", "solution",
    "solution_value", "solution_currency", "sign_date", "start_date", "tenant", "pricing",
]  # fmt: skip
_PRICING = {"payg": "PayAsYouGo", "other": "Other"}


def _form_values(options: dict[str, Any]) -> dict[str, Any]:
    """The given options as the form's fields and values."""
    values: dict[str, Any] = {}
    for name, field in REGISTER_OPTIONS.items():
        value = options.get(name)
        if value is None:
            continue
        if name == "pricing":
            value = _PRICING[value]
        elif name in ("term", "tenant"):
            value = value.capitalize()
        values[field] = value
    return values


def registration_form(file: str | None, options: dict[str, Any]) -> RegistrationForm:
    """The form from --file (options override its answers), or from the options alone."""
    from cosell_tui.service.forms import RegistrationForm

    if file:
        from cosell_tui.cli.document import parse_document, registration_from_json

        text, source = read_document(file)
        return registration_from_json(parse_document(text, source), _form_values(options))
    missing = [f"--{name.replace('_', '-')}" for name in REQUIRED_OPTIONS if options[name] is None]
    if missing:
        raise CliError(
            "deal register needs --file FORM.json or every answer; missing: " + ", ".join(missing)
        )
    return RegistrationForm(**_form_values(options))


_YES_NO = click.Choice(["yes", "no"])


@command("register", help="Register a won deal (Azure IP co-sell).")
@write_options
@option("--file", metavar="FORM.json", help="Registration form (docs/deal-format.md).")
@option("--marketplace", type=_YES_NO, help="Is it a marketplace transaction?")
@option("--marketplace-date", metavar="YYYY-MM-DD", help="Marketplace transaction date.")
@option("--azure", type=_YES_NO, help="Deployed on Azure?")
@option("--term", type=click.Choice(["perpetual", "finite"]), help="Contract term.")
@option("--contract-value", help="Total contract value.")
@option("--contract-currency", help="Its ISO 4217 code.")
@option("--solution", metavar="SOL", help="The IP co-sell solution registered.")
@option("--solution-value", help="The solution's value.")
@option("--solution-currency", help="Its ISO 4217 code.")
@option("--sign-date", metavar="YYYY-MM-DD", help="Contract signed date.")
@option("--start-date", metavar="YYYY-MM-DD", help="Contract start date.")
@option("--end-date", metavar="YYYY-MM-DD", help="Contract end date (unless perpetual).")
@option("--tenant", type=click.Choice(["customer", "partner"]), help="Primary deployment.")
@option("--pricing", type=click.Choice(["payg", "other"]), help="Pricing model.")
@pass_runtime
def register(
    rt: Runtime,
    /,
    deal: str,
    expect_version: int | None,
    as_json: bool,
    file: str | None,
    **answers: Any,
) -> int:
    from cosell_tui.cli.deal_write import print_outcome
    from cosell_tui.cli.parse import parse_deal_id

    form = registration_form(file, answers)
    service = rt.service()
    row = service.listing.row(parse_deal_id(deal))
    version = row.version if expect_version is None else expect_version
    return print_outcome(rt, service.registration.register(row.id, version, form), as_json)
