"""Fast loading of many rows: executemany of tuples on SQLite, COPY on PostgreSQL.

The ORM costs tens of microseconds per object; a million deals need a few microseconds per
row, so large loads write storage values directly (naive UTC datetimes, integer cents) and
rebuild secondary indexes once at the end instead of maintaining them row by row.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, text
from sqlalchemy.engine import Connection

from cosell_tui.store.models import Base
from cosell_tui.store.types import UTCDateTime

#: Tables in foreign-key order (parents first), as a flush writes them.
LOAD_ORDER = (
    "organization",
    "location",
    "user_account",
    "user_location",
    "account",
    "account_key",
    "solution",
    "exchange_rate",
    "engagement",
    "referral",
    "customer_contact",
    "team_member",
    "referral_solution",
    "invitation",
    "favorite",
    "history",
    "registration",
)
#: Tables whose secondary indexes a large load drops and rebuilds.
BIG_TABLES = (
    "referral",
    "customer_contact",
    "team_member",
    "referral_solution",
    "invitation",
    "favorite",
    "history",
    "registration",
)


def _sqlite_dt(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format, so ORM reads and comparisons agree.
    return None if value is None else value.isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class BulkLoader:
    """Buffers rows per table and writes them in foreign-key order every `chunk` rows.

    Writing happens on a background thread, so generating the next chunk (Python) overlaps
    with the database inserting the previous one (the drivers release the GIL while the
    database works). The caller must not use the connection until `close()` returns.
    """

    def __init__(
        self,
        conn: Connection,
        columns: Mapping[str, Sequence[str]],
        chunk: int = 20000,
        commit_each: bool = False,
    ) -> None:
        self.conn = conn
        #: Commit every flush: a huge single transaction makes SQLite's WAL crawl.
        self.commit_each = commit_each
        self.columns = columns
        self.chunk = chunk
        self.sqlite = conn.dialect.name == "sqlite"
        self.buffers: dict[str, list[tuple[Any, ...]]] = {t: [] for t in LOAD_ORDER}
        self.counts: dict[str, int] = dict.fromkeys(LOAD_ORDER, 0)
        self._converters = {t: self._converters_for(t) for t in columns}
        self._pending = 0
        self._queue: queue.Queue[dict[str, list[tuple[Any, ...]]] | None] = queue.Queue(2)
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._drain, name="bulk-writer", daemon=True)
        self._writer.start()

    def _converters_for(self, table: str) -> list[tuple[int, Any]]:
        if not self.sqlite:
            return []
        cols = Base.metadata.tables[table].columns
        out = []
        for i, name in enumerate(self.columns[table]):
            col_type = cols[name].type
            if isinstance(col_type, UTCDateTime):
                out.append((i, _sqlite_dt))
            elif isinstance(col_type, Date):
                out.append((i, _sqlite_date))
        return out

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.buffers[table].append(row)
        self._pending += 1
        if self._pending >= self.chunk:
            self.flush()

    def extend(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        for row in rows:
            self.add(table, row)

    def flush(self) -> None:
        """Hand the buffered rows to the writer (blocks while two chunks are queued)."""
        self._raise()
        batch = {t: rows for t, rows in self.buffers.items() if rows}
        for table, rows in batch.items():
            self.counts[table] += len(rows)
        self.buffers = {t: [] for t in LOAD_ORDER}
        self._pending = 0
        if batch:
            self._queue.put(batch)

    def close(self) -> None:
        """Write everything still buffered and wait for the writer to finish."""
        self.flush()
        self._queue.put(None)
        self._writer.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _drain(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            if self._error is not None:
                continue  # keep draining so the producer never blocks forever
            try:
                for table in LOAD_ORDER:
                    if table in batch:
                        self._write(table, batch[table])
                if self.commit_each:
                    raw = self.conn.connection.driver_connection
                    assert raw is not None
                    raw.commit()
            except BaseException as exc:  # re-raised in the caller's thread
                self._error = exc

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        cols = self.columns[table]
        raw = self.conn.connection.driver_connection
        assert raw is not None
        if self.sqlite:
            conv = self._converters[table]
            params: Sequence[Sequence[Any]] = rows
            if conv:
                converted = []
                for row in rows:
                    r = list(row)
                    for i, fn in conv:
                        r[i] = fn(r[i])
                    converted.append(r)
                params = converted
            marks = ", ".join("?" * len(cols))
            raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", params)
        else:
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)


def secondary_indexes(tables: Sequence[str]) -> list[Index]:
    """The models' non-unique secondary indexes of `tables` (what a bulk load can defer)."""
    return [idx for name in tables for idx in Base.metadata.tables[name].indexes if not idx.unique]


def drop_indexes(conn: Connection, indexes: Sequence[Index]) -> None:
    for idx in indexes:
        conn.execute(text(f"DROP INDEX IF EXISTS {idx.name}"))


def create_indexes(conn: Connection, indexes: Sequence[Index], commit_each: bool = False) -> None:
    for idx in indexes:
        idx.create(conn, checkfirst=True)
        if commit_each:
            conn.commit()


def reset_sequences(conn: Connection) -> None:
    """After explicit ids on PostgreSQL, move each id sequence past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id" and pk[0].autoincrement in (True, "auto"):
            seq = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
            ).scalar()
            if seq:
                conn.execute(
                    text(
                        f"SELECT setval(:s, coalesce((SELECT max(id) FROM {table.name}), 0) + 1,"
                        " false)"
                    ),
                    {"s": seq},
                )
