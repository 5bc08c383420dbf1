import json
from pathlib import Path

import yaml

from tests.conftest import customer_file


def test_site_turns_a_sign_board_into_linked_prospects(folder: Path, run) -> None:
    run("add", "江城建工", "--id", "jc", "--role", "乙方")
    result = run("site", "光谷中心", "--client", "汉江置业", "--contractor", "江城建工", "监理=长江监理",
                 "设计方=华中设计院", "--area", "洪山", "--address", "光谷大道1号")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "  added 汉江置业 as hanjiangzhiye (甲方 owner)\n"
        "  江城建工 (jc) is already in the folder: linked to 光谷中心\n"
        "  added 华中设计院 as huazhongshejiyuan (设计 designer)\n"
        "  added 长江监理 as changjiangjianli (监理 supervisor)\n"
    )
    owner = yaml.safe_load(customer_file(folder, "hanjiangzhiye").read_text(encoding="utf-8"))
    assert (owner["role"], owner["channel"], owner["source"], owner["project"], owner["area"],
            owner["contact"]["address"]) == ("owner", "cold", "site-sign", "光谷中心", "洪山", "光谷大道1号")
    assert customer_file(folder, "jc").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: link, project: 光谷中心, role: contractor}\n")
    again = run("site", "光谷中心", "--client", "汉江置业")
    assert again.stdout == "  汉江置业 (hanjiangzhiye) is already in the folder for 光谷中心\n"
    assert len(list((folder / "customers").iterdir())) == 4


def test_site_needs_a_party_and_valid_pairs(folder: Path, run) -> None:
    assert run("site", "P").stderr.startswith("Error: name at least one party")
    assert run("site", "P", "甲方").stderr == "Error: '甲方' is not ROLE=NAME (e.g. 甲方=汉江置业)\n"
    assert run("site", "P", "老板=X").stderr.startswith("Error: unknown role '老板'")


def test_board_adds_cold_prospects_at_the_address(folder: Path, run) -> None:
    run("add", "华中设计院", "--id", "hz")
    result = run("board", "光谷软件园C座", "华中设计院", "楚天造价", "--area", "洪山")
    assert result.stdout == ("  华中设计院 (hz) is already in the folder\n"
                             "  added 楚天造价 as chutianzaojia (prospect)\n")
    data = yaml.safe_load(customer_file(folder, "chutianzaojia").read_text(encoding="utf-8"))
    assert (data["source"], data["channel"], data["contact"]["address"]) == ("board", "cold", "光谷软件园C座")


def test_refer_and_related(folder: Path, run) -> None:
    run("add", "江城建工", "--id", "jc", "--project", "光谷中心", "--role", "乙方")
    run("site", "光谷中心", "--client", "汉江置业")
    assert run("refer", "jc", "楚天造价", "--id", "ct", "--contact", "王强").exit_code == 0
    run("refer", "ct", "陈建国", "--id", "cjg")
    data = yaml.safe_load(customer_file(folder, "ct").read_text(encoding="utf-8"))
    assert (data["referred_by"], data["channel"], data["contact"]["person"]) == ("jc", "referral", "王强")
    assert run("related", "jc").stdout == (
        "江城建工 (jc)\n"
        "├─ project 光谷中心\n"
        "│   · 甲方 owner: 汉江置业 (hanjiangzhiye)\n"
        "│   · 乙方 contractor: 江城建工 (jc) ← this customer\n"
        "└─ referred\n"
        "    └─ 楚天造价 (ct)\n"
        "       └─ 陈建国 (cjg)\n"
    )
    assert run("related", "cjg").stdout == "陈建国 (cjg)\n├─ referred by 楚天造价 (ct) ← 江城建工 (jc)\n"


def test_related_reports_a_cycle(folder: Path, run) -> None:
    run("add", "A", "--id", "a")
    run("refer", "a", "B", "--id", "b")
    text = customer_file(folder, "a").read_text(encoding="utf-8").replace("referred_by:    #", "referred_by: b  #")
    customer_file(folder, "a").write_text(text, encoding="utf-8")
    out = run("related", "a").stdout
    assert "├─ referred by B (b) ← … (a referral cycle)" in out
    assert "    └─ B (b)\n       └─ A (a) ↺ already above: a referral cycle\n" in out


