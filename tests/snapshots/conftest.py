"""Snapshot tests use the same seeded demo database and app factory as the Pilot tests."""

from tests.screens.conftest import (  # noqa: F401 - fixtures are found by name
    config_file,
    demo_db,
    demo_template,
    make_app,
    open_demo,
)
