import multiprocessing
import os
from datetime import date
from pathlib import Path

import pytest

from salescli import store, yamlfile
from salescli.errors import DataError, UsageError

CUSTOMER = "id: a\nname: 鼎盛地产\n# keep me\nlog:\n- {date: 2026-09-01, event: added}\n"
NOTE = {"date": date(2026, 11, 26), "event": "note", "note": "hi"}


def write(root: Path, name: str, text: str) -> Path:
    path = root / "customers" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_data_folder_is_found_here_or_above(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESCLI_DIR", raising=False)
    deep = folder / "customers" / "sub"
    deep.mkdir()
    assert store.find_data_folder(None, start=deep).root == folder
    assert store.find_data_folder(None, start=folder).root == folder


def test_dir_and_environment_override(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.find_data_folder(str(folder)).root == folder
    assert store.find_data_folder(str(folder / "customers")).root == folder
    monkeypatch.setenv("SALESCLI_DIR", str(folder))
    assert store.find_data_folder(None, start=tmp_path).root == folder


def test_outside_a_data_folder_points_to_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESCLI_DIR", raising=False)
    with pytest.raises(UsageError, match="run `salescli init` to make one, or pass --dir PATH"):
        store.find_data_folder(None, start=tmp_path)
    with pytest.raises(UsageError, match="has no customers/ folder"):
        store.find_data_folder(str(tmp_path))


def test_a_broken_file_is_reported_and_the_others_are_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    write(folder, "a.yaml", CUSTOMER)
    write(folder, "b.yaml", "name: B\nlog:\n- {date: 2026-09-01, event: added\n")
    write(folder, "c.yaml", "name: C\nlog:\n- {date: 2026-09-01, event: stage, stage: demoo}\n")
    (folder / "customers" / "d.yaml").write_bytes(b"name: \xff\n")
    read = store.read_all(store.DataFolder(folder))
    assert [c.id for c in read.customers] == ["a"]
    assert [str(problem) for problem in read.problems] == [
        "customers/b.yaml:4:1: did not find expected ',' or '}' (YAML syntax: fix the file here)",
        "customers/c.yaml:3:43: unknown stage 'demoo' (did you mean 'demo'?); use one of: prospect, prepare, "
        "approach, needs, demo, objections, close, service",
        "customers/d.yaml: not UTF-8 text (byte 6); save the file as UTF-8",
    ]


def test_hidden_and_temporary_files_are_not_customers(folder: Path) -> None:
    write(folder, "a.yaml", CUSTOMER)
    write(folder, ".a.yaml.123.tmp", "junk")
    write(folder, ".b.yaml", "junk")
    assert [p.name for p in store.DataFolder(folder).customer_files()] == ["a.yaml"]


def _customers(*names: tuple[str, str]) -> list:
    from salescli.customer import customer_from_document

    return [customer_from_document({"name": name, "log": []}, file_id=cid) for cid, name in names]


def test_resolve_by_id_prefix_or_part_of_the_name() -> None:
    customers = _customers(("zhongjian", "中建三局"), ("zhongtie", "中铁十一局"), ("dingsheng", "鼎盛地产"))
    assert store.resolve(customers, "zhongjian").id == "zhongjian"
    assert store.resolve(customers, "zhongt").id == "zhongtie"
    assert store.resolve(customers, "鼎盛").id == "dingsheng"
    assert store.resolve(customers, "十一局").id == "zhongtie"
    with pytest.raises(UsageError, match=r"'中' matches 2 customers: zhongjian \(中建三局\); zhongtie \(中铁十一局\)"):
        store.resolve(customers, "中")
    with pytest.raises(UsageError, match="no customer matches 'xyz'"):
        store.resolve(customers, "xyz")


def test_append_events_writes_atomically_and_keeps_the_mode(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    os.chmod(path, 0o640)
    customer = store.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "- {date: 2026-11-26, event: note, note: hi}\n"
    assert customer.events[-1].note == "hi"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_a_hand_edit_saved_while_salescli_writes_is_kept_and_the_change_made_again_on_it(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    edited_by_hand = CUSTOMER.replace("# keep me", "# typed while salescli ran")
    real_append = yamlfile.append_plain
    edits = iter([edited_by_hand])

    def append_while_someone_edits(text: str, items: list) -> object:
        for edit in edits:  # the first time only: an editor saves (a new file renamed over it)
            temp = path.with_name("editor.tmp")
            temp.write_text(edit, encoding="utf-8")
            os.replace(temp, path)
        return real_append(text, items)

    monkeypatch.setattr(yamlfile, "append_plain", append_while_someone_edits)
    store.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == edited_by_hand + "- {date: 2026-11-26, event: note, note: hi}\n"


def test_a_file_that_keeps_changing_is_left_to_the_other_writer(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    real_append = yamlfile.append_plain
    edits = iter(range(100))

    def append_while_someone_edits(text: str, items: list) -> object:
        path.write_text(CUSTOMER + f"# edit {next(edits)}\n", encoding="utf-8")  # in place, every time
        return real_append(text, items)

    monkeypatch.setattr(yamlfile, "append_plain", append_while_someone_edits)
    with pytest.raises(DataError, match="the file kept changing while salescli was writing it .*; nothing was written"):
        store.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "# edit 4\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_a_change_worked_out_from_an_earlier_read_is_refused_when_the_file_changed(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    store.read_customer(path)
    path.write_text(CUSTOMER + "# edited\n", encoding="utf-8")
    with pytest.raises(DataError, match="the file changed since salescli read it .*; nothing was written"):
        store.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "# edited\n"


def test_an_interrupted_write_leaves_the_file_whole(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_create_refuses_to_replace_a_file(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    with pytest.raises(DataError, match="a file of that name exists already; nothing was written"):
        store.create_customer(path, CUSTOMER.replace("鼎盛地产", "Other"))
    assert path.read_text(encoding="utf-8") == CUSTOMER


def test_an_unsafe_edit_is_refused_with_the_file_named(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    path = write(folder, "a.yaml", "name: A\nlog: [{date: 2026-01-01, event: added}]\n")
    with pytest.raises(DataError) as error:
        store.append_events(path, [NOTE])
    assert str(error.value).startswith("customers/a.yaml: `log:` is not a block list")


def _append_many(path: str, worker: int) -> None:
    for number in range(15):
        store.append_events(Path(path), [{"date": date(2026, 11, 26), "event": "note", "note": f"{worker}-{number}"}])


def test_parallel_writers_lose_no_event(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path), worker)) for worker in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    notes = sorted(event.note for event in store.read_customer(path).events if event.note)
    assert notes == sorted(f"{w}-{n}" for w in range(3) for n in range(15))
