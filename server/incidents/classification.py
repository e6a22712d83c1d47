"""The national classification of emergencies (突发事件应对法, Art. 3): four kinds, each with its sub-types, read once
from server/data/incident_types.csv (data, so that a sub-type can be added without a code change)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from server.core.i18n import wants_english

DATA = Path(__file__).resolve().parent.parent / "data" / "incident_types.csv"


@dataclass(frozen=True)
class IncidentType:
    code: str
    parent: str | None  # None for the four kinds themselves
    name_zh: str
    name_en: str


@cache
def types() -> dict[str, IncidentType]:
    with DATA.open(encoding="utf-8") as file:
        return {
            row["code"]: IncidentType(row["code"], row["parent"] or None, row["name_zh"], row["name_en"])
            for row in csv.DictReader(file)
        }


def kinds() -> list[IncidentType]:
    return [t for t in types().values() if t.parent is None]


def subtypes() -> list[str]:
    """The codes a report may name: the sub-types only (a kind alone says too little to the district)."""
    return [code for code, t in types().items() if t.parent is not None]


def named(code: str) -> str:
    """类别·子类, as the 信息专报 prints it."""
    found = types()[code]
    return f"{types()[found.parent].name_zh}·{found.name_zh}" if found.parent else found.name_zh


def label(code: str) -> str:
    """The same in the language the request asks for (Accept-Language, which the app sends): for a screen."""
    if not wants_english():
        return named(code)
    found = types()[code]
    return f"{types()[found.parent].name_en} · {found.name_en}" if found.parent else found.name_en
