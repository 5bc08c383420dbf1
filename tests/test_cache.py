"""The parse cache: correct whatever happens to the files, disposable, never trusted blindly."""

import json
import marshal
import multiprocessing
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescli import cache, datafolder, listing, parallel, records, repository
from salescli.errors import CacheUnusable, DataError
from tests.conftest import Run

OLD = 1_600_000_000_000_000_000  # 2020: far outside the racy window


def customer(name: str, note: str = "x") -> str:
    return f"name: {name}\nlog:\n- {{date: 2026-09-01, event: note, note: {note}}}\n"


def make(folder: Path, file_id: str, text: str, *, old: bool = True) -> Path:
    path = folder / "customers" / f"{file_id}.yaml"
    path.write_text(text, encoding="utf-8")
    if old:
        os.utime(path, ns=(OLD, OLD))
    return path


def notes(folder: Path) -> dict[str, str]:
    read = repository.read_all(datafolder.FolderPaths(folder))
    return {c.id: c.events[0].note for c in read.customers}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = repository.parse_file

    def counting(text: str, path: Path):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(text, path)

    monkeypatch.setattr(repository, "parse_file", counting)
    return parsed


def test_unchanged_files_come_from_the_cache(folder: Path, counted: list[Path]) -> None:
    for number in range(3):
        make(folder, f"c{number}", customer(f"C{number}"))
    assert notes(folder) == {"c0": "x", "c1": "x", "c2": "x"}
    assert len(counted) == 3
    assert notes(folder) == {"c0": "x", "c1": "x", "c2": "x"}
    assert len(counted) == 3  # nothing parsed the second time
    assert cache.location(folder).exists()


def test_an_edit_in_the_same_granule_as_the_cache_write_is_seen(folder: Path) -> None:
    path = make(folder, "a", customer("A", "old"), old=False)
    assert notes(folder) == {"a": "old"}
    stat = path.stat()
    path.write_text(customer("A", "new"), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert notes(folder) == {"a": "new"}


def test_a_file_replaced_by_one_of_the_same_size_and_mtime_is_seen(folder: Path) -> None:
    make(folder, "a", customer("A", "old"))
    assert notes(folder) == {"a": "old"}
    other = folder / "customers" / ".new"
    other.write_text(customer("A", "new"), encoding="utf-8")
    os.utime(other, ns=(OLD, OLD))
    os.replace(other, folder / "customers" / "a.yaml")  # another inode, same size and mtime
    assert notes(folder) == {"a": "new"}


def test_deleted_and_renamed_files_disappear(folder: Path) -> None:
    make(folder, "a", customer("A"))
    make(folder, "b", customer("B"))
    assert set(notes(folder)) == {"a", "b"}
    (folder / "customers" / "a.yaml").unlink()
    os.rename(folder / "customers" / "b.yaml", folder / "customers" / "c.yaml")
    assert set(notes(folder)) == {"c"}


def test_a_checkout_of_another_branch_is_seen(folder: Path) -> None:
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t"]
    make(folder, "a", customer("A", "main"), old=False)
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "m"], check=True)
    subprocess.run([*git, "checkout", "-qb", "other"], check=True)
    make(folder, "a", customer("A", "othr"), old=False)
    subprocess.run([*git, "commit", "-qam", "o"], check=True)
    assert notes(folder) == {"a": "othr"}
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    assert notes(folder) == {"a": "main"}


@pytest.mark.parametrize("garbage", [b"", b"salescli-cache\n", b"junk" * 100, None])
def test_a_truncated_or_garbage_cache_is_ignored(folder: Path, garbage: bytes | None, counted: list[Path]) -> None:
    make(folder, "a", customer("A"))
    notes(folder)
    path = cache.location(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if garbage is None else garbage)
    assert notes(folder) == {"a": "x"}
    assert len(counted) == 2  # parsed again, not trusted
    assert cache.read(folder, cache.SUMMARIES).names == ["a.yaml"]  # and rebuilt
    assert notes(folder) == {"a": "x"} and len(counted) == 2


def test_deleting_the_cache_changes_nothing(folder: Path) -> None:
    make(folder, "a", customer("A"))
    first = repository.read_all(datafolder.FolderPaths(folder)).customers
    cache.location(folder).unlink()
    second = repository.read_all(datafolder.FolderPaths(folder)).customers
    assert first == second
    assert [c.deals for c in first] == [c.deals for c in second]


def test_broken_files_are_reported_every_time(folder: Path) -> None:
    make(folder, "bad", "name: [\n")
    for _ in range(2):
        read = repository.read_all(datafolder.FolderPaths(folder))
        assert [str(p).split("/")[-1] for p in read.problems][0].startswith("bad.yaml:2:1:")


