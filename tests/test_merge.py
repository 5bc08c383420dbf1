"""The merge driver: the pure merge, and real `git merge` of real branches in temporary repos."""

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salescli import gitops
from salescli.gitops import driver_command
from salescli.merge import MergeResult, merge_texts
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
    assert "\n<<<<<<< ours\narea: 武昌      # 区域" in text  # their line as they wrote it, comment too
    assert "=======\narea: 汉阳      # 区域: the part of town you visit it in; visits in one area go on one day\n" \
           ">>>>>>> theirs\n" in text
    result = invoke(repo, "check")
    assert result.exit_code == 1 and "unresolved merge conflict about `area`" in result.stdout


def test_git_setup_writes_attributes_once(repo: Path) -> None:
    invoke(repo, "git-setup")
    assert (repo / ".gitattributes").read_text() == "customers/*.yaml merge=salescli\n"
    assert git(repo, "config", "merge.salescli.driver").stdout == driver_command(sys.executable) + "\n"


# ---- the log merged against the common ancestor ----------------------------------------------

LOG_BASE = ("name: A\nlog:\n- {date: 2026-09-01, event: added}\n- {date: 2026-10-01, event: visit, note: 错的}\n"
            "- {date: 2026-10-05, event: note, note: keep}\n")
APPENDED = LOG_BASE + "- {date: 2026-11-20, event: visit, note: C}\n"
WRONG_VISIT = "- {date: 2026-10-01, event: visit, note: 错的}\n"


def test_an_event_deleted_on_one_side_stays_deleted() -> None:
    deleted = LOG_BASE.replace(WRONG_VISIT, "")
    expected = deleted + "- {date: 2026-11-20, event: visit, note: C}\n"
    assert merge_texts(LOG_BASE, APPENDED, deleted) == MergeResult(expected, ())
    assert merge_texts(LOG_BASE, deleted, APPENDED) == MergeResult(expected, ())


def test_an_event_corrected_on_one_side_replaces_the_old_one() -> None:
    corrected = LOG_BASE.replace("错的}", "对的}  # 改正")
    expected = corrected + "- {date: 2026-11-20, event: visit, note: C}\n"
    assert merge_texts(LOG_BASE, APPENDED, corrected) == MergeResult(expected, ())
    assert merge_texts(LOG_BASE, corrected, APPENDED) == MergeResult(expected, ())


def test_an_event_changed_differently_on_both_sides_is_a_marked_conflict() -> None:
    ours, theirs = LOG_BASE.replace("错的", "张工"), LOG_BASE.replace("错的", "李工")
    marked = LOG_BASE.replace(WRONG_VISIT, "<<<<<<< ours\n- {date: 2026-10-01, event: visit, note: 张工}\n"
                                           "=======\n- {date: 2026-10-01, event: visit, note: 李工}\n>>>>>>> theirs\n")
    assert merge_texts(LOG_BASE, ours, theirs) == MergeResult(marked, ("log: the 2026-10-01 visit event",))


def test_an_event_deleted_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    deleted = LOG_BASE.replace(WRONG_VISIT, "") + "- {date: 2026-11-21, event: note, note: new}\n"
    corrected = LOG_BASE.replace("错的", "对的")
    marked = ("name: A\nlog:\n- {date: 2026-09-01, event: added}\n<<<<<<< ours\n=======\n"
              "- {date: 2026-10-01, event: visit, note: 对的}\n>>>>>>> theirs\n"
              "- {date: 2026-10-05, event: note, note: keep}\n"
              "- {date: 2026-11-21, event: note, note: new}\n")
    assert merge_texts(LOG_BASE, deleted, corrected) == MergeResult(marked, ("log: the 2026-10-01 visit event",))


def test_an_event_both_sides_added_or_changed_alike_is_kept_once() -> None:
    both = LOG_BASE.replace("错的", "对的") + "- {date: 2026-11-20, event: visit, note: C}\n"
    assert merge_texts(LOG_BASE, both, both) == MergeResult(both, ())


def test_a_file_both_sides_added_merges_against_an_empty_ancestor() -> None:
    result = merge_texts("", APPENDED, LOG_BASE + "- {date: 2026-11-22, event: note, note: B}\n")
    assert result == MergeResult(APPENDED + "- {date: 2026-11-22, event: note, note: B}\n", ())


