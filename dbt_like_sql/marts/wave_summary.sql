-- description: One row per wave: population, respondents, response rate, strong arcs (staging.wave_vitals), density and reciprocity of the strong-tie graph of the primary relation, plus its graph statistics from network.wave_graph_stats (components, largest-component share, isolates, articulation points, bridges, E-I and expected E-I, assortativity, cross-country edge share) and the critical bridges of marts.bridge_criticality (organisation scope) (SPEC §2/§3/§3b).
with vitals as (
    select * from staging.wave_vitals where wave = $wave
),
arcs as (
    select respondent_id, nominee_id
    from staging.ties
    where wave = $wave and relation = $primary_relation and is_strong
),
counts as (
    -- The vital counts have one definition (staging.wave_vitals, also the sanity gates').
    select
        (select population from vitals) as population,
        (select invited from vitals) as invited,
        (select respondents from vitals) as respondents,
        (select invited_respondents from vitals) as invited_respondents,
        (select arcs from vitals) as arcs,
        (select count(*) from arcs as a join arcs as b
            on a.respondent_id = b.nominee_id and a.nominee_id = b.respondent_id) as reciprocated_arcs,
        -- The articulation points of U that matter (SPEC §3b), counted from the wave's one
        -- computation of bridge criticality.
        (select count(*) from marts.bridge_criticality
            where wave = $wave and scope = 'organisation' and critical) as critical_bridges
)
select
    $wave as wave,
    population,
    invited,
    respondents,
    -- Share of the invited who answered (an uninvited answer does not raise it above 1).
    invited_respondents / nullif(invited, 0) as response_rate,
    arcs,
    arcs / nullif(population * (population - 1), 0) as density,
    reciprocated_arcs / nullif(arcs, 0) as reciprocity,
    g.edges,
    g.components,
    g.largest_component_share,
    g.isolates,
    g.articulation_points,
    critical_bridges,
    g.bridges,
    g.ei_index,
    g.ei_expected,
    g.assortativity,
    g.cross_country_edge_share
from counts
left join network.wave_graph_stats as g on g.wave = $wave
