"""The layers: every module of server/ and qr/ imports only what stands below it (docs/architecture.md "Layers").

Read from the source (every import, at the top of a module or in a function), so that the rule holds for code that
no test imports, and a cycle dodged by an import inside a function shows up as what it is.
"""

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "qr")

# The layers, from the bottom up: a module may import its own entry's modules and those of the entries before it,
# never one after it. A module belongs to the longest entry naming it or a package holding it; "server" itself names
# only the app factory (server/__init__.py). A new package gets its place here.
LAYERS = (
    # a library: no app, no database
    "qr",  # tag codes, QR symbols, label sheets
    # the platform every domain stands on: it knows none of them
    "server.core",  # the database, the request boundary, the one error shape, i18n, the HTTP edge, geo
    "server.storage",  # blobs
    "server.jobs",  # background work
    "server.paperwork",  # the loop's 文书 typeset as PDFs (a library)
    # the domains, each standing on those before it
    "server.evidence",  # the hash-chained event record every change is appended to
    "server.areas",
    "server.enterprises",
    "server.auth.passwords",  # the rules of access, no database: the people who hold the roles stand on them
    "server.auth.scope",
    "server.people",
    "server.auth",  # tokens, sign-in, throttling, the gate of every view
    "server.sites",
    "server.tags",
    "server.checkins",
    "server.photos",
    "server.notifications",
    "server.hazards",
    "server.inspections",  # scored checklists: their failed items are reported as hazards
    "server.plans",  # patrol plans and their tasks, done by inspections (which hear of them through on_submit)
    "server.draws",  # 双随机: draws of targets and inspectors, published; their inspections shown
    "server.warnings",  # 预警: CAP messages fanned out to the people of their areas, read and relayed
    "server.incidents",  # 突发事件信息报送: forwarded to the district within 30 minutes on the hazards' clocks' engine
    "server.disasters",  # 自然灾害情况统计: first, follow-up and verified reports by community, added up by area
    "server.dashboards",  # the offices' figures, each counting what a list of the domains below shows
    "server.ledgers",  # 台账: the lists as spreadsheets, built by jobs when large
    "server.maps",  # 一张图: the lists as GeoJSON, clustered when zoomed out
    "server.sync",
    "server.meta",  # health, and the vocabularies of every domain
    # the application: the factory and what it loads
    "server.config",
    "server.migrate",
    "server.web",
    "server.demo",
    "server.models",
    "server.cli",
    "server",
)
# The views (a domain's resources.py): the HTTP layer of their domain. Besides what their domain may import they pass
# the gate (server.auth: the caller, the grants, sign-in), which stands above the first domains; and no module but the
# app factory imports them.
VIEWS = "resources"
GATE = "server.auth"
FACTORY = "server"

# Imports inside a function that have a reason; every other import of the project's own modules sits at the top of its
# module, where the layers can be read (an import put in a function to dodge a cycle is a cycle).
LATE_IMPORTS = {
    "server": "create_app imports the blueprints, the commands and the maintenance round when it builds an app: "
    "every module of the project imports this package first, which must not load them all",
    "server.models": "its one job, import_all_models(), loads every model when asked (Alembic's env, benchmarks)",
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: str
    line: int
    late: bool  # inside a function

    def __str__(self):
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _targets(node, importer: str, is_package: bool) -> list[str]:
    """The project's modules an import statement loads (a name imported from a package may be a module of it)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the importer's package, one level up per dot after the first
            package = importer.split(".") if is_package else importer.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join(package + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base for alias in node.names]
    return sorted({name for name in names if name.split(".")[0] in PACKAGES})


@cache
def imports() -> tuple[Import, ...]:
    found = []
    for importer, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        late = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                late.update(id(inner) for inner in ast.walk(node) if inner is not node)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for imported in _targets(node, importer, path.name == "__init__.py"):
                    found.append(Import(importer, imported, str(path.relative_to(ROOT)), node.lineno, id(node) in late))
    return tuple(found)


def layer(module: str) -> int | None:
    """The index in LAYERS of the entry the module belongs to, or None."""
    best = None
    for index, entry in enumerate(LAYERS):
        belongs = module == entry or (entry != FACTORY and module.startswith(entry + "."))
        if belongs and (best is None or len(entry) > len(LAYERS[best])):
            best = index
    return best


def is_view(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == VIEWS


@pytest.fixture(autouse=True)
def transaction():
    """Read from the source: no app, no database."""
    yield


def test_every_module_has_its_place_in_the_layers():
    unplaced = [module for module in modules() if layer(module) is None]
    assert not unplaced, f"not in LAYERS (tests/test_layers.py), give their package a place: {unplaced}"


def test_the_layers_name_what_exists():
    missing = [entry for entry in LAYERS if entry not in modules()]
    assert not missing, f"LAYERS names modules that do not exist: {missing}"


def test_every_import_goes_down_the_layers():
    wrong = []
    for found in imports():
        below, above = layer(found.importer), layer(found.imported)
        if above is None or below is None or above <= below:
            continue
        if is_view(found.importer) and (found.imported == GATE or found.imported.startswith(GATE + ".")):
            continue  # every view passes the gate
        wrong.append(f"{found}: {LAYERS[above]} stands above {LAYERS[below]} in LAYERS")
    assert not wrong, "imports that go up the layers (tests/test_layers.py LAYERS):\n" + "\n".join(wrong)


def test_only_the_app_factory_imports_views():
    wrong = [
        f"{found}: a view; only the app factory ({FACTORY}) imports views"
        for found in imports()
        if is_view(found.imported) and found.importer != FACTORY
    ]
    assert not wrong, "imports of views (resources.py) outside the app factory:\n" + "\n".join(wrong)


def test_the_project_is_imported_at_the_top_of_each_module():
    wrong = [f"{found}, inside a function" for found in imports() if found.late and found.importer not in LATE_IMPORTS]
    assert not wrong, (
        "imports of the project's modules inside functions (move them to the top of the module, fixing "
        "the cycle they dodge; or give the reason in LATE_IMPORTS):\n" + "\n".join(wrong)
    )


def test_the_late_imports_allowed_are_still_there():
    late = {found.importer for found in imports() if found.late}
    assert not set(LATE_IMPORTS) - late, (
        f"LATE_IMPORTS names modules that import nothing late: {set(LATE_IMPORTS) - late}"
    )
