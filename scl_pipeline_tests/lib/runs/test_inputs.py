from scl_pipeline.lib.runs.inputs import Fingerprint, code_version, file_digest, landing_parts, settings_part


def test_landing_parts_hash_content_files_only(tmp_path):
    wave = tmp_path / "landing" / "waves" / "2021-Q1"
    wave.mkdir(parents=True)
    (wave / "hr_export.csv").write_text("employee_id\nE1\n")
    (wave / "~$hr_export.xlsx").write_text("lock")  # an editor's lock file
    (wave / ".DS_Store").write_text("x")
    parts = landing_parts(tmp_path, [wave, tmp_path / "landing" / "scenarios.toml"])  # a missing file is left out
    assert parts == {"landing:landing/waves/2021-Q1/hr_export.csv": file_digest(wave / "hr_export.csv")}
    (wave / "hr_export.csv").write_text("employee_id\nE2\n")
    assert landing_parts(tmp_path, [wave]) != parts


def test_a_fingerprint_digest_follows_every_part_in_any_order():
    before = Fingerprint({"code": "a", "landing:x": "1", "settings:roles": settings_part({"percentile": 90.0})})
    after = Fingerprint({"code": "a", "landing:x": "2", "landing:y": "3",
                         "settings:roles": settings_part({"percentile": 90.0})})
    assert before.digest == Fingerprint(dict(reversed(list(before.parts.items())))).digest  # order-free
    assert before.digest != after.digest and len(before.digest) == 24
    assert settings_part({"a": 1, "b": 2}) == settings_part({"b": 2, "a": 1}) != settings_part({"a": 1, "b": 3})


def test_the_code_version_follows_the_sources(tmp_path):
    (tmp_path / "scl_pipeline").mkdir()
    (tmp_path / "dbt_like_sql").mkdir()
    (tmp_path / "scl_pipeline" / "m.py").write_text("x = 1\n")
    (tmp_path / "dbt_like_sql" / "t.sql").write_text("select 1\n")
    first = code_version(tmp_path)
    code_version.cache_clear()
    (tmp_path / "scl_pipeline" / "notes.txt").write_text("not code")
    assert code_version(tmp_path) == first
    code_version.cache_clear()
    (tmp_path / "dbt_like_sql" / "t.sql").write_text("select 2\n")
    assert code_version(tmp_path) != first
    code_version.cache_clear()
