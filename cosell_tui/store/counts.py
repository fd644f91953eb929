"""Tab counts kept by the database: `grid_count` rows maintained by triggers.

Counting a tab of a million deals takes about a second, and every write used to throw the
cached counts away. So the database keeps them, one row per (org_id, location_id, tab,
user_id): tabs 'I', 'O' and 'C' (the generated `grid_tab` of a referral, user_id 0) and 'F'
(a user's favourites, user_id = who starred them). Row triggers on referral and favorite
adjust them in the writing transaction, on SQLite and PostgreSQL alike, so an admin's tab
label is a sum over a handful of rows (entire company: every location; a location-scoped
admin: theirs). Role.USER scopes (only deals they are on the team of) and filtered counts are
not kept here; the grid counts those with SQL.

Bulk loads drop the triggers (`drop`, via search.suspend) and rebuild every row in one
INSERT … SELECT … GROUP BY (`rebuild`, via search.resume).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection

#: user_id of the per-tab rows (favourite rows carry the user who starred).
NO_USER = 0

_SQLITE_TRIGGERS = {
    "grid_count_referral_ai": """
    CREATE TRIGGER IF NOT EXISTS grid_count_referral_ai AFTER INSERT ON referral BEGIN
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n)
      VALUES (new.org_id, new.location_id, new.grid_tab, 0, 1)
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = n + 1;
    END""",
    "grid_count_referral_bd": """
    CREATE TRIGGER IF NOT EXISTS grid_count_referral_bd BEFORE DELETE ON referral BEGIN
      UPDATE grid_count SET n = n - 1
      WHERE org_id = old.org_id AND location_id = old.location_id AND tab = old.grid_tab
        AND user_id = 0;
      UPDATE grid_count SET n = n - 1
      WHERE org_id = old.org_id AND location_id = old.location_id AND tab = 'F'
        AND user_id IN (SELECT user_id FROM favorite WHERE referral_id = old.id);
    END""",
    "grid_count_referral_au": """
    CREATE TRIGGER IF NOT EXISTS grid_count_referral_au
    AFTER UPDATE OF org_id, location_id, status, direction ON referral
    WHEN old.grid_tab IS NOT new.grid_tab OR old.org_id IS NOT new.org_id
      OR old.location_id IS NOT new.location_id
    BEGIN
      UPDATE grid_count SET n = n - 1
      WHERE org_id = old.org_id AND location_id = old.location_id AND tab = old.grid_tab
        AND user_id = 0;
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n)
      VALUES (new.org_id, new.location_id, new.grid_tab, 0, 1)
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = n + 1;
      UPDATE grid_count SET n = n - 1
      WHERE (old.org_id IS NOT new.org_id OR old.location_id IS NOT new.location_id)
        AND org_id = old.org_id AND location_id = old.location_id AND tab = 'F'
        AND user_id IN (SELECT user_id FROM favorite WHERE referral_id = new.id);
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n)
      SELECT new.org_id, new.location_id, 'F', user_id, 1 FROM favorite
      WHERE (old.org_id IS NOT new.org_id OR old.location_id IS NOT new.location_id)
        AND referral_id = new.id
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = n + 1;
    END""",
    "grid_count_favorite_ai": """
    CREATE TRIGGER IF NOT EXISTS grid_count_favorite_ai AFTER INSERT ON favorite BEGIN
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n)
      SELECT org_id, location_id, 'F', new.user_id, 1 FROM referral WHERE id = new.referral_id
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = n + 1;
    END""",
    "grid_count_favorite_ad": """
    CREATE TRIGGER IF NOT EXISTS grid_count_favorite_ad AFTER DELETE ON favorite BEGIN
      UPDATE grid_count SET n = n - 1
      WHERE tab = 'F' AND user_id = old.user_id
        AND (org_id, location_id) IN
            (SELECT org_id, location_id FROM referral WHERE id = old.referral_id);
    END""",
    "grid_count_favorite_au": """
    CREATE TRIGGER IF NOT EXISTS grid_count_favorite_au
    AFTER UPDATE OF user_id, referral_id ON favorite BEGIN
      UPDATE grid_count SET n = n - 1
      WHERE tab = 'F' AND user_id = old.user_id
        AND (org_id, location_id) IN
            (SELECT org_id, location_id FROM referral WHERE id = old.referral_id);
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n)
      SELECT org_id, location_id, 'F', new.user_id, 1 FROM referral WHERE id = new.referral_id
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = n + 1;
    END""",
}

# PostgreSQL: the same arithmetic in plpgsql row triggers (AFTER, so NEW.grid_tab is computed;
# BEFORE DELETE, so a deleted deal's favourites are still there to be subtracted).
_PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION grid_count_add(o integer, l integer, t varchar, u integer,
                                                 d integer) RETURNS void AS $$
    BEGIN
      INSERT INTO grid_count (org_id, location_id, tab, user_id, n) VALUES (o, l, t, u, d)
      ON CONFLICT (org_id, location_id, tab, user_id) DO UPDATE SET n = grid_count.n + d;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION grid_count_referral() RETURNS trigger AS $$
    DECLARE fav integer;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM grid_count_add(NEW.org_id, NEW.location_id, NEW.grid_tab, 0, 1);
        RETURN NULL;
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM grid_count_add(OLD.org_id, OLD.location_id, OLD.grid_tab, 0, -1);
        FOR fav IN SELECT user_id FROM favorite WHERE referral_id = OLD.id LOOP
          PERFORM grid_count_add(OLD.org_id, OLD.location_id, 'F', fav, -1);
        END LOOP;
        RETURN OLD;
      END IF;
      IF OLD.grid_tab IS DISTINCT FROM NEW.grid_tab OR OLD.org_id IS DISTINCT FROM NEW.org_id
         OR OLD.location_id IS DISTINCT FROM NEW.location_id THEN
        PERFORM grid_count_add(OLD.org_id, OLD.location_id, OLD.grid_tab, 0, -1);
        PERFORM grid_count_add(NEW.org_id, NEW.location_id, NEW.grid_tab, 0, 1);
      END IF;
      IF OLD.org_id IS DISTINCT FROM NEW.org_id
         OR OLD.location_id IS DISTINCT FROM NEW.location_id THEN
        FOR fav IN SELECT user_id FROM favorite WHERE referral_id = NEW.id LOOP
          PERFORM grid_count_add(OLD.org_id, OLD.location_id, 'F', fav, -1);
          PERFORM grid_count_add(NEW.org_id, NEW.location_id, 'F', fav, 1);
        END LOOP;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION grid_count_favorite() RETURNS trigger AS $$
    DECLARE o integer; l integer;
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT org_id, location_id INTO o, l FROM referral WHERE id = OLD.referral_id;
        IF FOUND THEN PERFORM grid_count_add(o, l, 'F', OLD.user_id, -1); END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT org_id, location_id INTO o, l FROM referral WHERE id = NEW.referral_id;
        IF FOUND THEN PERFORM grid_count_add(o, l, 'F', NEW.user_id, 1); END IF;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
)
_PG_TRIGGERS = {
    ("grid_count_referral_aiu", "referral"): (
        "AFTER INSERT OR UPDATE OF org_id, location_id, status, direction ON referral "
        "FOR EACH ROW EXECUTE FUNCTION grid_count_referral()"
    ),
    ("grid_count_referral_bd", "referral"): (
        "BEFORE DELETE ON referral FOR EACH ROW EXECUTE FUNCTION grid_count_referral()"
    ),
    ("grid_count_favorite_aiud", "favorite"): (
        "AFTER INSERT OR UPDATE OF user_id, referral_id OR DELETE ON favorite "
        "FOR EACH ROW EXECUTE FUNCTION grid_count_favorite()"
    ),
}

_REBUILD = (
    "DELETE FROM grid_count",
    # One pass over ix_referral_tab_location (org_id, grid_tab, location_id, id).
    "INSERT INTO grid_count (org_id, location_id, tab, user_id, n) "
    "SELECT org_id, location_id, grid_tab, 0, count(*) FROM referral "
    "GROUP BY org_id, grid_tab, location_id",
    "INSERT INTO grid_count (org_id, location_id, tab, user_id, n) "
    "SELECT r.org_id, r.location_id, 'F', f.user_id, count(*) "
    "FROM favorite f JOIN referral r ON r.id = f.referral_id "
    "GROUP BY r.org_id, r.location_id, f.user_id",
)


def install(conn: Connection) -> None:
    """Create the triggers that keep grid_count (idempotent; does not rebuild the rows)."""
    install_triggers(conn, _SQLITE_TRIGGERS.values(), _PG_FUNCTIONS, _PG_TRIGGERS)


def install_triggers(
    conn: Connection,
    sqlite_ddl: Iterable[str],
    pg_functions: Iterable[str],
    pg_triggers: dict[tuple[str, str], str],
) -> None:
    """SQLite: run each `CREATE TRIGGER IF NOT EXISTS`; PostgreSQL: (re)create the functions,
    then each trigger {(name, table): what follows its name}."""
    if conn.dialect.name == "sqlite":
        for ddl in sqlite_ddl:
            conn.exec_driver_sql(ddl)
        return
    for ddl in pg_functions:
        conn.exec_driver_sql(ddl)
    for (name, table), body in pg_triggers.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def drop(conn: Connection) -> None:
    """Drop the triggers (before a bulk load; `rebuild` afterwards)."""
    drop_triggers(conn, _SQLITE_TRIGGERS, _PG_TRIGGERS)


def drop_triggers(
    conn: Connection, sqlite_names: Iterable[str], pg_triggers: Iterable[tuple[str, str]]
) -> None:
    """Drop row triggers by name: SQLite's, or PostgreSQL's (name, table) pairs."""
    if conn.dialect.name == "sqlite":
        for name in sqlite_names:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, table in pg_triggers:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def rebuild(conn: Connection) -> None:
    """Recount every row of grid_count from the tables, set-based."""
    for sql in _REBUILD:
        conn.exec_driver_sql(sql)


def recount_queries() -> tuple[str, ...]:
    """SELECTs of what grid_count should hold (org_id, location_id, tab, user_id, n), for
    `cosell db check` to compare with the kept rows."""
    return tuple(sql.split(") ", 1)[1] for sql in _REBUILD if sql.startswith("INSERT"))


def drop_functions(conn: Connection) -> None:
    """PostgreSQL only: the trigger functions (for the downgrade)."""
    if conn.dialect.name != "sqlite":
        for name in ("grid_count_referral()", "grid_count_favorite()",
                     "grid_count_add(integer, integer, varchar, integer, integer)"):  # fmt: skip
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}")
