"""Typed landing files: Parquet (streamed by record batches) and Excel workbooks (read whole:
the one sheet with data, else the one whose header has the required columns, else the sheet
named in ``[files.sheets]``), their typed cells written as the strings a CSV would give."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import HEADER_SEARCH_ROWS, HeaderBelowError, HeaderError, find_header, map_headers
from scl_pipeline.lib.ingestion.row_sources import RowSource, SheetTable, split_header

log = logging.getLogger(__name__)


def open_parquet(path: Path) -> RowSource:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def corrupt(exc: Exception) -> LandingFileError:
        return LandingFileError(path, f"not a readable Parquet file (truncated or corrupt?): {exc}")

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise corrupt(exc) from None
    names = parquet.schema_arrow.names

    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        try:
            for batch in parquet.iter_batches(batch_size=rows):
                columns = {i: column.to_pandas() for i, column in enumerate(batch.columns)}
                yield stringify(pd.DataFrame(columns, index=range(batch.num_rows)))
        except (pa.ArrowInvalid, OSError) as exc:
            raise corrupt(exc) from None

    return RowSource([str(name) for name in names], read_rows, parquet.metadata.num_rows)


def read_xlsx(path: Path, spec: FileSpec, aliases: AliasMap) -> SheetTable:
    import zipfile

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise LandingFileError(path, f"not a readable Excel .xlsx file: {exc}") from None
    tables: dict[str, SheetTable] = {}
    problems: dict[str, HeaderBelowError] = {}  # a sheet whose header below a title is unusable
    for name, frame in sheets.items():
        if frame.notna().any().any():
            tables[name], problem = _sheet_table(stringify(frame), spec, aliases)
            if problem is not None:
                problems[name] = problem
    wanted = aliases.sheets.get(spec.name)
    if wanted is not None:
        if wanted not in sheets:
            raise LandingFileError(
                path, f"has no sheet {wanted!r} (named in column_aliases.toml [files.sheets]); its sheets: {list(sheets)}"
            )
        if wanted not in tables:
            raise LandingFileError(path, f"sheet {wanted!r} (named in column_aliases.toml [files.sheets]) has no data")
        return _checked(path, tables, problems, wanted)
    if not tables:
        raise LandingFileError(path, "the workbook has no sheet with data")
    if len(tables) == 1:
        return _checked(path, tables, problems, next(iter(tables)))
    fitting = [name for name, table in tables.items() if _has_required_columns(table, spec, aliases)]
    if len(fitting) == 1:
        log.info("%s: reading sheet %r, the only one with the %s columns", path, fitting[0], spec.stem)
        return tables[fitting[0]]
    which = f"sheets {fitting} all have" if fitting else f"none of the sheets {list(tables)} has"
    raise LandingFileError(
        path,
        f"ambiguous workbook: {which} the {spec.stem} columns; name the sheet to read in "
        f"column_aliases.toml: [files.sheets] {spec.name} = \"<sheet>\"",
    )


def _sheet_table(frame: pd.DataFrame, spec: FileSpec, aliases: AliasMap) -> tuple[SheetTable, HeaderBelowError | None]:
    """A sheet's header (the first non-blank row, or the row below a title holding the contract
    columns: find_header) and its rows below it; with the problem of a header found below a
    title but unusable."""
    head = frame.head(HEADER_SEARCH_ROWS * 5)
    candidates = [
        (int(index) + 1, ["" if pd.isna(v) else str(v).strip() for v in row])
        for index, row in zip(head.index, head.itertuples(index=False, name=None))
        if any(pd.notna(v) and str(v).strip() for v in row)
    ]
    problem = None
    try:
        position = find_header(candidates, spec, aliases)
    except HeaderBelowError as exc:
        position, problem = 0, exc
    except HeaderError:
        position = 0
    number = candidates[position][0] if candidates else 1
    return split_header(frame.iloc[number - 1 :], header_row=number), problem


def _checked(path: Path, tables: dict[str, SheetTable], problems: dict[str, HeaderBelowError], name: str) -> SheetTable:
    if name in problems:
        raise LandingFileError(path, f"sheet {name!r}: {problems[name]}")
    return tables[name]


def _has_required_columns(table: SheetTable, spec: FileSpec, aliases: AliasMap) -> bool:
    try:
        map_headers(table.headers, spec, aliases)
    except HeaderError:
        return False
    return True


def stringify(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns (Parquet, Excel) to the strings a CSV would have given."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        else:
            text = values.map(_cell_text, na_action="ignore")
        out[column] = text.astype(object).where(values.notna(), None)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.isoformat() if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
