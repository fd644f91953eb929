"""The setup screen: `cosell` on an empty database asks for the organisation, its first
location and the first Referrals admin, and runs the same use case as `cosell setup`
(service/setup.py) through the dialog contract (dialogs.py). More locations and colleagues
follow with `cosell admin location add` and `cosell admin user add`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal

from cosell_tui.domain import MAX_NAME_LEN
from cosell_tui.screens.dialogs import FormDialog, Run
from cosell_tui.widgets.form import FormField, check_field, text_field

#: The use case's field keys (service/inputs.py SetupIn) → this form's fields.
FIELD_OF = {
    "org": "org",
    "locations": "location_name",
    "locations[0].name": "location_name",
    "locations[0].partner_id": "partner_id",
    "locations[0].country": "country",
    "assessments": "assessments",
    "admin": "login",
    "admin.login": "login",
    "admin.name": "name",
    "admin.email": "email",
    "admin.phone": "phone",
}


class SetupDialog(FormDialog[Any]):
    """Set up an empty database for a real team; dismisses with the use case's result."""

    TITLE_TEXT = "Set up cosell for your team"
    SUBMIT_LABEL = "Set up"

    def __init__(
        self,
        *,
        login: str = "",
        database: str = "",
        run: Run[Any] | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(values={"login": login, **(values or {})}, run=run)
        self.database = database

    def dialog_subtitle(self) -> str:
        where = f"{self.database} is empty. " if self.database else "This database is empty. "
        return (
            where + "Name your organisation, its first location and its first Referrals "
            "admin (entire company). More: `cosell admin location add`, `cosell admin user add`."
            " Demo data instead: quit and run `cosell demo`."
        )

    def compose_fields(self) -> ComposeResult:
        def text(label: str, name: str, **kw: Any) -> FormField:
            return text_field(label, name, str(self.initial(name, "")), **kw)

        yield text("Organisation", "org", required=True, max_length=MAX_NAME_LEN)
        with Horizontal(classes="row"):
            yield text("Location", "location_name", required=True, placeholder="Seattle")
            yield text("PartnerID", "partner_id", required=True, placeholder="4812345")
            yield text("Country", "country", required=True, max_length=2, placeholder="US")
        yield check_field(
            "Vetted for solution assessments",
            "assessments",
            bool(self.initial("assessments", False)),
        )
        with Horizontal(classes="row"):
            yield text("Admin login", "login", required=True)
            yield text("Admin name", "name", required=True)
        with Horizontal(classes="row"):
            yield text("Admin email", "email", required=True)
            yield text("Admin phone", "phone", required=True, placeholder="+12065550101")

    def build(self) -> dict[str, Any]:
        return {
            "org": self.text("org"),
            "assessments": bool(self.value("assessments")),
            "locations": [
                {
                    "name": self.text("location_name"),
                    "partner_id": self.text("partner_id"),
                    "country": self.text("country"),
                }
            ],
            "admin": {
                "login": self.text("login"),
                "name": self.text("name"),
                "email": self.text("email"),
                "phone": self.text("phone"),
                "role": "admin",
                "entire_company": True,
            },
        }

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """The use case's keys (`admin.email`) beside this form's fields (`email`)."""
        super().show_errors({FIELD_OF.get(key, key): text for key, text in messages.items()},
                            message)  # fmt: skip
