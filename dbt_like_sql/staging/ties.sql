-- description: Survey ties of the wave, one row per (respondent, nominee, relation) keeping the highest strength (SPEC §2); self-nominations and people outside the wave's population excluded; is_strong flags strength >= $strong_threshold (when the wave gives no strength for a relation at all, every tie of it is strong).
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
rated as (
    select relation, count(strength) > 0 as has_strength
    from nominations
    group by relation
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
    coalesce(d.strength >= $strong_threshold, not rated.has_strength) as is_strong,
    d.survey_rows
from deduplicated as d
join rated using (relation)
join population as r on r.employee_id = d.respondent_id
join population as n on n.employee_id = d.nominee_id
