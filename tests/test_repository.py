import multiprocessing
import os
from datetime import date
from pathlib import Path

import pytest

from salescli import datafolder, records, repository, safefile, yamlfile
from salescli.customer import Customer
from salescli.errors import DataError, InvalidValue
from salescli.listing import row

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
    assert datafolder.find_data_folder(None, start=deep).root == folder
    assert datafolder.find_data_folder(None, start=folder).root == folder


def test_dir_and_environment_override(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert datafolder.find_data_folder(str(folder)).root == folder
    assert datafolder.find_data_folder(str(folder / "customers")).root == folder
    monkeypatch.setenv("SALESCLI_DIR", str(folder))
    assert datafolder.find_data_folder(None, start=tmp_path).root == folder


def test_outside_a_data_folder_points_to_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESCLI_DIR", raising=False)
    with pytest.raises(InvalidValue, match="run `salescli init` to make one, or pass --dir PATH"):
        datafolder.find_data_folder(None, start=tmp_path)
    with pytest.raises(InvalidValue, match="has no customers/ folder"):
        datafolder.find_data_folder(str(tmp_path))


def test_a_broken_file_is_reported_and_the_others_are_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    write(folder, "a.yaml", CUSTOMER)
    write(folder, "b.yaml", "name: B\nlog:\n- {date: 2026-09-01, event: added\n")
    write(folder, "c.yaml", "name: C\nlog:\n- {date: 2026-09-01, event: stage, stage: demoo}\n")
    (folder / "customers" / "d.yaml").write_bytes(b"name: \xff\n")
    read = repository.read_all(datafolder.FolderPaths(folder))
    assert [c.id for c in read.customers] == ["a"]
    assert [str(problem) for problem in read.problems] == [
        "customers/b.yaml:3:3: a `{…}` is not closed: end it with `}` on the same line, and put a value holding a "
        "comma or ': ' in quotes",
        "customers/c.yaml:3:43: unknown stage 'demoo' (did you mean 'demo'?); use one of: prospect, prepare, "
        "approach, needs, demo, objections, close, service",
        "customers/d.yaml: not UTF-8 text (byte 6); save the file as UTF-8",
    ]


def test_hidden_and_temporary_files_are_not_customers(folder: Path) -> None:
    write(folder, "a.yaml", CUSTOMER)
    write(folder, ".a.yaml.123.tmp", "junk")
    write(folder, ".b.yaml", "junk")
    assert [p.name for p in datafolder.FolderPaths(folder).customer_files()] == ["a.yaml"]


def test_append_events_writes_atomically_and_keeps_the_mode(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    os.chmod(path, 0o640)
    customer = repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "- {date: 2026-11-26, event: note, note: hi}\n"
    assert customer.events[-1].note == "hi"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def _editor_saves(path: Path, text: str) -> None:
    temp = path.with_name("editor.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@pytest.mark.parametrize("moment", ["while the change is worked out", "between the last check and the swap"])
def test_a_hand_edit_saved_while_salescli_writes_is_kept_and_the_change_made_again_on_it(
        folder: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    edited_by_hand = CUSTOMER.replace("# keep me", "# typed while salescli ran")
    owner, name = (yamlfile, "append_plain") if moment.startswith("while") else (safefile, "_exchange")
    real = getattr(owner, name)
    edits = iter([edited_by_hand])

    def saved_by_an_editor(*args: object, **options: object) -> object:
        for edit in edits:  # the first time only: an editor saves (a new file renamed over it)
            _editor_saves(path, edit)
        return real(*args, **options)

    monkeypatch.setattr(owner, name, saved_by_an_editor)
    repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == edited_by_hand + "- {date: 2026-11-26, event: note, note: hi}\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_a_file_that_keeps_changing_is_left_to_the_other_writer(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    real_append = yamlfile.append_plain
    edits = iter(range(100))

    def append_while_someone_edits(text: str, items: list, **options: object) -> object:
        path.write_text(CUSTOMER + f"# edit {next(edits)}\n", encoding="utf-8")  # in place, every time
        return real_append(text, items, **options)

    monkeypatch.setattr(yamlfile, "append_plain", append_while_someone_edits)
    with pytest.raises(DataError, match="the file kept changing while salescli was writing it .*; nothing was written"):
        repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "# edit 4\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_a_change_worked_out_from_an_earlier_read_is_refused_when_the_file_changed(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    repository.read_customer(path)
    path.write_text(CUSTOMER + "# edited\n", encoding="utf-8")
    with pytest.raises(DataError, match="the file changed since salescli read it .*; nothing was written"):
        repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "# edited\n"


def test_an_interrupted_write_leaves_the_file_whole(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_create_refuses_to_replace_a_file(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    with pytest.raises(DataError, match="a file of that name exists already; nothing was written"):
        repository.create_customer(path, CUSTOMER.replace("鼎盛地产", "Other"))
    assert path.read_text(encoding="utf-8") == CUSTOMER


def test_an_unsafe_edit_is_refused_with_the_file_named(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    path = write(folder, "a.yaml", "name: A\nlog: [{date: 2026-01-01, event: added}]\n")
    with pytest.raises(DataError) as error:
        repository.append_events(path, [NOTE])
    assert str(error.value).startswith("customers/a.yaml: `log:` is not a block list")


def _append_many(path: str, worker: int) -> None:
    for number in range(15):
        repository.append_events(Path(path), [{"date": date(2026, 11, 26), "event": "note",
                                               "note": f"{worker}-{number}"}])


def test_parallel_writers_lose_no_event(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path), worker)) for worker in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    notes = sorted(event.note for event in repository.read_customer(path).events if event.note)
    assert notes == sorted(f"{w}-{n}" for w in range(3) for n in range(15))


# ---- writes that must be refused, and the ones that land -------------------------------------

def test_a_symbolic_link_inside_the_folder_is_written_through(folder: Path) -> None:
    target = write(folder, "a.yaml", CUSTOMER)
    link = folder / "customers" / "alias.yaml"
    link.symlink_to("a.yaml")
    repository.append_events(link, [NOTE])
    assert link.is_symlink() and target.read_text(encoding="utf-8").endswith("note: hi}\n")


def test_a_symbolic_link_out_of_the_folder_is_refused(folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(CUSTOMER, encoding="utf-8")
    link = folder / "customers" / "a.yaml"
    link.symlink_to(outside)
    with pytest.raises(DataError) as error:
        repository.append_events(link, [NOTE])
    assert str(error.value) == (f"customers/a.yaml: it is a symbolic link to {outside}, outside the data folder; "
                                "salescli does not write through it (copy the file into the folder to change it here)")
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == CUSTOMER


def test_a_read_only_file_is_left_as_it_is(folder: Path) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    os.chmod(path, 0o444)
    with pytest.raises(DataError, match=r"the file is read-only; salescli leaves it as it is \(make it writable"):
        repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER


def test_what_is_not_a_regular_file_is_neither_read_nor_written(folder: Path) -> None:
    fifo = folder / "customers" / "x.yaml"
    os.mkfifo(fifo)
    (folder / "customers" / "dir.yaml").mkdir()
    (folder / "customers" / "loop.yaml").symlink_to("loop.yaml")
    read = repository.read_all(datafolder.FolderPaths(folder), use_cache=False)  # never waits for a writer of the FIFO
    assert [problem.message for problem in read.problems] == [
        "cannot read: it is a folder, not a regular file; salescli reads only plain files",
        "cannot read: it is a symbolic link that loops back on itself",
        "cannot read: it is a named pipe (FIFO), not a regular file; salescli reads only plain files"]
    with pytest.raises(DataError, match="cannot write: it is a named pipe \\(FIFO\\), not a regular file"):
        repository.append_events(fifo, [NOTE])


def test_a_full_disk_is_one_clear_error_and_leaves_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = write(folder, "a.yaml", CUSTOMER)

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(DataError) as error:
        repository.append_events(path, [NOTE])
    assert error.value.message == "cannot write: the disk is full; nothing was written"
    assert path.read_text(encoding="utf-8") == CUSTOMER
    assert [p.name for p in path.parent.iterdir()] == ["a.yaml"]


def test_without_an_atomic_exchange_the_write_compares_then_renames(folder: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    monkeypatch.setattr(safefile, "_exchange", lambda first, second: False)  # another system, a network file system
    repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8") == CUSTOMER + "- {date: 2026-11-26, event: note, note: hi}\n"


def test_a_landed_write_that_reads_back_wrong_says_it_was_written(folder: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(folder, "a.yaml", CUSTOMER)
    safefile.forget()
    monkeypatch.setattr(safefile._TempFile, "read_back", lambda self: b"garbage")  # the disk gives back something else
    with pytest.raises(DataError, match="the change was written, but the file does not read back the same"):
        repository.append_events(path, [NOTE])
    assert path.read_text(encoding="utf-8").endswith("note: hi}\n") and safefile.landed() == [path]


def test_leftover_temp_files_are_removed_unless_a_writer_holds_them(folder: Path) -> None:
    import fcntl

    write(folder, "a.yaml", CUSTOMER)
    old, held, young = (write(folder, name, "x") for name in
                        (".a.yaml.k3j_x9a0.tmp", ".a.yaml.abcdefgh.tmp", ".a.yaml.12345678.tmp"))
    for path in (old, held):
        os.utime(path, (0, 0))
    with open(held, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a writer at work
        assert [p.name for p in datafolder.FolderPaths(folder).customer_files()] == ["a.yaml"]
    assert sorted(p.name for p in (folder / "customers").iterdir()) == sorted([held.name, young.name, "a.yaml"])


def test_the_customer_a_quick_append_gives_is_the_one_the_file_gives(folder: Path) -> None:
    text = CUSTOMER + "- {date: 2026-10-01, event: stage, stage: demo}\n- {date: 2026-10-02, event: open, deal: b}\n"
    path = write(folder, "a.yaml", text)
    later = [{"date": date(2026, 11, 26), "event": "won", "value": 48000},
             {"date": date(2026, 11, 27), "event": "visit", "deal": "b", "next": date(2026, 12, 1)}]
    earlier = [{"date": date(2026, 9, 15), "event": "note", "note": "back-dated"}]
    for items in (later, earlier):
        safefile.forget()
        packed = _packed(repository.read_customer(path))
        cached = records.customer(packed.unpacked_summary(), packed.events, path)  # as the parse cache gives it
        repository._parsed[repository._key(path)] = (repository._seen[repository._key(path)], cached, ())
        written = repository.append_events(path, items)
        assert _unpacked(_packed(written)) == \
            _unpacked(_packed(repository.parse_customer(path.read_text(encoding="utf-8"), path)))


def _packed(customer: Customer) -> records.Packed:
    return records.pack(customer, row(customer))


def _unpacked(packed: records.Packed) -> tuple:
    import marshal

    profile, *summary = packed.unpacked_summary()
    return packed.unpacked_row(), (records.unpack_profile(profile), *summary), marshal.loads(packed.events)


def test_two_saves_in_that_instant_keep_both_versions_and_say_where(folder: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    path = write(folder, "a.yaml", CUSTOMER)
    first, second = CUSTOMER + "# first save\n", CUSTOMER + "# second save\n"
    exchange = safefile._exchange
    saves = iter([first, second])

    def exchange_just_after_a_save(one: Path, other: Path) -> bool:
        _editor_saves(path, next(saves))
        return exchange(one, other)

    monkeypatch.setattr(safefile, "_exchange", exchange_just_after_a_save)
    with pytest.raises(DataError) as error:
        repository.append_events(path, [NOTE])
    kept = [p for p in path.parent.iterdir() if p.name.startswith("a.yaml.displaced-")]
    assert len(kept) == 1 and str(error.value) == (
        "customers/a.yaml: another program saved the file twice while salescli was writing it: the file holds one "
        f"of its versions, and the other (perhaps with salescli's change) is kept as customers/{kept[0].name}; "
        "compare the two and merge them by hand")
    assert {path.read_text(encoding="utf-8"), kept[0].read_text(encoding="utf-8")} == {first, second}


def test_a_long_log_an_append_made_is_not_checked_line_by_line_again(folder: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repository, "SHAPE_KEPT_AT", 1000)
    log = "".join(f"- {{date: 2026-09-02, event: note, note: n{number}}}\n" for number in range(60))
    path = write(folder, "a.yaml", CUSTOMER + log)
    checked: list[int] = []
    real = yamlfile._item_lines
    monkeypatch.setattr(yamlfile, "_item_lines", lambda lines: checked.append(len(lines)) or real(lines))
    notes = [dict(NOTE, note=f"hi {number}") for number in range(3)]
    for number, note in enumerate(notes):
        repository.forget()
        repository.append_events(path, [note])
        if number == 1:  # an editor changes the file: its lines are checked again
            path.write_text(path.read_text(encoding="utf-8").replace("n7}", "n7 改}"), encoding="utf-8")
    assert len(checked) == 2  # the first append, and the one after the edit
    assert path.read_text(encoding="utf-8") == (CUSTOMER + log.replace("n7}", "n7 改}") + "".join(
        f"- {{date: 2026-11-26, event: note, note: hi {number}}}\n" for number in range(3)))
