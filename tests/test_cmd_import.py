"""Import and export: Chinese spreadsheets, a real .xlsx, JSON, a foreign CRM's export, round trips."""

import csv
import io
import json
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook

from tests.conftest import customer_file

SHEET = "客户名称,领域,规模,联系人,电话,区域,目标金额,阶段\r\n" \
        "鼎盛地产,房地产,散户,王强,13900000000,汉阳,5万,demo\r\n" \
        ",银行,系统,李娟,,武昌,,\r\n" \
        "江城建工,建筑,大公司,张伟,,汉口,,\r\n" \
        "华中设计院,,,,,洪山,,\r\n"


def test_csv_with_chinese_headers_and_bad_rows(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "我们的客户.csv"
    source.write_text(SHEET, encoding="utf-8-sig")
    dry = run("import", str(source), "--dry-run")
    assert dry.exit_code == 0, dry
    assert dry.stdout.splitlines() == [
        "would create 鼎盛地产 (row 2)",
        "would create 华中设计院 (row 5)",
        "skipped row 3: no name",
        "skipped row 4: unknown size '大公司'; use one of: 系统, 散户, 个人",
        f"{source}: 2 customers to create, 0 to update, 2 rows skipped — dry run, nothing written",
    ]
    assert list((folder / "customers").iterdir()) == []
    result = run("import", str(source))
    assert result.stdout.splitlines()[-1] == f"{source}: 2 customers created, 0 updated, 2 rows skipped"
    data = yaml.safe_load(customer_file(folder, "dingshengdichan").read_text(encoding="utf-8"))
    assert (data["field"], data["size"], data["contact"]["person"], data["contact"]["phone"], data["area"]) == \
        ("real-estate", "small", "王强", "13900000000", "汉阳")
    assert data["log"] == [{"date": __import__("datetime").date(2026, 11, 26), "event": "added", "stage": "demo"},
                           {"date": __import__("datetime").date(2026, 11, 26), "event": "target", "value": 50000}]


def test_matching_by_name_fills_only_what_is_missing(folder: Path, run, tmp_path: Path) -> None:
    run("add", "鼎盛地产", "--id", "ds", "--area", "汉口")
    before = customer_file(folder, "ds").read_text(encoding="utf-8")
    source = tmp_path / "c.csv"
    source.write_text(SHEET, encoding="utf-8")
    result = run("import", str(source), "--map", "电话=contact.phone")
    assert "updated 鼎盛地产 (row 2): field, size, contact.person, contact.phone; kept the file's area" in result.stdout
    after = customer_file(folder, "ds").read_text(encoding="utf-8")
    assert yaml.safe_load(after)["area"] == "汉口"
    assert after.count("\n") == before.count("\n")  # values filled in place, no event added
    assert len(list((folder / "customers").iterdir())) == 2  # not duplicated


def test_a_real_xlsx_round_trip(folder: Path, run, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["客户名称", "联系人", "预算人员数量", "目标日期"])
    sheet.append(["鼎盛地产", "王强", 12, __import__("datetime").datetime(2026, 12, 20)])
    sheet.append(["=HYPERLINK(\"http://x\")", "@SUM(A1)", None, None])
    sheet["A3"].data_type = "s"  # text that looks like a formula, as a foreign export may hold
    source = tmp_path / "客户.xlsx"
    book.save(source)
    assert run("import", str(source)).exit_code == 0
    data = yaml.safe_load(customer_file(folder, "dingshengdichan").read_text(encoding="utf-8"))
    assert data["needs"]["estimators"] == 12 and data["log"][-1]["by"].isoformat() == "2026-12-20"
    exported = tmp_path / "out.xlsx"
    assert run("export", "--format", "xlsx", "-o", str(exported)).exit_code == 0
    rows = list(load_workbook(exported).active.iter_rows(values_only=True))
    header = rows[0]
    malicious = next(row for row in rows[1:] if "HYPERLINK" in str(row[header.index("name")]))
    assert malicious[header.index("name")] == "'=HYPERLINK(\"http://x\")"
    assert malicious[header.index("contact.person")] == "'@SUM(A1)"
    reimport = run("import", str(exported))
    assert reimport.stdout.splitlines()[-1].endswith("0 customers created, 2 updated, 0 rows skipped")
    assert "nothing new" in reimport.stdout


def test_export_import_export_changes_nothing(sample: Path, tmp_path: Path) -> None:
    from tests.conftest import invoke

    first = invoke(sample, "export").stdout
    exported = tmp_path / "all.csv"
    exported.write_text(first, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (sample / "customers").iterdir()}
    result = invoke(sample, "import", str(exported))
    assert result.stdout.splitlines()[-1].endswith("0 customers created, 35 updated, 0 rows skipped")
    assert {p.name: p.read_bytes() for p in (sample / "customers").iterdir()} == before
    assert invoke(sample, "export").stdout == first
    assert next(csv.reader(io.StringIO(first)))[:3] == ["id", "name", "field"]


def test_json_import(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text(json.dumps([{"name": "A公司", "channel": "转介绍"}, {"nom": "x"}], ensure_ascii=False))
    result = run("import", str(source))
    assert result.stdout.splitlines()[-3:] == ["skipped row 2: no name",
                                               "columns not imported: nom (name a place for them with --map "
                                               "COLUMN=FIELD)",
                                               f"{source}: 1 customers created, 0 updated, 1 rows skipped"]
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert run("import", str(bad)).stderr.startswith("Error: ")


PIPELINE = ("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n"
            "O1,Moses,GTX,Acme,Won,2017-01-10,2017-03-01,1000\r\n"
            "O2,Moses,GTX,Acme,Lost,2017-01-20,2017-02-10,0\r\n"
            "O3,Moses,GTX,Beta,Engaging,2017-02-01,,\r\n"
            "O4,Moses,GTX,,Prospecting,,,\r\n"
            "O5,Moses,GTX,Beta,Won,2017-02-05,2017-03-15,2500\r\n"
            "O6,Moses,GTX,Gamma,Won,2017-02-05,2017-03-15,\r\n"
            "O7,Moses,GTX,Nobody,Won,2017-02-05,2017-03-15,10\r\n")


def test_a_foreign_crm_export_gives_its_true_figures(folder: Path, run, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account,sector,office_location\r\nAcme,retail,US\r\nBeta,medical,Kenya\r\nGamma,tech,US\r\n")
    pipeline = tmp_path / "sales_pipeline.csv"
    pipeline.write_text(PIPELINE)
    assert run("import", str(accounts), "--map", "sector=needs.scope", "--map", "office_location=area",
               "--date", "2016-10-01").exit_code == 0
    result = run("import", str(pipeline), "--deals", "--stage-map", "Prospecting=prospect,Engaging=approach",
                 "--stage-map", "Won=close,Lost=lost", "--date", "2017-12-31")
    assert result.stdout.splitlines()[-4:] == [
        "skipped row 5: no customer",
        "skipped row 7: won, but no value",
        "skipped row 8: no customer 'Nobody' in the folder (import the customers first)",
        f"{pipeline}: 0 customers created, 2 updated (4 deals), 3 rows skipped",
    ]
    rates = json.loads(run("report", "winrate", "--by", "area", "--format", "json").stdout)
    # US: Acme won O1 (10 Jan → 1 Mar: 21 + 28 + 1 = 50 days, 1,000) and lost O2;
    # Kenya: Beta won O5 (5 Feb → 15 Mar: 23 + 15 = 38 days, 2,500)
    assert rates == [
        {"area": "Kenya", "won": 1, "lost": 0, "win_rate": 1.0, "avg_won_value": 2500, "avg_cycle_days": 38.0,
         "median_cycle_days": 38.0},
        {"area": "US", "won": 1, "lost": 1, "win_rate": 0.5, "avg_won_value": 1000, "avg_cycle_days": 50.0,
         "median_cycle_days": 50.0}]
    march = json.loads(run("forecast", "--month", "2017-03", "--format", "json").stdout)
    assert march["won"]["total"] == 3500
    again = run("import", str(pipeline), "--deals", "--stage-map", "Won=close,Lost=lost,Engaging=approach")
    assert "deal 'O1' of Acme is already there" in again.stdout
    assert customer_file(folder, "acme").read_text().count("event: open") == 2


def test_unknown_map_targets_and_missing_columns(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("foo\r\nbar\r\n")
    assert run("import", str(source)).stderr == f"Error: {source}: no column for name; name it with --map COLUMN=name\n"
    assert run("import", str(source), "--deals", "--map", "foo=colour").stderr.startswith(
        "Error: --map foo=colour: 'colour' is not something to import into")
    assert run("import", str(source), "--map", "foo=contact").stderr == (
        "Error: --map foo=contact: `contact` holds keys; name one of them: contact.address, contact.department, "
        "contact.person, contact.phone, contact.postcode\n")
    assert run("import", str(source), "--map", "foo=a..b").stderr.startswith(
        "Error: --map foo=a..b: 'a..b' is not a profile key;")
    assert run("import", str(tmp_path / "none.csv")).exit_code == 2


def test_a_lone_surrogate_in_json_skips_its_row(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text('[{"name": "A\\ud800公司"}, {"name": "B公司"}]')
    result = run("import", str(source))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        "skipped row 1: 'A\\ud800公司' is not valid text (it holds a lone surrogate, as bytes that are not UTF-8 "
        "become); nothing was written", f"{source}: 1 customers created, 0 updated, 1 rows skipped"]


def _copy_templates(root: Path) -> Path:
    import shutil

    from tests.conftest import REPO

    (root / "customers").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def test_a_json_export_comes_back_whole_into_an_empty_folder(sample: Path, tmp_path: Path) -> None:
    from tests.conftest import invoke

    exported = tmp_path / "all.json"
    exported.write_text(invoke(sample, "export", "--format", "json").stdout, encoding="utf-8")
    empty = _copy_templates(tmp_path / "empty")
    result = invoke(empty, "import", str(exported))
    assert result.stdout.splitlines()[-1] == f"{exported}: 35 customers created, 0 updated, 0 rows skipped"
    for path in sorted((sample / "customers").iterdir()):
        assert invoke(empty, "show", path.stem, "--format", "json").stdout == \
            invoke(sample, "show", path.stem, "--format", "json").stdout, path.stem
        assert (empty / "customers" / path.name).read_bytes() == path.read_bytes()  # comments and key order too
    assert invoke(empty, "list", "--format", "json").stdout == invoke(sample, "list", "--format", "json").stdout
    before = {p.name: p.read_bytes() for p in (empty / "customers").iterdir()}
    again = invoke(empty, "import", str(exported))  # nothing new: nothing written
    assert again.stdout.splitlines()[-1] == f"{exported}: 0 customers created, 35 updated, 0 rows skipped"
    assert {p.name: p.read_bytes() for p in (empty / "customers").iterdir()} == before


def test_a_csv_export_keeps_stage_status_target_and_won_value(sample: Path, tmp_path: Path) -> None:
    from tests.conftest import invoke

    exported = tmp_path / "all.csv"
    exported.write_text(invoke(sample, "export").stdout, encoding="utf-8")
    empty = _copy_templates(tmp_path / "empty")
    result = invoke(empty, "import", str(exported))
    assert result.stdout.splitlines()[-2:] == [
        "2 of the customers created had several deals: a row of one customer each keeps the current deal and the "
        "value won in all; `export --format xlsx` (or json) keeps every deal",
        f"{exported}: 35 customers created, 0 updated, 0 rows skipped"]
    assert invoke(empty, "list", "--format", "json").stdout == invoke(sample, "list", "--format", "json").stdout
    lost = customer_file(empty, "gonghangwuhanfenhanghouqinbu").read_text(encoding="utf-8")
    assert lost.endswith("log:\n- {date: 2026-08-26, event: added, stage: demo}\n"
                         "- {date: 2026-08-26, event: target, value: 70000, by: 2026-09-15}\n"
                         "- {date: 2026-08-26, event: lost, reason: imported as lost}\n")


def test_a_row_without_a_stage_adds_a_customer_without_a_deal_of_its_own(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("name,status,stage,won_value,target_value,last_activity\r\n"
                      "A,,,,,\r\nB,won,service,5000,,2026-10-01\r\nC,lost,demo,3000,9000,2026-11-02\r\n",
                      encoding="utf-8")
    assert run("import", str(source), "--date", "2026-09-01").exit_code == 0
    assert customer_file(folder, "a").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2026-09-01, event: added}\n")
    assert customer_file(folder, "b").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2026-10-01, event: added, stage: prospect}\n- {date: 2026-10-01, event: won, value: 5000}\n"
        "- {date: 2026-10-01, event: stage, stage: service}\n")
    # C lost its current deal at demo, and had won 3,000 before it
    assert customer_file(folder, "c").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2026-11-02, event: added, stage: prospect}\n- {date: 2026-11-02, event: won, value: 3000}\n"
        "- {date: 2026-11-02, event: open, deal: \"2\", stage: demo}\n"
        "- {date: 2026-11-02, event: target, deal: \"2\", value: 9000}\n"
        "- {date: 2026-11-02, event: lost, deal: \"2\", reason: imported as lost}\n")
    rows = json.loads(run("list", "--format", "json", "--sort", "id").stdout)
    assert [(r["id"], r["stage"], r["status"], r["deals"], r["target_value"], r["won_value"]) for r in rows] == [
        ("a", "prospect", "open", 1, None, None), ("b", "service", "won", 1, None, 5000),
        ("c", "demo", "lost", 2, 9000, 3000)]


