"""Every model module, imported in one place so that the metadata is complete (Alembic, tests)."""


def import_all_models():
    from server.areas import models as _areas  # noqa: F401
    from server.auth import models as _auth  # noqa: F401
    from server.checkins import models as _checkins  # noqa: F401
    from server.dashboards import models as _dashboards  # noqa: F401
    from server.disasters import models as _disasters  # noqa: F401
    from server.draws import models as _draws  # noqa: F401
    from server.enterprises import models as _enterprises  # noqa: F401
    from server.evidence import models as _evidence  # noqa: F401
    from server.hazards import models as _hazards  # noqa: F401
    from server.incidents import models as _incidents  # noqa: F401
    from server.inspections import models as _inspections  # noqa: F401
    from server.jobs import models as _jobs  # noqa: F401
    from server.ledgers import models as _ledgers  # noqa: F401
    from server.maps import models as _maps  # noqa: F401
    from server.notifications import models as _notifications  # noqa: F401
    from server.people import models as _people  # noqa: F401
    from server.photos import models as _photos  # noqa: F401
    from server.plans import models as _plans  # noqa: F401
    from server.sites import models as _sites  # noqa: F401
    from server.tags import models as _tags  # noqa: F401
    from server.warnings import (
        models as _warnings,  # noqa: F401
        subscriptions as _push_subscriptions,  # noqa: F401
    )
