"""The Python API of the commands that used to go around it: people, project parties and referrals,
import, export, edit, init, sync (each asserted on the files it writes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import salescli
from salescli.errors import InvalidValue
from tests.conftest import customer_file

TODAY = date(2026, 11, 26)


@pytest.fixture
def new(folder: Path) -> salescli.Folder:
    return salescli.Folder(folder, today=TODAY)


def test_person_adds_updates_and_removes_a_key_person(new: salescli.Folder, folder: Path) -> None:
    new.add("天河机场")
    added = new.person("天河机场", "王强", {"title": "预算科长", "mobile": "13900000000", "birthday": "1978-05-12"})
    assert (added.added, added.person, added.entry(added.before)) == (True, "王强", {})
    path = customer_file(folder, "tianhejichang")
    assert '  people:       # 采购软件的主要人员, one entry each, e.g.\n  - {name: 王强, title: 预算科长, mobile: ' \
        '"13900000000", birthday: 1978-05-12}\n' in path.read_text(encoding="utf-8")
    updated = new.person("tianhejichang", "王强", {"hobbies": "钓鱼", "title": ""})
    assert updated.added is False
    assert dict(updated.entry(updated.after)) == {"name": "王强", "mobile": "13900000000",
                                                  "birthday": date(1978, 5, 12), "hobbies": "钓鱼"}
    assert [person["name"] for person in new.people("天河机场")] == ["王强"]
    with pytest.raises(InvalidValue, match="no detail colour"):
        new.person("天河机场", "王强", {"colour": "red"})
    with pytest.raises(InvalidValue, match="birthday"):
        new.person("天河机场", "李四", {"birthday": "soon"})
    new.remove_person("天河机场", "王强")
    assert "  - {name: 王强" not in path.read_text(encoding="utf-8") and new.people("天河机场") == []
