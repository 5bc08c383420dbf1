import json
from pathlib import Path


def test_show_marks_what_is_missing_in_each_group(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--field", "建筑", "--contact", "王强", "--value", "12万",
        "--by", "2026-12-20", "--date", "2026-10-01")
    run("visit", "zj", "--goal", "演示", "--note", "科长感兴趣", "--next", "2026-12-01")
    out = run("show", "中建").stdout.splitlines()
    assert out[0] == "中建三局  (zj)"
    assert out[1] == "  deal 1: prospect 开发新客户 (open) · target 120,000 CNY by 2026-12-20 · next visit 2026-12-01"
    assert "  field                    construction (建筑单位)" in out
    assert "  main contact             王强" in out
    assert "  phone                    — missing" in out
    assert "1. Contact (客户通信信息)" in out and "5. Trust (建立信任关系信息)" in out
    assert out[-3:] == [
        "  2026-10-01  added   prospect",
        "  2026-10-01  target  120,000 · by 2026-12-20",
        "  2026-11-26  visit   goal: 演示 · next 2026-12-01 · 科长感兴趣",
    ]


def test_show_in_chinese(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--field", "建筑")
    out = run("--lang", "zh", "show", "zj").stdout.splitlines()
    assert "  领域：建筑单位" in out
    assert "  邮编：（待了解）" in out
    assert "1. 客户通信信息" in out  # the course's name alone: no English beside it


def test_show_json(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--field", "建筑", "--value", "5万")
    data = json.loads(run("show", "zj", "--format", "json").stdout)
    assert data["id"] == "zj" and data["profile"]["field"] == "construction"
    assert data["deals"][0]["stage"] == "prospect" and data["deals"][0]["target_value"] == 50000
    assert "contact.phone" in data["missing"]["contact"]
    assert data["log"][0] == {"date": "2026-11-26", "event": "added", "deal": "1", "stage": "prospect"}