def _reader(root: str, rounds: int) -> None:
    for number in range(rounds):
        read = repository.read_all(datafolder.FolderPaths(Path(root)))
        assert len(read.customers) == 40 and not read.problems
        if number % 2:
            os.utime(Path(root) / "customers" / f"c{number}.yaml")  # makes the next reader write the cache


def test_processes_reading_and_writing_the_cache_at_once(folder: Path) -> None:
    for number in range(40):
        make(folder, f"c{number}", customer(f"C{number}"))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_reader, args=(str(folder), 10)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]


def test_parsing_on_every_core_gives_the_same_customers(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(30):
        make(folder, f"c{number:02d}", customer(f"C{number}", f"n{number}"))
    serial = repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers
    cache.location(folder).unlink(missing_ok=True)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)
    on_every_core = repository.read_all(datafolder.FolderPaths(folder)).customers
    assert [(c.id, c.events[0].note) for c in on_every_core] == [(c.id, c.events[0].note) for c in serial]


def test_salescli_s_own_writes_update_the_cache(folder: Path, run: Run, counted: list[Path]) -> None:
    make(folder, "a", customer("A"))
    make(folder, "b", customer("B"))
    assert run("list", "--format", "json").exit_code == 0
    assert run("visit", "a", "--note", "met the boss", today="2026-11-20").exit_code == 0
    assert run("add", "中建三局", "--no-input", today="2026-11-20").exit_code == 0
    counted.clear()
    listed = run("list", "--format", "json", "--sort", "id")
    assert [line.split('"')[3] for line in listed.stdout.splitlines()[1:-1]] == ["a", "b", "zhongjiansanju"]
    assert '"last_activity": "2026-11-20"' in listed.stdout.splitlines()[1]
    assert notes(folder)["a"] == "x"
    assert counted == []  # neither the visited nor the added file was parsed again


def _sql(folder: Path, statement: str, *values: object) -> None:
    """Change the cache's rows as a faulty salescli would (their seals made again to match: what is tested is
    what a read makes of rows that are whole but wrong; a byte flipped on disk is another test)."""
    import sqlite3

    connection = sqlite3.connect(cache.location(folder))
    with connection:
        connection.execute(statement, values)
        for table, sealed, seal in (
                ("files", "name, size, mtime_ns, ctime_ns, inode, seen_ns, digest, notices, changed, row, summary,"
                          " events_seal", cache._row_sealed),
                ("parts", "name, changed, data", lambda row: cache._sealed(*row[:2], blobs=row[2:])),
                ("memos", "memo, name, size, mtime_ns, ctime_ns, inode, seen_ns, digest, value",
                 lambda row: cache._memo_sealed(*row))):
            for rowid, *row in connection.execute(f"SELECT rowid, {sealed} FROM {table}").fetchall():
                connection.execute(f"UPDATE {table} SET seal = ? WHERE rowid = ?", (seal(row), rowid))
    connection.close()


def test_a_damaged_record_is_read_again_from_its_file(folder: Path, counted: list[Path]) -> None:
    make(folder, "a", customer("A", "kept"))
    make(folder, "b", customer("B", "kept") + "- {date: 2026-09-02, event: added, stage: demo}\n")
    assert notes(folder) == {"a": "kept", "b": "kept"}
    _sql(folder, "UPDATE files SET events = ? WHERE name = 'a.yaml'", b"\x00damaged")
    counted.clear()
    assert sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows["id"]) == ["a", "b"]
    assert counted == []  # the rows are intact
    assert notes(folder) == {"a": "kept", "b": "kept"}
    assert counted == [folder / "customers" / "a.yaml"]  # its events are not: its file is read again
    _sql(folder, "UPDATE files SET summary = ?, changed = 1000 WHERE name = 'b.yaml'", b"\xffdamaged")
    counted.clear()
    assert notes(folder) == {"a": "kept", "b": "kept"}
    assert counted == [folder / "customers" / "b.yaml"]
    parsed = repository.read_customer(folder / "customers" / "b.yaml")
    summary = list(records.pack(parsed, listing.row(parsed)).unpacked_summary())
    summary[records.DEALS] = ((*summary[records.DEALS][0][:1], "not a day", *summary[records.DEALS][0][2:]),)
    _sql(folder, "UPDATE files SET summary = ?, changed = 1001 WHERE name = 'b.yaml'",
         marshal.dumps(tuple(summary)))  # of the layout, but not unpacking
    counted.clear()
    assert notes(folder) == {"a": "kept", "b": "kept"}
    assert counted == [folder / "customers" / "b.yaml"]


