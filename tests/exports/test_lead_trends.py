"""The console's Trends and Downloads calls (exports.lead) on real demo answers: only
released figures, one band or all, a run of terms, hidden figures as c, the charts zip."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from exports.aggregate import Period
from exports.export import HIDDEN
from exports.lead import (
    ALL_BANDS,
    answer_keys,
    make_export,
    released_report,
    trend_choices,
    trend_view,
    unpublished_terms,
    zip_charts,
)
from exports.release import current_period
from exports.trends import band_label, change_sentence
from surveys.demo import write_demo_data
from surveys.storage.responses import ResponseStore


@pytest.fixture(scope="module")
def folder(tmp_path_factory, library):
    data = tmp_path_factory.mktemp("kiosk")
    with ResponseStore(data) as store:
        write_demo_data(store, library, 900, seed=3)
    return data


@pytest.fixture(scope="module")
def library():
    import content as shipped
    from surveys.content.library import load_content

    return load_content(shipped.SHIPPED_DIR)


def test_nothing_is_shown_before_a_release_and_the_release_is_what_trends_show(
    folder, library, tmp_path
):
    keys = answer_keys(folder, None)
    before = released_report(folder, library, keys)
    assert trend_choices(before).topics == []  # nothing published: nothing to show

    made, written = make_export(folder, library, keys, tmp_path / "out")
    assert (tmp_path / "out" / "evidence-pack.pdf") in written
    after = released_report(folder, library, keys)
    choices = trend_choices(after)
    assert choices.topics and [p.label for p in after.periods] == [p.label for p in made.periods]
    assert choices.bands[0] == (ALL_BANDS, "Every band")

    # The whole run, every band: the same lines and sentence as the pack's section.
    section = after.strands[0]
    whole = trend_view(after, "s0")
    assert whole.sentence == change_sentence(section.lines) == made.strands[0].sentence
    assert whole.columns == ["Term", *(line.label for line in section.lines)]
    assert [row[0] for row in whole.rows] == [p.label for p in after.periods]
    assert whole.chart.alt.startswith("Line chart")
    cells = [cell for row in whole.rows for cell in row[1:]]
    assert cells.count(HIDDEN) == whole.hidden
    for line, column in zip(section.lines, range(1, len(whole.columns)), strict=True):
        for point in line.points:
            row = next(r for r in whole.rows if r[0] == point.period.label)
            expected = HIDDEN if point.pct is None else f"{point.pct:.0f}%"
            assert row[column] == expected

    # One band, the last three terms only.
    band = section.lines[0].band
    n = len(after.periods)
    narrow = trend_view(after, "s0", band, n - 3, n - 1)
    assert narrow.columns == ["Term", section.lines[0].label]
    assert [row[0] for row in narrow.rows] == [p.label for p in after.periods[-3:]]
    assert narrow.title.endswith(f"({band_label(band)})")

    with pytest.raises(ValueError, match="not a strand or question"):
        trend_view(after, "s99")

    charts = zip_charts(tmp_path / "out")
    names = set(zipfile.ZipFile(charts).namelist())
    assert "charts/alt-text.md" in names
    assert {f"charts/{c.name}.png" for c in made.charts} <= names


def test_home_lists_ended_terms_not_yet_published_and_forgets_them_once_published(
    tmp_path, library
) -> None:
    """``unpublished_terms``: ended terms with answers and no export yet; none after one."""
    data = tmp_path / "kiosk"
    with ResponseStore(data) as store:
        write_demo_data(store, library, 900, seed=4)
    today = dt.date.today()
    before = unpublished_terms(data, today)
    periods = [Period.of(*t.split(" ")) for t in before]
    assert periods and periods == sorted(periods, reverse=True)  # newest first
    assert all(p < current_period(today) for p in periods)  # ended terms only
    make_export(data, library, answer_keys(data, None), tmp_path / "out")
    assert unpublished_terms(data, today) == []