AUTHOR = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, **AUTHOR})


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two reps' clones (B and C) of one data repository, made by `init` and shared through a bare
    origin; C's clone is fresh: git has not copied the merge driver's setting into it."""
    for key, value in AUTHOR.items():
        monkeypatch.setenv(key, value)
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    rep_b = tmp_path / "b"
    assert invoke(tmp_path, "init", str(rep_b)).exit_code == 0
    _git(rep_b, "checkout", "-qb", "main")
    invoke(rep_b, "add", "中建三局", "--id", "zj", "--value", "8万", today="2026-09-01")
    invoke(rep_b, "visit", "zj", "--note", "错的", today="2026-10-01")
    invoke(rep_b, "visit", "zj", "--note", "second", today="2026-10-02")
    _git(rep_b, "add", ".")
    _git(rep_b, "commit", "-qm", "start")
    _git(rep_b, "remote", "add", "origin", str(origin))
    assert _git(rep_b, "push", "-q", "origin", "main").returncode == 0
    rep_c = tmp_path / "c"
    subprocess.run(["git", "clone", "-q", str(origin), str(rep_c)], check=True)
    return rep_b, rep_c


def _pull(rep: Path) -> subprocess.CompletedProcess:
    return _git(rep, "pull", "-q", "--no-rebase", "origin", "main")


def _events(rep: Path) -> list[tuple[str, str, str | None]]:
    log = yaml.safe_load(customer_file(rep, "zj").read_text(encoding="utf-8"))["log"]
    return [(e["date"].isoformat(), e["event"], e.get("note")) for e in log]


def test_a_fresh_clone_registers_the_driver_and_a_pull_keeps_a_deletion(clones: tuple[Path, Path]) -> None:
    rep_b, rep_c = clones
    path_b = customer_file(rep_b, "zj")
    path_b.write_text(path_b.read_text(encoding="utf-8").replace(
        "- {date: 2026-10-01, event: visit, note: 错的}\n", ""), encoding="utf-8")  # B deletes a mistake by hand
    _git(rep_b, "commit", "-qam", "B removes a wrong visit")
    assert _git(rep_b, "push", "-q", "origin", "main").returncode == 0
    first = invoke(rep_c, "visit", "zj", "--note", "C 回访", today="2026-11-20")  # C's first command in the clone
    assert first.stderr.startswith("salescli: registered its merge driver for customers/*.yaml in this clone's "
                                   "git config, as .gitattributes asks")
    assert _git(rep_c, "config", "merge.salescli.driver").stdout == driver_command(sys.executable) + "\n"
    assert invoke(rep_c, "list").stderr == ""  # said once
    _git(rep_c, "commit", "-qam", "C visits")
    pulled = _pull(rep_c)
    assert pulled.returncode == 0, pulled.stderr
    assert _events(rep_c) == [("2026-09-01", "added", None), ("2026-09-01", "target", None),
                              ("2026-10-02", "visit", "second"), ("2026-11-20", "visit", "C 回访")]
    assert invoke(rep_c, "check").exit_code == 0


def test_a_pull_keeps_a_corrected_note_once(clones: tuple[Path, Path]) -> None:
    rep_b, rep_c = clones
    path_b = customer_file(rep_b, "zj")
    path_b.write_text(path_b.read_text(encoding="utf-8").replace("note: 错的", "note: 对的"), encoding="utf-8")
    _git(rep_b, "commit", "-qam", "B corrects a note")
    _git(rep_b, "push", "-q", "origin", "main")
    invoke(rep_c, "visit", "zj", "--note", "C 回访", today="2026-11-20")
    _git(rep_c, "commit", "-qam", "C visits")
    assert _pull(rep_c).returncode == 0
    assert [note for _, _, note in _events(rep_c)] == [None, None, "对的", "second", "C 回访"]


def test_a_side_saved_in_gbk_is_merged_by_line_with_markers_that_name_the_file(clones: tuple[Path, Path]) -> None:
    rep_b, rep_c = clones
    path_b = customer_file(rep_b, "zj")
    gbk = path_b.read_text(encoding="utf-8").replace("note: second", "note: 第二次").encode("gbk")
    path_b.write_bytes(gbk)  # an editor on Windows
    _git(rep_b, "commit", "-qam", "B edits in GBK")
    _git(rep_b, "push", "-q", "origin", "main")
    invoke(rep_c, "list")  # registers the driver in C's clone
    path_c = customer_file(rep_c, "zj")
    path_c.write_text(path_c.read_text(encoding="utf-8").replace("note: second", "note: 二"), encoding="utf-8")
    _git(rep_c, "commit", "-qam", "C edits")
    pulled = _pull(rep_c)
    assert pulled.returncode != 0
    assert "salescli merge: customers/zj.yaml: theirs is not UTF-8 text (byte " in pulled.stderr
    merged = path_c.read_bytes()
    assert b"<<<<<<< customers/zj.yaml (ours)\n" in merged and b">>>>>>> customers/zj.yaml (theirs)\n" in merged
    assert "note: 第二次".encode("gbk") in merged and "note: 二".encode() in merged  # nothing lost
    result = invoke(rep_c, "check")
    assert result.exit_code == 1 and "customers/zj.yaml: not UTF-8 text" in result.stdout


def test_two_clones_of_one_data_repo_merge_on_pull(clones: tuple[Path, Path]) -> None:
    first, second = clones
    invoke(first, "--commit", "advance", "zj", "demo", today="2026-11-20")
    invoke(first, "--commit", "visit", "zj", "--note", "A 演示", today="2026-11-21")
    assert _git(first, "push", "-q", "origin", "main").returncode == 0
    invoke(second, "--commit", "visit", "zj", "--note", "B 回访", today="2026-11-19")
    invoke(second, "--commit", "target", "zj", "--by", "2027-01-10", today="2026-11-22")
    pulled = _pull(second)
    assert pulled.returncode == 0, pulled.stderr
    assert [(day, event) for day, event, _ in _events(second)] == [
        ("2026-09-01", "added"), ("2026-09-01", "target"), ("2026-10-01", "visit"), ("2026-10-02", "visit"),
        ("2026-11-19", "visit"), ("2026-11-20", "stage"), ("2026-11-21", "visit"), ("2026-11-22", "target")]
    assert invoke(second, "check", today="2026-11-26").exit_code == 0


def test_a_conflicting_event_is_named_by_what_it_has() -> None:
    from salescli.merge import event_label as _label

    assert _label({"date": date(2026, 9, 1), "event": "visit"}) == "log: the 2026-09-01 visit event"
    assert _label({"date": date(2026, 9, 1), "note": "no kind given"}) == "log: the event of 2026-09-01"
    assert _label("not a mapping") == "log: an event"


# ---- issue 22's scenarios, through a real `git merge` and the registered driver -----------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _merge(repo: Path, ours: Callable[[Path], object], theirs: Callable[[Path], object], *, driver: str | None = None,
           path: str | None = None) -> subprocess.CompletedProcess:
    """Rep B's change on a branch, rep A's on main, then A merges B's branch (A is ours), with `driver`
    registered (salescli's commands register their own) and `path` as PATH."""
    git(repo, "checkout", "-qb", "rep-b")
    theirs(repo)
    assert git(repo, "commit", "-qam", "rep b").returncode == 0
    git(repo, "checkout", "-q", "main")
    ours(repo)
    assert git(repo, "commit", "-qam", "rep a").returncode == 0
    if driver is not None:
        assert git(repo, "config", "merge.salescli.driver", driver).returncode == 0
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "merge", "--no-edit",
                           "rep-b"], capture_output=True, text=True,
                          env={**os.environ, "PATH": path or os.environ["PATH"]})


