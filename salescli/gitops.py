"""Git at the edge: committing one customer file after a salescli write (auto-commit), the first
commit of a new folder, `sync` with the team's remote, and the merge driver's registration in a
clone's git config. (subprocess and shutil are imported where used: every command checks the
merge driver's registration, which costs a stat when there is nothing to do.)"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from subprocess import CompletedProcess

from salescli.errors import DataError
from salescli.i18n import N_, _, joined, ngettext

ATTRIBUTES_LINE = "customers/*.yaml merge=salescli"
_SECTION = '[merge "salescli"]'


def commit_file(root: Path, path: Path, message: str) -> None:
    """Commit `path` alone with `message`; whatever else is staged stays staged and uncommitted."""
    import shutil

    if shutil.which("git") is None:
        raise DataError(_("the change is written, but git is not installed to commit it"))
    if not _in_repository(root):
        raise DataError(_("the change is written, but the data folder is not in a git repository to commit it (run "
                          "`git init`, or turn auto-commit off)"), path=root)
    relative = str(path.resolve().relative_to(_top(root)))
    for step in (("add", "--", relative), ("commit", "--quiet", "--message", message, "--only", "--", relative)):
        done = _git(root, *step)
        if done.returncode != 0 and _no_identity(done.stderr):
            raise DataError(_(NO_IDENTITY))
        if done.returncode != 0:
            problem = (done.stderr or done.stdout).strip().splitlines()
            raise DataError(_("the change is written, but `git {step}` failed: {problem}").format(
                step=step[0], problem=problem[-1] if problem else "?"),
                            path=path)


CONFLICT_STATUS = 3  # `merge-file --conflict-status`: a merge with conflicts, told apart from a salescli that fails


def driver_command(python: str) -> str:
    """The merge driver as git runs it (with sh): salescli as installed in `python`, else the salescli
    on PATH (a new install), else git's own line merge with conflict markers — a salescli that cannot
    start or fails never leaves one side's version alone in the file."""
    import shlex

    run = f"merge-file --conflict-status {CONFLICT_STATUS} %O %A %B %P"
    said = shlex.quote(_("salescli merge: salescli could not run (reinstalled?), so git merged {file} line by line; "
                         "run any salescli command to register it again").format(file="'%P'"))
    return (f"s=127; [ -x {shlex.quote(python)} ] && {{ {shlex.quote(python)} -m salescli {run}; s=$?; }}; "
            f"[ $s = 0 ] || [ $s = {CONFLICT_STATUS} ] || {{ command -v salescli >/dev/null && "
            f"{{ salescli {run}; s=$?; }}; }}; [ $s = 0 ] && exit 0; [ $s = {CONFLICT_STATUS} ] && exit 1; "
            f"echo {said} >&2; git merge-file -L %P' (ours)' -L %P' (common ancestor)' -L %P' (theirs)' %A %O %B")


def register_merge_driver(root: Path) -> None:
    """Name `salescli merge-file` as the `salescli` merge driver in the git config of `root`'s repository
    (the config is per clone: `git clone` does not copy it)."""
    for key, value in (("merge.salescli.name", "salescli semantic merge of customer files"),
                       ("merge.salescli.driver", driver_command(sys.executable))):
        done = _git(root, "config", key, value)
        if done.returncode != 0:
            raise DataError(_("`git config {key}` failed: {problem}").format(
                key=key, problem=done.stderr.strip() or done.returncode), path=root)


def ensure_merge_driver(root: Path) -> str | None:
    """In a clone whose .gitattributes asks for the salescli merge driver but whose git config lacks
    it, or holds one that cannot run (an install since removed, an older form without a fallback),
    register it (as `git lfs install` does); the line saying so, or None when nothing was done.
    Cheap when there is nothing to do: a stat, and a read of two small files when the attribute is there."""
    asked, registered = _registration(root)
    stale = _stale(registered) if registered is not None else None
    if not asked or registered is not None and stale is None:
        return None
    import shutil

    if shutil.which("git") is None or \
            registered is None and _git(root, "config", "--get", "merge.salescli.driver").returncode != 1:
        return None  # no git, or the driver is set elsewhere (the global config)
    try:
        register_merge_driver(root)
    except DataError as error:
        return _("warning: {message}").format(message=_(
            ".gitattributes asks for salescli's merge driver, but it could not be registered: {problem}").format(
            problem=error))
    if stale is not None:
        return _("salescli: registered its merge driver again in this clone's git config: {reason}.").format(
            reason=stale)
    return _("salescli: registered its merge driver for customers/*.yaml in this clone's git config, as "
             ".gitattributes asks (a fresh clone lacks it; `salescli git-setup` does the same).")


