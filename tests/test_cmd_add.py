from pathlib import Path

import yaml

from tests.conftest import customer_file, invoke


def test_add_writes_the_template_with_the_values_and_an_added_event(folder: Path, run) -> None:
    result = run("add", "中建三局第一建设有限公司", "--field", "建筑", "--size", "系统", "--role", "乙方",
                 "--channel", "陌拜", "--source", "标志牌", "--area", "武汉·洪山", "--contact", "王强",
                 "--phone", "13900000000", "--seats", "3", "--amount", "4.8万", "--owner", "李明",
                 "--value", "12万", "--by", "2026-12-20", "--note", "工地看到的")
    assert result.exit_code == 0, result
    assert result.stdout == ("Added 中建三局第一建设有限公司 as zhongjiansanjudiyijianshe "
                             f"({customer_file(folder, 'zhongjiansanjudiyijianshe')}), stage prospect 开发新客户.\n")
    text = customer_file(folder, "zhongjiansanjudiyijianshe").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert {key: data[key]
            for key in ("id", "name", "field", "size", "role", "channel", "source", "area", "owner")} == {
        "id": "zhongjiansanjudiyijianshe", "name": "中建三局第一建设有限公司", "field": "construction",
        "size": "system", "role": "contractor", "channel": "cold", "source": "site-sign", "area": "武汉·洪山",
        "owner": "李明",
    }
    assert data["contact"]["person"] == "王强"
    assert data["contact"]["phone"] == "13900000000"
    assert data["funds"]["seats"] == 3 and data["funds"]["amount"] == 48000
    assert text.endswith(
        "log:\n"
        "- {date: 2026-11-26, event: added, stage: prospect, note: 工地看到的}\n"
        "- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}\n"
    )
    template = (folder / "templates" / "customer.yaml").read_text(encoding="utf-8")
    comments = [line for line in template.splitlines() if line.lstrip().startswith("#")]
    assert all(comment in text.splitlines() for comment in comments)  # the guiding comments survive


def test_add_uses_the_folders_own_template(folder: Path, run) -> None:
    (folder / "templates" / "customer.yaml").write_text("# 我们公司的模板\nid:\nname:\nlog:\n", encoding="utf-8")
    assert run("add", "鼎盛地产", "--id", "dingsheng").exit_code == 0
    assert customer_file(folder, "dingsheng").read_text(encoding="utf-8") == (
        "# 我们公司的模板\nid: dingsheng\nname: 鼎盛地产\nlog:\n- {date: 2026-11-26, event: added, stage: prospect}\n"
    )
    # a key the template lacks is added above the log
    assert run("add", "汉江置业", "--field", "房地产", "--scope", "装饰").exit_code == 0
    assert customer_file(folder, "hanjiangzhiye").read_text(encoding="utf-8") == (
        "# 我们公司的模板\nid: hanjiangzhiye\nname: 汉江置业\nfield: real-estate\nneeds:\n  scope: 装饰\nlog:\n"
        "- {date: 2026-11-26, event: added, stage: prospect}\n")


def test_add_refuses_a_duplicate_name_or_id(folder: Path, run) -> None:
    assert run("add", "鼎盛地产", "--id", "dingsheng").exit_code == 0
    same_name = run("add", " 鼎盛 地产 ")
    assert same_name.exit_code == 2
    assert same_name.stderr == "Error: 鼎盛地产 is already a customer (dingsheng); `salescli show dingsheng`\n"
    same_id = run("add", "鼎盛物业", "--id", "dingsheng")
    assert same_id.exit_code == 2
    assert same_id.stderr == "Error: the id 'dingsheng' is taken; choose another with --id\n"
    assert sorted(p.name for p in (folder / "customers").iterdir()) == ["dingsheng.yaml"]


def test_generated_ids_never_collide(folder: Path, run) -> None:
    assert run("add", "重庆银行").exit_code == 0
    assert run("add", "崇庆银行").exit_code == 0  # another bank, the same pinyin
    assert sorted(p.stem for p in (folder / "customers").iterdir()) == ["chongqingyinhang", "chongqingyinhang-2"]


def test_add_refuses_unsafe_ids_and_bad_values(folder: Path, run) -> None:
    unsafe = run("add", "X", "--id", "../x")
    assert unsafe.exit_code == 2
    assert unsafe.stderr.startswith("Error: '../x' cannot be a customer id")
    bad_field = run("add", "X", "--field", "bnak")
    assert bad_field.exit_code == 2
    assert bad_field.stderr.startswith("Error: unknown field 'bnak' (did you mean 'bank'?)")
    bad_stage = run("add", "X", "--stage", "close")
    assert bad_stage.exit_code == 2
    assert list((folder / "customers").iterdir()) == []


def test_referred_by_links_the_referrer_and_sets_the_channel(folder: Path, run) -> None:
    assert run("add", "江城建工集团", "--id", "jiangcheng").exit_code == 0
    assert run("add", "楚天造价咨询", "--referred-by", "江城").exit_code == 0
    data = yaml.safe_load(customer_file(folder, "chutianzaojiazixun").read_text(encoding="utf-8"))
    assert (data["referred_by"], data["channel"], data["source"]) == ("jiangcheng", "referral", "referral")


def test_add_never_prompts_in_a_script(folder: Path) -> None:
    result = invoke(folder, "add", "鼎盛地产", input="should not be read\n")
    assert result.exit_code == 0
    data = yaml.safe_load(customer_file(folder, "dingshengdichan").read_text(encoding="utf-8"))
    assert data["field"] is None and data["area"] is None


def test_a_terminal_is_asked_in_its_language_and_answered_so(folder: Path, run, monkeypatch) -> None:
    monkeypatch.setattr("salescli.commands.interactive", lambda: True)
    run("add", "保利华中房地产有限公司", "--id", "bl", "--no-input")
    asked = run("--lang", "zh", "add", "保利华中", "--field", "房地产", "--size", "系统", "--role", "甲方",
                "--channel", "缘故", "--area", "武昌", input="否\n")
    assert asked.stdout == ("文件夹中可能已有 保利华中：保利华中房地产有限公司（bl）。"
                            "仍要作为新客户添加吗？ [是/否，默认否] 否\n")
    assert (asked.exit_code, asked.stderr) == (2, "错误：未添加任何客户\n")
    assert sorted(path.name for path in (folder / "customers").iterdir()) == ["bl.yaml"]
    added = run("--lang", "zh", "add", "保利华中", "--field", "房地产", "--size", "系统", "--role", "甲方",
                "--channel", "缘故", "--area", "武昌", input="是\n")
    assert added.exit_code == 0 and len(list((folder / "customers").iterdir())) == 2
