from app.core.cohort import CohortSession, by_area, by_depth, by_device, hours_until_settled
from app.core.recovery import DEEP, MEDIUM, SHALLOW


def session(depth, areas, logs):
    return CohortSession(depth, tuple(areas), tuple(logs))


def test_hours_until_settled_is_the_first_log_at_1_or_below():
    assert hours_until_settled(((30, 1), (2, 3), (50, 0))) == 30
    assert hours_until_settled(((2, 3), (20, 2))) is None
    assert hours_until_settled(()) is None


def test_groups_by_depth_band_with_medians():
    sessions = [
        session(0.25, ["face"], [(2, 3), (20, 1)]),
        session(0.5, ["face"], [(6, 2), (40, 0)]),
        session(1.0, ["neck"], [(5, 4), (30, 2)]),
        session(None, ["neck"], [(5, 3)]),  # unknown depth counts as medium
    ]
    shallow, medium = by_depth(sessions)
    assert (shallow.key, shallow.sessions, shallow.settled, shallow.median_hours_to_settle) == ("shallow", 2, 2, 30)
    assert shallow.median_redness[0] == 2.5  # hours 0-12: logs of 3 and 2
    assert (medium.key, medium.sessions, medium.settled, medium.median_hours_to_settle) == ("medium", 2, 0, None)


def test_a_session_counts_for_each_of_its_areas_and_empty_areas_are_left_out():
    groups = by_area([session(0.5, ["face", "neck"], [(10, 1)])], {"face": "Face", "neck": "Neck", "hands": "Hands"})
    assert [(g.key, g.sessions) for g in groups] == [("face", 1), ("neck", 1)]


def test_a_depth_group_carries_its_own_depth_band_and_other_groups_none():
    shallow, medium, deep = by_depth(
        [session(0.5, ["face"], [(2, 3)]), session(1.5, ["face"], [(2, 3)]), session(1.6, ["neck"], [(2, 3)])]
    )
    assert (shallow.depth, medium.depth, deep.depth) == (SHALLOW, MEDIUM, DEEP)
    assert [group.depth for group in by_area([session(0.5, ["face"], [])], {"face": "Face"})] == [None]


def test_groups_by_device_in_the_order_of_the_devices():
    sessions = [
        CohortSession(0.5, ("face",), ((2, 3), (20, 1)), device="derma_roller"),
        CohortSession(1.0, ("face",), ((5, 2),), device="derma_pen"),
        CohortSession(1.0, ("face",), ((30, 0),), device="derma_pen"),
        CohortSession(1.0, ("face",), (), device=None),  # a device not recorded belongs to no group
    ]
    labels = {"derma_pen": "Derma pen", "derma_roller": "Derma roller", "other": "Other device"}
    pen, roller = by_device(sessions, labels)
    assert (pen.key, pen.label, pen.sessions, pen.settled, pen.median_hours_to_settle) == (
        "derma_pen",
        "Derma pen",
        2,
        1,
        30,
    )
    assert pen.median_redness == (2, None, 0, None, None, None)
    assert (roller.key, roller.sessions, roller.median_hours_to_settle, roller.depth) == ("derma_roller", 1, 20, None)
