"""Not run on its own: the data the supervision benchmarks (ledger_export.py, map_geojson.py) share, on PostgreSQL.

bench/api_read.py's district (14 streets × 8 communities × 6 grids), its enterprises and --sites sites, its users
(a grid worker, a station officer, the supervisor); then --hazards hazards spread over the sites and the last year,
bulk inserted with INSERT … SELECT over generate_series: a third closed (with their notice, rectification and
re-inspection on the event record, as the loop writes them), a third being rectified, the rest reported or
acknowledged; one in ten major, one in five hundred listed. Then ANALYZE.
"""

import time

from sqlalchemy import func, select, text

from bench.api_read import populate as populate_district
from server.core.db import db
from server.hazards.models import Hazard
from server.hazards.services import ensure_categories
from server.people.models import User

ADD_HAZARDS = text("""
    INSERT INTO hazards (id, site_id, grid_id, street_id, latitude, longitude, accuracy_m, category, level,
                         description, source, photo_ids, reporter_id, observed_at, received_at, clock_offset_s,
                         enterprise_id, sector, state, ack_due_at, acknowledged_at, responsible_party, deadline,
                         closed_at, listed_at, listing_number, version, created_at, updated_at)
    SELECT gen_random_uuid(), s.id, s.grid_id, st.id, s.latitude + (n % 7) * 0.00003, s.longitude, 8.0,
           (ARRAY['fire','electrical','gas','structural','crowd'])[1 + n % 5],
           CASE WHEN n % 10 = 0 THEN 'major' ELSE 'general' END,
           '测试隐患' || n || '：安全出口被杂物堵塞', 'patrol', '[]', :reporter, r.at - interval '3 minutes', r.at, 1.5,
           s.enterprise_id, CASE WHEN s.enterprise_id IS NULL THEN NULL ELSE 'market' END,
           (ARRAY['closed','rectifying','reported','acknowledged','closed','rectifying'])[1 + n % 6],
           r.at + interval '30 minutes',
           CASE WHEN n % 6 IN (2) THEN NULL ELSE r.at + interval '12 minutes' END,
           CASE WHEN n % 6 IN (0, 1, 4, 5) THEN '测试单位' || (n % 997) ELSE '' END,
           CASE WHEN n % 6 IN (0, 1, 4, 5) THEN r.at + interval '7 days' END,
           CASE WHEN n % 6 IN (0, 4) THEN r.at + interval '5 days' END,
           CASE WHEN n % 500 = 0 THEN r.at + interval '1 hour' END,
           CASE WHEN n % 500 = 0 THEN '江汉应急挂牌〔2026〕第' || n || '号' END,
           1, r.at, r.at
    FROM generate_series(1, :count) AS n
    JOIN (SELECT id, grid_id, enterprise_id, latitude, longitude, row_number() OVER (ORDER BY id) - 1 AS k
          FROM sites) AS s ON s.k = n % (SELECT count(*) FROM sites)
    JOIN areas g ON g.id = s.grid_id JOIN areas c ON c.id = g.parent_id JOIN areas st ON st.id = c.parent_id
    CROSS JOIN LATERAL (SELECT now() - (n % 525600) * interval '1 minute' AS at) AS r
""")
# The closed ones' notice (a document) and their rectification and re-inspection (events), as the loop records them
ADD_NOTICES = text("""
    INSERT INTO hazard_documents (id, hazard_id, kind, number, data, state, created_at)
    SELECT gen_random_uuid(), h.id, 'rectification_notice', '江汉应急整改〔2026〕第' || row_number() OVER () || '号',
           '{}', 'ready', h.acknowledged_at
    FROM hazards h WHERE h.state = 'closed'
""")
ADD_EVENTS = text("""
    INSERT INTO events (seq, record_type, record_id, action, from_state, to_state, actor_id, at, reason, attachments,
                        data, prev_hash, hash)
    SELECT row_number() OVER (), 'hazard', h.id::text, a.action, a.from_state, a.to_state, :reporter,
           h.closed_at - a.before, '', '[]', '{}', md5(h.id::text || a.action) || md5(a.action),
           md5(h.id::text || a.action || 'h') || md5(a.action || h.id::text)
    FROM hazards h
    CROSS JOIN (VALUES ('submit_rectification', 'rectifying', 'submitted', interval '1 day'),
                       ('close', 'submitted', 'closed', interval '0')) AS a (action, from_state, to_state, before)
    WHERE h.state = 'closed'
""")


def populate(n_sites: int, n_hazards: int) -> dict:
    """The district and its sites (bench/api_read.py), then the hazards; the tokens by role."""
    tokens, _site = populate_district(n_sites)
    ensure_categories()
    reporter = db.session.scalar(select(User.id).where(User.username == "bench-grid-worker"))
    t0 = time.perf_counter()
    db.session.execute(ADD_HAZARDS, {"count": n_hazards, "reporter": reporter})
    db.session.commit()
    print(f"INSERT … SELECT of {n_hazards:,} hazards: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    db.session.execute(ADD_NOTICES)
    db.session.execute(ADD_EVENTS, {"reporter": reporter})
    db.session.execute(text("UPDATE event_chain_head SET seq = (SELECT max(seq) FROM events) WHERE id = 1"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    closed = db.session.scalar(select(func.count()).where(Hazard.state == "closed"))
    print(f"notices and events of the {closed:,} closed hazards, ANALYZE: {time.perf_counter() - t0:.1f} s")
    return tokens
