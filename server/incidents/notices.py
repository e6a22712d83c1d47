"""The inbox rows of incidents: each points at the incident (record_type "incident"), once per occasion."""

from server.notifications import services as inbox


def subject(incident) -> str:
    """What an inbox title names the incident by: where it happened."""
    return incident.address or "突发事件"


def tell(kind: str, incident, users: set, *, key: str = "") -> None:
    """Put `kind` about the incident in each user's inbox, once per occasion (`key`) however often it is asked."""
    inbox.add(
        [
            {
                "user_id": user,
                "key": f"{kind}:incident:{incident.id}:{key}"[:120],
                "kind": kind,
                "hazard_id": None,
                "record_type": "incident",
                "record_id": incident.id,
                "subject": subject(incident)[:200],
            }
            for user in sorted(users)
        ]
    )
