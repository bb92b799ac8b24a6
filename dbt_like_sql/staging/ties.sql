-- description: Survey ties of the wave, one row per (respondent, nominee, relation) keeping the highest strength (SPEC §2); self-nominations and people outside the wave's population excluded; is_strong flags strength >= $strong_threshold (a tie without strength counts as strong).
with nominations as (
    select
        respondent_id,
        nominee_id,
        lower(coalesce(relation, 'trust')) as relation,
        strength
    from raw.ona_survey
    where wave = $wave
      and respondent_id <> nominee_id
),
population as (
    select employee_id from staging.hr where wave = $wave
),
deduplicated as (
    select
        respondent_id,
        nominee_id,
        relation,
        max(strength) as strength,
        count(*) as survey_rows
    from nominations
    group by respondent_id, nominee_id, relation
)
select
    $wave as wave,
    d.respondent_id,
    d.nominee_id,
    d.relation,
    d.strength,
    d.strength is null or d.strength >= $strong_threshold as is_strong,
    d.survey_rows
from deduplicated as d
join population as r on r.employee_id = d.respondent_id
join population as n on n.employee_id = d.nominee_id
