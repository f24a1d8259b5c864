"""At 360x740 the charts say what their words say (issue 14).

A shallow session with points inside the typical band, exactly on its top level and above it:
for every point of the first-week chart, as plotly.js drew it, (a) the point lies inside the
drawn shading at its x exactly when (b) its marker is in the "within" trace and (c) its sentence
(on the page, in the list of every log) says "within the typical range". (a) is checked twice: in
the figure's numbers, and in the rendered SVG (the marker's centre tested against the shading's
filled path). The 30-day timeline has no bar under 24 px and no two labels overlap, on any chart.
"""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import ROLE_PRACTITIONER, CareLink, Clinic, SymptomLog, TreatmentSession, User
from tests.conftest import store_photo

PASSWORD = "quiet-harbour-lantern"
PATIENT_EMAIL, PRACTITIONER_EMAIL = "bands.patient@example.com", "bands.doctor@example.com"
HOURS_AGO = 60
# (hours after the session, redness, swelling, peeling) on 0.5 mm needles. Shallow bands: redness 3 until
# 12 h, 2 until 24 h, 1 until 48 h, then 0; swelling 3 until 8 h, 2 until 24 h, 1 until 48 h, then 0;
# peeling 0 until 24 h, 1 until 48 h, then 2. Each row names where each point sits.
LOGS = [
    (2, 2, 1, 0),  # inside, inside, on the edge
    (10, 3, 3, 0),  # on the edge, above, on the edge
    (22, 2, 1, 1),  # on the edge, inside, above
    (30, 1, 2, 1),  # on the edge (the redness 1 at 30 h), above, on the edge
    (31, 2, 1, 0),  # above, on the edge, inside
    (50, 1, 0, 2),  # above, on the edge, on the edge
]
SENTENCE = re.compile(
    r"^(Redness|Swelling|Peeling) (\d) (?:at \d+ hours?|on day \d+): (within|above) the typical range \(up to (\d)\)$"
)

# Every plotted point of a chart: its trace's role and symptom, its numbers, its sentence, and whether
# its centre, as drawn, lies in the filled shading of the same symptom's band.
READ_POINTS = """(key) => {
  const gd = document.querySelector('.chart-' + key);
  const groups = [...gd.querySelectorAll('.scatterlayer .trace')];
  const groupOf = (index) => groups.find((g) => g.__data__ && g.__data__[0].trace.index === index);
  const fills = {};
  gd._fullData.forEach((trace, index) => {
    if (trace.meta && trace.meta.role === 'band') {
      fills[trace.meta.symptom] = groupOf(index).querySelector('.js-fill');
    }
  });
  const points = [];
  gd._fullData.forEach((trace, index) => {
    if (!trace.meta || !['within', 'above'].includes(trace.meta.role)) { return; }
    const fill = fills[trace.meta.symptom];
    [...groupOf(index).querySelectorAll('path.point')].forEach((marker) => {
      const datum = marker.__data__;
      const centre = new DOMPoint(0, 0).matrixTransform(marker.getScreenCTM());
      const inFill = fill.isPointInFill(centre.matrixTransform(fill.getScreenCTM().inverse()));
      points.push({
        role: trace.meta.role, symptom: trace.meta.symptom, x: trace.x[datum.i], y: trace.y[datum.i],
        sentence: trace.customdata[datum.i], symbol: trace.marker.symbol, color: trace.marker.color,
        drawnInside: inFill,
      });
    });
  });
  const bands = gd._fullData.filter((t) => t.meta && t.meta.role === 'band')
    .map((t) => ({symptom: t.meta.symptom, x: [...t.x], y: [...t.y], fill: t.fill}));
  return {points, bands};
}"""

# Every visible piece of text a chart drew, with its box on the screen.
READ_TEXTS = """(key) => [...document.querySelectorAll('.chart-' + key + ' svg text')]
  .filter((el) => el.textContent.trim() && el.getBoundingClientRect().width > 0)
  .map((el) => { const r = el.getBoundingClientRect();
                 return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""


def add_patient_with_two_sessions(app):
    """The patient (sharing with a clinic), a session 60 h ago with LOGS and photos, and an older one with logs."""
    now = datetime.now(UTC)
    with app.app_context():
        clinic = Clinic(name="Band Clinic")
        patient = User(email=PATIENT_EMAIL, name="Bea Bands", timezone="Europe/Paris")
        doctor = User(email=PRACTITIONER_EMAIL, name="Dr Band", role=ROLE_PRACTITIONER, clinic=clinic)
        for user in (patient, doctor):
            user.set_password(PASSWORD)
        older = TreatmentSession(
            patient=patient,
            performed_at=now - timedelta(days=35),
            device="derma_pen",
            areas=["face"],
            needle_depth_mm=0.5,
        )
        treatment = TreatmentSession(
            patient=patient,
            performed_at=now - timedelta(hours=HOURS_AGO),
            device="derma_pen",
            areas=["face"],
            needle_depth_mm=0.5,
        )
        db.session.add_all([clinic, patient, doctor, CareLink(clinic=clinic, patient=patient), older, treatment])
        for hours, redness, swelling, peeling in LOGS:
            db.session.add(
                SymptomLog(
                    session=treatment,
                    logged_at=treatment.performed_at + timedelta(hours=hours),
                    redness=redness,
                    swelling=swelling,
                    peeling=peeling,
                )
            )
        for hours, redness, swelling in ((3, 3, 2), (44, 1, 1)):
            db.session.add(
                SymptomLog(
                    session=older,
                    logged_at=older.performed_at + timedelta(hours=hours),
                    redness=redness,
                    swelling=swelling,
                    peeling=0,
                )
            )
        db.session.commit()
        for hours in (-20, 5, 40):  # a true "before" photo, dated a day before the session
            store_photo(treatment, hours_after=hours)
        return treatment.id, patient.id


def log_in(page, server, email):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def draw(page, key):
    box = page.locator(f".chart-{key}")
    box.scroll_into_view_if_needed()  # plotly.js draws a chart when it nears the screen
    expect(box.locator("svg.main-svg").first).to_be_visible()


def shading_top(band, x):
    """The top of the drawn shading at x: the highest edge of its outline over x (steps start at their hour)."""
    xs, ys = band["x"], band["y"]
    tops = []
    for x1, y1, x2, y2 in zip(xs, ys, xs[1:], ys[1:], strict=False):
        if x1 != x2 and (min(x1, x2) <= x < max(x1, x2) or x == max(x1, x2) == max(xs)):
            tops.append(y1 + (x - x1) * (y2 - y1) / (x2 - x1))
    assert tops, f"no shading at x={x}"
    return max(tops)


def inside_polygon(band, x, y):
    """Whether (x, y) is inside the band's filled outline (ray casting; the outline closes itself)."""
    xs, ys = band["x"], band["y"]
    if band["fill"] == "tozeroy":
        xs, ys = [xs[0], *xs, xs[-1]], [0, *ys, 0]
    inside = False
    for i in range(len(xs)):
        x1, y1, x2, y2 = xs[i - 1], ys[i - 1], xs[i], ys[i]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def assert_no_overlap(texts, where):
    for index, first in enumerate(texts):
        for second in texts[index + 1 :]:
            apart = (
                first["right"] <= second["left"] + 1
                or second["right"] <= first["left"] + 1
                or first["bottom"] <= second["top"] + 1
                or second["bottom"] <= first["top"] + 1
            )
            assert apart, f"{where}: {first['text']!r} overlaps {second['text']!r}"