def test_reports_through_the_cli(folder: Path, run) -> None:
    run("add", "A", "--id", "a", "--channel", "转介绍", "--date", "2026-06-01")
    run("advance", "a", "close", "--value", "50000", "--date", "2026-07-11")
    run("add", "C", "--id", "c", "--channel", "陌拜", "--date", "2026-07-01")
    run("advance", "c", "lost", "--reason", "价格", "--date", "2026-08-01")
    funnel = json.loads(run("report", "funnel", "--format", "json").stdout)
    assert [(row["stage"], row["deals"]) for row in funnel][:2] == [("prospect", 2), ("prepare", 1)]
    table = run("report", "funnel").stdout.splitlines()
    assert table[2].split()[:5] == ["prospect", "开发新客户", "2", "2", "50,000"]
    assert table[2].endswith("█" * 30)
    rates = json.loads(run("report", "winrate", "--by", "channel", "--format", "json").stdout)
    assert rates == [
        {"channel": "referral", "won": 1, "lost": 0, "win_rate": 1.0, "avg_won_value": 50000, "avg_cycle_days": 40.0,
         "median_cycle_days": 40.0},
        {"channel": "cold", "won": 0, "lost": 1, "win_rate": 0.0, "avg_won_value": None, "avg_cycle_days": None,
         "median_cycle_days": None}]
    assert run("report", "winrate", "--by", "colour").stderr == \
        "warning: no customer has a value for 'colour'; every one is under (none)\n"
    assert run("report", "winrate", "--by", "colour!").exit_code == 2
    parties = run("report", "parties").stdout
    assert parties == "nothing to report\n"
    assert run("report", "stale", "--format", "csv").stdout.splitlines()[0] == \
        "customer,deal,stage,since,days,limit,next_visit,why"
    assert run("report", "sources", "--by", "channel", "--format", "json").exit_code == 0


def test_parties_names_the_site_option_that_records_them(run) -> None:
    run("site", "光谷中心", "--client", "汉江置业", "--contractor", "江城建工", "--no-input")
    run("advance", "hanjiangzhiye", "close", "--value", "5万")
    out = run("report", "parties").stdout.splitlines()
    assert out[2].split() == ["汉江置业", "光谷中心", "supervisor", "监理"]
    assert out[3] == ("Record them from the site's sign board: salescli site PROJECT --client … --contractor … "
                      "--supervisor …")
    assert run("--lang", "zh", "report", "parties").stdout.splitlines()[2].split() == ["汉江置业", "光谷中心", "监理"]
    assert run("site", "光谷中心", "--supervisor", "长江监理", "--no-input").exit_code == 0  # the hint's own options
    assert run("report", "parties").stdout == "nothing to report\n"


def test_a_short_form_of_a_name_in_the_folder_is_found_by_site_board_refer_and_check(folder: Path, run) -> None:
    run("add", "中铁大桥局集团第五工程有限公司", "--id", "zt5")
    site = run("site", "四新会展二期", "乙方=中铁大桥局五公司")
    assert site.stdout == ("  中铁大桥局五公司 is taken as 中铁大桥局集团第五工程有限公司 (zt5), "
                           "already in the folder: linked to 四新会展二期\n")
    board = run("board", "汉阳造大厦", "中铁大桥局五公司", "汉阳城投")
    assert board.stdout.splitlines()[0] == \
        "  中铁大桥局五公司 is taken as 中铁大桥局集团第五工程有限公司 (zt5), already in the folder"
    refused = run("refer", "zt5", "中铁大桥局五公司")
    assert (refused.exit_code, refused.stderr) == (2, (
        "Error: 中铁大桥局五公司 may already be in the folder as 中铁大桥局集团第五工程有限公司 (zt5); "
        "if it is another customer, add it with --new\n"))
    assert len(list((folder / "customers").iterdir())) == 2  # zt5 and 汉阳城投
    customer_file(folder, "hand").write_text("id: hand\nname: 中铁大桥局五公司\nlog:\n"
                                             "- {date: 2026-11-01, event: added}\n",
                                             encoding="utf-8")  # made by hand, or by a merge
    checked = run("check")
    assert (checked.exit_code, checked.stdout) == (0, (
        f"{customer_file(folder, 'hand')}:2:7: the name '中铁大桥局五公司' is like 中铁大桥局集团第五工程有限公司's "
        "(zt5): if they are one customer, keep one file (move what the other holds into it, then delete it); if "
        "two, nothing to do (a warning)\n"
        "3 files checked: no problems\n"))
    assert checked.stderr == "1 name is like another customer's (a warning: check exits 0 for it)\n"
    assert [problem["code"] for problem in json.loads(run("check", "--format", "json").stdout)] == ["similar-name"]
