"""Read whatever photo a user has into 8-bit RGB and grayscale arrays.

Phones and the web produce far more than 8-bit RGB JPEGs: EXIF-rotated pictures, PNGs with
alpha or palettes, 16-bit scans, CMYK prints, multi-megapixel frames. Each is normalised here
so face detection always sees an upright 8-bit image of bounded size.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import PhotoReadError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff")
MAX_SIDE = 2048  # larger photos are downscaled: faces stay far above 48x48, detection stays fast


@dataclass(frozen=True)
class Photo:
    rgb: np.ndarray  # (H, W, 3) uint8, upright
    scale: float  # original pixels per pixel of ``rgb`` (1.0 unless downscaled)

    @property
    def gray(self):
        weights = np.array([0.299, 0.587, 0.114])  # ITU-R 601, as PIL's "L" and OpenCV use
        return (self.rgb @ weights).round().astype(np.uint8)


def read_photo(path, max_side=MAX_SIDE):
    try:
        with Image.open(path) as image:
            original_size = max(image.size)
            image.draft("RGB", (max_side, max_side))  # JPEG decoders can downscale while decoding
            upright = ImageOps.exif_transpose(image)
            rgb = _to_rgb(upright)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoReadError(f"{path}: cannot read this image ({error})") from None
    if max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return Photo(np.asarray(rgb), original_size / max(rgb.size))


def _to_rgb(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode != "F" and values.max() > 255 else max(values.max(), 1.0)
        return Image.fromarray((values / top * 255).clip(0, 255).astype(np.uint8)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")  # L, 1, P, CMYK, YCbCr, RGB
