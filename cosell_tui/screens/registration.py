"""The Azure IP co-sell registration form (domain.md §4.4), opened from a won, eligible deal.

Only the immediate checks live here (required fields, dates and amounts that parse, the fields
that become required by another answer); the thresholds and date windows (ACV over USD 25,000,
sign date within 60 days, ...) are the service's, and come back as `ValidationError.fields`
shown next to the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select

from cosell_tui.domain import (
    MAX_NOTES_LEN,
    REGISTRATION_FIELDS,
    ContractTerm,
    ExceptionStatus,
    PricingModel,
    TenantType,
)
from cosell_tui.domain.facts import KeptAnswers
from cosell_tui.domain.views import DealDetail, RegistrationView
from cosell_tui.screens.dialogs import FormDialog, Reload, Run
from cosell_tui.service.forms import RegistrationForm
from cosell_tui.widgets.form import FormField, choice_field, text_field

YES_NO: list[tuple[str, object]] = [("Yes", True), ("No", False)]
E = TypeVar("E", bound=Enum)


def registration_values(detail: DealDetail) -> dict[str, object]:
    """Start from the deal: its currency, its first Azure IP solution, a previous registration."""
    row = detail.row
    eligible = [line.solution for line in detail.solutions if line.solution.azure_ip_co_sell]
    values: dict[str, object] = {
        "contract_currency": row.currency,
        "solution_currency": row.currency,
        "contract_value": f"{row.value:.2f}",
    }
    if eligible:
        values["solution_id"] = eligible[0].id
    if (reg := detail.registration) is not None:
        values.update(_from_view(reg))
    return values


def _from_view(reg: RegistrationView) -> dict[str, object]:
    """A registration sent back ("Action required") opens with what was submitted."""
    return {
        "is_marketplace": reg.is_marketplace,
        "marketplace_date": reg.marketplace_date.isoformat() if reg.marketplace_date else "",
        "deployed_on_azure": reg.deployed_on_azure,
        "term": ContractTerm.PERPETUAL if reg.perpetual else ContractTerm.FINITE,
        "contract_value": f"{reg.contract_value:.2f}",
        "contract_currency": reg.contract_currency,
        "solution_id": reg.solution_id,
        "solution_value": f"{reg.solution_value:.2f}",
        "solution_currency": reg.solution_currency,
        "sign_date": reg.sign_date.isoformat(),
        "start_date": reg.start_date.isoformat(),
        "end_date": reg.end_date.isoformat() if reg.end_date else "",
        "tenant_type": TenantType(reg.tenant_type),
        "pricing_model": PricingModel(reg.pricing_model),
    }


def form_values(form: RegistrationForm) -> dict[str, object]:
    """A submitted form back into field values, to reopen the dialog after a refusal."""
    return {
        name: "" if value is None else value
        for name, value in (
            ("is_marketplace", form.is_marketplace),
            ("marketplace_date", form.marketplace_date),
            ("deployed_on_azure", form.deployed_on_azure),
            ("term", form.term),
            ("contract_value", str(form.contract_value)),
            ("contract_currency", form.contract_currency),
            ("solution_id", form.solution_id),
            ("solution_value", str(form.solution_value)),
            ("solution_currency", form.solution_currency),
            ("sign_date", str(form.sign_date)),
            ("start_date", str(form.start_date)),
            ("end_date", str(form.end_date or "")),
            ("tenant_type", form.tenant_type),
            ("pricing_model", form.pricing_model),
        )
    }


class RegistrationDialog(FormDialog[Any]):
    """Register a won deal for Azure IP co-sell → RegistrationForm."""

    SUBMIT_LABEL = "Register"

    def __init__(
        self,
        detail: DealDetail,
        *,
        form: RegistrationForm | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
        kept: KeptAnswers | None = None,
    ) -> None:
        values = form_values(form) if form is not None else registration_values(detail)
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail
        reg = detail.registration
        excepted = reg is not None and reg.exception_status is ExceptionStatus.APPROVED
        #: Filed again after an approved exception (D19): the answers that stay as Microsoft
        #: rejected them (read-only here; the service refuses a change with the same words).
        self.kept = kept if excepted and kept is not None else KeptAnswers()

    def dialog_title(self) -> str:
        return f"Register “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        subtitle = "Azure IP co-sell registration · ACV over USD 25,000 · * required"
        if not self.kept.fields:
            return subtitle
        names = ", ".join(REGISTRATION_FIELDS[name] for name in self.kept.fields)
        return (
            f"{subtitle}\nFiled again after an approved exception: {self.kept.why} "
            f"Kept as filed: {names}."
        )

    async def prepare(self) -> None:
        for name in self.kept.fields:
            if found := self.query(f"#field-{name}"):
                found.first(FormField).control.disabled = True

    def compose_fields(self) -> ComposeResult:
        def text(label: str, name: str, **kw: Any) -> FormField:
            return text_field(label, name, str(self.initial(name, "") or ""), **kw)

        def choice(label: str, name: str, options: list[tuple[str, object]]) -> FormField:
            initial = self.initial(name, Select.NULL)
            return choice_field(label, name, options, initial, required=True)

        solutions: list[tuple[str, object]] = [
            (
                line.solution.name
                + ("" if line.solution.azure_ip_co_sell else " (not IP co-sell)"),
                line.solution.id,
            )
            for line in self.deal.solutions
        ]
        with Horizontal(classes="row"):
            yield choice("Marketplace transaction?", "is_marketplace", YES_NO)
            yield text("Marketplace date", "marketplace_date", kind="date", placeholder="if Yes")
        with Horizontal(classes="row"):
            yield choice("Deployed on Azure?", "deployed_on_azure", YES_NO)
            yield choice("Contract term", "term", [(t.label, t) for t in ContractTerm])
        with Horizontal(classes="row"):
            yield text("Total contract value", "contract_value", required=True, kind="number")
            yield text("Currency", "contract_currency", required=True, max_length=3)
        yield choice("Solution", "solution_id", solutions)
        with Horizontal(classes="row"):
            yield text("Solution value", "solution_value", required=True, kind="number")
            yield text("Currency", "solution_currency", required=True, max_length=3)
        with Horizontal(classes="row"):
            yield text("Signed on", "sign_date", required=True, kind="date")
            yield text("Starts on", "start_date", required=True, kind="date")
            yield text("Ends on", "end_date", kind="date", placeholder="unless perpetual")
        with Horizontal(classes="row"):
            yield choice("Tenant type", "tenant_type", [(t.label, t) for t in TenantType])
            yield choice("Pricing model", "pricing_model", [(p.label, p) for p in PricingModel])

    def extra_check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self.value("is_marketplace") is True and not self.text("marketplace_date"):
            problems["marketplace_date"] = "Required for a marketplace transaction."
        if self.value("term") == ContractTerm.FINITE and not self.text("end_date"):
            problems["end_date"] = "Required unless the contract is perpetual."
        if self.value("deployed_on_azure") is False:
            problems["deployed_on_azure"] = (
                "Only Azure deployments can be registered: close the form without registering."
            )
        return problems

    def _choice(self, name: str, kind: type[E]) -> E:
        """A required picklist's member: build() runs only once the required checks passed."""
        value = self.value(name)
        assert isinstance(value, kind), f"{name}: {value!r}"
        return value

    def build(self) -> RegistrationForm:
        marketplace = bool(self.value("is_marketplace"))
        perpetual = self.value("term") == ContractTerm.PERPETUAL
        return RegistrationForm(
            is_marketplace=marketplace,
            deployed_on_azure=bool(self.value("deployed_on_azure")),
            term=self._choice("term", ContractTerm),
            contract_value=self.text("contract_value"),
            contract_currency=self.text("contract_currency").upper(),
            solution_id=str(self.value("solution_id")),
            solution_value=self.text("solution_value"),
            solution_currency=self.text("solution_currency").upper(),
            sign_date=self.text("sign_date"),
            start_date=self.text("start_date"),
            tenant_type=self._choice("tenant_type", TenantType),
            pricing_model=self._choice("pricing_model", PricingModel),
            end_date=None if perpetual else (self.text("end_date") or None),
            marketplace_date=(self.text("marketplace_date") or None) if marketplace else None,
        )


class ExceptionDialog(FormDialog[Any]):
    """Ask Microsoft for an exception to a rejected registration → the message (at most 5,000
    characters). One request per referral: the dialog asks for a confirmation first."""

    SUBMIT_LABEL = "Request exception"

    def __init__(
        self,
        detail: DealDetail,
        *,
        values: Mapping[str, object] | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail

    def dialog_title(self) -> str:
        return f"Request an exception for “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        reg = self.deal.registration
        why = f"Rejected: {reg.status_reason}\n" if reg and reg.status_reason else ""
        return f"{why}One request, within 60 days of registering · * required"

    def compose_fields(self) -> ComposeResult:
        yield text_field(
            "Why should Microsoft make an exception?",
            "message",
            str(self.initial("message", "")),
            required=True,
            max_length=MAX_NOTES_LEN,
            placeholder="At most 5,000 characters; Microsoft's reviewer reads it",
        )

    def build(self) -> str:
        return self.text("message")

    def confirm_text(self, value: Any) -> str | None:
        return (
            "A deal has one exception request: ctrl+y again to send it to Microsoft, esc to "
            "go back."
        )
