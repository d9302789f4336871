"""Read whatever photo a user has into 8-bit RGB and grayscale arrays.

Phones and the web produce far more than 8-bit RGB JPEGs: EXIF-rotated pictures, PNGs with
alpha or palettes, 16-bit scans, CMYK prints, multi-megapixel frames. Each is normalised here
so face detection always sees an upright 8-bit image of bounded size.
"""

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import PhotoReadError

# What a folder search counts as a photo: the still-image formats cameras, phones, scanners and
# the web produce. HEIC needs the pillow-heif plugin; without it the photo is reported, not skipped.
PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".apng", ".bmp", ".dib", ".gif", ".webp", ".tif", ".tiff"}
    | {".avif", ".avifs", ".heic", ".heif", ".jp2", ".j2k", ".jpx", ".pgm", ".ppm", ".pbm", ".pnm"}
    | {".qoi", ".tga", ".ico"}
)
NEEDS_PLUGIN = {".heic": "pillow-heif", ".heif": "pillow-heif"}
MAX_SIDE = 2048  # larger photos are downscaled: faces stay far above 48x48, detection stays fast
# A PNG, TIFF or WebP is decoded whole before it can be shrunk (a JPEG is decoded shrunk): past
# this many pixels it would cost gigabytes (a 0.5 MB PNG of 13000x13000 holds 169 megapixels).
MAX_DECODED_PIXELS = 64_000_000
RESIZE_HINT = "resize it first (to 4096 pixels on its long side, say: magick IN -resize 4096x4096 OUT)"


@dataclass(frozen=True)
class Photo:
    rgb: np.ndarray  # (H, W, 3) uint8, upright
    scale: float  # original pixels per pixel of ``rgb`` (1.0 unless downscaled)

    @property
    def gray(self):
        weights = np.array([0.299, 0.587, 0.114])  # ITU-R 601, as PIL's "L" and OpenCV use
        return (self.rgb @ weights).round().astype(np.uint8)


def is_hidden(relative_path):
    """Whether a path below a folder the user named is hidden (``.DS_Store``, ``.ipynb_checkpoints/``):
    such files are passed over when a folder is searched."""
    return any(part.startswith(".") for part in Path(relative_path).parts)


def read_photo(path, max_side=MAX_SIDE):
    """An upright 8-bit photo of at most ``max_side`` squared pixels, no side above its own nor
    the short side above ``max_side``: a panorama (20000x600) keeps its height, and so its faces,
    where shrinking its long side to ``max_side`` would leave them a few pixels tall.

    A photo of several frames (an animated GIF, a multi-page TIFF) is read at its first frame,
    with a warning; one too large to decode is refused (:data:`MAX_DECODED_PIXELS`)."""
    with open_image(path) as image:
        check_pixel_budget(image, path)
        warn_of_other_frames(image, path)
        original_size = max(image.size)
        target = photo_size(image.size, max_side)
        image.draft("RGB", target)  # JPEG decoders can downscale while decoding
        rgb = read_rgb(image, path)
    if rgb.size[0] > target[0] or rgb.size[1] > target[1]:  # a turned photo's sides swap
        rgb.thumbnail(photo_size(rgb.size, max_side), Image.Resampling.LANCZOS)
    return Photo(np.asarray(rgb), original_size / max(rgb.size))


def photo_size(size, max_side=MAX_SIDE):
    """``(width, height)`` scaled down, never up, to at most ``max_side`` squared pixels and
    ``max_side`` on the short side."""
    width, height = size
    scale = min(1.0, max_side / min(width, height), max_side / math.sqrt(width * height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def check_pixel_budget(image, path):
    """Refuse, before decoding, an image that cannot be decoded shrunk and is too large to
    decode whole; a JPEG is decoded at an eighth of its size or less, so it passes."""
    pixels = image.width * image.height
    if image.format != "JPEG" and pixels > MAX_DECODED_PIXELS:
        raise PhotoReadError(
            f"{path}: {image.width}x{image.height} pixels ({pixels / 1e6:.0f} megapixels) is more than "
            f"{MAX_DECODED_PIXELS / 1e6:.0f} megapixels, too large to decode; {RESIZE_HINT}"
        )


def warn_of_other_frames(image, path):
    """Say that only the first frame of an animation or multi-page file is read."""
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        warnings.warn(
            f"{path}: holds {frames} frames (an animation or a multi-page file); only the first is "
            "read: save the frames as photos of their own to read them all",
            stacklevel=3,
        )


def read_gray(path):
    """Any image file as an upright 8-bit grayscale array, 16-bit and alpha images included:
    the one reader behind both photos and the image-folder layout of FER2013."""
    with open_image(path) as image:
        check_pixel_budget(image, path)
        return np.asarray(read_rgb(image, path).convert("L"))


def open_image(path):
    """``PIL.Image.open`` with errors that name the file and, for HEIC, the plugin it needs."""
    try:
        return Image.open(path)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        plugin = NEEDS_PLUGIN.get(Path(path).suffix.lower())
        advice = f"; install {plugin} (pip install {plugin}) to read it" if plugin else ""
        raise PhotoReadError(f"{path}: cannot read this image ({error}){advice}") from None


def read_rgb(image, path):
    """An opened image decoded, turned upright and converted to 8-bit RGB."""
    try:
        return to_rgb(ImageOps.exif_transpose(image))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoReadError(f"{path}: cannot read this image ({error})") from None


def to_rgb(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode != "F" and values.max() > 255 else max(values.max(), 1.0)
        return Image.fromarray((values / top * 255).clip(0, 255).astype(np.uint8)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")  # L, 1, P, CMYK, YCbCr, RGB
