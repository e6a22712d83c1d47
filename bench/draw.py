"""The draw at the district's scale and beyond: the pure algorithm (hmac-sha256-rank/1) and its verification on
registers of N sites and M inspectors, against a baseline of one SHA-256 per candidate in the same run.

    .venv/bin/python bench/draw.py    # --sites 50000 --inspectors 100 --share 0.1
"""

import argparse
import hashlib
import time

from server.draws import algorithm


def registers(sites: int, inspectors: int):
    targets = [{"id": f"{i:08d}-site", "name": f"场所{i}", "enterprise_id": f"{i:08d}-ent"} for i in range(sites)]
    people = [{"id": f"{j:04d}-user", "name": f"检查员{j}", "recusals": [f"{j:08d}-ent"]} for j in range(inspectors)]
    return targets, people


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--inspectors", type=int, default=100)
    parser.add_argument("--share", default="0.1")
    args = parser.parse_args()
    targets, people = registers(args.sites, args.inspectors)
    _, baseline = timed(lambda: [hashlib.sha256(t["id"].encode()).hexdigest() for t in targets])
    params = algorithm.Parameters(args.share, None, 2)
    key = algorithm.seed_key("bench-seed")
    result, drawing = timed(lambda: algorithm.draw(targets, people, params, key))
    t_text, i_text = algorithm.canonical(targets), algorithm.canonical(people)
    r_text = algorithm.canonical(result)
    record = {
        "algorithm": algorithm.ALGORITHM,
        "parameters": params.as_dict(),
        "seed": "bench-seed",
        "seed_commitment": algorithm.sha256_hex("bench-seed"),
        "targets_snapshot": t_text,
        "targets_sha256": algorithm.sha256_hex(t_text),
        "inspectors_snapshot": i_text,
        "inspectors_sha256": algorithm.sha256_hex(i_text),
        "result": r_text,
        "result_sha256": algorithm.sha256_hex(r_text),
    }
    checks, verifying = timed(lambda: algorithm.verify(record))
    assert all(c.ok for c in checks)
    drawn = len(result["assignments"])
    print(f"{args.sites} sites, {args.inspectors} inspectors, share {args.share}: {drawn} drawn")
    print(f"baseline, one SHA-256 per site: {baseline * 1000:.0f} ms")
    print(f"draw: {drawing * 1000:.0f} ms ({drawing / baseline:.1f}× the baseline)")
    print(f"verify (hashes, parse, re-run, compare): {verifying * 1000:.0f} ms ({verifying / baseline:.1f}×)")
    print(f"snapshot of targets: {len(t_text.encode()) / 1e6:.1f} MB of canonical JSON")


if __name__ == "__main__":
    main()
