"""The draw (双随机抽取) as a pure function: rank by HMAC-SHA256 of the seed, in the manner of RFC 3797.

No database, no Flask: anyone holding what a draw published (the two registers, the parameters, the seed) re-runs
it with this module alone and gets the same result. `hmac-sha256-rank/1` is:

1. The seed key: the seed as UTF-8; with a public value (e.g. a lottery number announced after the commitment),
   seed + ":" + public value.
2. Targets: each site of the target register is ranked by HMAC-SHA256(key, "target:" + site id) as lowercase hex,
   ascending (ties broken by the id); the first k are drawn, k = ⌈n × share⌉ computed exactly in decimals
   (0.1 of 30 is 3, not 4), or the count asked for, at most n.
3. Inspectors, target by target in the order drawn: an inspector who declared a tie to the target's enterprise is
   never eligible (回避). The eligible are ranked by HMAC-SHA256(key, "inspector:" + site id + ":" + inspector id);
   the first `per_target` are taken, preferring those below the load cap ⌈k × per_target / m⌉ + 1 targets
   (m inspectors in the register) and, only where recusals leave too few of those, the next ranked over it. Fewer
   eligible than `per_target` at all is an error (the draw cannot be made as asked).
4. A drawn inspector who leaves before their inspection (补抽, `replacement`): the next in that target's ranking of step
   3 who is eligible, not on the target already, and still available (the unavailable are recorded with it).
"""

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from decimal import Decimal

ALGORITHM = "hmac-sha256-rank/1"


class DrawImpossible(Exception):
    """The registers cannot give what the draw asks (a target with too few eligible inspectors, nothing to draw)."""

    def __init__(self, code: str, **details):
        super().__init__(code, details)
        self.code, self.details = code, details


def canonical(value) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text kept as is (what is hashed and published)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_key(seed: str, public_value: str | None = None) -> bytes:
    return (seed if public_value is None else f"{seed}:{public_value}").encode("utf-8")


def rank_value(key: bytes, label: str) -> str:
    # hmac.digest: the one-shot C implementation, the same value as hmac.new(…).hexdigest() at a fraction of the cost
    return hmac.digest(key, label.encode("utf-8"), "sha256").hex()


def target_count(n: int, *, share: str | None = None, count: int | None = None) -> int:
    """How many of n targets are drawn: ⌈n × share⌉ in exact decimals (share as its decimal text), or the count."""
    if count is not None:
        return min(count, n)
    return min(n, math.ceil(Decimal(share) * n))


def load_cap(drawn: int, per_target: int, inspectors: int) -> int:
    return math.ceil(drawn * per_target / inspectors) + 1 if inspectors else 0


@dataclass(frozen=True)
class Parameters:
    share: str | None  # a decimal in (0, 1], as text, or None with a count
    count: int | None
    per_target: int

    def as_dict(self) -> dict:
        return {"share": self.share, "count": self.count, "per_target": self.per_target}


def draw(targets: list[dict], inspectors: list[dict], params: Parameters, key: bytes) -> dict:
    """The result: every drawn target, in the order drawn, with its inspectors in the order taken.

    `targets`: [{"id", "enterprise_id" (or None), ...}]; `inspectors`: [{"id", "recusals": [enterprise ids]}, ...].
    """
    if not targets:
        raise DrawImpossible("no_targets")
    ranked = sorted(targets, key=lambda t: (rank_value(key, f"target:{t['id']}"), t["id"]))
    drawn = ranked[: target_count(len(targets), share=params.share, count=params.count)]
    cap = load_cap(len(drawn), params.per_target, len(inspectors))
    load = {person["id"]: 0 for person in inspectors}
    assignments = []
    for position, target in enumerate(drawn, 1):
        enterprise = target.get("enterprise_id")
        eligible = [p for p in inspectors if enterprise is None or enterprise not in p.get("recusals", ())]
        if len(eligible) < params.per_target:
            raise DrawImpossible(
                "no_eligible_inspectors", site_id=target["id"], eligible=len(eligible), needed=params.per_target
            )
        eligible.sort(key=lambda p: (rank_value(key, f"inspector:{target['id']}:{p['id']}"), p["id"]))
        under = [p for p in eligible if load[p["id"]] < cap]
        over = [p for p in eligible if load[p["id"]] >= cap]
        chosen = (under + over)[: params.per_target]
        for person in chosen:
            load[person["id"]] += 1
        assignments.append({"position": position, "site_id": target["id"], "inspector_ids": [p["id"] for p in chosen]})
    return {
        "algorithm": ALGORITHM,
        "candidates": len(targets),
        "inspectors": len(inspectors),
        "load_cap": cap,
        "assignments": assignments,
    }


