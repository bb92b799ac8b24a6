"""Byte-reproducible writing of landing files in CSV, Parquet or XLSX.

CSV: UTF-8, ``\\n`` line ends, ISO dates and timestamps, empty cell for a missing value.
Large tables (HR exports, surveys) come as Arrow tables (survey ids dictionary-encoded) and are
written by Arrow's CSV writer, unquoted and with booleans as ``True``/``False`` like pandas'
output, without a Python object per cell.
Parquet: typed columns (dates as ``date32``, booleans, integers), snappy, no pandas index.
XLSX: one sheet; openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry,
so both are rewritten to a fixed instant to make the same data give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scl_pipeline.lib.contract import FORMATS

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_ISO = "2000-01-01T00:00:00Z"
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def write_table(frame: pd.DataFrame | pa.Table, path: Path, file_format: str) -> Path:
    """Write ``frame`` to ``path`` (suffix replaced by the format's) and return the file path."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}: expected one of {', '.join(FORMATS)}")
    target = path.with_suffix(f".{file_format}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(frame, pa.Table):
        if file_format == "csv":
            _write_arrow_csv(frame, target)
            return target
        frame = _decoded(frame)
        if file_format == "parquet":
            pq.write_table(frame.replace_schema_metadata(None), target, compression="snappy")
            return target
        frame = frame.to_pandas()
    if file_format == "csv":
        frame.to_csv(target, index=False, lineterminator="\n", date_format=None)
    elif file_format == "parquet":
        _write_parquet(frame, target)
    else:
        _write_xlsx(frame, target)
    return target


def _decoded(table: pa.Table) -> pa.Table:
    """Dictionary-encoded columns as their plain values."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    return table


def _write_arrow_csv(table: pa.Table, target: Path) -> None:
    for i, field in enumerate(table.schema):
        if pa.types.is_boolean(field.type):  # as pandas writes them
            table = table.set_column(i, field.name, pc.if_else(table.column(i), "True", "False"))
    # Arrow quotes its header whatever the quoting style: write pandas' plain header first.
    with target.open("wb") as out:
        out.write((",".join(table.column_names) + "\n").encode())
        pa_csv.write_csv(table, out, pa_csv.WriteOptions(include_header=False, quoting_style="none"))


def _date_columns(frame: pd.DataFrame) -> list[str]:
    """Datetime columns that carry dates only (no time of day)."""
    out = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            values = col.dropna()
            if len(values) and (values == values.dt.normalize()).all() and name.endswith("_date"):
                out.append(name)
    return out


def _write_parquet(frame: pd.DataFrame, target: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in _date_columns(frame):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(pa.timestamp("s")).cast(pa.date32()))
    # Pandas metadata would describe the pre-cast types; the schema itself is the contract.
    table = table.replace_schema_metadata(None)
    pq.write_table(table, target, compression="snappy")


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_xlsx(frame: pd.DataFrame, target: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=target.stem[:31])
    sheet.append(list(frame.columns))
    dates = set(_date_columns(frame))
    columns = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            columns.append(
                [None if pd.isna(v) else (v.date() if name in dates else v.to_pydatetime()) for v in col]
            )
        else:
            columns.append([_cell(v) for v in col.tolist()])
    for row in zip(*columns):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>" + _FIXED_ISO.encode() + rb"\g<3>", data)
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            out.writestr(info, data)
