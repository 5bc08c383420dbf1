from pathlib import Path

from tests.conftest import customer_file


def test_visit_logs_goal_note_and_next(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    result = run("visit", "zj", "--goal", "见决策人", "--note", "约了下周", "--next", "+7d")
    assert result.stdout == "Logged a visit to 中建三局 on 2026-11-26; next visit 2026-12-03.\n"
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: visit, goal: 见决策人, note: 约了下周, next: 2026-12-03}\n")


def test_target_is_dynamic_the_latest_counts(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    assert run("target", "zj", "--value", "12万", "--by", "2026-12-20").stdout == \
        "中建三局: target 120,000 CNY by 2026-12-20.\n"
    assert run("target", "zj", "--by", "2027-01-15", "--note", "甲方推迟").stdout == \
        "中建三局: target 120,000 CNY by 2027-01-15.\n"
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}\n"
        "- {date: 2026-11-26, event: target, by: 2027-01-15, note: 甲方推迟}\n")
    assert run("advance", "zj", "close").stdout.startswith("中建三局: prospect → close 促成 — won 120,000\n")


def test_target_needs_a_value_or_a_date(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    assert run("target", "zj").stderr == "Error: give --value, --by or both\n"


def test_one_visit_records_the_stage_what_was_learned_the_target_and_the_next_visit(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--no-input", "--date", "2026-11-01")
    path = customer_file(folder, "zj")
    before = path.read_text(encoding="utf-8")
    result = run("visit", "中建", "--stage", "demo", "--learned", "funds.vendor=广联达", "--learned", "预算人员数量=12",
                 "--target", "12万", "--by", "2026-12-20", "--goal", "演示算量", "--note", "科长很满意",
                 "--next", "+7d")
    assert result.exit_code == 0, result
    assert result.stdout == ("Logged a visit to 中建三局 on 2026-11-26; next visit 2026-12-03.\n"
                             "  stage: prospect → demo 产品展示\n"
                             "  target: 120,000 CNY by 2026-12-20\n"
                             "  funds.vendor (目前使用的软件厂家): 广联达\n"
                             "  needs.estimators (预算人员数量): 12\n")
    assert path.read_text(encoding="utf-8") == (
        before.replace("  vendor:       # 目前用哪家公司的软件", "  vendor: 广联达 # 目前用哪家公司的软件")
        .replace("  estimators:   # 预算人员的数量", "  estimators: 12 # 预算人员的数量")
        + "- {date: 2026-11-26, event: visit, goal: 演示算量, note: 科长很满意, next: 2026-12-03}\n"
          "- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}\n"
          "- {date: 2026-11-26, event: stage, stage: demo}\n")
    again = run("visit", "zj", "--stage", "demo", "--note", "再演示一次")  # still at demo: no move
    assert again.stdout == ("Logged a visit to 中建三局 on 2026-11-26.\n  (中建三局 was visited on 2026-11-26 already: "
                            "the visits per day (日客户拜访量) count a customer once a day)\n")
    assert path.read_text(encoding="utf-8").endswith("- {date: 2026-11-26, event: visit, note: 再演示一次}\n")


def test_a_visit_that_closes_takes_the_target_as_the_value(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--no-input", "--value", "5万")
    result = run("visit", "zj", "--stage", "促成", "--note", "签了合同")
    assert result.stdout.startswith("Logged a visit to 中建三局 on 2026-11-26.\n  stage: prospect → won 50,000\n"
                                    "Next (售后服务、索取转介绍): every closed customer should bring three.")
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: visit, note: 签了合同}\n- {date: 2026-11-26, event: won, value: 50000}\n")


def test_a_visit_refused_for_its_stage_or_learning_writes_nothing(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--no-input")
    path = customer_file(folder, "zj")
    before = path.read_bytes()
    assert run("visit", "zj", "--stage", "lost").stderr == "Error: say why the deal was lost: --reason TEXT\n"
    assert run("visit", "zj", "--stage", "close").stderr.startswith("Error: closing needs the value won")
    assert run("visit", "zj", "--learned", "seats=lots").stderr == "Error: funds.seats: 'lots' is not a whole number\n"
    assert path.read_bytes() == before


def test_a_visit_with_commit_is_one_commit(folder: Path, run) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    run("add", "中建三局", "--id", "zj", "--no-input")
    subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(folder), "commit", "-qm", "start"], check=True)
    assert run("--commit", "visit", "zj", "--stage", "approach", "--learned", "contact.person=王强",
               "--goal", "初访").exit_code == 0
    log = subprocess.run(["git", "-C", str(folder), "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.splitlines() == ["visit 中建三局 on 2026-11-26: 初访", "start"]
    assert subprocess.run(["git", "-C", str(folder), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""


def test_an_amount_with_a_misplaced_separator_is_refused_with_exit_2(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--date", "2026-10-01")
    for text in ("1,2,3", "٣٣", "1_000"):
        result = run("target", "zj", "--value", text)
        assert result.exit_code == 2 and result.stderr.startswith(f"Error: '{text}' is not an amount"), result
    assert "1,2,3" not in customer_file(folder, "zj").read_text(encoding="utf-8")
    assert run("target", "zj", "--value", "12,500.50").exit_code == 0
    assert "event: target, value: 12500.5}" in customer_file(folder, "zj").read_text(encoding="utf-8")


def test_a_value_or_date_typed_without_its_option_is_refused_naming_it(folder: Path, run) -> None:
    assert run("add", "城建集团", "--id", "cj").exit_code == 0
    before = customer_file(folder, "cj").read_bytes()
    target = run("--lang", "zh", "target", "城建集团", "25万", "月底")
    assert (target.exit_code, target.stderr.splitlines()[-1]) == (
        2, "错误：多余的参数（25万 月底）；金额请用 --value 25万；日期请用 --by 月底")
    advance = run("advance", "cj", "close", "5万")
    assert advance.stderr.splitlines()[-1].endswith(" (5万); the value won is given with --value 5万")
    visit = run("--lang", "zh", "visit", "cj", "见了王工")
    assert visit.stderr.splitlines()[-1] == \
        "错误：多余的参数（见了王工）；拜访的结果请用 --note '见了王工'，拜访目标用 --goal"
    show = run("--lang", "zh", "show", "城建", "集团")
    assert show.stderr.splitlines()[-1] == "错误：多余的参数（集团）；名称中有空格时要加引号，作为一个参数：'… 集团'"
    assert customer_file(folder, "cj").read_bytes() == before


def test_a_second_visit_on_one_day_says_it_counts_once(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    assert run("visit", "zj", "--goal", "上午见科长").stdout == "Logged a visit to 中建三局 on 2026-11-26.\n"
    again = run("--lang", "zh", "visit", "zj", "--goal", "下午演示")
    assert again.stdout == ("已记录 2026-11-26 拜访 中建三局。\n"
                            "  （2026-11-26 已经拜访过中建三局：日客户拜访量中同一客户同一天只算一次）\n")
