"""The Python API, `salescli.Folder`, on its own: what goes in, what comes out, what it writes."""

from __future__ import annotations

import ast
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import salescli
from salescli.api import Change, Forecast, NearName, Target, Visit
from salescli.customer import Status
from salescli.errors import Ambiguous, InvalidValue, NotFound, UnsafeWrite
from salescli.stages import Stage
from tests.conftest import REPO, SAMPLE_TODAY, customer_file, invoke

TODAY = date(2026, 11, 26)


@pytest.fixture
def new(folder: Path) -> salescli.Folder:
    return salescli.Folder(folder, today=TODAY)


def test_the_folder_is_found_from_inside_it(folder: Path) -> None:
    inside = folder / "customers"
    assert salescli.Folder(inside).root == folder
    assert salescli.Folder(str(folder)).today == date.today()
    assert salescli.Folder(folder, today="2026-11-26").today == TODAY


def test_outside_a_folder_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESCLI_DIR", str(REPO))  # the command line's variable: not the API's business
    with pytest.raises(NotFound, match="not in a salescli data folder"):
        salescli.Folder(tmp_path).customers()


def test_add_takes_what_a_rep_types_and_python_values(new: salescli.Folder, folder: Path) -> None:
    added = new.add("中建三局第一建设有限公司", field="建筑", size="系统", role="乙方", channel="陌拜", area="洪山",
                    contact="王强", value=120000, by=date(2026, 12, 20))
    assert added.id == "zhongjiansanjudiyijianshe"
    assert (added.get("field"), added.get("size"), added.get("role"), added.get("channel"), added.get("source"),
            added.get("contact.person")) == ("construction", "system", "contractor", "cold", None, "王强")
    deal = added.deals[0]
    assert (deal.stage, deal.target_value, deal.target_date) == (Stage.PROSPECT, Decimal(120000), date(2026, 12, 20))
    text = customer_file(folder, added.id).read_text(encoding="utf-8")
    assert "- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}" in text
    assert new.customer("中建三局").id == added.id


def test_a_name_like_one_in_the_folder_needs_new(new: salescli.Folder) -> None:
    new.add("保利华中房地产有限公司")
    with pytest.raises(NearName) as near:
        new.add("保利华中")
    assert [match.id for match in near.value.matches] == ["baolihuazhongfangdichan"]
    assert new.add("保利华中", new=True).id == "baolihuazhong"
    with pytest.raises(InvalidValue, match="already a customer"):
        new.add("保利华中房地产有限公司", new=True)


def test_advance_close_and_lost(new: salescli.Folder, folder: Path) -> None:
    new.add("甲", id="a")
    new.add("乙", id="b")
    won = new.advance("a", "促成", value="五万")
    assert (won.won, won.after.status, won.after.won_value) == (True, Status.WON, Decimal(50000))
    lost = new.advance("b", "lost", reason="选了别家")
    assert (lost.after.status, lost.after.lost_reason) == (Status.LOST, "选了别家")
    assert customer_file(folder, "a").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: won, value: 50000}\n")
    with pytest.raises(InvalidValue, match="reason"):
        new.advance("a", "lost", reopen=True)


def test_visit_writes_what_it_taught_in_one_go(new: salescli.Folder) -> None:
    new.add("中建三局", id="zj")
    logged = new.visit("zj", goal="演示计价", next="下周一", stage="needs", target="12万", by="月底",
                       learned={"funds.vendor": "广联达", "预算人员数量": 12, "needs.view": None})
    assert isinstance(logged, Visit)
    assert logged.event == {"date": TODAY, "event": "visit", "goal": "演示计价", "next": date(2026, 11, 30)}
    assert (logged.after.get("funds.vendor"), logged.after.get("needs.estimators")) == ("广联达", 12)
    assert logged.before.get("funds.vendor") is None
    deal = logged.after.deals[0]
    assert (deal.stage, deal.target_value, deal.target_date) == (Stage.NEEDS, Decimal(120000), date(2026, 11, 30))
    assert logged.move is not None and logged.move.after.stage is Stage.NEEDS


