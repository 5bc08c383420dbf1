import json
from pathlib import Path

from icalendar import Calendar

from tests.conftest import steps

TODAY = "2026-11-26"


def _folder(run) -> None:
    go = steps(run, today=TODAY)
    go("add", "汉阳建工", "--id", "h1", "--area", "汉阳", "--address", "汉阳大道1号", "--date", "2026-10-01")
    go("visit", "h1", "--date", "2026-11-20", "--next", "2026-11-30")
    go("add", "汉阳设计院", "--id", "h3", "--area", "汉阳", "--stage", "objections", "--value", "5万",
       "--by", "2026-12-21", "--date", "2026-10-01")
    go("add", "光谷地产", "--id", "g1", "--area", "光谷", "--date", "2026-10-01")
    go("visit", "g1", "--date", "2026-11-10", "--next", "2026-11-20")


def test_customer_plan(folder: Path, run) -> None:
    _folder(run)
    result = run("schedule", "h3", today=TODAY)
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "Visit plan for 汉阳设计院 — deal 1, objections 异议处理, target 2026-12-21"
    assert lines[3].split()[:5] == ["2026-12-18", "Fri", "during", "close", "plan"]
    data = json.loads(run("schedule", "h3", "--format", "json", today=TODAY).stdout)
    assert [(v["date"], v["kind"], v["stage"]) for v in data] == [
        ("2026-12-18", "plan", "close"), ("2026-12-25", "service", "service"),
        ("2027-01-15", "service", "service"), ("2027-01-29", "referral", "service")]


def test_customer_without_target_gets_a_hint(folder: Path, run) -> None:
    _folder(run)
    result = run("schedule", "g1", today=TODAY)
    assert (result.exit_code, result.stderr) == (
        2, "Error: 光谷地产 has no target date to plan towards; set one with "
           "`salescli target g1 --value V --by DATE`\n")


def test_route_week(folder: Path, run) -> None:
    _folder(run)
    result = run("schedule", "--week", today=TODAY)
    lines = result.stdout.splitlines()
    assert lines[0] == "Route 2026-11-26 … 2026-12-02 · at most 4 visits a working day"
    rows = [line.split() for line in lines[3:]]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("2026-11-26", "光谷", "光谷地产"), ("2026-11-30", "汉阳", "汉阳建工")]
    assert "next (overdue)" in lines[3]
    data = json.loads(run("schedule", "--days", "3", "--from", "2026-11-30", "--format", "json", today=TODAY).stdout)
    assert [day["date"] for day in data["days"]] == ["2026-11-30", "2026-12-01", "2026-12-02"]
    assert [v["customer_id"] for v in data["days"][0]["visits"]] == ["h1", "g1"]
    csv_lines = run("schedule", "--format", "csv", today=TODAY).stdout.splitlines()
    assert csv_lines[0] == "date,area,customer,kind,stage,goal"


def test_ics_imports_with_stable_uids(folder: Path, run, tmp_path: Path) -> None:
    _folder(run)
    path = tmp_path / "visits.ics"
    result = run("schedule", "h3", "--ics", str(path), today=TODAY)
    assert result.stdout.endswith(f"Wrote 4 visits to {path}.\n")
    events = [c for c in Calendar.from_ical(path.read_bytes()).walk() if c.name == "VEVENT"]
    assert [str(e["uid"]) for e in events] == ["h3.1.close@salescli", "h3.1.after-sale-1@salescli",
                                               "h3.1.after-sale-2@salescli", "h3.1.after-sale-3@salescli"]
    assert events[0].decoded("dtstart").isoformat() == "2026-12-18"
    assert str(events[0]["summary"]) == "Visit 汉阳设计院 · close"
    assert str(events[0]["location"]) == "汉阳"
    run("target", "h3", "--by", "2027-01-08", today=TODAY)  # the target moves; so does the plan
    run("schedule", "h3", "--ics", str(path), today="2026-11-27")
    moved = [c for c in Calendar.from_ical(path.read_bytes()).walk() if c.name == "VEVENT"]
    assert str(moved[0]["uid"]) == "h3.1.close@salescli"
    assert moved[0].decoded("dtstart").isoformat() == "2027-01-07"
    assert int(moved[0]["sequence"]) > int(events[0]["sequence"])