POSTCODE = "  postcode:     # 邮编\n"


@pytest.mark.parametrize("deleting", ["ours", "theirs"])
def test_a_key_deleted_on_one_side_and_set_on_the_other_is_marked_and_named(repo: Path, deleting: str) -> None:
    path = customer_file(repo, "zj")
    delete = lambda repo: _edit(path, POSTCODE, "")  # noqa: E731
    set_it = lambda repo: invoke(repo, "set", "zj", "contact.postcode=430000")  # noqa: E731
    merged = _merge(repo, *((delete, set_it) if deleting == "ours" else (set_it, delete)))
    assert merged.returncode == 1 and "conflict in customers/zj.yaml: contact.postcode" in merged.stderr
    text = path.read_text(encoding="utf-8")
    value = '  postcode: "430000" # 邮编\n'
    marked = f"<<<<<<< ours\n=======\n{value}>>>>>>> theirs\n" if deleting == "ours" else \
        f"<<<<<<< ours\n{value}=======\n>>>>>>> theirs\n"
    assert f"  phone:        # 联系电话\n{marked}\n# ---- 2." in text  # where the key was, nothing else marked
    check = invoke(repo, "check")
    line = text.splitlines().index("<<<<<<< ours") + 1
    assert check.exit_code == 1
    assert check.stdout == (f"{path}:{line}:1: unresolved merge conflict about `contact.postcode`: keep one side, "
                            "delete the <<<<<<< ======= >>>>>>> lines\n")
    listed = invoke(repo, "list")  # a command that reads the file says why it skips it
    assert listed.stderr.startswith(f"warning: skipped {path}:{line}:1: unresolved merge conflict about "
                                    "`contact.postcode`")


