import sys
from pathlib import Path

import pytest

from tests.conftest import customer_file


@pytest.fixture
def zj(folder: Path, run) -> Path:
    assert run("add", "中建三局", "--id", "zj", "--field", "建筑", "--no-input").exit_code == 0
    return customer_file(folder, "zj")


def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """$EDITOR as a Python script; `path` is the file it is given, `text` what it holds."""
    script = tmp_path / "editor.py"
    script.write_text("import sys\nfrom pathlib import Path\npath = Path(sys.argv[1])\n"
                      "text = path.read_text(encoding='utf-8')\n" + body, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    return script


def test_a_good_edit_is_saved(zj: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = zj.read_text(encoding="utf-8")
    editor(tmp_path, monkeypatch, "path.write_text(text.replace('area:   ', 'area: 洪山'), encoding='utf-8')\n")
    result = run("edit", "中建")
    assert (result.exit_code, result.stdout) == (0, f"Saved {zj}.\n")
    assert zj.read_text(encoding="utf-8") == before.replace("area:   ", "area: 洪山")


def test_an_unchanged_save_changes_nothing(zj: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stat = zj.stat()
    editor(tmp_path, monkeypatch, "")
    assert run("edit", "zj").stdout == "No changes.\n"
    assert zj.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_broken_edit_is_never_saved(zj: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = zj.read_bytes()
    editor(tmp_path, monkeypatch, "path.write_text(text.replace('field: construction', 'field: [broken'), "
                                  "encoding='utf-8')\n")
    result = run("edit", "zj")
    assert result.exit_code == 1
    assert result.stderr.startswith("Not saved: zj.yaml is as it was. Your draft is kept in ")
    assert result.stderr.splitlines()[1:] == [  # why, at the draft's line: in a script nobody saw the editor
        "  line 10: a `[…]` is not closed: end it with `]` on the same line, and put a value holding a comma in quotes"]
    assert zj.read_bytes() == before
    draft = Path(result.stderr.splitlines()[0].split("kept in ")[1].rstrip("."))
    assert "field: [broken" in draft.read_text(encoding="utf-8")
    draft.unlink()


def test_the_editor_reopens_with_the_problem_on_top(zj: Path, run, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = zj.read_text(encoding="utf-8")
    seen = tmp_path / "seen.txt"
    editor(tmp_path, monkeypatch, f"Path({str(seen)!r}).open('a', encoding='utf-8').write(text + '\\n===\\n')\n"
                                  "if 'NOT SAVED' in text:\n"
                                  "    path.write_text(text.replace('size: 7', 'size: small'), encoding='utf-8')\n"
                                  "else:\n"
                                  "    path.write_text(text.replace('size: ', 'size: 7'), encoding='utf-8')\n")
    result = run("edit", "zj")
    assert (result.exit_code, result.stdout) == (0, f"Saved {zj}.\n"), result
    assert zj.read_text(encoding="utf-8") == before.replace("size: ", "size: small", 1)
    second = seen.read_text(encoding="utf-8").split("\n===\n")[1]
    note = second.splitlines()[:2]
    assert note[0] == "# salescli edit: NOT SAVED: fix this and save; quit without changing anything to give up."
    assert note[1].startswith("# salescli edit: line ") and note[1].endswith(
        ": unknown size '7'; use one of: system, small, individual")
    line = int(note[1].split("line ")[1].split(":")[0])
    assert second.splitlines()[line - 1].startswith("size: 7")  # the line the note names, in the editor


def test_a_new_duplicate_name_is_refused_as_check_would(zj: Path, folder: Path, run, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    run("add", "鼎盛地产", "--id", "ds", "--no-input")
    editor(tmp_path, monkeypatch,
           "path.write_text(text.replace('name: 中建三局', 'name: 鼎盛地产'), encoding='utf-8')\n")
    result = run("edit", "zj")
    assert result.exit_code == 1 and customer_file(folder, "zj").read_text(encoding="utf-8").count("中建三局") == 1


def test_a_file_changed_meanwhile_is_not_overwritten(zj: Path, run, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    editor(tmp_path, monkeypatch, f"Path({str(zj)!r}).write_text(Path({str(zj)!r}).read_text(encoding='utf-8') + "
                                  "'# typed elsewhere\\n', encoding='utf-8')\n"
                                  "path.write_text(text.replace('area:   ', 'area: 洪山'), encoding='utf-8')\n")
    result = run("edit", "zj")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {zj}: the file changed on disk meanwhile (another command or a `git pull`); "
                             "nothing was written\n")
    assert zj.read_text(encoding="utf-8").endswith("# typed elsewhere\n")


def test_a_failing_editor_saves_nothing(zj: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = zj.read_bytes()
    editor(tmp_path, monkeypatch, "path.write_text('junk', encoding='utf-8')\nsys.exit(3)\n")
    assert run("edit", "zj").stderr == "Error: the editor exited with status 3; nothing was saved\n"
    assert zj.read_bytes() == before
