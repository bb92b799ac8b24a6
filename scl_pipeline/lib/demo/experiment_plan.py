"""Who asks whom in the demo's question-and-answer experiment (rules and indicators:
:mod:`.experiment`), planted so the indicators come out at the case study's figures.

The case study's three figures (65 % vs 25 %, 48 % vs 15 %, 60 % vs 12 %) are planted together.
Per group, ``round(rate * members)`` members are *engaged*: each asks two questions that are
answered (so their knowledge gap is addressed: two exchanges). Of them, the *active* ones
(the engagement rate) are the only members who answer questions, and each answers at least one:
three exchanges or more. The other engaged members are *quiet*: exactly two exchanges, below E.
``round(rate * members)`` engaged members connect, the others ("calm") exchange only with
neighbours. A calm member asks two active neighbours; a connecting member asks a connecting
active stranger, then an active neighbour (else another connecting active stranger). An active
member nobody asked is asked once more by an active neighbour who still has a question. Everyone
then spends some of their remaining questions without an answer. Where the reference graph
leaves too few members with two active neighbours, the shortfall connects instead; the rates in
the truth file are always recomputed from the written log.
"""

from __future__ import annotations

import numpy as np

from scl_pipeline.lib.impact.kbis import CONNECTIVITY, DEFAULT_E, DEFAULT_K, ENGAGEMENT, KNOWLEDGE_GAPS

# The case study's figures (program, control).
CASE_STUDY_RATES: dict[str, tuple[float, float]] = {
    KNOWLEDGE_GAPS: (0.65, 0.25),
    CONNECTIVITY: (0.48, 0.15),
    ENGAGEMENT: (0.60, 0.12),
}
K = DEFAULT_K
E = DEFAULT_E
FREE_QUESTIONS = 2


def _planted_count(in_group: np.ndarray, indicator: str, group: int) -> int:
    return round(CASE_STUDY_RATES[indicator][group] * int(in_group.sum()))


