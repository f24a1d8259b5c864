"""Test images made on the spot with Pillow: photos, a photo with GPS tags, and files that only pretend."""

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def jpeg(size=(64, 48), colour=(200, 120, 100), exif=None, quality=90):
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(out, format="JPEG", quality=quality, exif=exif)
    else:
        image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def image_bytes(image_format, size=(64, 48), colour=(200, 120, 100)):
    out = io.BytesIO()
    mode = "RGBA" if image_format in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, colour).save(out, format=image_format)
    return out.getvalue()


def jpeg_with_gps():
    """A JPEG whose EXIF says where it was taken (Paris), which camera, and when."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0132] = "2026:06:15 09:30:00"  # DateTime
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: (48.0, 51.0, 24.0),  # latitude
            3: "E",
            4: (2.0, 21.0, 7.0),  # longitude
        }
    )
    return jpeg(size=(80, 60), exif=exif.tobytes())


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG that claims 10 gigapixels: decoded, it would need tens of gigabytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * 10, 9)) + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
TEXT = b"Just some notes, not a photo at all.\n"
