"""Re-encode uploaded images so that only pixels survive.

What is dropped, and the pixel limit: docs/uploads.md#what-happens-to-an-upload
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from forum.uploads.filetypes import FileKind, FileRefused

__all__ = ["CleanImage", "reencode"]

_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}
MAX_FRAMES = 300
JPEG_QUALITY = 90


@dataclass(frozen=True)
class CleanImage:
    width: int
    height: int


def _too_large(max_pixels: int) -> FileRefused:
    return FileRefused(
        f"This image is too large: at most {max_pixels // 1_000_000} million pixels are "
        "accepted. Resize it (most screenshots and photos are far smaller) and upload it again.",
        status=413,
    )


def _open(source: Path, kind: FileKind, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_large(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _damaged(kind) from None
    if image.format != _PILLOW_FORMATS[kind.name]:
        image.close()
        raise _damaged(kind)
    if image.width * image.height > max_pixels:
        image.close()
        raise _too_large(max_pixels)
    return image


def _damaged(kind: FileKind) -> FileRefused:
    return FileRefused(
        f"This {kind.label} could not be read: it may be damaged, incomplete or not really a "
        f"{kind.label}. Open it in an image editor, save it again and upload the new copy.",
        status=415,
    )


def reencode(source: Path, target: Path, kind: FileKind, *, max_pixels: int) -> CleanImage:
    """Write a clean copy of the image at ``source`` to ``target``."""
    image = _open(source, kind, max_pixels)
    try:
        with image:
            if kind.name == "gif" and getattr(image, "n_frames", 1) > 1:
                return _save_animation(image, target, max_pixels)
            return _save_still(image, target, kind)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - a malformed image can break a decoder in any way
        raise _damaged(kind) from None


def _save_still(image: Image.Image, target: Path, kind: FileKind) -> CleanImage:
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    options: dict[str, object] = {}
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc  # colour, not identity: keeps photos looking right
    if kind.name == "jpeg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif kind.name == "png" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    elif kind.name == "gif" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    upright.save(target, _PILLOW_FORMATS[kind.name], **options)
    return CleanImage(upright.width, upright.height)


def _save_animation(image: Image.Image, target: Path, max_pixels: int) -> CleanImage:
    if image.n_frames > MAX_FRAMES or image.n_frames * image.width * image.height > 4 * max_pixels:
        raise _too_large(max_pixels)
    frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    durations = [frame.info.get("duration", 100) for frame in frames]
    frames[0].save(
        target,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        disposal=2,
    )
    return CleanImage(image.width, image.height)
