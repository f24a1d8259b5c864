"""Progress photos at 360x740: take them, see them side by side, slide between them, pick another pair."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.cli import DEMO_PATIENTS
from app.extensions import db
from app.models import Photo, SymptomLog, TreatmentSession, User
from tests import sample_images
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import assert_fits_a_phone, choose
from tests.browser.test_session_page import log_in_as
from tests.conftest import store_photo

# Far apart in hue, so a JPEG re-encoding cannot blur one into another.
RED, GREEN, BLUE = (200, 30, 30), (30, 170, 40), (30, 50, 200)
SLIDER_LABEL = "Move the divider: before photo on its left, after photo on its right"
DEMO_ZONE = ZoneInfo("Europe/London")  # the typical demo patient's zone, in which the log form is read
PHONE_ZONE = ZoneInfo("Europe/Paris")  # the test browser's (tests/browser/conftest.py)
DATE = r"\d{1,2} [A-Z][a-z]{2} \d{4}"  # a date as pages show it: 5 Jun 2026


def caption(role, day):
    """A figure's caption: the day it was taken and how long after which session (its date may wrap)."""
    return re.compile(
        rf"^{role} · \d{{1,2}} [A-Z][a-z]{{2}} \d{{4}}, day {day} after the session of"
        rf"\s+\d{{1,2}} [A-Z][a-z]{{2}}$"
    )


def jpeg(tmp_path, name, colour):
    path = tmp_path / name
    path.write_bytes(sample_images.jpeg(size=(800, 600), colour=colour))
    return path


def dominant(rgb):
    """Which of RED, GREEN, BLUE a sampled pixel is."""
    return min((RED, GREEN, BLUE), key=lambda colour: sum((a - b) ** 2 for a, b in zip(colour, rgb[:3], strict=True)))


def colour_at(page, selector, x_fraction, y_fraction=0.5):
    """The colour the phone shows at a point of an element, from a screenshot (so CSS clipping counts)."""
    png = page.locator(selector).screenshot(animations="disabled")
    with Image.open(io.BytesIO(png)) as shot:
        width, height = shot.size
        return dominant(shot.convert("RGB").getpixel((int(width * x_fraction), int(height * y_fraction))))


def image_colour(page, selector):
    """The colour decoded from an <img>'s own pixels (same-origin, so a canvas may read them)."""
    rgb = page.locator(selector).evaluate("""img => {
        const canvas = document.createElement("canvas");
        canvas.width = 4; canvas.height = 4;
        const context = canvas.getContext("2d");
        context.drawImage(img, 0, 0, 4, 4);
        return Array.from(context.getImageData(1, 1, 1, 1).data.slice(0, 3));
    }""")
    return dominant(rgb)


def wait_until_images_load(page, selector):
    for image in page.locator(selector).all():
        image.scroll_into_view_if_needed()  # thumbnails are loading="lazy"
    page.wait_for_function(
        """selector => {
        const images = [...document.querySelectorAll(selector)];
        return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
    }""",
        arg=selector,
    )


def save_photo(page, expected_status):
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Save photo").click()
    assert posted.value.status == expected_status
    page.wait_for_load_state()