def test_prep_sheet(folder: Path, run) -> None:
    _folder(run)
    out = run("prep", "h3", today=TODAY).stdout.splitlines()
    assert out[0] == "访前准备 · Pre-visit sheet: 汉阳设计院 (h3)"
    assert out[3] == "Next visit: 2026-12-18 (planned) · towards close 促成 · during the sale"
    assert out[4].startswith("  goal: close: contract, seats, amount; find out: purchasing process")
    assert "Target: 50,000 CNY by 2026-12-21 (25 days left) · deal 1, objections 异议处理 (open)" in out
    assert "  1. Contact: address, department, main contact, phone, postcode" in out
    assert out[-1] == "  none recorded — find the key people (trust: names, phones, hobbies, birthdays)"
    visited = run("prep", "h1", today=TODAY).stdout.splitlines()
    assert "  2026-11-20  " in visited  # a visit with no goal or note still shows its date


def test_a_target_dated_past_the_years_salescli_works_with_skips_that_file_alone(folder: Path, run) -> None:
    _folder(run)
    path = folder / "customers" / "h1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- {date: 2026-11-21, event: target, by: 9999-12-31}\n",
                    encoding="utf-8")  # a target typed by hand (salescli refuses it at input)
    result = run("schedule", "--format", "json", today=TODAY)
    line = path.read_text(encoding="utf-8").count("\n")
    assert result.stderr == (f"warning: skipped {path}:{line}:41: 9999-12-31 is outside the years salescli works "
                             "with (1900–2999)\n")
    visits = [visit["customer_id"] for day in json.loads(result.stdout)["days"] for visit in day["visits"]]
    assert "h1" not in visits and "g1" in visits


def test_prep_schedule_and_show_name_the_same_next_visit(folder: Path, run) -> None:
    """An agreed visit comes before the plan's, and once its day has passed it is overdue everywhere
    (issue 24: prep said the plan's 2027-01-29 while schedule showed the agreed 12-22 overdue)."""
    go = steps(run, today="2026-12-15")
    go("add", "保利华中房地产有限公司", "--id", "bl", "--area", "洪山", "--stage", "needs")
    go("target", "bl", "--value", "30万", "--by", "2027-02-26")
    go("visit", "bl", "--next", "2026-12-22")
    go("add", "中建三局第二建设", "--id", "zj2", "--area", "洪山")  # no target: no plan, but a visit agreed
    go("visit", "zj2", "--next", "2026-12-14", "--date", "2026-12-10")
    prep = run("--lang", "zh", "prep", "bl", today="2026-12-24").stdout.splitlines()
    assert prep[3] == "下次拜访：2026-12-22（已约定，已逾期） · 推进到产品展示 · 售中"
    show = run("--lang", "zh", "show", "bl", today="2026-12-24").stdout.splitlines()
    assert show[1].endswith(" · 下次拜访 2026-12-22（已逾期）")
    route = run("--lang", "zh", "schedule", "--week", today="2026-12-24").stdout
    assert "推进到" in route.splitlines()[1]  # the stage the visit works towards, said so
    assert "约定（已逾期）" in next(line for line in route.splitlines() if "保利华中" in line)
    agreed = run("--lang", "zh", "prep", "zj2", today="2026-12-11").stdout.splitlines()
    assert agreed[3] == "下次拜访：2026-12-14（已约定） · 推进到访前准备 · 售前"
    assert agreed[5].startswith("  （中建三局第二建设 还没有目标日期，无法排出到成交的拜访计划")
    assert run("show", "zj2", today="2026-12-11").stdout.splitlines()[1].endswith(" · next visit 2026-12-14")
    # the agreed visit happened a day late: the plan's next
    assert run("visit", "bl", today="2026-12-23").exit_code == 0
    assert run("prep", "bl", today="2026-12-24").stdout.splitlines()[3].endswith("(planned) · towards demo 产品展示 · "
                                                                                  "during the sale")