def test_comments_changed_on_both_sides_are_both_kept_and_a_comment_in_the_log_stays(repo: Path) -> None:
    path = customer_file(repo, "zj")
    invoke(repo, "set", "zj", "owner=李明")
    git(repo, "commit", "-qam", "owner")
    owner = "owner: 李明     # 负责人: the rep who owns this customer\n"

    def ours(repo: Path) -> None:
        _edit(path, owner, "owner: 李明     # 负责人：李明管到年底\n")
        invoke(repo, "visit", "zj", "--note", "A 拜访", today="2026-11-20")

    def theirs(repo: Path) -> None:
        _edit(path, owner, "owner: 李明     # 他下月调走\n")
        invoke(repo, "visit", "zj", "--note", "B 拜访", today="2026-11-21")
        _edit(path, "note: B 拜访}\n", "note: B 拜访}  # a comment\n# 王工说下周定\n")

    merged = _merge(repo, ours, theirs)
    assert merged.returncode == 0, merged.stderr
    text = path.read_text(encoding="utf-8")
    assert "owner: 李明     # 负责人：李明管到年底  # 他下月调走\n" in text
    assert text.endswith("- {date: 2026-11-20, event: visit, note: A 拜访}\n"
                         "- {date: 2026-11-21, event: visit, note: B 拜访}  # a comment\n# 王工说下周定\n")
    assert invoke(repo, "check", today="2026-11-26").exit_code == 0


def test_a_profile_conflict_marks_that_key_alone_and_the_log_and_key_people_still_merge(repo: Path) -> None:
    path = customer_file(repo, "zj")
    invoke(repo, "person", "zj", "王强", "--title", "科长")
    git(repo, "commit", "-qam", "a key person")

    def ours(repo: Path) -> None:
        invoke(repo, "person", "zj", "张伟", "--mobile", "13900000000")
        invoke(repo, "person", "zj", "王强", "--hobbies", "钓鱼")
        invoke(repo, "set", "zj", "field=bank")
        invoke(repo, "visit", "zj", "--note", "A 拜访", today="2026-11-20")

    def theirs(repo: Path) -> None:
        invoke(repo, "person", "zj", "李娟", "--title", "预算员")
        invoke(repo, "set", "zj", "field=房地产")
        invoke(repo, "visit", "zj", "--note", "B 拜访", today="2026-11-19")

    merged = _merge(repo, ours, theirs)
    assert merged.returncode == 1
    assert "salescli merge: conflict in customers/zj.yaml: field (changed differently on both sides)" in merged.stderr
    text = path.read_text(encoding="utf-8")
    assert text.count("<<<<<<< ours\n") == 1
    assert "\n<<<<<<< ours\nfield: bank     # 领域: real-estate 房地产企业" in text
    assert "=======\nfield: real-estate # 领域: real-estate 房地产企业" in text
    people = ("  - {name: 王强, title: 科长, hobbies: 钓鱼}\n  - {name: 张伟, mobile: \"13900000000\"}\n"
              "  - {name: 李娟, title: 预算员}\n")
    assert people in text
    assert text.endswith("- {date: 2026-11-19, event: visit, note: B 拜访}\n"
                         "- {date: 2026-11-20, event: visit, note: A 拜访}\n")
    resolved = text.replace(text[text.index("<<<<<<< ours\n"):text.index("=======\n") + 8], "")
    path.write_text(resolved.replace(">>>>>>> theirs\n", ""), encoding="utf-8")  # theirs taken
    check = invoke(repo, "check", today="2026-11-26")
    assert check.stdout == (f"{path}: git has not finished merging this file (no conflict markers are left in it): "
                            "make it right, then `git add` it (or `git rm` it to delete it) and `git commit`\n")
    git(repo, "add", str(path))
    assert invoke(repo, "check", today="2026-11-26").exit_code == 0


