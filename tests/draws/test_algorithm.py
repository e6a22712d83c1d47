"""The draw as a pure function: the same inputs give the same draw, ties declared are never drawn, the load is
spread, and what was published re-runs to the same result or names what was changed."""

import json

import pytest

from server.draws import algorithm
from server.draws.algorithm import Parameters, canonical, draw, seed_key, sha256_hex, target_count

SEED = "d1c3a9e0-seed-for-tests"


def targets(n=30):
    return [{"id": f"site-{i:03d}", "name": f"市场{i}", "enterprise_id": f"ent-{i:03d}"} for i in range(n)]


def inspectors(m=6, recusals=None):
    recusals = recusals or {}
    return [{"id": f"user-{j}", "name": f"检查员{j}", "recusals": recusals.get(f"user-{j}", [])} for j in range(m)]


TENTH = Parameters(share="0.1", count=None, per_target=2)


def test_a_tenth_is_rounded_up_in_exact_decimals():
    assert target_count(30, share="0.1") == 3  # 0.1 × 30 in floating point is 3.0000000000000004
    assert target_count(31, share="0.1") == 4
    assert target_count(5, share="1") == 5
    assert target_count(5, count=9) == 5


def test_the_same_seed_and_registers_give_the_same_draw_and_another_seed_another():
    one = draw(targets(), inspectors(), TENTH, seed_key(SEED))
    again = draw(list(reversed(targets())), list(reversed(inspectors())), TENTH, seed_key(SEED))
    assert canonical(one) == canonical(again)  # the order the registers come in does not matter
    other = draw(targets(), inspectors(), TENTH, seed_key(SEED + "x"))
    assert [a["site_id"] for a in other["assignments"]] != [a["site_id"] for a in one["assignments"]]


def test_three_targets_with_two_different_inspectors_each():
    result = draw(targets(), inspectors(), TENTH, seed_key(SEED))
    assert [a["position"] for a in result["assignments"]] == [1, 2, 3]
    for item in result["assignments"]:
        assert len(set(item["inspector_ids"])) == 2


def test_an_inspector_is_never_drawn_for_an_enterprise_they_declared_a_tie_to():
    plain = draw(targets(), inspectors(), TENTH, seed_key(SEED))
    first = plain["assignments"][0]
    tied = first["inspector_ids"][0]
    enterprise = "ent-" + first["site_id"].split("-")[1]
    result = draw(targets(), inspectors(recusals={tied: [enterprise]}), TENTH, seed_key(SEED))
    assert result["assignments"][0]["site_id"] == first["site_id"]  # targets are drawn as before
    assert tied not in result["assignments"][0]["inspector_ids"]


def test_too_few_eligible_inspectors_is_refused_with_the_target():
    everyone_tied = {f"user-{j}": ["ent-000"] for j in range(5)}
    with pytest.raises(algorithm.DrawImpossible) as refused:
        draw(targets(1), inspectors(recusals=everyone_tied), Parameters(None, 1, 2), seed_key(SEED))
    assert refused.value.code == "no_eligible_inspectors"
    assert refused.value.details["site_id"] == "site-000"


def test_the_load_is_spread_below_the_cap():
    result = draw(targets(100), inspectors(4), Parameters("0.2", None, 2), seed_key(SEED))
    load = {}
    for item in result["assignments"]:
        for person in item["inspector_ids"]:
            load[person] = load.get(person, 0) + 1
    assert result["load_cap"] == 11  # ⌈20 × 2 / 4⌉ + 1
    assert max(load.values()) <= 11


def test_nothing_to_draw_from_is_refused():
    with pytest.raises(algorithm.DrawImpossible):
        draw([], inspectors(), TENTH, seed_key(SEED))


def published(**changes):
    t, i = canonical(targets()), canonical(inspectors())
    result = canonical(draw(targets(), inspectors(), TENTH, seed_key(SEED)))
    record = {
        "algorithm": algorithm.ALGORITHM,
        "parameters": TENTH.as_dict(),
        "seed_commitment": sha256_hex(SEED),
        "seed": SEED,
        "public_value": None,
        "targets_snapshot": t,
        "targets_sha256": sha256_hex(t),
        "inspectors_snapshot": i,
        "inspectors_sha256": sha256_hex(i),
        "result": result,
        "result_sha256": sha256_hex(result),
    }
    return {**record, **changes}


def failed(record):
    return {c.name for c in algorithm.verify(record) if not c.ok}


def test_a_published_draw_verifies():
    assert failed(published()) == set()


def test_a_changed_snapshot_changes_its_hash_and_fails():
    snapshot = json.loads(published()["targets_snapshot"])
    snapshot[0]["name"] = "另一个市场"
    changed = canonical(snapshot)
    assert sha256_hex(changed) != published()["targets_sha256"]
    assert failed(published(targets_snapshot=changed)) == {"targets_sha256"}


def test_a_snapshot_changed_with_its_hash_gives_another_result():
    # drop a target the draw took: the hash is made to match, but re-running no longer gives what was published
    record = published()
    taken = json.loads(record["result"])["assignments"][0]["site_id"]
    snapshot = [t for t in targets() if t["id"] != taken]
    text = canonical(snapshot)
    assert "result" in failed(published(targets_snapshot=text, targets_sha256=sha256_hex(text)))


def test_a_seed_not_matching_its_commitment_fails():
    assert failed(published(seed="another seed")) >= {"seed", "result"}


def test_an_unknown_algorithm_is_named():
    checks = algorithm.verify(published(algorithm="md5-rank/0"))
    assert [(c.name, c.ok) for c in checks] == [("algorithm", False)]
