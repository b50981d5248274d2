"""Apps import only the apps below them, in the order docs/architecture.md ("Layers") gives.

The test reads every Python file of every app (imports at module level and inside functions,
relative imports, dotted-path strings such as ``"tutela.figures.models"``, ``apps.get_model``
lookups, model relations written as ``"app.Model"``, URL names such as ``"figures:dashboard"``,
migration dependencies such as ``("figures", "0001_initial")``)
and every template (``{% include %}``/``{% extends %}`` of another app's template, ``{% url %}``
of another app's page, ``{% load %}`` of another app's tag library), and fails with file:line
for each reference to an app listed later than the one that makes it. Migrations are read too
(their dependencies and relations). The apps' tests are left out: a test may set up records of
any app; the code it tests may not.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TUTELA = ROOT / "tutela"


def layer_order() -> list[str]:
    """The numbered list under "## Layers" in docs/architecture.md, lowest first."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. `(\w+)`", section, flags=re.MULTILINE)


APPS = sorted(p.name for p in TUTELA.iterdir() if (p / "apps.py").exists())
TAG_LIBRARIES = {f.stem: app for app in APPS for f in (TUTELA / app / "templatetags").glob("*.py") if f.stem != "__init__"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
DOTTED = re.compile(r"tutela\.(\w+)(\.\w+)*")
URL_NAME = re.compile(r"(\w+):[\w-]+")
APP_MODEL = re.compile(r"(\w+)\.[A-Za-z]\w*")
MIGRATION = re.compile(r"\d{4}_\w+")


def _absolute(module: str | None, level: int, path: Path) -> str:
    if not level:
        return module or ""
    package = path.relative_to(ROOT).with_suffix("").parts[: -level]
    return ".".join(package + ((module,) if module else ()))


def _string_target(value: str) -> str | None:
    """The app a string names, if it is a dotted path, a URL name or an "app.Model" label."""
    for pattern in (DOTTED, URL_NAME, APP_MODEL):
        if m := pattern.fullmatch(value):
            return m.group(1)
    return None


def python_references(source: str, path: Path) -> list[tuple[int, str, str]]:
    """``(line, app, what)`` for every app this source, the file at ``path``, names."""
    found = []
    tree = ast.parse(source, filename=str(path))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, path)
            modules = [base] + ([f"{base}.{alias.name}" for alias in node.names] if base == "tutela" else [])
        else:
            modules = []
        for module in modules:
            parts = module.split(".")
            if parts[0] == "tutela" and len(parts) > 1:
                found.append((node.lineno, parts[1], f"import {module}"))
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0]
            if name == "get_model" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value.split(".")[0], f"get_model({first.value!r})"))
        if (isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(isinstance(e, ast.Constant) for e in node.elts)
                and isinstance(node.elts[1].value, str) and MIGRATION.fullmatch(node.elts[1].value)):
            found.append((node.lineno, node.elts[0].value, f"migration {node.elts[0].value}.{node.elts[1].value}"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            app = _string_target(node.value)
            if app:
                found.append((node.lineno, app, repr(node.value)))
    return found


TEMPLATE_TAG = re.compile(r"{%\s*(include|extends|url|load)\s+(.+?)%}", re.DOTALL)


def template_references(path: Path) -> list[tuple[int, str, str]]:
    found = []
    text = path.read_text()
    for m in TEMPLATE_TAG.finditer(text):
        tag, args = m.group(1), m.group(2).split()
        line = text.count("\n", 0, m.start()) + 1
        if tag == "load":
            apps = [TAG_LIBRARIES[lib] for lib in args if lib in TAG_LIBRARIES]
        elif args and args[0][:1] in "'\"":
            name = args[0].strip("'\"")
            separator = ":" if tag == "url" else "/"
            apps = [name.split(separator)[0]] if separator in name else []
        else:
            apps = []
        found += [(line, app, m.group(0)) for app in apps]
    return found


def upward_references() -> list[str]:
    order = layer_order()
    rank = {app: i for i, app in enumerate(order)}
    problems = []
    for app in APPS:
        for path in sorted((TUTELA / app).rglob("*")):
            if "tests" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py":
                refs = python_references(path.read_text(), path)
            elif "templates" in path.parts:
                refs = template_references(path)
            else:
                continue
            for line, target, what in refs:
                if target in rank and rank[target] > rank[app]:
                    problems.append(f"{path.relative_to(ROOT)}:{line}: {app} uses {target} (layer {rank[target] + 1} > "
                                    f"{rank[app] + 1}): {what}")
    return problems


def test_architecture_lists_every_app_once_in_layer_order():
    order = layer_order()
    assert len(order) == len(set(order)), order
    assert sorted(order) == APPS, "docs/architecture.md, ## Layers, must list every app in tutela/ exactly once"
    installed = [name.removeprefix("tutela.") for name in settings.INSTALLED_APPS if name.startswith("tutela.")]
    assert installed == order, "INSTALLED_APPS lists the apps in layer order (the demo loads bottom-up)"


def test_no_app_uses_an_app_above_it():
    problems = upward_references()
    assert not problems, "An app may use only the apps listed before it in docs/architecture.md:\n" + "\n".join(problems)


def test_the_check_sees_every_way_of_naming_an_app():
    source = (
        '"""A docstring may mention tutela.figures.models."""\n'
        "def f():\n"
        "    from tutela.figures.models import Figure\n"  # 3: an import inside a function
        "    from ...figures import x\n"  # 4: a relative one
        "    import_string('tutela.reports.tasks.draft_report')\n"  # 5: a dotted path
        "    apps.get_model('outreach', 'Campaign')\n"  # 6: a model lookup
        "    owner = models.ForeignKey('exchange.ImportJob', on_delete=models.CASCADE)\n"  # 7: a relation
        "    return redirect('coordination:body_list')\n"  # 8: a URL name
        "dependencies = [('consultations', '0002_groups')]\n"  # 9: a migration of another app
        "field = models.ForeignKey(to='accounts.user', on_delete=models.CASCADE)\n"  # 10: a migration's relation
    )
    refs = python_references(source, TUTELA / "core" / "tests" / "sample.py")
    assert sorted({(line, app) for line, app, _ in refs}) == [
        (3, "figures"), (4, "figures"), (5, "reports"), (6, "outreach"), (7, "exchange"), (8, "coordination"),
        (9, "consultations"), (10, "accounts")]


def test_the_check_sees_what_a_template_takes_from_another_app(tmp_path):
    path = tmp_path / "page.html"
    path.write_text('{% extends "base.html" %}{% load i18n tutela_links %}\n'
                    '{% include "figures/_figure_table.html" %}\n{% url "reports:report_list" as u %}\n')
    assert [(line, app) for line, app, _ in template_references(path)] == [(1, "activities"), (2, "figures"), (3, "reports")]