def test_a_damaged_snapshot_is_made_again_from_the_files_table(folder: Path, counted: list[Path]) -> None:
    for name in "abc":
        make(folder, name, customer(name.upper(), name))
    assert notes(folder) == {"a": "a", "b": "b", "c": "c"}
    assert len(repository.read_rows(datafolder.FolderPaths(folder)).rows) == 3
    _sql(folder, "UPDATE parts SET data = ?", b"junk")
    counted.clear()
    assert sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows["name"]) == ["A", "B", "C"]
    assert notes(folder) == {"a": "a", "b": "b", "c": "c"}
    assert counted == []  # every file's own row was whole


def test_a_bulk_import_writes_the_cache_once(folder: Path, run: Run, monkeypatch: pytest.MonkeyPatch,
                                             counted: list[Path]) -> None:
    make(folder, "a", customer("A"))
    assert run("list").exit_code == 0
    puts: list[int] = []
    real = cache.put
    monkeypatch.setattr(cache, "put", lambda *args, **kwargs: puts.append(len(args[1])) or real(*args, **kwargs))
    table = folder / "new.csv"
    table.write_text("name,area\n" + "".join(f"客户{n},洪山\n" for n in range(5)), encoding="utf-8")
    assert run("import", str(table)).exit_code == 0
    assert puts == [5]  # the five new files, in one transaction
    counted.clear()
    assert len(repository.read_rows(datafolder.FolderPaths(folder)).rows) == 6
    assert counted == []  # and the next read found everything in it


def test_settings_are_read_again_whenever_they_change(folder: Path) -> None:
    config = folder / "salescli.yaml"
    config.write_text("language: zh\ncalendar:\n  holidays: [2026-12-31]\n", encoding="utf-8")
    assert datafolder.load_config(datafolder.FolderPaths(folder)).language == "zh"
    assert datafolder.load_config(datafolder.FolderPaths(folder)).language == "zh"  # from the cache
    config.write_text("language: en\ncalendar:\n  holidays: [2026-12-31]\n", encoding="utf-8")  # same size, same second
    assert datafolder.load_config(datafolder.FolderPaths(folder)).language == "en"


def test_a_warm_run_needs_no_yaml(folder: Path) -> None:
    make(folder, "a", customer("A"))
    (folder / "salescli.yaml").write_text("language: zh\n", encoding="utf-8")
    script = ("import sys\nfrom salescli.cli import main\nsys.argv = ['salescli', 'list']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\nprint('yaml' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True,
                           env={**os.environ, "SALESCLI_DIR": str(folder)}) for _ in range(2)]
    assert [run.stdout.splitlines()[-1] for run in runs] == ["True", "False"]
    assert "编号" in runs[1].stdout  # the settings came from the cache: the table is in Chinese


def test_a_customer_from_the_cache_is_the_customer_from_its_file(folder: Path) -> None:
    text = ("name: 中建三局\nfield: construction\ncontact:\n  person: 王工\n  birthday: 1980-05-01\n"
            "met: 2026-01-01 10:30:00\nlog:\n- {date: 2026-09-01, event: added, stage: demo}\n"
            "- {date: 2026-09-03, event: target, value: 48000, by: 2026-12-01}\n"
            "- {date: 2026-09-04, event: visit, goal: 见王工, note: 谈了报价}\n")
    make(folder, "zj", text)
    parsed = repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers[0]
    repository.read_all(datafolder.FolderPaths(folder))
    cached = repository.read_all(datafolder.FolderPaths(folder)).customers[0]
    assert cached == parsed
    assert cached.get("contact.person") == "王工" and cached.get("contact.birthday").isoformat() == "1980-05-01"
    assert cached.get("met").isoformat() == "2026-01-01T10:30:00"
    assert dict(cached.profile) == dict(parsed.profile) and list(cached.events) == list(parsed.events)
    searched = repository.read_all(datafolder.FolderPaths(folder)).customers[0]  # its events not made yet
    assert listing.searchable_text(searched) == listing.searchable_text(parsed)
    assert "谈了报价\n见王工" in listing.searchable_text(searched)