def test_key_people_changed_on_both_sides_merge_person_by_person(repo: Path) -> None:
    path = customer_file(repo, "zj")
    for name in ("王强", "刘洋"):
        invoke(repo, "person", "zj", name, "--title", "科长")
    git(repo, "commit", "-qam", "key people")

    def ours(repo: Path) -> None:
        invoke(repo, "person", "zj", "王强", "--mobile", "13900000000")
        invoke(repo, "person", "zj", "张伟")

    def theirs(repo: Path) -> None:
        invoke(repo, "person", "zj", "刘洋", "--remove")
        invoke(repo, "person", "zj", "李娟")

    merged = _merge(repo, ours, theirs)
    assert merged.returncode == 0, merged.stderr
    people = yaml.safe_load(path.read_text(encoding="utf-8"))["trust"]["people"]
    assert people == [{"name": "王强", "title": "科长", "mobile": "13900000000"}, {"name": "张伟"}, {"name": "李娟"}]


def test_a_key_person_changed_differently_on_both_sides_is_marked_alone(repo: Path) -> None:
    path = customer_file(repo, "zj")
    for name in ("王强", "刘洋"):
        invoke(repo, "person", "zj", name, "--title", "科长")
    git(repo, "commit", "-qam", "key people")
    merged = _merge(repo, lambda repo: invoke(repo, "person", "zj", "王强", "--title", "处长"),
                    lambda repo: invoke(repo, "person", "zj", "王强", "--title", "局长"))
    assert merged.returncode == 1
    text = path.read_text(encoding="utf-8")
    assert ("<<<<<<< ours\n  - {name: 王强, title: 处长}\n=======\n  - {name: 王强, title: 局长}\n>>>>>>> theirs\n"
            "  - {name: 刘洋, title: 科长}\n") in text
    assert "unresolved merge conflict about `trust.people: 王强`" in invoke(repo, "check").stdout


def _two_visits(repo: Path, **options: str) -> subprocess.CompletedProcess:
    return _merge(repo, lambda repo: invoke(repo, "visit", "zj", "--note", "A 拜访", today="2026-11-20"),
                  lambda repo: invoke(repo, "visit", "zj", "--note", "B 拜访", today="2026-11-21"), **options)


