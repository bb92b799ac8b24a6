-- description: Every row an ingestion step set aside (a WARNING finding) with its reason and original values, the union of the three steps' own tables (raw.wave_quarantine, raw.program_quarantine, raw.experiment_quarantine; lib/ingestion/check_tables.py): one row per quarantined source row of the loaded run of each scope (a wave, program, experiments). Warehouse only: it holds original values (docs/data_quality.md).
select * from raw.wave_quarantine
union all by name
select * from raw.program_quarantine
union all by name
select * from raw.experiment_quarantine
order by scope, file_kind, file, source_row