def test_target_and_set(new: salescli.Folder, folder: Path) -> None:
    new.add("中建三局", id="zj")
    target = new.target("zj", Decimal("48000"), "2027-01-15")
    assert isinstance(target, Target) and (target.value, target.date, target.deal) == (
        Decimal(48000), date(2027, 1, 15), "1")
    changed = new.set("zj", {"phone": "139 0000 0000", "field": "房地产"})
    assert isinstance(changed, Change) and changed.keys == ("contact.phone", "field")
    assert (changed.after.get("contact.phone"), changed.after.get("field")) == ("139 0000 0000", "real-estate")
    emptied = new.set("zj", {"field": None})
    assert emptied.after.get("field") is None and "\nfield:" in customer_file(folder, "zj").read_text("utf-8")
    with pytest.raises(InvalidValue, match="give --value, --by or both"):
        new.target("zj")


def test_the_forecast_of_the_bundled_folder(sample: Path) -> None:
    forecast = salescli.Folder(sample, today=SAMPLE_TODAY).forecast("2026-12", quota="60万")
    assert isinstance(forecast, Forecast)
    # December's six open deals (target, chance): 90,000 × 0.7 + 120,000 × 0.7 + 4,500 × 0.5
    # + 100,000 × 0.2 + 150,000 × 0.7 + 300,000 × 0.5
    assert forecast.weighted == Decimal(63000 + 84000 + 2250 + 20000 + 105000 + 150000) == Decimal(424250)
    assert forecast.best_case == Decimal(90000 + 120000 + 4500 + 100000 + 150000 + 300000)
    assert (forecast.won, forecast.expected) == (Decimal(0), Decimal(424250))
    assert forecast.gap == Decimal(600000 - 424250)
    assert forecast.formula.working_days == 23
    shown = invoke(sample, "forecast", "--month", "2026-12", "--format", "json", today=SAMPLE_TODAY)
    figures = json.loads(shown.stdout)["pipeline"]
    assert Decimal(str(figures["weighted"])) == forecast.weighted
    assert Decimal(str(figures["best_case"])) == forecast.best_case


def test_reports_and_schedule_are_the_commands(sample: Path) -> None:
    folder = salescli.Folder(sample, today=SAMPLE_TODAY)
    funnel = folder.report("funnel")
    shown = json.loads(invoke(sample, "report", "funnel", "--format", "json", today=SAMPLE_TODAY).stdout)
    assert [(step.stage.value, step.deals) for step in funnel] == [(row["stage"], row["deals"]) for row in shown]
    route = folder.schedule(days=7)
    listed = json.loads(invoke(sample, "schedule", "--week", "--format", "json", today=SAMPLE_TODAY).stdout)
    assert [visit.customer.id for visit in route.visits] == [visit["customer_id"] for day in listed["days"]
                                                             for visit in day["visits"]]
    with pytest.raises(InvalidValue, match="no report 'nonsense'"):
        folder.report("nonsense")


def test_errors_say_what_and_where(sample: Path) -> None:
    folder = salescli.Folder(sample, today=SAMPLE_TODAY)
    with pytest.raises(NotFound):
        folder.customer("nobody")
    with pytest.raises(Ambiguous, match="matches 6 customers"):
        folder.customer("中")
    with pytest.raises(InvalidValue, match="not an amount"):
        folder.target("天河", "很多")
    (sample / "customers" / "broken.yaml").write_text("id: broken\nname: [坏\n", encoding="utf-8")
    assert len(folder.customers()) == 35
    assert [problem.path.name for problem in folder.problems if problem.path] == ["broken.yaml"]
    assert folder.problems[0].line == 2  # where the bracket left unclosed opens


def test_check_finds_what_the_command_finds(new: salescli.Folder, folder: Path) -> None:
    new.add("中建三局", id="zj")
    assert new.check() == []
    customer_file(folder, "zj").write_text(
        "id: zj\nname: 中建三局\nfield: bnak\nlog:\n- {date: 2026-12-01, event: added}\n", encoding="utf-8")
    found = [(problem.path.name if problem.path else None, problem.line, problem.code) for problem in new.check()]
    assert found == [("zj.yaml", 3, "vocabulary"), ("zj.yaml", 5, "future-date")]
    shown = json.loads(invoke(folder, "check", "--format", "json", today="2026-11-26").stdout)
    assert [(Path(entry["file"]).name, entry["line"], entry["code"]) for entry in shown] == found


