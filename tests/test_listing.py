"""The list's rows: held a column at a time, sorted, filtered and summed."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salescli.customer import Status
from salescli.listing import Columns, Filters, Others, Row, funnel_order, select, sort_rows, summarize
from salescli.stages import Stage

ROWS = st.builds(
    lambda number, stage, status, value, day: Row(
        f"c{number:03d}", f"客户{number}", stage.value if stage else None, status.value if stage else None, 1,
        None, None, None, None, None, None, value, day, None, day,
        ((stage.value, value),) if stage and status is Status.OPEN else (), 0, 0),
    st.integers(0, 999), st.sampled_from([*Stage, None]), st.sampled_from(list(Status)),
    st.none() | st.integers(0, 10**6).map(str),
    st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1)).map(date.isoformat))


def _sorted(rows: list[Row], key: str) -> list[Row]:
    return sort_rows(Columns.of(rows), key).rows()


@given(st.lists(ROWS, max_size=12, unique_by=lambda row: row.id), st.booleans())
def test_the_funnel_order_is_stage_then_won_or_lost_then_id(rows: list[Row], descending: bool) -> None:
    def rank(row: Row) -> tuple[int, bool]:
        assert row.stage is not None
        return Stage(row.stage).number, row.status != Status.OPEN.value

    staged = sorted((row for row in rows if row.stage), key=lambda row: (rank(row), row.id), reverse=descending)
    unstaged = sorted((row for row in rows if not row.stage), key=lambda row: row.id)
    assert _sorted(rows, "-stage" if descending else "stage") == staged + unstaged
    if not descending:  # the order the cache keeps its rows in
        assert sorted(rows, key=funnel_order) == staged + unstaged


@given(st.lists(ROWS, max_size=12, unique_by=lambda row: row.id), st.booleans())
def test_amounts_sort_as_numbers_and_days_as_days_empty_ones_last(rows: list[Row], descending: bool) -> None:
    sign = "-" if descending else ""
    for key, value in (("value", lambda row: row.target_value and int(row.target_value)),
                       ("date", lambda row: row.target_date and date.fromisoformat(row.target_date))):
        present = sorted((row for row in rows if value(row) is not None), key=lambda row: (value(row), row.id),
                         reverse=descending)
        absent = sorted((row for row in rows if value(row) is None), key=lambda row: row.id)
        assert _sorted(rows, sign + key) == present + absent


@given(st.lists(ROWS, max_size=12))
def test_columns_hold_the_rows_they_were_made_of(rows: list[Row]) -> None:
    columns = Columns.of(rows)
    assert len(columns) == len(rows) and columns.rows() == rows
    assert columns["id"] == [row.id for row in rows]
    assert columns.take(range(len(rows))[::-1]).rows() == rows[::-1]
    more = Columns.of(rows)
    more.extend(rows)
    assert more.rows() == rows + rows


def _row(customer_id: str, stage: Stage | None, status: Status | None, value: str | None, *,
         open_deals: tuple[tuple[str, str | None], ...] = (), won: str | None = None,
         won_deals: int = 0, lost_deals: int = 0, day: str | None = None, deal_won: str | None = None) -> Row:
    return Row(customer_id, customer_id.upper(), stage.value if stage else None, status.value if status else None,
               1, None, None, None, None, None, None, value, day, won, day, open_deals, won_deals, lost_deals, deal_won)


def test_the_summary_counts_each_row_once_and_the_other_deals_apart() -> None:
    rows = Columns.of([
        _row("a", Stage.DEMO, Status.OPEN, "48000", open_deals=(("demo", "48000"), ("needs", "2000.50"))),
        _row("b", Stage.DEMO, Status.OPEN, None, open_deals=(("demo", None),)),
        _row("c", Stage.CLOSE, Status.WON, "9000", won="9000", won_deals=2, lost_deals=1, deal_won="6000"),
        _row("d", None, None, None),
    ])
    summary = summarize(rows)
    assert summary.customers == 4 == sum(summary.open_by_stage.values()) + summary.won + summary.lost + summary.none
    assert summary.open_by_stage == {Stage.DEMO: 2}
    assert (summary.won, summary.lost, summary.none) == (1, 0, 1)
    assert (summary.open_value, summary.won_value) == (Decimal("48000"), Decimal("6000"))  # of the deals shown
    assert summary.others == Others(open=1, won=1, lost=1, open_value=Decimal("2000.50"), won_value=Decimal("3000"))


def test_filters_compare_days_and_amounts_as_such() -> None:
    rows = Columns.of([
        _row("a", Stage.DEMO, Status.OPEN, "48000", day="2026-09-01"),
        _row("b", Stage.DEMO, Status.OPEN, "120000", day="2026-11-20"),
        _row("c", Stage.CLOSE, Status.WON, "9000", day="2026-08-01"),
    ])
    today = date(2026, 11, 26)

    def ids(**filters: object) -> list[str]:
        return select(rows, Filters(**filters), today=today)["id"]  # type: ignore[arg-type]

    assert ids() == ["a", "b", "c"]
    assert ids(stage=Stage.DEMO) == ["a", "b"]
    assert ids(status=Status.WON) == ["c"]
    assert ids(stale_days=30) == ["a"]  # open and quiet since before 2026-10-27; c is won
    assert ids(due=date(2026, 9, 1)) == ["a", "c"]  # on or before
    assert ids(min_value=Decimal("50000")) == ["b"]  # 120,000 ≥ 50,000 though "120000" < "50000" as text
