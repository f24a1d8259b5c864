"""Turning an uploaded file into the two photos Afterglow keeps: pure Pillow, no Flask.

Nothing the patient's phone wrote into the file survives: the picture is
decoded, turned upright, converted to sRGB and encoded afresh as JPEG, so
EXIF (GPS position, camera, time), XMP, ICC profiles and anything hidden
after the image data are left behind. Only a screen-size copy and a
thumbnail are kept, never the original.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from app.core.i18n import gettext as _

register_heif_opener()  # HEIC/HEIF, what iPhones take, through the maintained pillow-heif

# Pillow's format name -> the file name endings such a file may have.
ACCEPTED_FORMATS = {
    "JPEG": {".jpg", ".jpeg", ".jfif"},
    "PNG": {".png"},
    "WEBP": {".webp"},
    "HEIF": {".heic", ".heif"},
}
ACCEPTED_EXTENSIONS = sorted(set().union(*ACCEPTED_FORMATS.values()))
FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}

SCREEN_SIZE = 1600  # longest side of the copy shown on screens
THUMBNAIL_SIZE = 320
JPEG_QUALITY = 85
SRGB = ImageCms.createProfile("sRGB")


class PhotoRejected(ValueError):
    """The file cannot be kept as a photo; the message says why, in the patient's words."""


@dataclass(frozen=True)
class PreparedPhoto:
    screen: bytes  # JPEG, longest side at most SCREEN_SIZE
    thumbnail: bytes  # JPEG, longest side at most THUMBNAIL_SIZE
    width: int  # of the screen copy
    height: int


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def prepare(stream, filename: str, max_bytes: int, max_pixels: int) -> PreparedPhoto:
    """Check an upload and re-encode it; raises PhotoRejected with a message for the patient.

    ``stream`` is read at most ``max_bytes + 1`` bytes, so a huge file costs no memory.
    """
    data = stream.read(max_bytes + 1)
    if not data:
        raise PhotoRejected(_("The file is empty. Choose or take the photo again."))
    if len(data) > max_bytes:
        raise PhotoRejected(
            _(
                "This file is larger than %(size)s. Choose a smaller photo, or take one with the camera.",
                size=megabytes(max_bytes),
            )
        )
    image_format = _identify(data, max_pixels)
    extension = PurePath(filename or "").suffix.lower()
    if extension and extension not in ACCEPTED_FORMATS[image_format]:
        raise PhotoRejected(
            _(
                "This file is a %(kind)s image, but its name ends in %(extension)s. "
                "Rename it to match, or choose another photo.",
                kind=FORMAT_NAMES[image_format],
                extension=extension,
            )
        )
    picture = _decode(data, max_pixels)
    width, height = _fitted(picture.size, SCREEN_SIZE)
    return PreparedPhoto(
        screen=_jpeg(picture, SCREEN_SIZE), thumbnail=_jpeg(picture, THUMBNAIL_SIZE), width=width, height=height
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    # Only the photo formats are tried, so an SVG, an HTML page or a GIF is never even parsed.
    # Pillow's own bomb check warns at MAX_IMAGE_PIXELS; ours refuses at max_pixels, before decoding.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PhotoRejected(_too_many_pixels(max_pixels)) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise PhotoRejected(_not_a_photo()) from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        image.close()
        raise PhotoRejected(_too_many_pixels(max_pixels))
    return image


def _identify(data: bytes, max_pixels: int) -> str:
    with _open(data, max_pixels) as image:
        image_format = image.format
        try:
            image.verify()  # checks the structure (and PNG checksums) without decoding
        except Exception:  # Pillow raises many kinds here for a damaged file
            raise PhotoRejected(_damaged()) from None
    if image_format not in ACCEPTED_FORMATS:
        raise PhotoRejected(_not_a_photo())
    return image_format


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """The upload as the screen copy, upright and in sRGB, decoded with at most one full-size image."""
    with _open(data, max_pixels) as image:
        try:
            # A JPEG decodes straight at 1/2, 1/4 or 1/8 size, still larger than the screen copy:
            # a fraction of the memory and time. Other formats decode whole.
            image.draft("RGB", _fitted(image.size, SCREEN_SIZE))
            image.load()  # a truncated file fails here
            picture = _screen_sized(image)
        except Exception:  # Pillow raises many kinds here for a damaged file
            raise PhotoRejected(_damaged()) from None
    try:
        # Upright as taken (EXIF, kept in info until here), then colours: on the small copy only.
        return _as_srgb(ImageOps.exif_transpose(picture))
    except Exception:
        raise PhotoRejected(_damaged()) from None


# Modes Pillow's reduce() works in; others (palette, 1-bit, 16-bit) are converted on the way down.
_REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK"}
_STRIP_ROWS = 256  # of the decoded image at a time: ~5 MB of a 7,000-pixel-wide RGB image


def _screen_sized(image: Image.Image) -> Image.Image:
    """A copy at most SCREEN_SIZE on its longest side, made without a second full-size image.

    A 49-megapixel PNG decodes to 150-200 MB; converting, premultiplying alpha
    or resizing it whole would each make another such copy (over 700 MB in
    all). Instead it is box-reduced strip by strip to at most twice the screen
    size (Pillow's reducing gap of 2, indistinguishable from a full Lanczos
    resize), then resized with Lanczos.
    """
    mode = (
        image.mode
        if image.mode in _REDUCIBLE_MODES
        else ("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    )
    factor = max(image.size) // (2 * SCREEN_SIZE)
    if factor >= 2:
        width, height = image.size
        small = Image.new(mode, (-(-width // factor), -(-height // factor)))
        rows = factor * max(1, _STRIP_ROWS // factor)  # whole blocks of `factor` rows
        for top in range(0, height, rows):
            strip = image.crop((0, top, width, min(top + rows, height)))
            small.paste(strip.convert(mode).reduce(factor), (0, top // factor))
    else:
        small = image.convert(mode)  # at most twice the screen size: a small copy
    if max(small.size) > SCREEN_SIZE:
        small = small.resize(_fitted(small.size, SCREEN_SIZE), Image.Resampling.LANCZOS)
    # The ICC profile and the EXIF orientation still apply; a palette's transparency is alpha now.
    small.info = {key: value for key, value in image.info.items() if key != "transparency" or mode == image.mode}
    return small


def _as_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB with no metadata: colours kept, the embedded profile applied and dropped."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: the pixels are kept as they are
    if image.mode in ("P", "PA", "LA", "RGBA") or "transparency" in image.info:
        # Transparent parts become white, as on a page, rather than black.
        layer = image.convert("RGBA")
        image = Image.new("RGBA", layer.size, "white")
        image.alpha_composite(layer)
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))  # a new image carries none of the old one's info (EXIF, XMP, ICC)
    return clean


def _fitted(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _jpeg(picture: Image.Image, longest: int) -> bytes:
    copy = (
        picture.resize(_fitted(picture.size, longest), Image.Resampling.LANCZOS)
        if max(picture.size) > longest
        else picture
    )
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _not_a_photo() -> str:
    return _(
        "This file is not a photo we can read. Choose a JPEG, PNG, HEIC or WebP photo, or take one with the camera."
    )


def _damaged() -> str:
    return _("This photo is damaged or incomplete. Take it again, or choose another copy.")


def _too_many_pixels(max_pixels: int) -> str:
    return _(
        "This image is too large to open safely (over %(megapixels)d megapixels). "
        "Take the photo with the camera, or choose a smaller one.",
        megapixels=max_pixels // 1_000_000,
    )
