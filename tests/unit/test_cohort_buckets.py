"""The clinic's cohort figures, worked out by hand: time buckets, medians, settling and depth groups."""

import pytest

from app.core.cohort import TIME_BUCKETS, CohortSession, by_area, by_depth, hours_until_settled


def session(logs, depth=0.5, areas=("face",)):
    return CohortSession(depth, tuple(areas), tuple(logs))


def test_the_time_buckets_are_the_first_week_in_six_steps():
    assert TIME_BUCKETS == ((0, 12), (12, 24), (24, 48), (48, 72), (72, 120), (120, 168))


@pytest.mark.parametrize(
    "hours, bucket",
    [
        (0, 0),
        (11.99, 0),
        (12, 1),  # a bucket includes its start and excludes its end
        (23.99, 1),
        (24, 2),
        (47.99, 2),
        (48, 3),
        (71.99, 3),
        (72, 4),
        (119.99, 4),
        (120, 5),
        (167.99, 5),
        (168, None),  # after the first week: in no bucket
        (-0.01, None),
    ],
)
def test_a_log_falls_in_the_bucket_that_starts_at_or_before_it(hours, bucket):
    (group,) = by_depth([session([(hours, 3)])])
    expected = [None] * 6
    if bucket is not None:
        expected[bucket] = 3
    assert group.median_redness == tuple(expected)


def test_median_redness_per_bucket_across_sessions():
    sessions = [
        session([(1, 4), (13, 3), (30, 2)]),
        session([(2, 3), (14, 1), (31, 2)]),
        session([(3, 1), (50, 0)]),
    ]
    (group,) = by_depth(sessions)
    # 0-12 h: 4, 3, 1 -> 3; 12-24 h: 3, 1 -> 2; 24-48 h: 2, 2 -> 2; 48-72 h: 0; none later.
    assert group.median_redness == (3, 2, 2, 0, None, None)


def test_two_logs_of_one_session_in_a_bucket_both_count():
    (group,) = by_depth([session([(1, 4), (5, 1)])])
    assert group.median_redness[0] == 2.5


@pytest.mark.parametrize(
    "logs, hours",
    [
        ([(5, 1)], 5),  # level 1 counts as settled
        ([(5, 2)], None),  # level 2 does not
        ([(40, 0), (20, 3), (30, 1)], 30),  # the earliest settled log, in time order, not in list order
        ([(30, 1), (40, 3)], 30),  # a later rise does not undo settling
        ([(6, 0), (6, 4)], 6),
        ([], None),
    ],
)
def test_hours_until_settled(logs, hours):
    assert hours_until_settled(tuple(logs)) == hours


def test_sessions_settled_and_the_median_time_to_settle():
    sessions = [
        session([(10, 3), (20, 1)]),
        session([(10, 2), (30, 0)]),
        session([(10, 2), (60, 1)]),
        session([(10, 3), (100, 2)]),  # never settled: not in the median
    ]
    (group,) = by_depth(sessions)
    assert (group.sessions, group.settled, group.median_hours_to_settle) == (4, 3, 30)


def test_the_median_time_to_settle_of_an_even_number_of_sessions_is_the_mean_of_the_middle_two():
    (group,) = by_depth([session([(20, 1)]), session([(30, 1)]), session([(50, 0)]), session([(90, 1)])])
    assert group.median_hours_to_settle == 40


def test_a_group_where_nobody_settled_has_no_median_time():
    (group,) = by_depth([session([(10, 3)]), session([(20, 2)])])
    assert (group.sessions, group.settled, group.median_hours_to_settle) == (2, 0, None)


@pytest.mark.parametrize(
    "depth, key",
    [(0.0, "shallow"), (0.5, "shallow"), (0.51, "medium"), (1.5, "medium"), (1.51, "deep"), (3.0, "deep")],
)
def test_depth_groups_on_both_sides_of_each_boundary(depth, key):
    assert [group.key for group in by_depth([session([(5, 2)], depth=depth)])] == [key]


def test_an_unknown_depth_counts_as_medium():
    assert [group.key for group in by_depth([session([(5, 2)], depth=None)])] == ["medium"]


def test_depth_groups_come_shallow_to_deep_with_their_labels_and_empty_ones_left_out():
    groups = by_depth([session([(5, 2)], depth=2.0), session([(5, 2)], depth=0.25), session([(5, 2)], depth=2.5)])
    assert [(group.key, group.label, group.sessions) for group in groups] == [
        ("shallow", "Shallow (up to 0.5 mm)", 1),
        ("deep", "Deep (over 1.5 mm)", 2),
    ]


def test_areas_come_in_the_order_given_with_their_labels():
    sessions = [session([(5, 2)], areas=("neck",)), session([(5, 4), (20, 1)], areas=("face", "neck"))]
    groups = by_area(sessions, {"face": "Face", "hands": "Hands", "neck": "Neck"})
    assert [(group.key, group.label, group.sessions, group.settled) for group in groups] == [
        ("face", "Face", 1, 1),
        ("neck", "Neck", 2, 1),
    ]
    assert groups[1].median_redness == (3, 1, None, None, None, None)  # 0-12 h: 2 and 4; 12-24 h: 1
    assert groups[1].median_hours_to_settle == 20
