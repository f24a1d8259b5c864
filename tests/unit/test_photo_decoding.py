"""Decoding a large upload: at most one full-size image in memory, and the same picture as before.

Images wider than twice the screen copy's size are box-reduced strip by
strip (app.core.images._screen_sized); these check that nothing is lost on that
path (transparency, palette, EXIF orientation), and that a 49-megapixel PNG
no longer costs several full-size copies. Times are in bench/photo_decode.py.
"""

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.core import images

ROOT = Path(__file__).resolve().parents[2]
WIDE = (6400, 1600)  # wide enough for the strip-by-strip path (4 x SCREEN_SIZE)


def encoded(image, image_format, **options):
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def prepare(data, name):
    return images.prepare(io.BytesIO(data), name, max_bytes=len(data), max_pixels=50_000_000)


def half_transparent(mode):
    """Left half fully transparent, right half opaque red: as RGBA, or as a palette with a clear entry."""
    if mode == "RGBA":
        image = Image.new("RGBA", WIDE, (255, 0, 0, 255))
        image.paste((0, 0, 0, 0), (0, 0, WIDE[0] // 2, WIDE[1]))
        return image
    image = Image.new("P", WIDE, 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(0, (0, 0, WIDE[0] // 2, WIDE[1]))
    image.info["transparency"] = 0
    return image


@pytest.mark.parametrize("mode", ["RGBA", "P"])
def test_a_wide_transparent_image_is_reduced_with_white_where_it_was_clear(mode):
    prepared = prepare(encoded(half_transparent(mode), "PNG"), "wide.png")
    assert (prepared.width, prepared.height) == (1600, 400)
    screen = Image.open(io.BytesIO(prepared.screen))
    assert screen.size == (1600, 400)
    left, right = screen.getpixel((100, 200)), screen.getpixel((1500, 200))
    assert all(channel > 245 for channel in left)  # transparent became white, not black
    assert right[0] > 230 and right[1] < 30 and right[2] < 30  # red stayed red
    assert Image.open(io.BytesIO(prepared.thumbnail)).size == (320, 80)


def test_a_large_photo_turned_by_exif_is_upright_after_reduction():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show rotated 90 degrees clockwise
    prepared = prepare(encoded(Image.new("RGB", WIDE, (30, 120, 200)), "WEBP", exif=exif.tobytes()), "turned.webp")
    assert (prepared.width, prepared.height) == (400, 1600)
    assert "exif" not in Image.open(io.BytesIO(prepared.screen)).info


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    data = encoded(Image.linear_gradient("L").resize((8064, 6048)).convert("RGB"), "JPEG")
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", images._fitted(image.size, images.SCREEN_SIZE))
        assert image.size == (2016, 1512)  # what _decode asks of the decoder: a quarter, not 49 MP
    prepared = prepare(data, "big.jpg")
    assert (prepared.width, prepared.height) == (1600, 1200)


def flat_rgb_png(width, height, colour=(200, 120, 100)):
    """A PNG of one colour, compressed row by row: ~155 KB for 49 megapixels, never whole in memory."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row, compressor, body = b"\x00" + bytes(colour) * width, zlib.compressobj(9), []
    for _ in range(height):
        body.append(compressor.compress(row))
    body.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(body)) + chunk(b"IEND", b"")


# In a child process that has read the file: peak memory before and after preparing it.
PEAK_MEMORY = """
import io, json, resource, sys
sys.path.insert(0, {root!r})
from app.core import images
data = open({path!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
images.prepare(io.BytesIO(data), "big.png", max_bytes=len(data), max_pixels=50_000_000)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"added_kb": after - before}}))
"""


def test_a_49_megapixel_png_costs_one_decoded_copy_not_several(tmp_path):
    """Issue 12: this ~155 KB file took 732 MB of a worker. Decoded once it is 7000 x 7000 x 3 = 140 MB."""
    path = tmp_path / "big.png"
    path.write_bytes(flat_rgb_png(7000, 7000))
    assert path.stat().st_size < 200 * 1024
    done = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY.format(root=str(ROOT), path=str(path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    added_mb = json.loads(done.stdout)["added_kb"] / 1024
    decoded_mb = 7000 * 7000 * 3 / 1024 / 1024
    assert added_mb < decoded_mb * 1.5  # the decoded image and small copies, never a second full one
