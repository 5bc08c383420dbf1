import json
from pathlib import Path

from tests.conftest import REPO, customer_file, invoke

GOOD = "id: {id}\nname: {name}\nfield: bank\nlog:\n- {{date: 2026-09-01, event: added}}\n"


def write(folder: Path, file_id: str, text: str) -> None:
    customer_file(folder, file_id).write_text(text, encoding="utf-8")


def test_a_clean_folder_passes(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 files checked: no problems\n", "")


def test_the_bundled_sample_passes() -> None:
    result = invoke(REPO, "check", today="2026-11-26")
    assert result.exit_code == 0, result.stdout


def test_each_kind_of_problem_is_named_with_its_place(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "syntax", "name: S\nlog:\n- {date: 2026-09-01, event: added\n")
    write(folder, "values", "name: V\nfield: bnak\nrole: 老板\nsize: 系统\nlog:\n"
                            "- {date: 2026-09-01, event: stage, stage: demoo}\n")
    write(folder, "dates", "name: D\nlog:\n- {date: 2026-13-01, event: added}\n")
    write(folder, "order", "name: O\nlog:\n- {date: 2026-09-01, event: added}\n- {date: 2027-01-05, event: note}\n"
                           "- {date: 2026-10-01, event: note}\n- {date: 2026-10-02, event: won}\n"
                           "- {date: 2026-10-03, event: visit, next: soon}\n")
    write(folder, "refs", "id: other\nname: A\nreferred_by: nobody\nlog:\n")
    write(folder, "conflict", "name: C\n<<<<<<< ours\narea: 汉口\n=======\narea: 汉阳\n>>>>>>> theirs\nlog:\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.replace(str(folder / "customers") + "/", "") == (
        "a.yaml:2:7: the name 'A' is also in refs; merge them or tell them apart\n"
        "conflict.yaml:2:1: unresolved merge conflict about `area`: keep one side, delete the "
        "<<<<<<< ======= >>>>>>> lines\n"
        "dates.yaml:3:10: '2026-13-01' is not a valid date; write YYYY-MM-DD\n"
        "order.yaml:4:10: the event is dated 2027-01-05, after today (2026-11-26)\n"
        "order.yaml:5:10: this event (2026-10-01) is dated before the one above it (2027-01-05); "
        "keep the log oldest first\n"
        "order.yaml:6:3: a won event needs the value: add `value: …`\n"
        "order.yaml:7:42: 'soon' is not a date; write YYYY-MM-DD\n"
        "refs.yaml:1:5: the file name says 'refs' but `id:` says 'other'; rename the file or fix the id\n"
        "refs.yaml:2:7: the name 'A' is also in a; merge them or tell them apart\n"
        "refs.yaml:3:14: referred_by 'nobody' is not a customer id here\n"
        "syntax.yaml:4:1: did not find expected ',' or '}' (YAML syntax: fix the file here)\n"
        "values.yaml:2:8: unknown field 'bnak' (did you mean 'bank'?); use one of: real-estate, bank, construction, "
        "military, telecom, finance, power, petrochemical, railway, pharma, metallurgy, highway, aviation, "
        "municipal, industrial, college\n"
        "values.yaml:3:7: unknown role '老板'; use one of: owner, intermediary, contractor, supervisor, designer\n"
        "values.yaml:4:7: '系统' is not a size key; write 'system'\n"
        "values.yaml:6:43: unknown stage 'demoo' (did you mean 'demo'?); use one of: prospect, prepare, approach, "
        "needs, demo, objections, close, service\n"
    )
    assert result.stderr == "15 problems in 7 of 7 files\n"


def test_json_for_tools(folder: Path, run) -> None:
    write(folder, "v", "name: V\nchannel: walk-in\nlog:\n")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "vocabulary" and (problem["line"], problem["column"]) == (2, 10)
    assert problem["file"].endswith("customers/v.yaml")


def test_the_pre_commit_hook_definition() -> None:
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "salescli-check" and hook["entry"] == "salescli check"