def replacement(targets: list[dict], inspectors: list[dict], key: bytes, site_id: str, exclude) -> str | None:
    """补抽: the inspector who takes a departed one's place at a drawn target: the first, in the target's own ranking
    (the same HMAC-SHA256 label as at the draw), of the register's inspectors without a tie to its enterprise and not
    in `exclude` (those already on the target, the departed, and those no longer available when it was made, all
    recorded with it). None when no one is left. The load cap does not apply: the draw's loads were spread once."""
    target = next(t for t in targets if t["id"] == site_id)
    enterprise = target.get("enterprise_id")
    eligible = [
        p
        for p in inspectors
        if p["id"] not in set(exclude) and (enterprise is None or enterprise not in p.get("recusals", ()))
    ]
    eligible.sort(key=lambda p: (rank_value(key, f"inspector:{site_id}:{p['id']}"), p["id"]))
    return eligible[0]["id"] if eligible else None


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def verify(record: dict) -> list[Check]:
    """Re-run a published draw (its record: what `/public/draws/<id>/record` gives) and compare, step by step.

    Every check is made, so that a failure names all that does not hold, not only the first."""
    checks = []
    if record.get("algorithm") != ALGORITHM:
        return [Check("algorithm", False, f"unknown algorithm {record.get('algorithm')!r}")]
    checks.append(Check("algorithm", True, ALGORITHM))
    seed, commitment = record.get("seed"), record.get("seed_commitment")
    if seed is None:
        return [*checks, Check("seed", False, "the seed has not been revealed")]
    same_seed = sha256_hex(seed) == commitment
    checks.append(
        Check(
            "seed",
            same_seed,
            "SHA-256(seed) equals the commitment"
            if same_seed
            else "SHA-256(seed) does not equal the commitment published before the draw",
        )
    )
    snapshots = {}
    for name in ("targets", "inspectors"):
        text = record[f"{name}_snapshot"]
        ok = sha256_hex(text) == record[f"{name}_sha256"]
        checks.append(
            Check(
                f"{name}_sha256",
                ok,
                "matches" if ok else f"the {name} snapshot does not hash to the published SHA-256: it was changed",
            )
        )
        snapshots[name] = json.loads(text)
    params = Parameters(**record["parameters"])
    try:
        again = draw(snapshots["targets"], snapshots["inspectors"], params, seed_key(seed, record.get("public_value")))
    except DrawImpossible as exc:
        return [*checks, Check("result", False, f"the draw cannot be re-run: {exc.code}")]
    same = canonical(again) == record["result"]
    checks.append(
        Check(
            "result",
            same,
            "re-run gives the published result"
            if same
            else "re-running the draw from the published snapshots and seed gives another result",
        )
    )
    ok = sha256_hex(record["result"]) == record["result_sha256"]
    checks.append(Check("result_sha256", ok, "matches" if ok else "the result does not hash to the published SHA-256"))
    made = record.get("replacements") or []
    if made:
        key = seed_key(seed, record.get("public_value"))
        wrong = [
            n
            for n, r in enumerate(made, 1)
            if r.get("departed") not in (r.get("exclude") or [])
            or replacement(snapshots["targets"], snapshots["inspectors"], key, r["site_id"], r.get("exclude") or [])
            != r.get("replacement")
        ]
        checks.append(
            Check(
                "replacements",
                not wrong,
                f"{len(made)} re-derived from the register and seed"
                if not wrong
                else f"replacements {', '.join(map(str, wrong))} name another than the ranking gives",
            )
        )
    return checks
