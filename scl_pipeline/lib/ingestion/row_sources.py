"""A landing file opened for reading, whatever its format: its header cells as written and a
reader of its rows as strings by position, in chunks (:mod:`.csv_files`, :mod:`.typed_files` open
one; :mod:`.readers` maps it to the contract)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd


@dataclass
class SheetTable:
    """A file as read: its header cells as written, and its rows as strings by position."""

    headers: list[str]
    rows: pd.DataFrame
    header_row: int = 1


@dataclass
class RowSource:
    """A file opened for reading: its header cells as written, a reader of its rows as strings by
    position in chunks of at most the given number of rows, and how many data rows it has."""

    headers: list[str]
    read_rows: Callable[[int], Iterator[pd.DataFrame]]
    rows_estimate: int
    # European exports separate cells with ';' (or tabs) because ',' is their decimal mark.
    decimal_comma: bool = False
    header_row: int = 1  # below a title: the row (sheet row, text line) holding the header


def whole(table: SheetTable) -> RowSource:
    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        for start in range(0, len(table.rows), rows):
            yield table.rows.iloc[start : start + rows]

    return RowSource(table.headers, read_rows, len(table.rows), header_row=table.header_row)


def split_header(frame: pd.DataFrame, header_row: int = 1) -> SheetTable:
    """First row as the header (row ``header_row`` of the file), the rest as data rows numbered from 0."""
    headers = ["" if pd.isna(h) else str(h).strip() for h in frame.iloc[0].tolist()] if len(frame) else []
    rows = frame.iloc[1:].reset_index(drop=True)
    rows.columns = range(rows.shape[1])
    return SheetTable(headers, rows, header_row)
