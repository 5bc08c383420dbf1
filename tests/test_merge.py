"""The merge driver: the pure merge, and real `git merge` of real branches in temporary repos."""

import subprocess
from pathlib import Path

import pytest
import yaml

from salescli.merge import merge_texts
from tests.conftest import customer_file, invoke

BASE = """# 客户档案
name: 中建三局
area: 汉口   # 区域
contact:
  person: 王强
  phone:
log:
- {date: 2026-09-01, event: added}
"""


def test_events_from_both_sides_in_date_order_and_profile_key_by_key() -> None:
    ours = BASE.replace("  phone:\n", "  phone: '139'   # 手机\n") + "- {date: 2026-11-20, event: visit}\n"
    theirs = BASE.replace("area: 汉口", "area: 汉阳") + "- {date: 2026-11-18, event: stage, stage: demo}\n"
    result = merge_texts(BASE, ours, theirs)
    assert result.conflicts == ()
    assert result.text == (
        "# 客户档案\nname: 中建三局\narea: 汉阳   # 区域\ncontact:\n  person: 王强\n  phone: '139'   # 手机\nlog:\n"
        "- {date: 2026-09-01, event: added}\n- {date: 2026-11-18, event: stage, stage: demo}\n"
        "- {date: 2026-11-20, event: visit}\n")


def test_the_same_event_on_both_sides_is_kept_once() -> None:
    both = BASE + "- {date: 2026-11-18, event: note, note: 同一条}\n"
    assert merge_texts(BASE, both, both).text == both


def test_a_key_changed_differently_on_both_sides_is_the_only_conflict() -> None:
    ours = BASE.replace("  person: 王强", "  person: 张伟")
    theirs = BASE.replace("  person: 王强", "  person: 李娟").replace("area: 汉口", "area: 汉阳")
    result = merge_texts(BASE, ours, theirs)
    assert result.conflicts == ("contact.person",)
    assert result.text == (
        "# 客户档案\nname: 中建三局\narea: 汉阳   # 区域\ncontact:\n"
        "<<<<<<< ours\n  person: 张伟\n=======\n  person: 李娟\n>>>>>>> theirs\n"
        "  phone:\nlog:\n- {date: 2026-09-01, event: added}\n")


def test_their_new_and_removed_keys() -> None:
    theirs = BASE.replace("name: 中建三局\n", "name: 中建三局\nfield: bank\n").replace("  phone:\n", "")
    theirs = theirs.replace("  person: 王强\n", "  person: 王强\n  postcode: '430000'\n")
    data = yaml.safe_load(merge_texts(BASE, BASE, theirs).text)
    assert data["field"] == "bank" and data["contact"] == {"person": "王强", "postcode": "430000"}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          capture_output=True, text=True)


@pytest.fixture
def repo(folder: Path) -> Path:
    assert git(folder, "init", "-q", "-b", "main").returncode == 0
    assert invoke(folder, "git-setup").exit_code == 0
    invoke(folder, "add", "中建三局", "--id", "zj", "--area", "汉口", "--value", "5万", today="2026-09-01")
    path = customer_file(folder, "zj")
    path.write_text(path.read_text(encoding="utf-8").replace("name: 中建三局", "name: 中建三局   # 总部在汉口"),
                    encoding="utf-8")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "start")
    return folder


