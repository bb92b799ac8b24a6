-- description: One row per check of a landing file (expectation, id repair, sanity gate, unreadable file) per scope (a wave, program, experiments), for the loaded run and the latest rejected attempt after it (load_status; SPEC §3, docs/data_quality.md): the union of the three ingestion steps' own tables (raw.wave_data_quality, raw.program_data_quality, raw.experiment_data_quality; lib/ingestion/check_tables.py). Published to BI.
select * from raw.wave_data_quality
union all by name
select * from raw.program_data_quality
union all by name
select * from raw.experiment_data_quality
order by scope, load_status, file_kind, file, check_name
