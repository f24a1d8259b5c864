"""app.core.images: what an upload must be to become a photo, and what is left of it afterwards."""

import io

import pytest
from PIL import Image

from app.config import Config
from app.core import images
from tests.sample_images import GPS_IFD, HTML, SVG, TEXT, image_bytes, jpeg, jpeg_with_gps, png_bomb

MAX_BYTES, MAX_PIXELS = Config.PHOTO_MAX_BYTES, Config.PHOTO_MAX_PIXELS


def prepare(data, filename="photo.jpg", max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS):
    return images.prepare(io.BytesIO(data), filename, max_bytes, max_pixels)


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    "image_format, filename",
    [
        ("JPEG", "IMG_0001.JPG"),
        ("PNG", "screenshot.png"),
        ("WEBP", "photo.webp"),
        ("HEIF", "IMG_0002.HEIC"),
        ("JPEG", "camera"),  # no extension at all: the content decides
    ],
)
def test_each_accepted_format_becomes_a_jpeg_screen_copy_and_thumbnail(image_format, filename):
    prepared = prepare(image_bytes(image_format, size=(64, 48)), filename)
    screen, thumbnail = opened(prepared.screen), opened(prepared.thumbnail)
    assert screen.format == thumbnail.format == "JPEG"
    assert screen.size == (prepared.width, prepared.height) == (64, 48)
    assert screen.getpixel((32, 24)) == pytest.approx((200, 120, 100), abs=6)


def test_gps_camera_and_time_tags_are_stripped():
    original = opened(jpeg_with_gps())
    assert original.getexif().get_ifd(GPS_IFD), "the test photo must carry GPS tags to begin with"
    prepared = prepare(jpeg_with_gps())
    for data in (prepared.screen, prepared.thumbnail):
        kept = opened(data)
        assert not kept.getexif().get_ifd(GPS_IFD)
        assert len(kept.getexif()) == 0
        assert "exif" not in kept.info and "icc_profile" not in kept.info and "xmp" not in kept.info
        assert b"PhoneMaker" not in data and b"2026:06:15" not in data


def test_a_photo_taken_sideways_is_turned_upright_before_its_orientation_tag_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    prepared = prepare(jpeg(size=(80, 60), exif=exif.tobytes()))
    assert (prepared.width, prepared.height) == (60, 80)


def test_copies_are_shrunk_to_screen_and_thumbnail_size_keeping_the_shape():
    prepared = prepare(jpeg(size=(4000, 3000)))
    assert (prepared.width, prepared.height) == (images.SCREEN_SIZE, 1200)
    assert opened(prepared.thumbnail).size == (images.THUMBNAIL_SIZE, 240)


def test_transparent_parts_become_white_not_black():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    assert opened(prepare(out.getvalue(), "clear.png").screen).getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (TEXT, "notes.jpg", "not a photo we can read"),
        (SVG, "drawing.jpg", "not a photo we can read"),
        (HTML, "page.jpg", "not a photo we can read"),
        (image_bytes("GIF"), "animation.gif", "not a photo we can read"),  # a real image, not a photo format
        (image_bytes("PNG"), "photo.jpg", "a PNG image, but its name ends in .jpg"),
        (jpeg(), "photo.png", "a JPEG image, but its name ends in .png"),
        (jpeg(), "photo.exe", "a JPEG image, but its name ends in .exe"),
        (jpeg(size=(400, 300))[:-400], "cut.jpg", "damaged or incomplete"),
        (image_bytes("PNG", size=(300, 300))[:-40], "cut.png", "damaged or incomplete"),
        (png_bomb(), "bomb.png", "too large to open safely"),  # past Pillow's own limit
        (png_bomb(8000, 8000), "big.png", "too large to open safely"),  # 64 MP: past ours, below Pillow's
        (b"", "empty.jpg", "The file is empty"),
    ],
)
def test_files_that_are_not_acceptable_photos_are_refused_with_a_message(data, filename, message):
    with pytest.raises(images.PhotoRejected, match=message):
        prepare(data, filename)


def test_a_file_over_the_size_limit_is_refused_after_reading_just_past_the_limit():
    stream = io.BytesIO(jpeg() + b"\0" * 2000)
    with pytest.raises(images.PhotoRejected, match="larger than"):
        images.prepare(stream, "photo.jpg", max_bytes=1000, max_pixels=MAX_PIXELS)
    assert stream.tell() == 1001


def test_the_pixel_limit_is_configurable():
    with pytest.raises(images.PhotoRejected, match="too large to open safely"):
        prepare(jpeg(size=(200, 100)), max_pixels=19_999)
    assert prepare(jpeg(size=(200, 100)), max_pixels=20_000).width == 200