def test_two_reps_advance_and_annotate_the_same_customer(repo: Path) -> None:
    git(repo, "checkout", "-qb", "rep-b")
    invoke(repo, "visit", "zj", "--note", "B 拜访", today="2026-11-18")
    invoke(repo, "advance", "zj", "demo", today="2026-11-19")
    path = customer_file(repo, "zj")
    path.write_text(path.read_text(encoding="utf-8").replace("  phone:        #", "  phone: '139'  #"),
                    encoding="utf-8")
    git(repo, "commit", "-qam", "rep b")
    git(repo, "checkout", "-q", "main")
    invoke(repo, "visit", "zj", "--note", "A 拜访", today="2026-11-20")
    invoke(repo, "target", "zj", "--by", "2027-01-15", today="2026-11-20")
    path.write_text(path.read_text(encoding="utf-8").replace("area: 汉口", "area: 汉口·建设大道"), encoding="utf-8")
    git(repo, "commit", "-qam", "rep a")
    merged = git(repo, "merge", "-q", "--no-edit", "rep-b")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = path.read_text(encoding="utf-8")
    assert "name: 中建三局   # 总部在汉口" in text  # comments kept
    data = yaml.safe_load(text)
    assert data["area"] == "汉口·建设大道" and data["contact"]["phone"] == "139"
    notes = [(e["date"].isoformat(), e["event"]) for e in data["log"]]
    assert notes == [("2026-09-01", "added"), ("2026-09-01", "target"), ("2026-11-18", "visit"),
                     ("2026-11-19", "stage"), ("2026-11-20", "visit"), ("2026-11-20", "target")]
    assert invoke(repo, "check", today="2026-11-26").exit_code == 0


def test_a_real_conflict_is_marked_and_check_names_it(repo: Path) -> None:
    path = customer_file(repo, "zj")
    git(repo, "checkout", "-qb", "rep-b")
    path.write_text(path.read_text(encoding="utf-8").replace("area: 汉口", "area: 汉阳"), encoding="utf-8")
    git(repo, "commit", "-qam", "b")
    git(repo, "checkout", "-q", "main")
    path.write_text(path.read_text(encoding="utf-8").replace("area: 汉口", "area: 武昌"), encoding="utf-8")
    git(repo, "commit", "-qam", "a")
    merged = git(repo, "merge", "--no-edit", "rep-b")
    assert merged.returncode != 0
    text = path.read_text(encoding="utf-8")
    assert "<<<<<<< ours\narea: 武昌" in text and "=======\narea: 汉阳\n>>>>>>> theirs\n" in text
    result = invoke(repo, "check")
    assert result.exit_code == 1 and "unresolved merge conflict about `area`" in result.stdout


def test_git_setup_writes_attributes_once(repo: Path) -> None:
    invoke(repo, "git-setup")
    assert (repo / ".gitattributes").read_text() == "customers/*.yaml merge=salescli\n"
    assert "merge-file %O %A %B %P" in git(repo, "config", "merge.salescli.driver").stdout


def test_two_clones_of_one_data_repo_merge_on_pull(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    first = tmp_path / "a"
    assert invoke(tmp_path, "init", str(first), "--no-git").exit_code == 0
    git(first, "init", "-q", "-b", "main")
    invoke(first, "git-setup")
    invoke(first, "add", "中建三局", "--id", "zj", "--value", "8万", today="2026-09-01")
    git(first, "add", ".")
    git(first, "commit", "-qm", "start")
    git(first, "remote", "add", "origin", str(origin))
    assert git(first, "push", "-q", "origin", "main").returncode == 0
    second = tmp_path / "b"
    subprocess.run(["git", "clone", "-q", str(origin), str(second)], check=True)
    invoke(second, "git-setup")  # git config is per clone
    invoke(first, "--commit", "advance", "zj", "demo", today="2026-11-20")
    invoke(first, "--commit", "visit", "zj", "--note", "A 演示", today="2026-11-21")
    assert git(first, "push", "-q", "origin", "main").returncode == 0
    invoke(second, "--commit", "visit", "zj", "--note", "B 回访", today="2026-11-19")
    invoke(second, "--commit", "target", "zj", "--by", "2027-01-10", today="2026-11-22")
    pulled = git(second, "pull", "-q", "--no-rebase", "origin", "main")
    assert pulled.returncode == 0, pulled.stderr
    log = yaml.safe_load(customer_file(second, "zj").read_text(encoding="utf-8"))["log"]
    assert [(e["date"].isoformat(), e["event"]) for e in log] == [
        ("2026-09-01", "added"), ("2026-09-01", "target"), ("2026-11-19", "visit"), ("2026-11-20", "stage"),
        ("2026-11-21", "visit"), ("2026-11-22", "target")]
    assert invoke(second, "check", today="2026-11-26").exit_code == 0
