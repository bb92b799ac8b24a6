-- description: The vital counts of the wave (SPEC §2), their one definition: population, invited (a blank invited_to_survey counts as invited), respondents (people of the population who answered), invited respondents, and strong arcs of the primary relation in staging.ties. marts.wave_summary reports them; the ingestion sanity gates run this model on a candidate wave's rows before it loads and compare with the previous wave's row here (computed with strong_threshold and primary_relation, from the raw rows loaded at loaded_at).
with population as (
    select employee_id, invited_to_survey from staging.hr where wave = $wave
),
respondents as (
    select distinct s.respondent_id, p.invited_to_survey
    from raw.ona_survey as s
    join population as p on p.employee_id = s.respondent_id
    where s.wave = $wave
)
select
    $wave as wave,
    (select count(*) from population) as population,
    (select count(*) from population where invited_to_survey) as invited,
    (select count(*) from respondents) as respondents,
    (select count(*) from respondents where invited_to_survey) as invited_respondents,
    (select count(*) from staging.ties
        where wave = $wave and relation = $primary_relation and is_strong) as arcs,
    cast($strong_threshold as integer) as strong_threshold,
    cast($primary_relation as varchar) as primary_relation,
    (select max(loaded_at) from raw.hr_export where wave = $wave) as loaded_at
