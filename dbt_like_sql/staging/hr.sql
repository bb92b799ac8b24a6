-- description: One row per person in the wave's HR export (the wave population, SPEC §2), typed and with countries as ISO alpha-2.
select
    wave,
    employee_id,
    country,
    department,
    level,
    manager_id,
    site,
    gender,
    hire_date,
    employment_status,
    coalesce(invited_to_survey, true) as invited_to_survey
from raw.hr_export
where wave = $wave
