"""Development tools live in `devtools/` only, and no product module imports them (issue 16)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_PRODUCT = {"devtools", "tests", "bench", "scripts", "docs", "locale", "static", "templates", "var"}
PRODUCT_PACKAGES = sorted(
    path.parent.name
    for path in ROOT.glob("*/__init__.py")
    if path.parent.name not in NOT_PRODUCT and not path.parent.name.startswith(".")
)


def _product_modules():
    for package in PRODUCT_PACKAGES:
        yield from (ROOT / package).rglob("*.py")


def _imported_names(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_product_packages_are_the_apps():
    assert {"core", "companies", "partners", "erp_sync", "crm_project"} <= set(PRODUCT_PACKAGES)


def test_no_product_module_imports_devtools():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _product_modules()
        for name in _imported_names(path)
        if name == "devtools" or name.startswith("devtools.")
    ]
    assert offenders == []


def test_no_product_app_ships_a_development_tool():
    tools = {"demo.py", "simulator.py", "mailsink.py", "seed_demo.py", "generate_data.py"}
    shipped = [str(path.relative_to(ROOT)) for path in _product_modules() if path.name in tools]
    assert shipped == []
