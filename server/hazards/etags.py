"""A hazard's ETag: what a phone sends back as If-Match to change it, given by the hazard's views and the sync feed."""

import hashlib
import json

from server.hazards.models import Hazard


def etag_data(hazard: Hazard) -> dict:
    # From the version: every change bumps it, and a phone holding an older one must not overwrite
    return {"hazard": str(hazard.id), "version": hazard.version}


def etag(hazard: Hazard) -> str:
    """The ETag a read of the hazard gets from `blp.set_etag(etag_data(hazard))`, by the same hashing (SHA-1 of
    the JSON, keys sorted): flask-smorest's public API sets and checks ETags but gives no value, and a transition
    (a POST, which its check_etag does not serve) compares If-Match and answers a stale one itself. Phones hold
    these offline: the value must never change (tests/hazards pins it)."""
    return hashlib.sha1(json.dumps(etag_data(hazard), sort_keys=True).encode()).hexdigest()
