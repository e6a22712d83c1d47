"""A register for the draws: thirty markets, each its own enterprise, and five enforcement officers."""

import pytest

from server.areas.models import Area
from server.core.db import db
from server.draws.algorithm import sha256_hex
from tests.conftest import WORLD, issue_token, make_enterprise, make_site, make_user, uid

SEED = "2026-12 江汉区市场抽查 种子 7f3a"


@pytest.fixture
def markets(app):
    """30 markets (the world's one and 29 more), each of its own enterprise; returns their site ids."""
    with app.app_context():
        grids = [db.session.get(Area, WORLD["grid_a1"]), db.session.get(Area, WORLD["grid_b1"])]
        streets = [db.session.get(Area, WORLD["street_a"]), db.session.get(Area, WORLD["street_b"])]
        ids = [WORLD["market_site"]]
        for n in range(29):
            enterprise = make_enterprise(name=f"江汉第{n + 1}农贸市场有限公司", sector="market", area=streets[n % 2])
            ids.append(
                make_site(name=f"江汉第{n + 1}农贸市场", type="market", grid=grids[n % 2], enterprise=enterprise).id
            )
        db.session.commit()
    return ids


class Officer:
    def __init__(self, client, user, token):
        self.client, self.user, self.token = client, user, token

    def __getattr__(self, method):
        def call(url, **kwargs):
            return getattr(self.client, method)(url, headers={"Authorization": f"Bearer {self.token}"}, **kwargs)

        return call


@pytest.fixture
def officers(app, client):
    """Five enforcement officers of the district, with certificate numbers (执法证号)."""
    made = []
    with app.app_context():
        for n in range(5):
            user = make_user(
                "enforcement_officer",
                area_id=WORLD["district"],
                name=f"执法员{n + 1}",
                certificate_no=f"4201030{n + 1:04d}",
            )
            made.append(Officer(client, user, issue_token(user)))
        db.session.commit()
    return made


def draw_body(**changes):
    return {
        "id": uid(),
        "matter": "农贸市场安全生产监督检查",
        "area_id": WORLD["district"],
        "site_types": ["market"],
        "share": 0.1,
        "per_target": 2,
        "period_start": "2026-12-01",
        "period_end": "2026-12-31",
        "seed_commitment": sha256_hex(SEED),
        **changes,
    }