def test_each_folder_speaks_its_own_language(sample: Path) -> None:
    chinese = salescli.Folder(sample, today=SAMPLE_TODAY, language="zh")
    english = salescli.Folder(sample, today=SAMPLE_TODAY, language="en")
    for _time in range(2):  # (one after the other: neither's language stays for the other)
        with pytest.raises(NotFound, match="没有与“不存在”匹配的客户"):
            chinese.customer("不存在")
        with pytest.raises(NotFound, match="no customer matches '不存在'"):
            english.customer("不存在")


def test_python_values_get_the_checks_typed_ones_get(sample: Path) -> None:
    """Numbers, dates and datetimes are welcome where text is; what the command line refuses is refused
    with a salescli error, never a TypeError or a value the command line would not write."""
    folder = salescli.Folder(sample, today=datetime(2026, 11, 26, 9, 30))
    assert folder.today == TODAY
    assert folder.forecast(date(2026, 12, 1)).weighted == folder.forecast(202612).weighted == Decimal(424250)
    before = customer_file(sample, "tianhejichangkuojianzhihuibu").read_text(encoding="utf-8")
    refused = {
        "'-5' is not an amount": lambda: folder.target("天河", value=-5),
        "'inf' is not an amount": lambda: folder.target("天河", value=float("inf")),
        "'NaN' is not an amount": lambda: folder.target("天河", value=Decimal("NaN")),
        "more than salescli takes as an amount": lambda: folder.target("天河", value=10 ** 20),
        "outside the years salescli works with": lambda: folder.target("天河", by=date(9999, 12, 31)),
        "'7' is not a valid date": lambda: folder.visit("天河", next=7),
        "--days must be at least 1": lambda: folder.schedule(days="7"),  # type: ignore[arg-type]
        "--days must be at most 3660": lambda: folder.schedule(days=10 ** 7),
        "--window must be at least 1 working day": lambda: folder.forecast(window=0),
        "contact: give one value": lambda: folder.set("天河", {"contact": {"phone": "1"}}),
    }
    for message, call in refused.items():
        with pytest.raises(InvalidValue, match=re.escape(message)):
            call()
    assert customer_file(sample, "tianhejichangkuojianzhihuibu").read_text(encoding="utf-8") == before
    with pytest.raises(NotFound):
        folder.customer(123)  # type: ignore[arg-type]
    moved = folder.advance("hangyujianlizixun", 3, date=datetime(2026, 11, 26, 15, 0))  # a stage by its number
    assert (moved.events[-1]["stage"], moved.events[-1]["date"]) == ("approach", TODAY)


def test_a_folder_keeps_what_it_read_until_reload(sample: Path) -> None:
    folder = salescli.Folder(sample, today=SAMPLE_TODAY)
    assert folder.settings.visits_per_day == 4
    config = sample / "salescli.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("visits_per_day: 4", "visits_per_day: 1"),
                      encoding="utf-8")
    assert folder.settings.visits_per_day == 4  # a snapshot, as one command's
    folder.reload()
    assert folder.settings.visits_per_day == 1


def test_report_by_a_dimension_is_a_mapping_and_says_what_matched_nothing(sample: Path) -> None:
    folder = salescli.Folder(sample, today=SAMPLE_TODAY)
    funnels = folder.report("funnel", by="owner")
    assert isinstance(funnels, dict) and set(funnels) == {"李明", "张伟", "王芳"}
    assert sum(steps[0].deals for steps in funnels.values()) == folder.report("funnel")[0].deals
    folder.report("winrate", by="nonsense.key")
    assert folder.warnings == ["no customer has a value for 'nonsense.key'; every one is under (none)"]


def test_a_refused_write_changes_nothing(new: salescli.Folder, folder: Path) -> None:
    new.add("中建三局", id="zj")
    path = customer_file(folder, "zj")
    before = path.read_text(encoding="utf-8")
    path.chmod(0o444)
    folder.joinpath("customers").chmod(0o555)
    try:
        with pytest.raises(UnsafeWrite):
            new.advance("zj")
    finally:
        folder.joinpath("customers").chmod(0o755)
        path.chmod(0o644)
    assert path.read_text(encoding="utf-8") == before


