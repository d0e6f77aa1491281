"""Retention and exports (pure): when a departed member's or a removed server's data may go;
the export as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

#: How often the retention purge runs in production.
PURGE_INTERVAL = timedelta(hours=6)


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Members who left, and servers that removed the bot, before this instant are purged."""
    return now - timedelta(days=retention_days)


#: The columns of the CSV export: one line per stored value.
CSV_HEADER = ("table", "row", "column", "value")


def export_csv(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A member's export (table name -> rows) as CSV in long form: one line per stored value
    (table, row number within the table, column, value), so every table fits one sheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for table in sorted(tables):
        for number, row in enumerate(tables[table], start=1):
            for column in sorted(row):
                value = row[column]
                shown = (
                    ""
                    if value is None
                    else json.dumps(value)
                    if isinstance(value, dict | list)
                    else str(value)
                )
                writer.writerow((table, number, column, shown))
    return out.getvalue()