def check_the_first_week(page, audience):
    draw(page, "first-week")
    drawn = page.evaluate(READ_POINTS, "first-week")
    bands = {band["symptom"]: band for band in drawn["bands"]}
    listed = page.locator("#first-week-details li").all_text_contents()  # folded away, yet on the page
    points = drawn["points"]
    assert len(points) == 3 * len(LOGS)  # every log, every symptom, drawn once
    kinds = set()
    for point in points:
        symptom, value, words, top = SENTENCE.match(point["sentence"]).groups()
        assert (symptom.lower(), int(value)) == (point["symptom"], point["y"])
        in_numbers = point["y"] <= shading_top(bands[point["symptom"]], point["x"])
        in_outline = inside_polygon(bands[point["symptom"]], point["x"], point["y"])
        agree = {
            "in the shading's numbers": in_numbers,
            "in its outline": in_outline,
            "drawn inside the shading": point["drawnInside"],
            "in the within trace": point["role"] == "within",
            "said to be within": words == "within",
        }
        assert len(set(agree.values())) == 1, (audience, point["sentence"], agree)
        assert point["sentence"] in listed, point["sentence"]
        kinds.add("above" if words == "above" else "edge" if int(value) == int(top) else "inside")
    assert kinds == {"inside", "edge", "above"}
    # Points above differ in shape and colour from points within, and have their own legend entry.
    style = {point["role"]: (point["symbol"], point["color"]) for point in points}
    assert style["within"][0] != style["above"][0] and style["within"][1] != style["above"][1]
    expect(page.locator(".chart-first-week .legendtext", has_text="Above the typical range")).to_have_count(1)
    assert_no_overlap(page.evaluate(READ_TEXTS, "first-week"), f"{audience} first week")


def check_the_timeline_and_comparison(page, audience):
    draw(page, "thirty-days")
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.chart-thirty-days .barlayer .point path')]"
        ".map((bar) => bar.getBoundingClientRect().width)"
    )
    assert len(widths) == 5 and min(widths) >= 24, widths
    texts = page.evaluate(READ_TEXTS, "thirty-days")
    assert {"before", "Photos", "Redness fades", "Results"} <= {text["text"] for text in texts}
    assert_no_overlap(texts, f"{audience} 30-day timeline")
    draw(page, "compare")
    assert_no_overlap(page.evaluate(READ_TEXTS, "compare"), f"{audience} comparison")


def test_shading_markers_and_sentences_agree_for_every_point_at_360px(page, live_server):
    session_id, patient_id = add_patient_with_two_sessions(live_server.flask_app)

    log_in(page, live_server, PATIENT_EMAIL)
    page.goto(f"{live_server.url}/sessions/{session_id}")
    expect(page.get_by_role("heading", name="Your first week against the typical range")).to_be_visible()
    check_the_first_week(page, "patient")
    check_the_timeline_and_comparison(page, "patient")
    expect(page.get_by_role("heading", name="Compare with your other sessions")).to_be_visible()
    # The older session settled at 44 hours; this one's latest log (redness 1 at 50 hours) is above the band.
    expect(page.locator("#compare-summary li", has_text="Session 1 (")).to_contain_text("settled at 44 hours.")
    expect(page.locator("#compare-summary li", has_text="Session 2 (")).to_contain_text(
        "not settled yet (latest log on day 2)."
    )

    # The clinic reads the same figures, in its own words.
    page.context.clear_cookies()
    log_in(page, live_server, PRACTITIONER_EMAIL)
    page.goto(f"{live_server.url}/clinic/patients/{patient_id}")
    expect(page.get_by_role("heading", name="First week against the typical range")).to_be_visible()
    check_the_first_week(page, "clinic")
    check_the_timeline_and_comparison(page, "clinic")
    expect(page.locator(".chart-thirty-days .annotation-text", has_text="(today)")).to_have_text("Day 2 (today)")