def choose_engaged(
    rng: np.random.Generator, group_of: np.ndarray, neighbours: np.ndarray, engaged_n: list[int], calm_n: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """(engaged, calm) masks over members: ``engaged_n[g]`` engaged members of group ``g``, of
    whom up to ``calm_n[g]`` are calm, each with at least two engaged neighbours.

    Calm members are taken most-connected first, each bringing in the neighbours it needs while
    their group has places to spare beyond the calm members it still needs; the places left go
    to members at random.
    """
    m = len(group_of)
    degree = neighbours.sum(axis=1)
    engaged = np.zeros(m, dtype=bool)
    calm = np.zeros(m, dtype=bool)
    room = np.array(engaged_n, dtype=np.int64)
    calm_left = np.array(calm_n, dtype=np.int64)

    def engage(people: np.ndarray) -> None:
        engaged[people] = True
        np.subtract.at(room, group_of[people], 1)

    for x in np.lexsort((rng.random(m), -degree)).tolist():
        g = group_of[x]
        if calm_left[g] <= 0 or degree[x] < 2 or (not engaged[x] and room[g] < 1):
            continue
        nb = np.flatnonzero(neighbours[x])
        have = int(engaged[nb].sum())
        spare = room - calm_left  # places beyond the calm members each group still needs
        spare[g] -= 0 if engaged[x] else 1
        spare[g] += 1  # x itself is one of them
        added: list[int] = []
        new = nb[~engaged[nb]]
        for y in new[np.lexsort((rng.random(len(new)), -degree[new]))].tolist():
            if have + len(added) >= 2:
                break
            if spare[group_of[y]] >= 1:
                spare[group_of[y]] -= 1
                added.append(y)
        if have + len(added) < 2:
            continue
        engage(np.array([x] if not engaged[x] else [], dtype=np.int64))
        engage(np.array(added, dtype=np.int64))
        calm[x] = True
        calm_left[g] -= 1
    for g in range(len(engaged_n)):
        free = np.flatnonzero((group_of == g) & ~engaged)
        engage(rng.choice(free, size=min(max(int(room[g]), 0), len(free)), replace=False))
        # Members drawn at random may have two engaged neighbours already: calm if still needed.
        extra = np.flatnonzero((group_of == g) & engaged & ~calm & ((neighbours & engaged).sum(axis=1) >= 2))
        calm[rng.permutation(extra)[: max(int(calm_left[g]), 0)]] = True
    return engaged, calm


def choose_active(
    rng: np.random.Generator, group_of: np.ndarray, neighbours: np.ndarray, engaged: np.ndarray, calm: np.ndarray,
    active_n: list[int],
) -> np.ndarray:
    """Mask of ``active_n[g]`` engaged members of group ``g`` who will answer questions. First
    those a calm member needs (a calm member asks two neighbours, active ones or bystanders;
    quiet engaged members never answer), then connecting members (they answer the strangers
    who ask them), then the others."""
    active = np.zeros(len(group_of), dtype=bool)
    room = np.array(active_n, dtype=np.int64)

    def add(people: np.ndarray) -> None:
        for y in people.tolist():
            if room[group_of[y]] > 0 and not active[y]:
                active[y] = True
                room[group_of[y]] -= 1

    # Calm members with the fewest bystander neighbours first: they depend most on actives.
    calm_ids = np.flatnonzero(calm)
    bystanders = (neighbours[calm_ids] & ~engaged).sum(axis=1)
    for x in calm_ids[np.lexsort((rng.random(len(calm_ids)), bystanders))].tolist():
        nb = np.flatnonzero(neighbours[x])
        short = 2 - int((~engaged[nb]).sum() + active[nb].sum())
        if short > 0:
            add(rng.permutation(nb[engaged[nb] & ~active[nb]])[:short])
    add(rng.permutation(np.flatnonzero(engaged & ~calm)))
    add(rng.permutation(np.flatnonzero(engaged)))
    return active


def plan_exchanges(
    rng: np.random.Generator, program: np.ndarray, neighbours: np.ndarray
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Answered and unanswered (asker, responder) pairs over member positions.

    ``program`` flags program members; ``neighbours`` is the symmetric boolean matrix of U at
    the reference wave among the members.
    """
    m = len(program)
    group_of = np.where(program, 0, 1)
    groups = (program, ~program)
    engaged_n = [_planted_count(in_group, KNOWLEDGE_GAPS, g) for g, in_group in enumerate(groups)]
    connect_n = [min(_planted_count(in_group, CONNECTIVITY, g), engaged_n[g]) for g, in_group in enumerate(groups)]
    active_n = [min(_planted_count(in_group, ENGAGEMENT, g), engaged_n[g]) for g, in_group in enumerate(groups)]
    engaged, calm = choose_engaged(rng, group_of, neighbours, engaged_n, [e - c for e, c in zip(engaged_n, connect_n)])
    connecting = engaged & ~calm
    active = choose_active(rng, group_of, neighbours, engaged, calm, active_n)
    bystander = ~engaged
    # A calm member left with fewer than two possible responders (its neighbours are quiet)
    # trades places with a connecting member of its group who has them, so the counts stay;
    # without one it connects (the shortfall connects, as above).
    options = (neighbours & (active | bystander)).sum(axis=1)
    for x in np.flatnonzero(calm & (options < K)).tolist():
        swap = np.flatnonzero(engaged & ~calm & (group_of == group_of[x]) & (options >= K))
        if len(swap):
            calm[int(rng.choice(swap))] = True
        calm[x] = False
    connecting = engaged & ~calm

    answers = np.zeros(m, dtype=np.int64)
    asked = np.zeros(m, dtype=np.int64)
    answered: list[tuple[int, int]] = []
    asked_to: dict[int, set[int]] = {}

    def least_loaded(cands: np.ndarray) -> int | None:
        # Active members answer first; a bystander only while it stays below E exchanges.
        cands = cands[active[cands] | (bystander[cands] & (answers[cands] < E - 1))]
        if not len(cands):
            return None
        first = cands[active[cands]] if active[cands].any() else cands
        low = first[answers[first] == answers[first].min()]
        return int(rng.choice(low))

    def ask(a: int, cands: np.ndarray) -> bool:
        cands = cands[(cands != a) & ~np.isin(cands, list(asked_to.get(a, ())))]
        r = least_loaded(cands)
        if r is None:
            return False
        answered.append((a, r))
        asked_to.setdefault(a, set()).add(r)
        asked[a] += 1
        answers[r] += 1
        return True

    idx = np.arange(m)
    # Calm members first, those with the fewest possible responders first: a connecting member
    # can always fall back on a stranger, a calm member only has its neighbours.
    can_answer = (active | bystander).astype(np.int64)
    options = neighbours.astype(np.int64) @ can_answer
    order = np.lexsort((rng.random(m), options, ~calm))
    for a in order[engaged[order]].tolist():
        if calm[a]:
            for _ in range(K):
                ask(a, idx[neighbours[a]])
            continue
        strangers = idx[connecting & active & ~neighbours[a]]
        ask(a, strangers)
        if not ask(a, idx[neighbours[a]]):
            ask(a, strangers)
    # An active member nobody asked: an active member who may still ask (two questions plus one
    # per answer given) asks it, a neighbour unless both connect anyway.
    for r in rng.permutation(np.flatnonzero(active & (answers == 0))).tolist():
        fits = neighbours[r] | (connecting[r] & connecting)
        askers = idx[active & fits & (asked < FREE_QUESTIONS + answers) & (idx != r)]
        askers = np.array([a for a in askers.tolist() if r not in asked_to.get(a, ())], dtype=np.int64)
        if not len(askers):
            # Else a bystander neighbour asks it: one exchange, still below K and E.
            askers = idx[bystander & neighbours[r] & (asked + answers < E - 1) & (asked < FREE_QUESTIONS + answers)]
        if len(askers):
            ask(int(rng.choice(askers)), np.array([r]))

    unanswered: list[tuple[int, int]] = []
    for a in range(m):
        quota = FREE_QUESTIONS + answers[a]
        # Everyone who has free questions left uses some; those go unanswered.
        n_more = int(rng.integers(0, quota - asked[a] + 1)) if asked[a] < quota else 0
        for r in rng.choice(np.delete(idx, a), size=min(n_more, m - 1), replace=False).tolist():
            unanswered.append((a, int(r)))
    return answered, unanswered