def test_a_customer_s_projects_come_from_the_cache_without_its_events(folder: Path, run: Run) -> None:
    make(folder, "zj", "name: 中建三局\nproject: 光谷广场\nrole: contractor\nlog:\n"
                       "- {date: 2026-09-01, event: added, stage: demo}\n"
                       "- {date: 2026-09-02, event: link, project: 汉口站, role: design}\n"
                       "- {date: 2026-09-03, event: link, project: 光谷广场}\n")
    parsed = repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers[0]
    repository.read_all(datafolder.FolderPaths(folder))
    cached = repository.read_all(datafolder.FolderPaths(folder)).customers[0]
    expected = (("光谷广场", "汉口站"), "design", "contractor")
    assert (parsed.projects, parsed.role_in("汉口站"), parsed.role_in("光谷广场")) == expected
    assert (cached.projects, cached.role_in("汉口站"), cached.role_in("光谷广场")) == expected
    assert cached.events._events is None  # type: ignore[attr-defined]  # (no event was made for it)
    written = run("site", "江滩公园", "--contractor", "中建三局", today="2026-11-20")
    assert written.exit_code == 0, written.stderr
    after = repository.read_all(datafolder.FolderPaths(folder)).customers[0]
    assert after.projects == ("光谷广场", "汉口站", "江滩公园")
    assert after.projects == repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers[0].projects


def _parts(folder: Path) -> dict[str, int]:
    import sqlite3

    connection = sqlite3.connect(cache.location(folder))
    parts = dict(connection.execute("SELECT name, changed FROM parts"))
    connection.close()
    return parts


def test_a_changed_file_costs_a_row_and_many_a_new_snapshot(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                            counted: list[Path]) -> None:
    for number in range(4):
        make(folder, f"c{number}", customer(f"C{number}"))
    assert len(notes(folder)) == 4
    written = _parts(folder)
    assert set(written) == {"index", cache.ROWS, cache.SUMMARIES}  # (a new cache: both kinds of data at once)
    make(folder, "c0", customer("C0", "edited"), old=False)
    (folder / "customers" / "c3.yaml").unlink()
    assert notes(folder) == {"c0": "edited", "c1": "x", "c2": "x"}
    assert _parts(folder) == written  # the snapshot untouched: the change is one row of the files table
    counted.clear()
    assert notes(folder) == {"c0": "edited", "c1": "x", "c2": "x"}
    assert counted == []
    monkeypatch.setattr(cache, "MOST_CHANGES", 1)
    make(folder, "c1", customer("C1", "edited"), old=False)
    assert notes(folder) == {"c0": "edited", "c1": "edited", "c2": "x"}
    assert _parts(folder)["index"] > written["index"]  # two files changed since: a new snapshot
    assert cache.read(folder, cache.SUMMARIES).data.names == ["c0.yaml", "c1.yaml", "c2.yaml"]  # c3 left out
    assert notes(folder) == {"c0": "edited", "c1": "edited", "c2": "x"}


def _rows(folder: Path) -> list[tuple[object, ...]]:
    return sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows.rows())


def test_the_rows_from_the_cache_are_the_rows_of_the_files(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(folder, "a", "name: A\narea: 洪山\nlog:\n- {date: 2026-09-01, event: added, stage: demo}\n"
                      "- {date: 2026-09-02, event: target, value: 48000.5, by: 2026-12-01}\n")
    make(folder, "b", 'name: "B\\0\\x01"\nowner: "\\x01"\n')  # the packing's own characters
    make(folder, "c", "name: C\nlog:\n- {date: 2026-09-01, event: added, stage: close}\n"
                      "- {date: 2026-09-05, event: won, value: 9000}\n")
    private = os.environ[cache.CACHE_DIR_VARIABLE]
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, "off")
    parsed = _rows(folder)
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, private)
    assert [row[:3] for row in parsed] == [("a", "A", "demo"), ("b", "B\x00\x01", None), ("c", "C", "close")]
    assert parsed[0][9:15] == ("洪山", None, "48000.5", "2026-12-01", None, "2026-09-02")
    assert parsed[1][9:11] == (None, "\x01")
    assert _rows(folder) == parsed  # read and cached
    assert _rows(folder) == parsed  # from the cache
    make(folder, "a", "name: A2\n", old=False)  # a change, an addition and a removal: the changes file
    make(folder, "d", "name: D\n")
    (folder / "customers" / "c.yaml").unlink()
    changed = [("a", "A2"), ("b", "B\x00\x01"), ("d", "D")]
    assert [row[:2] for row in _rows(folder)] == changed
    assert [row[:2] for row in _rows(folder)] == changed