def _registration(root: Path) -> tuple[bool, str | None]:
    """Whether `root`'s .gitattributes asks for salescli's merge driver in a git repository, and the
    driver command that repository's config holds."""
    attributes = root / ".gitattributes"
    try:
        if not attributes.is_file() or "merge=salescli" not in attributes.read_text(encoding="utf-8", errors="replace"):
            return False, None
        config = _config_file(root)
        if config is None:
            return False, None  # not in a git repository (or one that cannot be read): nothing to register in
        return True, _registered_driver(config.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return False, None


def _registered_driver(config: str) -> str | None:
    """The `driver` of the `[merge "salescli"]` section in a git config file's text, unquoted."""
    section = config.find(_SECTION)
    if section < 0:
        return None
    for line in config[section + len(_SECTION):].splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            break
        key, equals, value = stripped.partition("=")
        if equals and key.strip().lower() == "driver":
            return _config_value(value.strip())
    return None


def _config_value(raw: str) -> str:
    """A value as git config writes it: parts in double quotes, backslash escapes."""
    value, escaped = [], False
    for character in raw:
        if escaped:
            value.append({"n": "\n", "t": "\t", "b": "\b"}.get(character, character))
            escaped = False
        elif character == "\\":
            escaped = True
        elif character != '"':
            value.append(character)
    return "".join(value)


def _stale(driver: str) -> str | None:
    """Why a registered driver command cannot be trusted to run, or None."""
    import shlex

    if "--conflict-status" not in driver:
        return _("the one registered had no fallback for when salescli cannot run")
    words = driver.split("[ -x ", 1)[-1].split(" ]", 1)[0] if "[ -x " in driver else ""
    try:
        python = shlex.split(words)[0] if words else ""
    except (ValueError, IndexError):
        python = ""
    if python and not os.access(python, os.X_OK):
        return _("the one registered runs {program}, which is gone").format(program=python)
    return None


def _config_file(root: Path) -> Path | None:
    """The git config file of the repository `root` is in (a worktree's is its main repository's)."""
    dirs = _git_dirs(root)
    return None if dirs is None else dirs[1] / "config"


def _git_dirs(root: Path) -> tuple[Path, Path] | None:
    """The git directory of the work tree `root` is in, and the common one (a worktree's main
    repository's; the same for a plain clone), found as git finds them, without running it."""
    for folder in (root, *root.resolve().parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot, dot
        if dot.is_file():
            try:
                pointer = dot.read_text(encoding="utf-8").strip()
                if not pointer.startswith("gitdir:"):
                    return None
                git_dir = (folder / pointer[len("gitdir:"):].strip()).resolve()
                common = git_dir / "commondir"
                return git_dir, (git_dir / common.read_text(encoding="utf-8").strip()).resolve() \
                    if common.is_file() else git_dir
            except OSError:
                return None
    return None


def _in_repository(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-inside-work-tree").returncode == 0


def _top(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()


def _git(root: Path, *args: str) -> CompletedProcess[str]:
    import subprocess

    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def init_repository(path: Path) -> bool:
    """Make `path` a git repository unless it is in one already; whether it made one."""
    if _in_repository(path):
        return False
    made = _git(path, "init", "--quiet")
    if made.returncode != 0:
        raise DataError(_("git init failed: {problem}").format(problem=made.stderr.strip()), path=path)
    return True


# ---- the first commit and `sync` -----------------------------------------------------------------

DATA_PATHS = ("customers", "templates", "salescli.yaml", ".gitattributes", ".gitignore")
NO_IDENTITY = N_("git does not know who you are yet, so nothing was committed: run `git config --global user.name "
                 "\"李明\"` and `git config --global user.email you@example.com`")


@dataclass(frozen=True)
class Synced:
    lines: list[str]  # what was done, to tell the rep
    conflicts: list[str]  # files left with conflict markers (then nothing was pushed)


def commit_paths(root: Path, paths: list[str], message: str) -> list[str]:
    """Stage and commit everything pending under `paths` (relative to `root`); the files committed.
    DataError when git has no identity to commit with."""
    present = [path for path in paths if (root / path).exists()]
    if not present:
        return []
    _git(root, "add", "-A", "--", *present)
    staged = [name for name in _git(root, "diff", "--cached", "--name-only", "--relative", "-z", "--",
                                     *present).stdout.split("\0") if name]
    if not staged:
        return []
    done = _git(root, "commit", "--quiet", "--message", message, "--", *staged)
    if done.returncode != 0:
        if _no_identity(done.stderr):
            raise DataError(_(NO_IDENTITY))
        raise DataError(_("`git commit` failed: {problem}").format(problem=_last_line(done)), path=root)
    return staged


PUSH_ATTEMPTS = 5  # a push refused because another rep pushed meanwhile is tried again, after a pull, this often


def sync(root: Path, *, message: str | None, push: bool) -> Synced:
    """Commit the data folder's pending changes, pull (merging), push; when the push is refused because
    another rep pushed meanwhile, pull and push again (PUSH_ATTEMPTS times in all)."""
    _require_repository(root)
    pending = _pending(root)
    committed = commit_paths(root, list(DATA_PATHS), message or _sync_message(pending)) if pending else []
    lines = [ngettext("Committed {count} changed file.", "Committed {count} changed files.", len(committed)).format(
        count=len(committed)) if committed else _("Nothing to commit.")]
    if not _git(root, "remote").stdout.strip():
        lines.append(_("No remote to pull from or push to: add the team's with `git remote add origin URL`."))
        return Synced(lines, [])
    upstream = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}").returncode == 0
    for _attempt in range(PUSH_ATTEMPTS):
        conflicts = _pull(root, lines) if upstream else []
        if conflicts or not push:
            return Synced(lines, conflicts)
        if _pushed(root, upstream=upstream):
            lines.append(_("Pushed."))
            return Synced(lines, [])
        upstream = True
        lines.append(_("Another rep pushed meanwhile: pulling their changes and pushing again."))
    raise DataError(_("`git push` was refused {count} times: other reps kept pushing meanwhile. Your changes are "
                      "committed here; run `salescli sync` again in a minute.").format(count=PUSH_ATTEMPTS), path=root)


def _pull(root: Path, lines: list[str]) -> list[str]:
    """Fetch and merge the team's changes (saying what came), with a merge commit in the folder's
    language; the files left in conflict (then `lines` says why, file by file, and what to do)."""
    before = _git(root, "rev-parse", "HEAD").stdout.strip()
    fetched = _git(root, "fetch", "--quiet")
    if fetched.returncode != 0:
        raise DataError(_("`git fetch` failed: {problem}").format(problem=_last_line(fetched)), path=root)
    merged = _git(root, "merge", "--no-edit", "--message", _("salescli sync: merged the team's changes"), "@{u}")
    unmerged = unmerged_files(root)
    if unmerged:
        lines.append(_conflict_report(root, unmerged))
        return sorted(unmerged)
    if merged.returncode != 0:
        if _no_identity(merged.stderr):
            raise DataError(_(NO_IDENTITY))
        raise DataError(_("`git merge` of the team's changes failed: {problem}").format(problem=_last_line(merged)),
                        path=root)
    changed = _git(root, "diff", "--name-only", before, "HEAD").stdout.split()
    lines.append(ngettext("Pulled {count} changed file from the team.", "Pulled {count} changed files from the team.",
                          len(changed)).format(count=len(changed)) if changed
                 else _("Already up to date with the team."))
    return []


def _pushed(root: Path, *, upstream: bool) -> bool:
    """Push; False when the push was refused because another rep pushed meanwhile (then pull again)."""
    team = _git(root, "rev-parse", "--verify", "--quiet", "@{u}").stdout.strip() if upstream else ""
    pushed = _git(root, "push", "--porcelain", *([] if upstream else ["--set-upstream", "origin", "HEAD"]))
    if pushed.returncode == 0:
        return True
    if not (_moved(root, team) if upstream else _track(root)):
        raise DataError(_("`git push` failed: {problem}").format(problem=_refusal(pushed)), path=root)
    return False


def _moved(root: Path, before: str) -> bool:
    """Whether the team's branch moved on since `before` (another rep pushed meanwhile): a refused push
    is then pulled and tried again, whatever words git and the remote refused it with."""
    fetched = _git(root, "fetch", "--quiet").returncode == 0
    return fetched and _git(root, "rev-parse", "--verify", "--quiet", "@{u}").stdout.strip() != before


def _refusal(pushed: CompletedProcess[str]) -> str:
    """Why `git push --porcelain` failed: the status of the refused branch, else git's last line."""
    refused = [line.split("\t")[-1] for line in pushed.stdout.splitlines() if line.startswith("!")]
    return refused[0] if refused else _last_line(pushed)


def _track(root: Path) -> bool:
    """Make origin's branch of this branch's name its upstream (a first push found it there already)."""
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    fetched = _git(root, "fetch", "--quiet", "origin").returncode == 0
    return fetched and _git(root, "branch", "--quiet", f"--set-upstream-to=origin/{branch}").returncode == 0


def _conflict_report(root: Path, unmerged: dict[str, set[int]]) -> str:
    files = ["  " + _("{key}: {problem}").format(key=name, problem=why_unmerged(root, name, stages))
             for name, stages in sorted(unmerged.items())]
    return "\n".join([ngettext("Conflict: git could not merge {count} file with the team's version:",
                                "Conflict: git could not merge {count} files with the team's version:",
                                len(unmerged)).format(count=len(unmerged)), *files, _(
        "Keep one side of each conflict (delete the <<<<<<< ======= >>>>>>> lines; `salescli check` names them; "
        "`git rm` a file to delete it), then `git add {paths}`, `git commit --no-edit` and `salescli sync` again. "
        "Nothing was pushed.").format(paths=" ".join(sorted(unmerged)))])


def _pending(root: Path) -> list[str]:
    present = [path for path in DATA_PATHS if (root / path).exists()]
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *present).stdout
    return [line[3:] for line in status.splitlines() if line.strip()]


def _sync_message(pending: list[str]) -> str:
    """The commit message of `sync`, in the folder's language: how many customers, the first few ids."""
    names = [Path(path.split(" -> ")[-1]).stem for path in pending if path.startswith("customers/")]
    if not names:
        return _("salescli sync: settings and templates")
    shown = joined(names[:5]) if len(names) <= 5 else ngettext(
        "{names} and {count} more", "{names} and {count} more", len(names) - 5).format(
        names=joined(names[:5]), count=len(names) - 5)
    return ngettext("salescli sync: {count} customer ({names})", "salescli sync: {count} customers ({names})",
                    len(names)).format(count=len(names), names=shown)


def _require_repository(root: Path) -> None:
    import shutil

    if shutil.which("git") is None:
        raise DataError(_("git is not installed: install it to share the folder"))
    if not _in_repository(root):
        raise DataError(_("the data folder is not in a git repository: run `salescli init` (or `git init`) first"),
                        path=root)


def _no_identity(stderr: str) -> bool:
    return "tell me who you are" in stderr or "empty ident name" in stderr or "unable to auto-detect" in stderr


def _last_line(done: CompletedProcess[str]) -> str:
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else _("exit status {code}").format(code=done.returncode)


def setup_merge_driver(root: Path) -> str:
    """Write .gitattributes and the git config for the merge driver; say what was done."""
    from salescli.safefile import read_text, write_file

    if not _in_repository(root):
        raise DataError(_("not in a git repository: run `git init` first"), path=root)
    attributes = root / ".gitattributes"
    existing = read_text(attributes) if attributes.exists() else ""
    if ATTRIBUTES_LINE not in existing.splitlines():
        separator = "" if not existing or existing.endswith("\n") else "\n"
        write_file(attributes, (existing + separator + ATTRIBUTES_LINE + "\n").encode("utf-8"))
    register_merge_driver(root)
    return _("git merges customers/*.yaml with salescli now ({file}: {line}).").format(file=attributes.name,
                                                                                       line=ATTRIBUTES_LINE)


# ---- merges git has not finished ------------------------------------------------------------------

def unmerged_files(root: Path) -> dict[str, set[int]]:
    """The files under `root` that a merge left unmerged (relative to root), each with the stages git
    holds of it: 1 the common ancestor, 2 ours, 3 theirs (a side missing: that side deleted it)."""
    import shutil

    found: dict[str, set[int]] = {}
    if _config_file(root) is None or shutil.which("git") is None:
        return found
    for record in _git(root, "ls-files", "--unmerged", "-z", "--", ".").stdout.split("\0"):
        info, tab, name = record.partition("\t")
        if tab and info.split()[-1:] and info.split()[-1].isdigit():
            found.setdefault(name, set()).add(int(info.split()[-1]))
    return found


def why_unmerged(root: Path, name: str, stages: set[int]) -> str:
    """Why git left a file unmerged: the keys in conflict in it, or what else happened to it."""
    from salescli.check.infile import conflict_markers
    from salescli.safefile import read_text

    if 2 not in stages:
        return _("deleted here and changed by the other side")
    if 3 not in stages:
        return _("changed here and deleted by the other side")
    try:
        markers = conflict_markers(read_text(root / name))
    except DataError:
        markers = []
    if not markers:
        return _("no conflict markers are left in it")
    return _("changed differently on both sides: {keys}").format(
        keys=joined(_("`{key}` (line {line})").format(key=about, line=line) for line, about in markers))


def unfinished(why: str) -> str:
    """What to say of a file a merge left unmerged, and what to do."""
    return _("git has not finished merging this file ({why}): make it right, then `git add` it (or `git rm` it to "
             "delete it) and `git commit`").format(why=why)


def unfinished_merge(root: Path) -> list[tuple[str, str]]:
    """While a merge is under way (a stat when none is): the files under `root` it left unmerged that
    hold no conflict marker to show it (one side deleted them, or the merge driver could not finish),
    each with why. (Files with markers are named wherever they are read.)"""
    dirs = _git_dirs(root)
    if dirs is None or not any((dirs[0] / name).exists() for name in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")):
        return []
    from salescli.check.infile import conflict_markers
    from salescli.safefile import read_text

    found = []
    for name, stages in sorted(unmerged_files(root).items()):
        try:
            marked = {2, 3} <= stages and bool(conflict_markers(read_text(root / name)))
        except DataError:
            marked = False
        if not marked:
            found.append((name, why_unmerged(root, name, stages)))
    return found


# ---- the merge driver's fallback: git's own line merge ------------------------------------------

def line_merge(base: str, ours: str, theirs: str) -> str | None:
    """git's own three-way line merge (`git merge-file --diff3`): the text, with markers labelled ours,
    base and theirs around each hunk both sides changed; None when git cannot run it."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        try:
            done = subprocess.run(["git", "merge-file", "-p", "--diff3", "-L", "ours", "-L", "base", "-L", "theirs",
                                   *paths], capture_output=True)
        except OSError:
            return None
    return done.stdout.decode("utf-8") if 0 <= done.returncode < 128 else None


def merge_file_by_lines(base: Path, ours: Path, theirs: Path, name: str) -> int:
    """git's line merge into `ours`, its conflict markers naming the file; 1 if it conflicted."""
    import subprocess

    labels = [f"{name} ({side})" for side in ("ours", "common ancestor", "theirs")]
    done = subprocess.run(["git", "merge-file", "-L", labels[0], "-L", labels[1], "-L", labels[2],
                           str(ours), str(base), str(theirs)])
    return min(done.returncode, 1) if done.returncode >= 0 else 1
