import json
import subprocess
from pathlib import Path

from tests.conftest import customer_file


def _added(folder: Path, run) -> Path:
    assert run("add", "中建三局", "--id", "zj", "--project", "光谷中心").exit_code == 0
    return customer_file(folder, "zj")


def test_advance_appends_one_line_per_move(folder: Path, run) -> None:
    path = _added(folder, run)
    before = path.read_text(encoding="utf-8")
    assert run("advance", "zj").stdout == "中建三局: prospect → prepare 访前准备\n"
    refused = run("advance", "中建", "产品展示", "--note", "演示GCL", "--date", "2026-11-27")
    assert (refused.exit_code, refused.stderr) == (2, (
        "Error: 2026-11-27 is after today (2026-11-26): the log records what has happened. Plan what comes with "
        "--next or a target's --by; to record it anyway, add --future\n"))
    assert run("advance", "中建", "产品展示", "--note", "演示GCL", "--date", "2026-11-27", "--future").stdout == \
        "中建三局: prepare → demo 产品展示\n"
    assert path.read_text(encoding="utf-8") == before + (
        "- {date: 2026-11-26, event: stage, stage: prepare}\n"
        "- {date: 2026-11-27, event: stage, stage: demo, note: 演示GCL}\n"
    )


def test_close_records_the_value_and_reminds_of_referrals(folder: Path, run) -> None:
    path = _added(folder, run)
    result = run("advance", "zj", "close", "--value", "50000")
    assert result.exit_code == 0
    assert result.stdout == (
        "中建三局: prospect → close 促成 — won 50,000\n"
        "Next (售后服务、索取转介绍): every closed customer should bring three.\n"
        "  · Ask 中建三局 for referrals: salescli add NAME --referred-by zj\n"
        "  · Record the project's other parties (甲方 owner, 乙方 contractor, 监理 supervisor): "
        "salescli site 光谷中心 --client … --contractor … --supervisor …\n"
    )
    assert path.read_text(encoding="utf-8").endswith("- {date: 2026-11-26, event: won, value: 50000}\n")


def test_close_without_value_or_target_is_a_clear_error(folder: Path, run) -> None:
    path = _added(folder, run)
    before = path.read_text(encoding="utf-8")
    result = run("advance", "zj", "促成")
    assert result.exit_code == 2
    assert result.stderr == ("Error: closing needs the value won: pass --value AMOUNT "
                             "(or set a target with `salescli target`)\n")
    assert path.read_text(encoding="utf-8") == before


def test_lost_then_reopen(folder: Path, run) -> None:
    path = _added(folder, run)
    assert run("advance", "zj", "lost").stderr == "Error: say why the deal was lost: --reason TEXT\n"
    assert run("advance", "zj", "丢单", "--reason", "选了别家").stdout == "中建三局: prospect → lost (选了别家)\n"
    refused = run("advance", "zj", "demo")
    assert refused.exit_code == 2
    assert "is lost; add --reopen to move it again" in refused.stderr
    assert run("advance", "zj", "needs", "--reopen").stdout == "中建三局: prospect (lost) → needs 开发需求\n"
    assert path.read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: lost, reason: 选了别家}\n"
        "- {date: 2026-11-26, event: reopen}\n"
        "- {date: 2026-11-26, event: stage, stage: needs}\n"
    )


def test_a_further_deal_and_choosing_between_open_deals(folder: Path, run) -> None:
    path = _added(folder, run)
    assert run("advance", "zj", "needs", "--new-deal", "升级").stdout == \
        "中建三局 [deal 升级]: new deal → needs 开发需求\n"
    ambiguous = run("advance", "zj")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == "Error: 中建三局 has 2 open deals (1, 升级); choose one with --deal\n"
    assert run("advance", "zj", "--deal", "升级").stdout == "中建三局 [deal 升级]: needs → demo 产品展示\n"
    assert path.read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: open, deal: 升级, stage: needs}\n"
        "- {date: 2026-11-26, event: stage, deal: 升级, stage: demo}\n"
    )


def test_unknown_stage_and_customer_are_usage_errors(folder: Path, run) -> None:
    _added(folder, run)
    assert run("advance", "zj", "demoo").stderr.startswith("Error: unknown stage 'demoo' (did you mean 'demo'?)")
    missing = run("advance", "nobody")
    assert (missing.exit_code, missing.stderr) == (
        2, "Error: no customer matches 'nobody'; `salescli list` shows them all\n")


