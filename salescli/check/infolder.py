"""Every customer file of a data folder checked (`salescli check`, `Folder.check()`): each file as
filecheck checks it, then the checks between files (rules.across). What was found in a file is kept
in the parse cache's memo and used again while the file, the settings and the language are the same
and no event in it lies between the day it was checked and today; the others are checked on every core.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Optional

from salescli import cache, datafolder, i18n, parallel, safefile
from salescli.check import infile, rules
from salescli.errors import DataError
from salescli.i18n import N_, _

MEMO_LAYOUT = b"checked-1"  # of what the memo keeps of a file (`Checked`): change it when that changes


def problems(folder: datafolder.FolderPaths, today: date) -> list[DataError]:
    """Every file's problems: from the cache for a file unchanged since it was last checked (with the
    same settings, and no event dated between that day and today), else read and checked."""
    settings = _settings_key(folder)
    _config(folder, settings)  # read here first: broken settings are reported before any file is checked
    memo = cache.load_memo(folder.root, "check", b"|".join((MEMO_LAYOUT, settings, i18n.language().encode())))
    files = folder.customers
    names = datafolder.customer_names(files)  # (names, not paths: a Path is made only for a file read or reported)
    prefix = os.path.join(files, "")
    looked_up = [memo.get(prefix + name, name) for name in names]
    stale = [name for name, (_now, kept) in zip(names, looked_up)
             if not (_kept_shape(kept) and _still_true(kept, today))]
    checked = _checked_files(folder, stale, settings=settings, today=today)
    problems, loaded = _found(files, names, looked_up, checked, memo)
    memo.keep_only(names)
    cache.save_memo(memo)
    problems += _between_files(files, loaded)
    problems += _unfinished_merges(folder, problems)
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.column or 0))


def _checked_files(folder: datafolder.FolderPaths, stale: list[str], *, settings: bytes, today: date
                   ) -> dict[str, tuple[bytes, Checked] | DataError]:
    """The files of `stale` read and checked, on every core when there are many."""
    work = partial(_checked_file, folder=folder, settings=settings, today=today)
    checked = dict(zip(stale, parallel.map_files(work, [folder.customers / name for name in stale],
                                                 doing=N_("checking customer files: {number}/{count}"))))
    if stale and _settings_key(folder) != settings:  # (each process read them: which did the files meet?)
        raise DataError(_("the settings changed while check was running; run it again"), path=folder.config_path)
    return checked


def _found(files: Path, names: list[str], looked_up: list[tuple[Any, Any]],
           checked: dict[str, tuple[bytes, Checked] | DataError], memo: cache.Memo
           ) -> tuple[list[DataError], dict[str, rules.Identifying | None]]:
    """Each file's problems, as checked now or kept in the memo (which keeps what was checked now), and
    what the checks between files need of each file loaded (by file id)."""
    problems: list[DataError] = []
    loaded: dict[str, rules.Identifying | None] = {}
    for name, (now, kept) in zip(names, looked_up):
        if name in checked:
            result = checked[name]
            if isinstance(result, DataError):  # the file cannot be read at all: its code says so
                problems.append(type(result)(result.message, path=result.path, line=result.line,
                                             column=result.column, code=result.code or "file"))
                continue
            file_digest, kept = result
            if now is not None:
                memo.put(name, now, file_digest, kept)
        _checked_on, _latest, found, is_loaded, identifying = kept
        if found:
            problems += [infile.problem(message, files / name, line, column, code)
                         for message, line, column, code in found]
        if is_loaded:
            loaded[name[:-len(".yaml")]] = None if identifying is None else rules.Identifying(*identifying)
    return problems, loaded


def _between_files(files: Path, loaded: dict[str, rules.Identifying | None]) -> list[DataError]:
    """What the checks between files find (rules.across), located in each file it concerns."""
    problems: list[DataError] = []
    for file_id, findings in rules.across(loaded).items():
        if findings:
            path = files / f"{file_id}.yaml"
            text = safefile.read_text(path)
            problems += [infile.located(finding, path, text) for finding in findings]
    return problems


def _unfinished_merges(folder: datafolder.FolderPaths, found: list[DataError]) -> list[DataError]:
    """The customer files git holds as unmerged without a conflict marker to show it (deleted on one
    side and changed on the other, or a merge its driver could not finish): the file looks whole."""
    from salescli import gitops

    marked = {os.path.abspath(problem.path) for problem in found if problem.code == "conflict" and problem.path}
    unmerged = gitops.unmerged_files(folder.customers)
    return [DataError(gitops.unfinished(gitops.why_unmerged(folder.customers, name, stages)),
                      path=folder.customers / name, code="unmerged")
            for name, stages in sorted(unmerged.items()) if os.path.abspath(folder.customers / name) not in marked]


def _settings_key(folder: datafolder.FolderPaths) -> bytes:
    """What the checks of one file depend on besides the file: the settings (their vocabulary)."""
    try:
        return cache.digest(folder.config_path.read_bytes())
    except OSError:
        return b""


Found = list[tuple[str, Optional[int], Optional[int], Optional[str]]]  # message, line, column, code
Checked = tuple[int, int, Found, bool, Optional[tuple[Optional[str], str, Optional[str]]]]


def _checked_file(path: Path, *, folder: datafolder.FolderPaths, settings: bytes, today: date
                  ) -> tuple[bytes, Checked] | DataError:
    """The file's digest and what its checks found (run on every core when there are many: each
    process reads the settings itself, once)."""
    from salescli.repository import MOST_BYTES

    try:
        text = safefile.read_text(path, most=MOST_BYTES)
    except DataError as error:
        return error
    return cache.digest(text.encode("utf-8")), _check_file(path, text, _config(folder, settings), today)


@lru_cache(maxsize=1)
def _config(folder: datafolder.FolderPaths, settings: bytes) -> Any:
    """The folder's settings as of their digest `settings` (read once per process)."""
    return datafolder.load_config(folder)


def _check_file(path: Path, text: str, config: Any, today: date) -> Checked:
    """What one file's checks found, as the cache keeps it: the day checked, the file's latest event
    day, its problems, whether it loaded, what `across` needs."""
    result = infile.check_text(path, text, config=config, today=today)
    found: Found = [(problem.message, problem.line, problem.column, problem.code)
                    for problem in result.problems]
    if result.document is None:
        return today.toordinal(), 0, found, False, None
    latest = rules.latest_day(result.document)
    identifying = rules.identifying(result.document, path.stem)
    return (today.toordinal(), latest.toordinal() if latest else 0, found, True,
            None if identifying is None else (identifying.name, identifying.id, identifying.referrer))


def _kept_shape(kept: Any) -> bool:
    """Whether what the memo gave back is a `Checked` (anything else is checked again)."""
    return (isinstance(kept, tuple) and len(kept) == 5 and isinstance(kept[0], int) and isinstance(kept[1], int)
            and isinstance(kept[2], list) and all(isinstance(each, tuple) and len(each) == 4 for each in kept[2])
            and (kept[4] is None or isinstance(kept[4], tuple) and len(kept[4]) == 3))


def _still_true(kept: Checked, today: date) -> bool:
    """Whether what was found on another day holds today: it does unless an event is dated after
    one of the two days (then whether it lies in the future may differ)."""
    checked_on, latest = kept[0], kept[1]
    return checked_on == today.toordinal() or latest <= min(checked_on, today.toordinal())
