-- description: One row per wave, scope and removal scenario (SPEC §3b, docs/metric_dictionary.md "Resilience"): components, largest-component share and fragmentation before and after removing the scenario's people, and country pairs disconnected. The per-wave scenarios (every country's cross-country holders and single bridges, the user scenarios of landing/scenarios.toml) come from network.resilience_wave_scenarios; the baseline wave's single bridges removed again at the baseline and every later wave from network.resilience_baseline_scenarios (rebuilt across waves, so a backfill's order does not matter).
select * from network.resilience_wave_scenarios
union all by name
select * from network.resilience_baseline_scenarios
order by wave, scope, kind, scenario