def test_export_for_spreadsheets_bom_and_typed_cells(sample: Path, tmp_path: Path) -> None:
    from datetime import datetime

    from tests.conftest import invoke

    plain_csv = invoke(sample, "export").stdout
    with_bom = invoke(sample, "export", "--bom").stdout
    assert not plain_csv.startswith("\ufeff") and with_bom == "\ufeff" + plain_csv
    assert invoke(sample, "export", "--bom", "--format", "json").exit_code == 2
    out = tmp_path / "c.xlsx"
    assert invoke(sample, "export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    tianhe = next(row for row in rows if row[0] == "tianhejichangkuojianzhihuibu")
    assert tianhe[header.index("target_value")] == 300000  # a number
    assert tianhe[header.index("target_date")] == datetime(2026, 12, 28)  # a date
    assert tianhe[header.index("needs.estimators")] == 26
    assert tianhe[header.index("contact.phone")] == "13985822416"  # text stays text
    deals = tmp_path / "d.xlsx"
    assert invoke(sample, "export", "--deals", "--format", "xlsx", "-o", str(deals)).stdout == \
        f"Exported 37 deals to {deals}.\n"
    sheet = load_workbook(deals).active
    assert [cell.value for cell in sheet[1]] == ["customer_id", "customer", "deal", "stage", "status", "value",
                                                 "target_value", "target_date", "won_value", "opened", "closed",
                                                 "owner", "product"]
    jiangcheng = [row for row in sheet.iter_rows(values_only=True) if row[0] == "jiangchengjiangongjituan"]
    assert [(row[2], row[3], row[4], row[5], row[9], row[10]) for row in jiangcheng] == [
        ("1", "service", "won", 180000, datetime(2026, 5, 11), datetime(2026, 8, 9)),
        ("2027扩容", "demo", "open", 90000, datetime(2026, 11, 10), None)]


def test_the_team_table_comes_from_a_csv(folder: Path, run, tmp_path: Path) -> None:
    (folder / "salescli.yaml").write_text("user: 李明   # me\nteam:\n  Anna: {manager: Melvin, office: East}\n",
                                          encoding="utf-8")
    source = tmp_path / "teams.csv"
    source.write_text("sales_agent,manager,regional_office,hired\r\nAnna,Dustin,Central,2015\r\n"
                      "Moses Frase,Dustin,Central,2016\r\n,Nobody,West,\r\nJ. Smith,Summer,West,2017\r\n")
    dry = run("import", str(source), "--team", "--dry-run")
    assert dry.stdout.splitlines()[-1] == (f"{source}: 2 reps to add to the team table in salescli.yaml, 0 there "
                                           "already, 1 kept as they were, 1 rows skipped — dry run, nothing written")
    result = run("import", str(source), "--team")
    assert result.stdout.splitlines() == [
        "skipped row 4: no rep",
        "kept the team table's entries of Anna, which differ from the file (edit `team:` in salescli.yaml to "
        "change them)",
        "columns not imported: hired (name a place for them with --map COLUMN=FIELD)",
        f"{source}: 2 reps added to the team table in salescli.yaml, 0 there already, 1 kept as they were, "
        "1 rows skipped"]
    assert (folder / "salescli.yaml").read_text(encoding="utf-8") == (
        "user: 李明   # me\nteam:\n  Anna: {manager: Melvin, office: East}\n"
        "  Moses Frase: {manager: Dustin, office: Central}\n  J. Smith: {manager: Summer, office: West}\n")
    again = run("import", str(source), "--team")
    assert again.stdout.splitlines()[-1].endswith("0 reps added to the team table in salescli.yaml, 2 there "
                                                  "already, 1 kept as they were, 1 rows skipped")


def test_a_team_table_is_made_when_there_are_no_settings(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "销售团队.csv"
    source.write_text("业务员,经理,办事处\r\n王芳,李总,武昌\r\n", encoding="utf-8")
    assert run("import", str(source), "--team").exit_code == 0
    assert (folder / "salescli.yaml").read_text(encoding="utf-8") == "team:\n  王芳: {manager: 李总, office: 武昌}\n"
    (folder / "salescli.yaml").write_text("team: [王芳]\n", encoding="utf-8")
    broken = run("list")
    assert broken.exit_code == 1 and "team: maps each rep to {manager: NAME, office: NAME}" in broken.stderr


def test_stage_dates_date_each_stage_a_deal_reached(folder: Path, run, tmp_path: Path) -> None:
    run("add", "Acme", "--id", "acme", "--date", "2016-10-01")  # `add` opens deal 1 itself: it stays
    source = tmp_path / "deals.csv"
    source.write_text("opportunity_id,account,deal_stage,engage_date,demo_date,close_date,close_value,sales_agent\r\n"
                      "W1,Acme,Won,2017-01-10,2017-02-01,2017-03-01,1000,Moses\r\n"
                      "L1,Acme,Lost,2017-01-20,,2017-02-10,0,Moses\r\n"
                      "E1,Acme,Engaging,2017-02-01,,,,Anna\r\n"
                      "P1,Acme,Prospecting,,,,,Anna\r\n"
                      "B1,Acme,Won,2017-04-01,,2017-03-01,10,Anna\r\n"
                      "F1,Acme,Won,2017-01-01,,2018-01-05,10,Anna\r\n"
                      "X1,Acme,Won,2017-01-01,01/02/2017,2017-03-01,10,Anna\r\n")
    result = run("import", str(source), "--deals", "--date", "2017-12-31", "--stage-map",
                 "Prospecting=prospect,Engaging=approach,Won=close,Lost=lost",
                 "--stage-dates", "engage_date=approach,demo_date=demo", today="2017-12-31")
    assert result.stdout.splitlines()[-4:] == [
        "skipped row 6: it reached approach on 2017-04-01, after it closed (2017-03-01)",
        "skipped row 7: dated 2018-01-05, after today (2017-12-31); pass --future to import it anyway",
        "skipped row 8: '01/02/2017' is ambiguous (day or month first?); write it as YYYY-MM-DD",
        f"{source}: 0 customers created, 1 updated (4 deals), 3 rows skipped"]
    assert customer_file(folder, "acme").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2016-10-01, event: added, stage: prospect}\n"
        "- {date: 2017-01-10, event: open, deal: W1, stage: approach, owner: Moses}\n"
        "- {date: 2017-01-20, event: open, deal: L1, stage: approach, owner: Moses}\n"
        "- {date: 2017-02-01, event: stage, deal: W1, stage: demo}\n"
        "- {date: 2017-02-01, event: open, deal: E1, stage: approach, owner: Anna}\n"
        "- {date: 2017-02-10, event: lost, deal: L1, reason: lost}\n"
        "- {date: 2017-03-01, event: won, deal: W1, value: 1000}\n"
        "- {date: 2017-12-31, event: open, deal: P1, stage: prospect, owner: Anna}\n")
    funnel = json.loads(run("report", "funnel", "--format", "json", today="2017-12-31").stdout)
    # deal 1 (prospect), W1 (to close), L1 (approach), E1 (approach), P1 (prospect)
    assert [(step["stage"], step["deals"]) for step in funnel] == [
        ("prospect", 5), ("prepare", 3), ("approach", 3), ("needs", 1), ("demo", 1), ("objections", 1),
        ("close", 1), ("service", 0)]
    assert run("import", str(source), "--stage-dates", "engage_date=approach").stderr == \
        "Error: --stage-dates dates the stages of deals: add --deals\n"
    assert run("import", str(source), "--deals", "--stage-dates", "nope=demo").stderr == \
        "Error: --stage-dates nope=demo: the file has no column 'nope'\n"


