"""A hazard's ETag: what a phone sends back as If-Match to change it, given by the hazard's views and the sync feed."""
from server.core.api import Blueprint
from server.hazards.models import Hazard


def etag(hazard: Hazard) -> str:
    # From the version: every change bumps it, and a phone holding an older one must not overwrite
    return Blueprint._generate_etag({"hazard": str(hazard.id), "version": hazard.version})