def test_naming_one_customer_reads_no_other_customer(folder: Path, run: Run, monkeypatch: pytest.MonkeyPatch,
                                                     counted: list[Path]) -> None:
    make(folder, "zj", customer("中建三局"))
    make(folder, "hk", customer("华中科技大学"))
    make(folder, "cj", customer("长江监理"))
    assert run("list").exit_code == 0  # the cache is warm
    records: list[str] = []
    real = cache.read
    monkeypatch.setattr(cache, "read", lambda root, kind: records.append(kind) or real(root, kind))
    counted.clear()
    shown = run("show", "华中")  # a part of the name: found among the list rows
    assert shown.exit_code == 0 and "华中科技大学" in shown.stdout
    assert run("add", "武汉地铁", "--no-input", "--referred-by", "长江").exit_code == 0
    assert run("add", "中建三局", "--no-input").stderr.startswith("Error: 中建三局 is already a customer (zj)")
    assert run("board", "光谷软件园", "长江监理", "新公司").exit_code == 0
    assert cache.SUMMARIES not in records  # no other customer's record was read (only list rows)
    assert sorted(path.name for path in counted) == [  # only the files named, and the new ones as they are written
        "cj.yaml", "cj.yaml", "hk.yaml", "wuhanditie.yaml", "xin.yaml"]


OPERATIONS = st.lists(st.tuples(st.sampled_from(["write", "write", "delete", "rename"]), st.integers(0, 4),
                                st.integers(0, 4), st.booleans()), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(OPERATIONS, st.integers(0, 3))
def test_whatever_happens_to_the_files_the_cache_reads_as_the_files_do(
        tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[str, int, int, bool]], most_changes: int
        ) -> None:
    """Random writes, deletions and renames, each followed by a read: the rows or customers read
    through the cache (its files table and snapshot rewritten on the way) are those read without it."""
    folder = tmp_path_factory.mktemp("random") / "sales"
    (folder / "customers").mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.CACHE_DIR_VARIABLE, str(folder.parent / "cache"))
        patch.setattr(cache, "MOST_CHANGES", most_changes)
        stages = ["prospect", "demo", "close", None]
        for step, (operation, first, second, rows) in enumerate(operations):
            path, other = (folder / "customers" / f"c{number}.yaml" for number in (first, second))
            if operation == "write":
                stage = stages[(first + step) % 4]
                log = f"- {{date: 2026-09-0{1 + step % 9}, event: added, stage: {stage}}}\n" if stage else ""
                path.write_text(f"name: 客户{first}-{step}\narea: {'汉口' if step % 2 else '~'}\nlog:\n{log}",
                                encoding="utf-8")
                if second % 2:  # long ago, so that its identity alone tells (else it is racily clean)
                    os.utime(path, ns=(OLD + step, OLD + step))
            elif operation == "delete":
                path.unlink(missing_ok=True)
            elif path.exists():
                os.replace(path, other)
            if rows:
                with_cache = sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows.rows())
                patch.setenv(cache.CACHE_DIR_VARIABLE, "off")
                assert with_cache == sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows.rows())
                patch.setenv(cache.CACHE_DIR_VARIABLE, str(folder.parent / "cache"))
            else:
                with_cache = repository.read_all(datafolder.FolderPaths(folder)).customers
                assert with_cache == repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers


def test_a_cache_file_replaced_by_a_folder_leaves_no_temp_files(folder: Path) -> None:
    make(folder, "zj", customer("中建三局"))
    index = cache.location(folder)
    index.parent.mkdir(parents=True, exist_ok=True)
    index.mkdir()  # where the index should be
    for _ in range(3):
        assert notes(folder) == {"zj": "x"}
    assert sorted(path.name for path in index.parent.iterdir() if path.name.endswith(".tmp")) == []