def test_an_opportunity_named_1_takes_the_place_of_the_bare_first_deal(folder: Path, run, tmp_path: Path) -> None:
    accounts = tmp_path / "a.csv"
    accounts.write_text("account\r\nAcme\r\n")
    deals = tmp_path / "d.csv"
    deals.write_text("opportunity_id,account,deal_stage,close_value,close_date\r\n1,Acme,Won,500,2017-03-01\r\n"
                     "2,Acme,Engaging,,\r\n")
    run("import", str(accounts), "--date", "2016-10-01", today="2017-12-31")
    result = run("import", str(deals), "--deals", "--date", "2017-01-05", "--stage-map", "Won=close,Engaging=approach",
                 today="2017-12-31")
    assert result.stdout.splitlines()[-1].endswith("1 updated (2 deals), 0 rows skipped")
    listed = json.loads(run("list", "--deals", "--format", "json", today="2017-12-31").stdout)
    assert [(d["deal"], d["stage"], d["status"], d["value"], d["opened"]) for d in listed] == [
        ("2", "approach", "open", None, "2017-01-05"), ("1", "close", "won", 500, "2017-03-01")]


def test_any_profile_key_lands_in_the_file_and_comes_back_from_our_csv(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "accounts.csv"
    source.write_text("account,sector,revenue,employees\r\nAcme,retail,1100.04,2822\r\n")
    result = run("import", str(source), "--map", "sector=needs.scope", "--map", "revenue=company.revenue")
    assert result.stdout.splitlines()[-2] == \
        "columns not imported: employees (name a place for them with --map COLUMN=FIELD)"
    text = customer_file(folder, "acme").read_text(encoding="utf-8")
    assert "  scope: retail # 单位的业务范围\n" in text
    assert '\ncompany:\n  revenue: "1100.04"\n\n# ---- log' in text  # a new key, above the log, the text as given
    exported = tmp_path / "out.csv"
    exported.write_text(run("export").stdout, encoding="utf-8")
    header = exported.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[header.index("needs.estimators") + 1] == "company.revenue"
    other = _copy_templates(tmp_path / "other")
    from tests.conftest import invoke

    assert invoke(other, "import", str(exported)).stdout.splitlines()[-1].endswith("1 customers created, 0 updated, "
                                                                                    "0 rows skipped")
    assert '  revenue: "1100.04"' in customer_file(other, "acme").read_text(encoding="utf-8")


FEW = ("jiangchengjiangongjituan", "tianhejichangkuojianzhihuibu", "dongfengqichechangjijianchu",
       "gonghangwuhanfenhanghouqinbu", "changjiangshihuajianli")  # two deals, a referral, key people, lost, won


def _few(sample: Path, root: Path) -> Path:
    """A few of the sample's customers, one of them linked to a project and with a birthday of no year."""
    from tests.conftest import invoke

    _copy_templates(root)
    for name in FEW:
        (root / "customers" / f"{name}.yaml").write_bytes((sample / "customers" / f"{name}.yaml").read_bytes())
    assert invoke(root, "site", "四新会展二期", "乙方=江城建工集团有限公司").exit_code == 0
    assert invoke(root, "person", "东风汽车", "李四", "--birthday", "3月8日").exit_code == 0
    return root


def test_a_workbook_keeps_everything_and_comes_back_byte_for_byte(sample: Path, tmp_path: Path) -> None:
    """Issue 24: an xlsx export imported into a new folder lost every visit, project link and stage date."""
    from tests.conftest import invoke

    few = _few(sample, tmp_path / "few")
    for language, sheets in (("en", ["customers", "log", "people"]), ("zh", ["客户", "日志", "关键人"])):
        first, second = tmp_path / f"{language}-1.xlsx", tmp_path / f"{language}-2.xlsx"
        assert invoke(few, "--lang", language, "export", "--format", "xlsx", "-o", str(first)).exit_code == 0
        book = load_workbook(first)
        assert book.sheetnames == sheets
        log = list(book[sheets[1]].iter_rows(values_only=True))
        assert len(log) - 1 == sum(path.read_text(encoding="utf-8").count("\n- {date:")
                                   for path in (few / "customers").iterdir())  # an event a row
        empty = _copy_templates(tmp_path / f"empty-{language}")
        result = invoke(empty, "--lang", language, "import", str(first))
        assert result.exit_code == 0 and result.stdout.splitlines()[-1].endswith(
            ("5 customers created, 0 updated, 0 rows skipped", "新建 5 个客户，更新 0 个，跳过 0 行"))
        assert invoke(empty, "--lang", language, "export", "--format", "xlsx", "-o", str(second)).exit_code == 0
        assert second.read_bytes() == first.read_bytes()
        for path in (few / "customers").iterdir():  # visits, links, stage dates, key people: all there
            assert (empty / "customers" / path.name).read_bytes() == path.read_bytes(), path.name
    chinese = list(load_workbook(tmp_path / "zh-1.xlsx")["日志"].iter_rows(values_only=True))
    assert chinese[0][:6] == ("客户编号", "客户", "日期", "事件", "单", "阶段")
    assert {("录入", "1", "开发新客户"), ("关联", "1", None)} <= {row[3:6] for row in chinese[1:]}
    people = list(load_workbook(tmp_path / "zh-1.xlsx")["关键人"].iter_rows(values_only=True))
    assert (("dongfengqichechangjijianchu", "东风汽车厂基建处", "李四") + (None,) * 6 + ("03-08",) + (None,) * 3
            in people)


def test_csv_for_a_chinese_office_has_chinese_titles_and_labels_and_comes_back(sample: Path, tmp_path: Path) -> None:
    from tests.conftest import invoke

    few = _few(sample, tmp_path / "few")
    text = invoke(few, "--lang", "zh", "export").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["编号", "名称", "领域", "规模"] and rows[0][-7:] == [
        "阶段", "状态", "单数", "目标金额", "目标日期", "成交金额", "最近活动"]
    tianhe = dict(zip(rows[0], next(row for row in rows if row[0] == "tianhejichangkuojianzhihuibu")))
    assert (tianhe["领域"], tianhe["角色"], tianhe["渠道"], tianhe["阶段"], tianhe["状态"]) == (
        "航空部门", "甲方", "转介绍", "产品展示", "进行中")
    exported = tmp_path / "我们的客户.csv"
    exported.write_text(text, encoding="utf-8")
    empty = _copy_templates(tmp_path / "empty")
    assert invoke(empty, "import", str(exported)).stdout.splitlines()[-1].endswith("5 customers created, 0 updated, "
                                                                                    "0 rows skipped")
    assert invoke(empty, "list", "--format", "json").stdout == invoke(few, "list", "--format", "json").stdout
    deals = tmp_path / "单.csv"
    deals.write_text(invoke(few, "--lang", "zh", "export", "--deals").stdout, encoding="utf-8")
    assert next(csv.reader(io.StringIO(deals.read_text(encoding="utf-8"))))[:6] == [
        "客户编号", "客户", "单", "阶段", "状态", "金额"]
    dry = invoke(few, "import", str(deals), "--deals", "--dry-run")  # every deal read back, and found there
    assert dry.stdout.count("is already there\n") == 7 and "columns not imported" not in dry.stdout


def test_import_names_rows_as_the_spreadsheet_numbers_them(folder: Path, run, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("客户名称,规模,备注\r\nA公司,系统,\r\n\r\nB公司,大公司,\r\nC公司,个人,\"两行\r\n的备注\"\r\n,散户,\r\n"
                      "D公司,x,\r\n", encoding="utf-8")  # a blank line, and a cell of two lines: one row each
    assert run("import", str(source), "--dry-run").stdout.splitlines()[:5] == [
        "would create A公司 (row 2)", "would create C公司 (row 5)", "skipped row 4: unknown size '大公司'; use one of: "
        "系统, 散户, 个人", "skipped row 6: no name", "skipped row 7: unknown size 'x'; use one of: system, small, "
        "individual"]
    book = Workbook()
    book.active.append(["客户名称", "规模"])
    book.active.append(["A公司", "系统"])
    book.active.append([None, None])  # an empty row, which Excel numbers all the same
    book.active.append(["B公司", "大公司"])
    sheet = tmp_path / "c.xlsx"
    book.save(sheet)
    assert run("import", str(sheet), "--dry-run").stdout.splitlines()[:2] == [
        "would create A公司 (row 2)", "skipped row 4: unknown size '大公司'; use one of: 系统, 散户, 个人"]


def test_text_that_starts_like_a_formula_or_an_apostrophe_comes_back_as_it_was(folder: Path, run,
                                                                                tmp_path: Path) -> None:
    run("add", "=HYPERLINK(\"x\")", "--id", "f", "--contact", "'王强'", "--area", "-洪山", "--no-input")
    before = customer_file(folder, "f").read_bytes()
    exported = tmp_path / "all.xlsx"
    assert run("export", "--format", "xlsx", "-o", str(exported)).exit_code == 0
    empty = _copy_templates(tmp_path / "empty")
    from tests.conftest import invoke

    assert invoke(empty, "import", str(exported)).exit_code == 0
    assert customer_file(empty, "f").read_bytes() == before