def test_a_driver_whose_install_is_gone_falls_back_to_salescli_on_path(repo: Path) -> None:
    merged = _two_visits(repo, driver=driver_command("/gone/venv/bin/python3"),
                         path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    assert merged.returncode == 0, merged.stderr
    assert customer_file(repo, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-20, event: visit, note: A 拜访}\n- {date: 2026-11-21, event: visit, note: B 拜访}\n")


def test_a_driver_that_cannot_run_at_all_leaves_both_sides_in_markers(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bin"  # git, and no salescli
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git") or "git")
    path = f"{bare}{os.pathsep}/usr/bin{os.pathsep}/bin"
    assert shutil.which("salescli", path=path) is None
    merged = _two_visits(repo, driver=driver_command("/gone/venv/bin/python3"), path=path)
    assert merged.returncode == 1
    assert "salescli merge: salescli could not run (reinstalled?), so git merged 'customers/zj.yaml' line by line" \
        in merged.stderr
    text = customer_file(repo, "zj").read_text(encoding="utf-8")
    assert ("<<<<<<< customers/zj.yaml (ours)\n- {date: 2026-11-20, event: visit, note: A 拜访}\n"
            "=======\n- {date: 2026-11-21, event: visit, note: B 拜访}\n>>>>>>> customers/zj.yaml (theirs)\n") in text
    assert "unresolved merge conflict about `log: the 2026-11-20 visit event`" in invoke(repo, "check").stdout


def test_every_command_registers_again_a_driver_that_cannot_run(repo: Path) -> None:
    git(repo, "config", "merge.salescli.driver", "'/gone/venv/bin/python3' -m salescli merge-file %O %A %B %P")
    first = invoke(repo, "list")
    assert first.stderr == ("salescli: registered its merge driver again in this clone's git config: the one "
                            "registered had no fallback for when salescli cannot run.\n")
    assert git(repo, "config", "merge.salescli.driver").stdout == driver_command(sys.executable) + "\n"
    git(repo, "config", "merge.salescli.driver", driver_command("/gone/venv/bin/python3"))
    assert invoke(repo, "show", "zj").stderr == ("salescli: registered its merge driver again in this clone's git "
                                                 "config: the one registered runs /gone/venv/bin/python3, which is "
                                                 "gone.\n")
    assert invoke(repo, "list").stderr == ""  # said once
    assert _two_visits(repo).returncode == 0


# ---- any two reps' edits: nothing is lost, and the driver never falls back -------------------------

RICH = """# 客户档案
name: 中建三局
area: 汉口           # 区域
owner: 李明          # 负责人
contact:
  person: 王强       # 主要联系人
  phone:             # 联系电话
  postcode:          # 邮编
trust:
  people:            # 关键人物
  - {name: 王强, title: 科长}
  - {name: 刘洋}
log:
- {date: 2026-09-01, event: added}
- {date: 2026-10-01, event: visit, note: 初访}
- {date: 2026-10-05, event: note, note: 要报价}
"""

EDITS: list[tuple[str, str]] = [  # (what a rep does, as a text edit of RICH: old → new)
    ("area: 汉口           # 区域", "area: {word}           # 区域"),
    ("owner: 李明          # 负责人", "owner: 李明          # {word}"),
    ("  phone:             # 联系电话\n", ""),
    ("  postcode:          # 邮编", "  postcode: '{number}'   # 邮编"),
    ("  - {name: 王强, title: 科长}", "  - {name: 王强, title: {word}}"),
    ("  - {name: 刘洋}\n", ""),
    ("  - {name: 刘洋}\n", "  - {name: 刘洋}\n  - {name: {word}}  # {word}\n"),
    ("- {date: 2026-10-01, event: visit, note: 初访}\n", ""),
    ("note: 要报价}", "note: {word}}"),
    ("note: 要报价}", "note: 要报价}  # {word}"),
    ("log:\n", "# {word}\nlog:\n"),
]


@st.composite
def _side(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One rep's version of RICH: some of EDITS made, and visits appended; and the visits' notes."""
    text = RICH
    for old, new in draw(st.lists(st.sampled_from(EDITS), max_size=4, unique=True)):
        if old in text:
            text = text.replace(old, new.replace("{word}", draw(st.sampled_from(["甲", "乙", "丙"]))).replace(
                "{number}", draw(st.sampled_from(["430000", "430070"]))), 1)
    notes = draw(st.lists(st.text("拜访回报价", min_size=1, max_size=3), max_size=3, unique=True))
    days = draw(st.lists(st.integers(1, 28), min_size=len(notes), max_size=len(notes)))
    visits = sorted(zip(days, notes))
    text += "".join(f"- {{date: 2026-11-{day:02d}, event: visit, note: {note}}}\n" for day, note in visits)
    return text, [f"note: {note}}}" for _day, note in visits]


@settings(max_examples=40, deadline=None)
@given(ours=_side(), theirs=_side())
def test_two_reps_edits_merge_without_loss(ours: tuple[str, list[str]], theirs: tuple[str, list[str]]) -> None:
    (mine, my_visits), (other, their_visits) = ours, theirs
    result = merge_texts(RICH, mine, other, line_merge=gitops.line_merge)  # (never UnsafeMerge: no line merge)
    for text, visits in ((mine, my_visits), (other, their_visits)):
        assert all(visit in result.text for visit in visits)  # every visit either rep logged
        comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line and line not in RICH]
        assert all(comment in result.text for comment in comments)  # every comment either rep wrote or changed
    assert ("<<<<<<< ours\n" in result.text) == bool(result.conflicts)