def test_a_long_customer_named_alone_comes_from_the_cache(folder: Path, run: Run, counted: list[Path]) -> None:
    long = customer("中建三局") + "".join(f"- {{date: 2026-09-02, event: note, note: n{number}}}\n"
                                        for number in range(repository.FROM_CACHE_AT // 40))
    make(folder, "zj", long)
    assert run("list").exit_code == 0  # the cache is warm
    counted.clear()
    assert run("visit", "zj", "--note", "回访").exit_code == 0
    assert counted == []  # neither the read nor the write parsed the file
    assert run("show", "zj").stdout.count("回访") == 1
    text = (folder / "customers" / "zj.yaml").read_text(encoding="utf-8")
    assert text == long + "- {date: 2026-11-26, event: visit, note: 回访}\n"


def test_a_long_customer_from_the_cache_is_warned_of_as_its_file_is(folder: Path, run: Run, counted: list[Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repository, "FROM_CACHE_AT", 2000)  # (long enough to be taken from the cache alone)
    long = "name: 中建三局\nvalue: 1\nvalue: 2\nlog:\n" + "".join(
        f"- {{date: 2026-09-02, event: note, note: n{number}}}\n" for number in range(repository.FROM_CACHE_AT // 40))
    make(folder, "zj", long)
    warning = f"warning: {folder / 'customers' / 'zj.yaml'}:3:1: `value` is given twice here"
    assert run("list").stderr.startswith(warning)  # the cache is warm
    counted.clear()
    shown = run("show", "zj")
    assert shown.exit_code == 0 and shown.stderr.startswith(warning) and counted == []
    _sql(folder, "UPDATE files SET events_seal = ?", b"damaged")
    for _time in range(2):  # the file read again (its events are damaged) and its entry made whole, then from it
        shown = run("show", "zj")
        assert shown.exit_code == 0 and shown.stderr.startswith(warning)
    assert counted == [folder / "customers" / "zj.yaml"]


@settings(max_examples=200)
@given(st.lists(st.none() | st.text()))
def test_a_column_of_texts_packs_and_unpacks_exactly(column: list[str | None]) -> None:
    assert cache._unpack(cache._pack(column)) == column


def test_a_field_added_to_a_cached_record_type_rebuilds_the_cache(folder: Path, run: Run, counted: list[Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema stamp is derived from the record definitions: a cache written before a field was added to
    Event is made again (never misread, never a crash), and keeps the new field from then on."""
    import dataclasses

    from salescli import customer as model

    make(folder, "a", "name: 中建三局\nlog:\n- {date: 2026-09-01, event: added, stage: demo}\n"
                      "- {date: 2026-09-03, event: visit, note: 见王工, channel: 电话}\n")
    make(folder, "b", customer("长江监理"))
    listed = run("list", "--format", "json").stdout
    assert repository.read_all(datafolder.FolderPaths(folder)).customers[0].events[1].note == "见王工"
    assert len(counted) == 2  # (the cache was made by `list` in the same process)

    @dataclasses.dataclass(frozen=True)
    class Event(model.Event):
        channel: str | None = None  # a field added

    real = model.event_from_item
    monkeypatch.setattr(model, "Event", Event)
    monkeypatch.setattr(model, "event_from_item",
                        lambda item, index: dataclasses.replace(real(item, index), channel=item.get("channel")))
    counted.clear()
    assert run("list", "--format", "json").stdout == listed
    assert sorted(path.name for path in counted) == ["a.yaml", "b.yaml"]  # read again, not misread
    for _ in range(2):
        customers = repository.read_all(datafolder.FolderPaths(folder)).customers
        assert [event.channel for event in customers[0].events] == [None, "电话"]
        assert customers == repository.read_all(datafolder.FolderPaths(folder), use_cache=False).customers
    counted.clear()
    assert [event.channel for event in repository.read_all(datafolder.FolderPaths(folder)).customers[0].events] == \
        [None, "电话"]
    assert counted == []  # the new field from the cache


def test_the_files_of_an_earlier_cache_are_removed(folder: Path) -> None:
    make(folder, "a", customer("A"))
    place = cache.location(folder).parent
    place.mkdir(parents=True)
    for name in ("customers.cache", "records.cache", "changes.cache", "check.cache", "lock"):
        (place / name).write_bytes(b"salescli-cache\n")
    assert notes(folder) == {"a": "x"}
    assert sorted(path.name for path in place.iterdir()) == ["cache.sqlite3"]


ODD_VALUES = ("name: A\nhistory: {2024-05-01: first call, 2024-06-01 09:30:00: second}\n"
              "extras: !!omap [{seats: 12}, {since: 2020-01-02}]\npairs: !!pairs [{a: 1}, {a: 2}]\n"
              "tags: !!set {vip, 2025-01-01}\nsigned: 2024-05-01\n"
              "log:\n- {date: 2026-09-01, event: note, note: x}\n")


def test_any_value_yaml_can_hold_comes_back_from_the_cache_as_it_was(folder: Path, run: Run,
                                                                     counted: list[Path]) -> None:
    """Dates as keys, !!omap and !!pairs (tuples), !!set: kept and restored exactly, never taken for one
    another, and a write to such a customer updates the cache without a hitch."""
    make(folder, "a", ODD_VALUES)
    cold = repository.read_all(datafolder.FolderPaths(folder)).customers[0].profile
    warm = repository.read_all(datafolder.FolderPaths(folder)).customers[0].profile
    assert len(counted) == 1  # the second read came from the cache
    expected = {"name": "A", "history": {date(2024, 5, 1): "first call", datetime(2024, 6, 1, 9, 30): "second"},
                "extras": [("seats", 12), ("since", date(2020, 1, 2))], "pairs": [("a", 1), ("a", 2)],
                "tags": {"vip", date(2025, 1, 1)}, "signed": date(2024, 5, 1)}
    assert {key: cold[key] for key in expected} == expected == {key: warm[key] for key in expected}
    visited = run("visit", "a", "--note", "met", today="2026-11-20")
    assert (visited.exit_code, visited.stderr) == (0, "")
    assert (folder / "customers" / "a.yaml").read_text(encoding="utf-8").count("met") == 1
    assert run("list", "--format", "json").exit_code == 0


def test_a_damaged_summary_keeps_the_customers_in_name_order(folder: Path, counted: list[Path]) -> None:
    for name in "abcd":
        make(folder, name, customer(name.upper(), name) + "- {date: 2026-09-02, event: added, stage: demo}\n")
    assert [c.id for c in repository.read_all(datafolder.FolderPaths(folder)).customers] == ["a", "b", "c", "d"]
    parsed = repository.read_customer(folder / "customers" / "a.yaml")
    summary = list(records.pack(parsed, listing.row(parsed)).unpacked_summary())
    summary[records.DEALS] = ((*summary[records.DEALS][0][:2], "no such stage", *summary[records.DEALS][0][3:]),)
    _sql(folder, "UPDATE files SET summary = ?, changed = 1000 WHERE name = 'a.yaml'",
         marshal.dumps(tuple(summary)))  # of the layout, but not unpacking
    _sql(folder, "UPDATE files SET changed = 1001 WHERE name = 'c.yaml'")  # (changed since the snapshot too)
    counted.clear()
    assert [c.id for c in repository.read_all(datafolder.FolderPaths(folder)).customers] == ["a", "b", "c", "d"]
    assert counted == [folder / "customers" / "a.yaml"]


def test_a_long_customer_whose_cached_events_are_damaged_is_read_from_its_file(
        folder: Path, run: Run, counted: list[Path]) -> None:
    long = customer("中建三局") + "".join(f"- {{date: 2026-09-02, event: note, note: n{number}}}\n"
                                        for number in range(repository.FROM_CACHE_AT // 40))
    make(folder, "zj", long)
    assert run("list").exit_code == 0
    _sql(folder, "UPDATE files SET events = ? WHERE name = 'zj.yaml'", b"\x00damaged")
    counted.clear()
    shown = run("show", "zj", "--format", "json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["log"]) == 1 + repository.FROM_CACHE_AT // 40
    assert counted == [folder / "customers" / "zj.yaml"]


def test_a_file_changed_after_a_read_is_not_mixed_with_what_was_read(folder: Path) -> None:
    """A customer made from the cache whose events are fetched later, when its file has changed since
    (and the cache's entry with it): its deals and its events would be of two versions; it says so."""
    make(folder, "a", customer("A", "first"))
    repository.read_all(datafolder.FolderPaths(folder))  # the cache is warm
    read = repository.read_all(datafolder.FolderPaths(folder)).customers[0]
    make(folder, "a", customer("A", "first") + "- {date: 2026-09-02, event: stage, stage: demo}\n")
    repository.read_all(datafolder.FolderPaths(folder))  # another command brings the cache up to date
    with pytest.raises(DataError, match="changed while salescli was reading it"):
        list(read.events)


def test_check_s_memo_is_not_saved_under_a_key_another_run_set(folder: Path) -> None:
    path = make(folder, "a", customer("A"))
    now, same = cache.identity(os.stat(path)), cache.digest(path.read_bytes())
    first = cache.load_memo(folder, "check", b"english")
    first.put("a.yaml", now, same, "found in English")
    cache.save_memo(first)
    english = cache.load_memo(folder, "check", b"english")  # a run in English reads it ...
    chinese = cache.load_memo(folder, "check", b"chinese")  # ... and one in Chinese finds it of another key
    assert english.get(str(path), "a.yaml")[1] == "found in English" and chinese.entries == {}
    chinese.put("a.yaml", now, same, "中文的结果")
    cache.save_memo(chinese)  # made afresh under its key
    english.put("a.yaml", now, same, "found in English again")
    cache.save_memo(english)  # too late: not saved under the other key
    assert cache.load_memo(folder, "check", b"chinese").get(str(path), "a.yaml")[1] == "中文的结果"
    assert cache.load_memo(folder, "check", b"english").entries == {}


def test_check_s_memo_of_another_shape_is_checked_again(folder: Path, run: Run) -> None:
    make(folder, "a", customer("A") + "size: huge\n")
    first = run("check", "--format", "json")
    _sql(folder, "UPDATE memos SET value = ?", marshal.dumps((date(2026, 11, 26).toordinal(), 0, [], True)))
    again = run("check", "--format", "json")
    assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout) and "huge" in first.stdout


def test_a_file_name_that_is_not_utf8_spoils_nothing(folder: Path, run: Run, counted: list[Path]) -> None:
    make(folder, "a", customer("A"))
    odd = os.path.join(os.fsencode(folder / "customers"), b"caf\xe9.yaml")
    with open(odd, "wb") as file:
        file.write(customer("Cafe").encode("utf-8"))
    for _time in range(2):  # (cold, then warm)
        assert run("check").stdout == "2 files checked: no problems\n"
        assert sorted(repository.read_rows(datafolder.FolderPaths(folder)).rows["name"]) == ["A", "Cafe"]
    counted.clear()
    assert sorted(c.name for c in repository.read_all(datafolder.FolderPaths(folder)).customers) == ["A", "Cafe"]
    assert [path.name for path in counted] == ["caf\udce9.yaml"]  # only it is parsed again: A came from the cache


def test_a_transaction_on_a_database_another_salescli_made_afresh_is_refused(folder: Path) -> None:
    make(folder, "a", customer("A"))
    repository.read_all(datafolder.FolderPaths(folder))
    with cache._database(folder) as connection:
        _sql(folder, "UPDATE meta SET value = 'another' WHERE key = 'stamp'")  # (another version, meanwhile)
        with pytest.raises(CacheUnusable), cache._writing(connection):
            pass
        with pytest.raises(CacheUnusable), cache._reading(connection):
            pass


def _corruption_folder(folder: Path) -> None:
    """Customers of every kind the cache keeps: deals, people, notices, a long log (read from the cache alone)."""
    (folder / "salescli.yaml").write_text("user: 李明\nvisits_per_day: 4\n", encoding="utf-8")
    for number in range(8):
        stage = ["prospect", "demo", "close", "objections"][number % 4]
        make(folder, f"c{number}", f"id: c{number}\nname: 客户{number}\narea: 洪山\ntrust:\n  people:\n"
                                   f"  - {{name: 王工{number}, birthday: 1980-12-0{number + 1}}}\nlog:\n"
                                   f"- {{date: 2026-0{number + 1}-01, event: added, stage: prospect}}\n"
                                   f"- {{date: 2026-10-01, event: target, value: {number + 1}0000, by: 2026-12-20}}\n"
                                   f"- {{date: 2026-10-02, event: stage, stage: {stage}}}\n"
                                   f"- {{date: 2026-11-0{number + 1}, event: visit, note: 见了{number}, "
                                   f"next: 2026-12-0{number + 1}}}\n")
    make(folder, "cut", "id: cut\nname: 截断\n")
    make(folder, "dup", "name: 重复\nvalue: 1\nvalue: 2\nlog:\n- {date: 2026-09-01, event: added}\n")
    make(folder, "long", customer("长江") + "".join(f"- {{date: 2026-09-02, event: visit, note: n{number}}}\n"
                                                   for number in range(repository.FROM_CACHE_AT // 40 + 1)))


def test_bytes_flipped_in_the_cache_never_change_what_a_command_says(folder: Path, run: Run,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Random bytes of the database's rows flipped (not its header): the commands say what they say without a
    cache, on the first run after the damage and on the next (the damage is repaired, or at least never read)."""
    import random

    monkeypatch.setattr(repository, "FROM_CACHE_AT", 2000)  # (a long customer, read from the cache alone, kept short)
    _corruption_folder(folder)
    commands = [["list", "--format", "json"], ["check", "--format", "json"], ["show", "long", "--format", "json"],
                ["schedule", "--week", "--format", "json"]]  # rows; check's memo; one long customer; summaries, events
    cache_dir = os.environ[cache.CACHE_DIR_VARIABLE]
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, "off")
    expected = [run(*command) for command in commands]
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, cache_dir)
    for command in commands:
        run(*command)  # the cache is warm: rows, snapshot, check's memo, the settings
    database = cache.location(folder)
    assert not Path(f"{database}-wal").exists()  # (all of it in the database file)
    pristine = database.read_bytes()
    where = [at for at in range(100, len(pristine)) if pristine[at]]  # past the header: rows, not free space
    chance = random.Random(20261126)
    for _seed in range(6):  # (hundreds of seeds, and up to 20 bytes each, pass too: too slow to run each time)
        damaged = bytearray(pristine)
        for at in chance.sample(where, chance.randint(1, 6)):
            damaged[at] ^= 1 << chance.randrange(8)
        database.write_bytes(damaged)
        for _time in range(2):
            for command, wanted in zip(commands, expected):
                said = run(*command)
                assert (said.exit_code, said.stdout, said.stderr) == (wanted.exit_code, wanted.stdout, wanted.stderr), \
                    (command, said.stderr)
