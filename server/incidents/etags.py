"""An incident's ETag: what a phone or the station sends back as If-Match to act on it (as a hazard's)."""

import hashlib
import json


def etag_data(incident) -> dict:
    return {"incident": str(incident.id), "version": incident.version}


def etag(incident) -> str:
    """The value `blp.set_etag(etag_data(incident))` gives a read (SHA-1 of the sorted JSON)."""
    return hashlib.sha1(json.dumps(etag_data(incident), sort_keys=True).encode()).hexdigest()