def test_ambiguous_reference_lists_candidates_and_changes_nothing(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    run("add", "中建八局", "--id", "zb")
    before = {p.name: p.read_bytes() for p in (folder / "customers").iterdir()}
    result = run("advance", "中建")
    assert result.exit_code == 2
    assert result.stderr == "Error: '中建' matches 2 customers: zb (中建八局); zj (中建三局); be more specific\n"
    assert {p.name: p.read_bytes() for p in (folder / "customers").iterdir()} == before


def test_git_diff_after_advance_shows_added_lines_only(folder: Path, run) -> None:
    path = _added(folder, run)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    run("advance", "zj", "close", "--value", "5万")
    diff = subprocess.run([*git, "diff", "--numstat"], check=True, capture_output=True, text=True).stdout
    assert diff == "1\t0\tcustomers/zj.yaml\n"  # one line added, none removed
    assert path.read_text(encoding="utf-8").endswith("- {date: 2026-11-26, event: won, value: 50000}\n")


def test_moving_an_open_deal_to_service_closes_it_first(folder: Path, run) -> None:
    path = _added(folder, run)
    before = path.read_text(encoding="utf-8")
    refused = run("advance", "zj", "service")
    assert (refused.exit_code, refused.stderr) == (2, (
        "Error: deal 1 of 中建三局 is open: moving it to service closes it first, and the close needs the value won: "
        "pass --value AMOUNT (or set a target with `salescli target`)\n"))
    assert path.read_text(encoding="utf-8") == before
    assert run("target", "zj", "--value", "8万", "--by", "2026-12-20").exit_code == 0
    result = run("advance", "zj", "8")  # the target's value is the value won
    assert result.stdout.splitlines()[0] == "中建三局: prospect → service 售后服务 — won 80,000"
    assert path.read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: won, value: 80000}\n- {date: 2026-11-26, event: stage, stage: service}\n")


def test_odd_writes_are_questioned(folder: Path, run) -> None:
    _added(folder, run)
    visit = run("visit", "zj", "--next", "2026-11-20")
    assert (visit.exit_code, visit.stderr) == (0, "warning: the next visit (2026-11-20) is in the past\n")
    target = run("target", "zj", "--value", "0", "--by", "2026-11-01")
    assert target.stderr == ("warning: the target date (2026-11-01) is in the past\n"
                             "warning: the target value is 0; was the amount left out?\n")
    assert run("advance", "zj", "close", "--value", "5000").exit_code == 0
    closed = run("target", "zj", "--by", "2026-12-31")
    assert closed.stderr == ("warning: deal 1 of 中建三局 is won: its target counts in no forecast; reopen it "
                             "(advance --reopen) or start a new deal (advance --new-deal NAME)\n")
    added = run("add", "鼎盛", "--date", "2026-12-01")
    assert added.exit_code == 2 and added.stderr.startswith("Error: 2026-12-01 is after today (2026-11-26)")
    assert run("add", "鼎盛", "--date", "2026-12-01", "--future").exit_code == 0


def test_a_party_from_a_site_sign_has_no_deal_beside_its_first_real_one(folder: Path, run) -> None:
    assert run("site", "光谷中心", "--contractor", "江城建工").exit_code == 0
    assert customer_file(folder, "jiangchengjiangong").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2026-11-26, event: added}\n")
    assert run("list", "--format", "csv").stdout.splitlines()[1].startswith(
        "jiangchengjiangong,江城建工,prospect,open,1,")
    assert run("advance", "江城建工", "needs", "--new-deal", "BIM").exit_code == 0
    deals = json.loads(run("list", "--deals", "--format", "json").stdout)
    assert [(d["deal"], d["stage"]) for d in deals] == [("BIM", "needs")]


ZERO = ("Error: the value won would be 0: give what the customer pays with --value AMOUNT; to record a close worth "
        "nothing, add --force\n")


def test_a_close_for_nothing_is_refused_in_a_script_unless_forced(folder: Path, run) -> None:
    path = _added(folder, run)
    before = path.read_bytes()
    refused = run("advance", "zj", "close", "--value", "0")
    assert (refused.exit_code, refused.stderr) == (2, ZERO)
    assert run("visit", "zj", "--stage", "close", "--value", "0").stderr == ZERO
    assert path.read_bytes() == before
    forced = run("advance", "zj", "close", "--value", "0", "--force")
    assert (forced.exit_code, forced.stderr) == (0, "warning: the value won is 0\n")
    assert path.read_text(encoding="utf-8").endswith("- {date: 2026-11-26, event: won, value: 0}\n")


def test_a_close_for_nothing_is_asked_about_in_a_terminal(folder: Path, run, monkeypatch) -> None:
    path = _added(folder, run)
    before = path.read_bytes()
    monkeypatch.setattr("salescli.commands.interactive", lambda: True)
    kept = run("--lang", "zh", "advance", "zj", "close", "--value", "0", input="否\n")
    assert (kept.exit_code, kept.stderr) == (2, "错误：什么也没有记录\n")
    assert kept.stdout == "成交金额将为 0。仍要记录这次成交吗？ [是/否，默认否] 否\n"  # (the runner echoes the answer)
    assert path.read_bytes() == before
    again = run("--lang", "zh", "advance", "zj", "close", "--value", "0", input="嗯\n是\n")
    assert again.exit_code == 0 and "请回答 是 或 否。\n" in again.stderr
    assert path.read_text(encoding="utf-8").endswith("- {date: 2026-11-26, event: won, value: 0}\n")