def test_take_photos_and_compare_before_and_after_at_360px(page, seeded_server, tmp_path):
    red, green, blue = (
        jpeg(tmp_path, f"{name}.jpg", colour) for name, colour in (("red", RED), ("green", GREEN), ("blue", BLUE))
    )
    not_a_photo = tmp_path / "holiday.jpg"
    not_a_photo.write_bytes(b"This is a shopping list, not a photo.\n" * 20)

    log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
    sessions = page.locator(".cards .card h2 a")
    expect(sessions).to_have_count(2)  # newest first: 32 hours ago, then 42 days ago

    # The first photo, of the session six weeks ago, from its page; a file that is no photo first.
    sessions.last.click()
    photos_section = page.locator("section[aria-labelledby=photos-heading]")
    expect(photos_section).to_contain_text("No photos of this session yet.")
    page.get_by_role("link", name="Take a photo").click()
    expect(page.get_by_role("heading", name="Take a photo")).to_be_visible()
    # When it was taken: now in the patient's zone (logging in from the phone made it Paris, not
    # the demo's London), unless they say otherwise.
    offered = datetime.strptime(page.get_by_label("Taken").input_value(), "%Y-%m-%dT%H:%M")
    assert abs(offered.replace(tzinfo=PHONE_ZONE) - datetime.now(PHONE_ZONE)) < timedelta(minutes=2)
    assert_fits_a_phone(page)

    page.get_by_label("Photo", exact=True).set_input_files(not_a_photo)
    save_photo(page, 422)
    expect(page.locator("#photo-error")).to_contain_text("not a photo we can read")
    expect(page.get_by_label("Photo", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_fits_a_phone(page)

    page.get_by_label("Photo", exact=True).set_input_files(red)
    save_photo(page, 302)
    expect(page).to_have_url(seeded_server.url + "/photos")
    expect(page.get_by_text("Photo saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your photos")).to_be_visible()
    expect(page.get_by_text("One photo so far.")).to_be_visible()
    expect(page.locator("[data-compare-before]")).to_have_count(1)
    expect(page.locator(".compare-slider")).to_have_count(0)  # nothing to slide between yet

    # The second, with a log of the session 32 hours ago, entered now for two hours after it:
    # a photo sent with a log is taken at the log's time, so it comes first in the series.
    page.goto(seeded_server.url + "/")
    sessions.first.click()
    page.get_by_role("link", name="Log how your skin is now").click()
    choose(page, "Redness", 2)
    choose(page, "Swelling", 1)
    choose(page, "Peeling", 0)
    page.get_by_label("Photo (optional)").set_input_files(blue)
    page.get_by_label("When").fill((datetime.now(DEMO_ZONE) - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M"))
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save log").first.click()
    expect(page.get_by_text("Log saved.")).to_be_visible()
    expect(photos_section.locator(".photo-grid li")).to_have_count(1)
    expect(photos_section.locator(".photo-grid li")).to_contain_text("Day 0")
    wait_until_images_load(page, "section[aria-labelledby=photos-heading] .photo-grid img")
    assert image_colour(page, "section[aria-labelledby=photos-heading] .photo-grid img") == BLUE

    # The third, with "Take a photo" on the same session page.
    page.get_by_role("link", name="Take a photo").click()
    page.get_by_label("Photo", exact=True).set_input_files(green)
    save_photo(page, 302)
    expect(page.get_by_text("Photo saved.")).to_be_visible()

    with seeded_server.flask_app.app_context():
        photos = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
        assert [(photo.width, photo.height) for photo in photos] == [(800, 600)] * 3
        red_id, blue_id, green_id = (photo.id for photo in photos)
        # The photo sent with the log belongs to the log's session, and the log was saved too.
        assert photos[1].session_id == photos[2].session_id != photos[0].session_id
        log = db.session.scalar(
            sa.select(SymptomLog).where(
                SymptomLog.session_id == photos[1].session_id,
                SymptomLog.redness == 2,
                SymptomLog.swelling == 1,
                SymptomLog.peeling == 0,
            )
        )
        assert log is not None and photos[1].taken_at == log.logged_at

    # Before and after: by default the first of the series and the latest.
    expect(page.get_by_role("heading", name="Before and after")).to_be_visible()
    figures = page.locator(".compare-pair .photo-figure")
    expect(figures).to_have_count(2)
    expect(figures.first.locator("figcaption")).to_have_text(caption("Before", 0))
    expect(figures.last.locator("figcaption")).to_have_text(caption("After", 1))
    expect(page.get_by_text("Taken 1 day apart.")).to_be_visible()
    expect(page.locator("img[data-compare-before]")).to_have_attribute("src", f"/photos/{blue_id}/screen.jpg")
    expect(page.locator("img[data-compare-after]")).to_have_attribute("src", f"/photos/{green_id}/screen.jpg")
    expect(page.get_by_role("heading", name="All photos (3)")).to_be_visible()
    wait_until_images_load(page, ".compare-pair img, .slider-frame img, .photo-grid img")
    assert page.evaluate("""() => [...document.querySelectorAll('.compare-pair img')]
        .map(img => [img.naturalWidth, img.naturalHeight])""") == [[800, 600], [800, 600]]
    assert image_colour(page, "img[data-compare-before]") == BLUE
    assert image_colour(page, "img[data-compare-after]") == GREEN
    # Side by side, each in its half of the screen.
    before_box = page.locator("img[data-compare-before]").bounding_box()
    after_box = page.locator("img[data-compare-after]").bounding_box()
    assert before_box["y"] == after_box["y"] and before_box["x"] + before_box["width"] <= after_box["x"]
    assert after_box["x"] + after_box["width"] <= 360

    # The files are the viewer's only: never kept by a shared cache.
    served = page.request.get(seeded_server.url + f"/photos/{red_id}/thumb.jpg")
    try:
        assert served.status == 200
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["cache-control"] == "private, no-store"
    finally:
        served.dispose()

    # The slider: the before photo left of the divider, the after photo right of it, the divider
    # over the thumb (test_the_divider_follows_the_thumb_… drags it about).
    slider = page.get_by_label(SLIDER_LABEL)
    expect(slider).to_have_attribute("id", "compare-divider")
    expect(slider).to_have_value("50")
    slider.scroll_into_view_if_needed()
    expect(page.locator(".slider-side-before")).to_have_text("Before")
    expect(page.locator(".slider-side-after")).to_have_text("After")
    assert colour_at(page, ".slider-frame", 0.4) == BLUE
    assert colour_at(page, ".slider-frame", 0.6) == GREEN

    slider.fill("80")
    expect(slider).to_have_attribute("aria-valuetext", "80% before photo on the left, 20% after photo on the right")
    assert colour_at(page, ".slider-frame", 0.7) == BLUE
    assert colour_at(page, ".slider-frame", 0.9) == GREEN

    slider.focus()
    page.keyboard.press("Home")  # as a keyboard or switch user would
    expect(slider).to_have_value("0")
    assert colour_at(page, ".slider-frame", 0.1) == GREEN
    assert_fits_a_phone(page)

    # Another pair: the first photo taken (of the older session) against the latest.
    choice = page.locator("form.compare-choice")
    choice.get_by_label("Before").select_option(str(red_id))
    choice.get_by_label("After").select_option(str(green_id))
    choice.get_by_role("button", name="Compare these").click()
    expect(page).to_have_url(re.compile(rf"/photos\?before={red_id}&after={green_id}$"))
    expect(page.locator("img[data-compare-before]")).to_have_attribute("src", f"/photos/{red_id}/screen.jpg")
    expect(page.locator("img[data-compare-after]")).to_have_attribute("src", f"/photos/{green_id}/screen.jpg")
    expect(figures.first.locator("figcaption")).to_have_text(caption("Before", 42))
    expect(figures.last.locator("figcaption")).to_have_text(caption("After", 1))
    expect(page.get_by_text("Taken 0 days apart.")).to_be_visible()
    expect(choice.get_by_label("Before")).to_have_value(str(red_id))
    expect(choice.get_by_label("After")).to_have_value(str(green_id))
    wait_until_images_load(page, ".compare-pair img, .slider-frame img")
    assert image_colour(page, "img[data-compare-before]") == RED
    assert image_colour(page, "img[data-compare-after]") == GREEN
    expect(page.locator("#compare-divider")).to_have_value("50")  # a fresh slider for the new pair
    page.locator("#compare-divider").scroll_into_view_if_needed()
    assert colour_at(page, ".slider-frame", 0.3) == RED
    assert colour_at(page, ".slider-frame", 0.7) == GREEN
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_fits_a_phone(page)


def latest_session(email):
    """The newest session of the patient with this email (needs an app context)."""
    return db.session.scalar(
        sa.select(TreatmentSession)
        .join(TreatmentSession.patient)
        .where(User.email == email)
        .order_by(TreatmentSession.performed_at.desc())
        .limit(1)
    )


def close_to(colour, rgb, tolerance=60):
    return sum((a - b) ** 2 for a, b in zip(colour, rgb[:3], strict=True)) <= tolerance**2


def divide_in_frame(page, before_colour, after_colour):
    """Where, across the screen, the before photo gives way to the after photo in the slider's frame.

    Read from the pixels shown (a row 70% down the frame, below the side labels), so whatever the
    markup, it is where the phone draws the divide: (last before-photo x, first after-photo x).
    """
    box = page.locator(".slider-frame").bounding_box()
    png = page.screenshot(clip=box, animations="disabled")
    with Image.open(io.BytesIO(png)) as shot:
        row = [shot.convert("RGB").getpixel((x, int(shot.height * 0.7))) for x in range(shot.width)]
    # With the divider at an end, one photo fills the frame: the other "ends" just outside it.
    last_before = max((x for x, rgb in enumerate(row) if close_to(before_colour, rgb)), default=-1)
    first_after = min((x for x, rgb in enumerate(row) if close_to(after_colour, rgb)), default=len(row))
    # Nothing of the before photo right of the divide, nothing of the after photo left of it.
    assert not any(close_to(after_colour, rgb) for rgb in row[: max(last_before, 0)])
    assert not any(close_to(before_colour, rgb) for rgb in row[first_after + 1 :])
    return box["x"] + last_before, box["x"] + first_after


def thumb_centre(page):
    """The x of the slider thumb's centre, from the pixels drawn (the thumb is the page's brand colour)."""
    box = page.locator("#compare-divider").bounding_box()
    png = page.screenshot(clip=box, animations="disabled")
    brand = (0x7A, 0x2E, 0x4D)
    with Image.open(io.BytesIO(png)) as shot:
        rgb = shot.convert("RGB")
        y = shot.height // 2 + 8  # below the track, through the thumb only
        columns = [x for x in range(shot.width) if close_to(brand, rgb.getpixel((x, y)), tolerance=30)]
    assert columns, "no thumb drawn"
    return box["x"] + (columns[0] + columns[-1] + 1) / 2


def assert_divider_over_thumb(page, thumb_x, before_colour, after_colour):
    """The divide the phone shows, and the divider line, are where the thumb is (within a pixel or two)."""
    last_before, first_after = divide_in_frame(page, before_colour, after_colour)
    assert first_after - last_before <= 6, (last_before, first_after)  # the divider line and its edges only
    assert last_before - 2 <= thumb_x <= first_after + 2, (last_before, thumb_x, first_after)
    line = page.locator(".slider-divider").bounding_box()
    assert abs(line["x"] + line["width"] / 2 - thumb_x) <= 1.5, (line, thumb_x)


def test_the_divider_follows_the_thumb_and_before_photos_are_labelled_at_360px(page, seeded_server):
    app = seeded_server.flask_app
    with app.app_context():
        treatment = latest_session(DEMO_PATIENTS["typical"])  # 32 hours ago
        # A true "before" photo, two days before the session, and one from the day after it.
        first = store_photo(treatment, hours_after=-48, colour=RED, size=(800, 600))
        store_photo(treatment, hours_after=26, colour=GREEN, size=(800, 600))
        first_id = first.id
    log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
    page.goto(seeded_server.url + "/photos")
    wait_until_images_load(page, ".compare-pair img, .slider-frame img")

    figures = page.locator(".compare-pair .photo-figure")
    expect(figures.first.locator("figcaption")).to_contain_text(", before the session of")
    expect(page.locator(".photo-grid li").first).to_contain_text(", before the session of")
    picker = page.locator("form.compare-choice").get_by_label("Before")
    picked_label = re.compile(rf"^Before the session · {DATE} \d\d:\d\d$")
    expect(picker.locator(f"option[value='{first_id}']")).to_have_text(picked_label)
    expect(page.get_by_text("Taken 3 days apart.")).to_be_visible()

    slider = page.get_by_role("slider", name=SLIDER_LABEL)
    slider.scroll_into_view_if_needed()
    frame = page.locator(".slider-frame").bounding_box()
    track = slider.bounding_box()
    assert frame["x"] + frame["width"] <= 360 and track["x"] + track["width"] <= 360
    assert_fits_a_phone(page)

    # As it opens: the thumb in the middle, and the divider right above it.
    expect(slider).to_have_value("50")
    expect(slider).to_have_attribute("aria-valuetext", "50% before photo on the left, 50% after photo on the right")
    middle = thumb_centre(page)
    assert abs(middle - (track["x"] + track["width"] / 2)) <= 1
    assert_divider_over_thumb(page, middle, RED, GREEN)

    # Dragged with a finger (a mouse here) to a quarter of the way, then to near the right end:
    # the thumb stays under the pointer, and the divider with it.
    page.mouse.move(middle, track["y"] + track["height"] / 2)
    page.mouse.down()
    for fraction in (0.25, 0.9):
        pointer = track["x"] + track["width"] * fraction
        page.mouse.move(pointer, track["y"] + track["height"] / 2, steps=8)
        assert abs(thumb_centre(page) - pointer) <= 2
        assert_divider_over_thumb(page, pointer, RED, GREEN)
    page.mouse.up()
    # The value is the share of the frame left of the divider: the before photo's share.
    assert abs(int(slider.input_value()) - (pointer - frame["x"]) / frame["width"] * 100) <= 1

    # With the keyboard, as a switch or screen reader user would: to each end, and a step back.
    slider.focus()
    page.keyboard.press("Home")
    expect(slider).to_have_value("0")
    expect(slider).to_have_attribute("aria-valuetext", "0% before photo on the left, 100% after photo on the right")
    _, first_after = divide_in_frame(page, RED, GREEN)
    assert first_after <= frame["x"] + 2  # all of the after photo
    assert abs(thumb_centre(page) - frame["x"]) <= 1.5
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("99")
    assert_divider_over_thumb(page, thumb_centre(page), RED, GREEN)
    slider.fill("30")
    expect(slider).to_have_attribute("aria-valuetext", "30% before photo on the left, 70% after photo on the right")
    at_30 = thumb_centre(page)
    assert abs(at_30 - (frame["x"] + frame["width"] * 0.3)) <= 1.5
    assert_divider_over_thumb(page, at_30, RED, GREEN)
    assert_fits_a_phone(page)


def test_without_javascript_the_pair_stands_side_by_side_before_on_the_left_at_360px(browser, seeded_server):
    app = seeded_server.flask_app
    with app.app_context():
        treatment = latest_session(DEMO_PATIENTS["typical"])
        store_photo(treatment, hours_after=-48, colour=RED, size=(800, 600))
        store_photo(treatment, hours_after=26, colour=GREEN, size=(800, 600))
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, timezone_id="Europe/Paris")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
        page.goto(seeded_server.url + "/photos")
        expect(page.locator(".compare-slider")).to_have_count(0)  # no slider without JavaScript
        wait_until_images_load(page, ".compare-pair img")
        before, after = page.locator("img[data-compare-before]"), page.locator("img[data-compare-after]")
        assert image_colour(page, "img[data-compare-before]") == RED
        assert image_colour(page, "img[data-compare-after]") == GREEN
        before_box, after_box = before.bounding_box(), after.bounding_box()
        assert before_box["x"] + before_box["width"] <= after_box["x"] and after_box["x"] + after_box["width"] <= 360
        figures = page.locator(".compare-pair .photo-figure figcaption")
        expect(figures.first).to_contain_text(re.compile(rf"^Before · {DATE}, before the session of"))
        expect(figures.last).to_contain_text(re.compile(rf"^After · {DATE}, day 1 after the session of"))
        assert_fits_a_phone(page)
    finally:
        context.close()
