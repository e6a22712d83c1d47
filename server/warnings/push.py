"""Web Push (VAPID) for warnings, where a push service is configured: nothing else depends on it.

Delivery never needs a service outside the district: a phone learns of a message from the delta feed and the app's
short poll while it is open. Web Push would only wake a closed app sooner. It is configured by VAPID_PUBLIC_KEY,
VAPID_PRIVATE_KEY and VAPID_SUBJECT together; with any of them absent (the default), `announce` does nothing and the
app is told not to subscribe (`GET /api/v1/warnings/push`). Sending itself is not built yet: with all three set,
the messages to send are logged, so that a deployment sees what a push service would be asked to carry.
"""

import logging

from flask import current_app

log = logging.getLogger("safegrid.warnings.push")


def configured() -> bool:
    config = current_app.config
    return bool(config.get("VAPID_PUBLIC_KEY") and config.get("VAPID_PRIVATE_KEY") and config.get("VAPID_SUBJECT"))


def public_key() -> str | None:
    return current_app.config.get("VAPID_PUBLIC_KEY") if configured() else None


def announce(message, users) -> int:
    """Offer a new message to the push service for its recipients: how many were offered (0 when unconfigured)."""
    if not configured():
        return 0
    log.info("web push not built: warning %s for %d recipients left to the feed", message.id, len(users))
    return 0