def test_no_command_imports_another() -> None:
    """Shared services live outside salescli/commands/; the package's __init__ holds the CLI's shared options."""
    commands = REPO / "salescli" / "commands"
    names = {path.stem for path in commands.glob("*.py")} - {"__init__"}
    found = []
    for path in sorted(commands.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("salescli.commands."):
                    found.append((path.name, node.module))
                elif node.module == "salescli.commands":
                    found += [(path.name, alias.name) for alias in node.names if alias.name in names]
    assert found == []


# What a command and a web module may import of salescli: the API, its errors, the renderer and the i18n layer
# (with the words both front ends say alike: the month forecast's sentences, a business card's preview), and its
# own layer (the command line's shared options, session and card prompts; the web page's modules).
ABOVE_THE_API = {"salescli.api", "salescli.errors", "salescli.render", "salescli.i18n", "salescli.forecastwords",
                 "salescli.cardview"}
OWN_LAYER = {"commands": ("salescli.commands", "salescli.session", "salescli.cardcli", "salescli.cli",
                          "salescli.web.serve"),  # (`salescli web` starts the page's server)
             "web": ("salescli.web",)}


def _layer_of(path: Path) -> str:
    return "web" if path.parent.name == "web" else "commands"


def _imported(path: Path) -> list[str]:
    """The salescli modules (or names of the package) that a module imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "salescli":
            found += [f"salescli.{alias.name}" for alias in node.names] if node.module == "salescli" else [node.module]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "salescli"]
    return found


def test_commands_and_web_modules_import_only_the_api() -> None:
    """A command or a web handler parses its input, calls a Folder method, renders what comes back: the core's
    types and helpers it needs come from salescli.api (its `__all__`), never from the core itself."""
    package = REPO / "salescli"
    modules = [*sorted((package / "commands").glob("*.py")), *sorted((package / "web").glob("*.py")),
               package / "session.py", package / "cardcli.py"]
    found = []
    for path in modules:
        allowed = (*ABOVE_THE_API, *OWN_LAYER[_layer_of(path)])
        found += [(str(path.relative_to(package)), module) for module in _imported(path)
                  if not any(module == one or module.startswith(one + ".") for one in allowed)]
    assert len(modules) > 25 and found == []


def test_the_api_exports_what_it_names() -> None:
    """Every name of `__all__` is there; those of LAZY are imported when first asked for, so that a command's
    run imports only the parts of the core it uses."""
    import subprocess
    import sys

    import salescli.api as api

    assert set(api.LAZY) <= set(api.__all__) and [name for name in api.__all__ if not hasattr(api, name)] == []
    modules = sorted({f"salescli.{module}" for module, _name in api.LAZY.values()})
    loaded = subprocess.run([sys.executable, "-c", "import sys, salescli.api; print(' '.join(sorted(sys.modules)))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert [module for module in modules if module in loaded] == []


def test_every_module_is_on_the_map() -> None:
    """docs/architecture.md names every module of the package (the map stays true)."""
    layout = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = REPO / "salescli"
    modules = [path.relative_to(package) for path in package.rglob("*.py")
               if path.name not in ("__init__.py", "__main__.py") and path.parent.name != "commands"]
    missing = [str(module) for module in modules
               if f"`{module}`" not in layout and f"`{module.name}`" not in layout]
    assert len(modules) > 40 and missing == []


# Where files are touched: what the map (docs/architecture.md) calls storage; besides it only the catalog's start-up
# (i18n), the editor `edit` runs, the browser `web` opens and the terminal (cli.py's /dev/null for a
# reader that left).
TOUCH_FILES = {"datafolder.py", "repository.py", "safefile.py", "yamlfile.py", "cache.py", "check/infolder.py",
               "parallel.py", "gitops.py", "i18n.py", "cli/__init__.py", "commands/edit.py", "web/serve.py",
               "locale/refresh.py", "locale/extract.py"}
STORAGE = {name.split(".")[0] for name in TOUCH_FILES if "/" not in name}
PATH_CALLS = {"read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "iterdir", "glob", "rglob", "touch",
              "unlink"}
OS_CALLS = {"open", "fdopen", "replace", "rename", "remove", "unlink", "listdir", "scandir", "makedirs"}


def test_only_storage_touches_files() -> None:
    package = REPO / "salescli"
    found = []
    for path in sorted(package.rglob("*.py")):
        module = str(path.relative_to(package))
        if module in TOUCH_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names]
                found += [(module, name) for name in names if name in ("subprocess", "sqlite3")]
            elif isinstance(node, ast.Call):
                found += [(module, f"{ast.unparse(node.func)}() at line {node.lineno}")] if _touches(node.func) else []
    assert found == []


def _touches(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "open"
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    if owner == "os":
        return func.attr in OS_CALLS
    if owner == "shutil":
        return func.attr != "which"
    return func.attr in PATH_CALLS and owner not in STORAGE


def test_the_api_page_s_table_covers_every_command() -> None:
    """Every command of the command line is in docs/api.md's table, beside the Folder methods it is built on."""
    from salescli.cli import COMMAND_MODULES

    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    said = " ".join(line.split(" | ")[1] for line in rows)  # (the command column)
    assert [command for command in COMMAND_MODULES if f"`{command}" not in said] == ["web"]  # (the page: below)
    assert "`web` serves the web page, itself a layer over the same Folder" in page
    methods = {name for name in dir(salescli.Folder) if not name.startswith("_")}
    named = set(re.findall(r"`(?:Folder\.)?([a-z_]+)\(", " ".join(line.split(" | ")[0] for line in rows)))
    assert named - methods <= {"merge_versions"} and len(named) > 40


def test_the_core_imports_in_no_circle() -> None:
    """The modules below the command line and the web page (the API, the core, storage) import one another
    in layers: no module imports, however indirectly, one that imports it (a function's own imports count;
    `if TYPE_CHECKING:` ones do not). The package's __init__, `salescli.Folder`'s facade, stands above them."""
    imports = _core_imports()
    assert len(imports) > 40 and "salescli.i18n" in imports
    assert imports["salescli.i18n"] == set()  # gettext alone
    assert _circles(imports) == []


def _core_imports() -> dict[str, set[str]]:
    """Each module outside cli/, commands/ and web/ → the modules of salescli it imports."""
    package = REPO / "salescli"
    paths = {"salescli." + ".".join(path.relative_to(package).with_suffix("").parts): path
             for path in package.rglob("*.py") if path.relative_to(package).parts[0] not in ("cli", "commands", "web")
             and path.name not in ("__init__.py", "__main__.py")}
    imports = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and ast.unparse(block.test) == "TYPE_CHECKING" for node in ast.walk(block)}
        names = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in paths else node.module
                          for alias in node.names}
        imports[module] = {name for name in names if name in paths and name != module}
    return imports


def _circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Each circle found by a depth-first walk, as the modules around it."""
    circles, done, path = [], set(), []

    def walk(module: str) -> None:
        if module in path:
            circles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        path.append(module)
        for imported in sorted(imports[module]):
            walk(imported)
        path.pop()
        done.add(module)

    for module in sorted(imports):
        walk(module)
    return circles


def test_the_api_page_s_example_runs(sample: Path) -> None:
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(code.replace('"~/sales"', repr(str(sample))), namespace)  # noqa: S102 - the page's own example
    december = namespace["december"]
    assert isinstance(december, Forecast) and december.weighted == Decimal(424250)
    written = customer_file(sample, "zhongjiansanju").read_text(encoding="utf-8")
    assert "funds:\n  vendor: 广联达" in written and "- {date: 2026-11-26, event: won, value: 50000}" in written


def test_check_names_an_unreadable_file_by_its_code(new: salescli.Folder, folder: Path) -> None:
    (folder / "customers" / "bad.yaml").write_bytes(b"name: \xff\n")
    assert [(problem.path.name if problem.path else None, problem.code) for problem in new.check()] == [
        ("bad.yaml", "file")]
