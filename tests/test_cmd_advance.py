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
    assert run("advance", "中建", "产品展示", "--note", "演示GCL", "--date", "2026-11-27").stdout == \
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
    assert run("advance", "zj", "丢单", "--reason", "选了别家").stdout == "中建三局: prospect → lost at prospect (选了别家)\n"
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
    assert run("advance", "zj", "needs", "--new-deal", "升级").stdout == "中建三局 [deal 升级]: new deal → needs 开发需求\n"
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
    assert (missing.exit_code, missing.stderr) == (2, "Error: no customer matches 'nobody'; `salescli list` shows them all\n")


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
