from app.core.cohort import CohortSession, by_area, by_depth, hours_until_settled


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
