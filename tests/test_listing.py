"""The list's rows: sorting and their plain (cached) form."""

from datetime import date
from decimal import Decimal

from hypothesis import given, strategies as st

from salescli.customer import Status
from salescli.listing import Row, from_plain, sort_rows, to_plain
from salescli.stages import Stage

ROWS = st.builds(
    lambda number, stage, status, value, day: Row(
        f"c{number:03d}", f"客户{number}", stage, status if stage else None, 1, None, None, None, None, None, None,
        value, day, None, day, ((stage, value),) if stage and status is Status.OPEN else (), 0, 0),
    st.integers(0, 999), st.sampled_from([*Stage, None]), st.sampled_from(list(Status)),
    st.none() | st.decimals(0, 10**6, places=0), st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1)))


@given(st.lists(ROWS, max_size=12, unique_by=lambda row: row.id), st.booleans())
def test_the_funnel_order_is_stage_then_won_or_lost_then_id(rows: list[Row], descending: bool) -> None:
    def rank(row: Row) -> tuple[int, bool]:
        assert row.stage is not None
        return row.stage.number, row.status is not Status.OPEN

    staged = sorted((row for row in rows if row.stage), key=lambda row: (rank(row), row.id), reverse=descending)
    unstaged = sorted((row for row in rows if not row.stage), key=lambda row: row.id)
    assert sort_rows(rows, "-stage" if descending else "stage") == staged + unstaged


@given(ROWS)
def test_a_row_reads_back_from_its_plain_form(row: Row) -> None:
    assert from_plain(to_plain(row)) == row
    assert from_plain(to_plain(row)) == row  # the second time from what the first one remembered


def test_amounts_and_days_keep_their_types() -> None:
    row = from_plain(to_plain(Row("a", "A", Stage.DEMO, Status.OPEN, 1, None, None, None, None, None, None,
                                  Decimal("48000"), date(2026, 12, 1), None, date(2026, 11, 26),
                                  ((Stage.DEMO, Decimal("48000")),), 0, 0)))
    assert row.target_value == Decimal("48000") and isinstance(row.target_value, Decimal)
    assert row.target_date == date(2026, 12, 1) and row.open_deals == ((Stage.DEMO, Decimal("48000")),)
