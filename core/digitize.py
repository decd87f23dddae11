"""A drawing or a photo of a digit, made into an MNIST digit the way MNIST itself was made.

LeCun et al. describe MNIST's preprocessing: each digit was size-normalised to fit a 20 × 20
box keeping its aspect ratio (anti-aliased, hence the grey edges), then placed in a 28 × 28
image so that its centre of mass sits at the centre. `digitize` repeats those steps and keeps
every intermediate image so a lesson can show them.

Inputs come from strangers, so everything that can be wrong with them is caught here and
reported as a `DigitError` with a message that says what to do.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024   # more than any photo of a digit needs
MAX_PIXELS = 12_000_000               # checked from the header, before anything is decoded:
                                      # a 4000 x 3000 phone photo; decoding one costs < 100 MB
MAX_INK = 0.6                         # a picture more than this share ink holds no digit
WORK_SIDE = 512                       # larger images are shrunk to this before the steps below
INK = 0.2                             # grey level (0 paper .. 1 ink) that counts as ink
MIN_CONTRAST = 0.15                   # darkest vs lightest grey: below this, nothing is drawn
BOX, SIDE = 20, 28                    # MNIST: the digit fits 20 × 20, centred in 28 × 28
LEVEL_FROM = 100                      # images at least this many pixels a side have paper to level


class DigitError(ValueError):
    """The input cannot be read as a digit; the message says why and what to do."""


@dataclass
class Digitized:
    """Every step of the preprocessing, as float arrays in [0, 1] with ink = 1.

    grey: (H, W) the input in grey scale, as given (paper may be light or dark)
    ink: (H, W) the same with ink bright on a dark background (inverted if the paper was light)
    cropped: (h, w) cut to the ink's bounding box
    boxed: (h', w') scaled so its longer side is 20, aspect ratio kept
    x: (1, 1, 28, 28) placed in 28 × 28 by centre of mass: ready for the encoder
    """

    grey: np.ndarray
    ink: np.ndarray
    cropped: np.ndarray
    boxed: np.ndarray
    x: np.ndarray
    inverted: bool
    notes: list[str]


def read_image(data: bytes) -> tuple[np.ndarray, list[str]]:
    """Decode uploaded bytes (PNG, JPEG, …) into a grey image (H, W) float in [0, 1].

    Transparency: where the image has an alpha channel that is not fully opaque, the opaque
    strokes are the drawing, so alpha becomes the ink (on light paper). Returns (grey, notes).
    """
    if not data:
        raise DigitError("The file is empty (0 bytes). Upload a PNG or JPEG photo of a digit.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DigitError(f"The file is {len(data) / 1e6:.0f} MB; the limit is "
                         f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Crop the photo to the digit or "
                         "save it smaller.")
    too_large = (f"The image is larger than the limit of {MAX_PIXELS / 1e6:.0f} megapixels. "
                 "Save it smaller (or crop it to the digit) and upload it again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image = Image.open(io.BytesIO(data))  # reads the header only
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise DigitError(too_large) from None  # PIL refused it from the header
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise DigitError(f"The image is {width} × {height} pixels; the limit is "
                                 f"{MAX_PIXELS / 1e6:.0f} megapixels. Save it smaller (or crop "
                                 "it to the digit) and upload it again.")
            image.draft("L", (WORK_SIDE, WORK_SIDE))  # JPEG: decode at reduced size, cheaply
            image.load()
    except DigitError:
        raise
    except UnidentifiedImageError:
        raise DigitError("This file is not an image we can read. Upload a PNG or JPEG.") from None
    except (OSError, SyntaxError, ValueError):
        raise DigitError("The image file is damaged or cut short. Save it again and upload "
                         "the new file.") from None
    image.thumbnail((WORK_SIDE, WORK_SIDE))
    image = ImageOps.exif_transpose(image)  # a phone photo stored sideways, stood upright
    if image.mode in ("F", "I", "I;16"):  # numbers, not colours: a float or 16-bit TIFF
        values = np.asarray(image, dtype=np.float64)
        if not np.isfinite(values).all():
            raise DigitError("Some pixels of this image hold no number (NaN or infinity). Save "
                             "it as an ordinary 8-bit PNG or JPEG and upload that.")
        low, high = float(values.min()), float(values.max())
        grey = (values - low) / (high - low) if high > low else np.zeros_like(values)
        return grey.astype(np.float32), []
    return to_grey(np.asarray(image.convert("RGBA")))


def to_grey(rgba: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """An RGBA (H, W, 4) uint8 image as grey (H, W) float in [0, 1]; see `read_image`."""
    rgb = rgba[..., :3].astype(np.float32) / 255.0
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 luma
    if alpha.min() < 0.98:
        # A transparent background: the strokes are what is opaque, whatever their colour.
        return 1.0 - alpha, ["The image is transparent: its opaque strokes were read as the ink."]
    return grey, []


def digitize(grey: np.ndarray, notes: list[str] | None = None, *,
             light_ink: bool | None = None) -> Digitized:
    """Make a grey image (H, W) in [0, 1] into an MNIST-style digit; see `Digitized`.

    Light paper is detected from the border (the median of the outermost pixels) and inverted,
    so dark ink on white and light chalk on black both work; `light_ink` says it instead where
    the source knows (the canvas draws light strokes on black, whatever the border).
    A picture more than MAX_INK ink holds no digit: DigitError says so.
    """
    notes = list(notes or [])
    grey = np.asarray(grey, dtype=np.float32)
    if grey.ndim != 2 or min(grey.shape) < 2:
        raise DigitError("The image is too small to hold a digit.")
    if float(grey.max() - grey.min()) < MIN_CONTRAST:
        raise DigitError("The image is all one colour: there is no digit in it. Draw a digit, "
                         "or upload a photo with dark ink on light paper (or light on dark).")
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    inverted = bool(np.median(border) > 0.5) if light_ink is None else not light_ink
    ink = 1.0 - grey if inverted else grey.copy()
    ink, levelled = level(ink) if light_ink is None else (ink, False)  # only photos have paper
    if levelled:
        notes.append("The paper was evened out first: its shading and grain are not ink.")
    if float(ink.max() - ink.min()) < MIN_CONTRAST:
        raise DigitError("Once the paper is evened out no strokes are left. Upload a photo with "
                         "a darker, thicker digit, cropped close to it.")
    ink = (ink - ink.min()) / (ink.max() - ink.min())  # full contrast, like MNIST's scans
    if float((ink > INK).mean()) > MAX_INK:
        raise DigitError(f"{float((ink > INK).mean()):.0%} of the picture is ink: a digit is a "
                         "few strokes on empty paper. Clear the canvas (its bin icon) and draw "
                         "the digit with a few strokes, or crop a photo closer to the digit.")
    rows, cols = np.nonzero(ink > INK)
    cropped = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    boxed = _fit_box(cropped)
    x = _centre_of_mass(boxed)
    return Digitized(grey, ink, cropped, boxed, x[None, None], inverted, notes)


def level(ink: np.ndarray) -> tuple[np.ndarray, bool]:
    """Take the paper out of a photo: ink (H, W), bright strokes on a darker, uneven ground.

    The ground is estimated by a grey opening (a minimum then a maximum filter) wider than any
    stroke: it erases the strokes and keeps the slow shading of the paper, which is subtracted.
    The grain left on the paper is cut at a level above nearly all of it (the median plus five
    robust standard deviations: the paper is most of a photo cropped close to a digit), so it
    does not become grey ink.
    Small images (a canvas drawing shrunk, a 28 × 28 digit) have no paper to level: unchanged.
    Returns (levelled ink, whether anything was taken out).
    """
    h, w = ink.shape
    if min(h, w) < LEVEL_FROM:
        return ink, False
    from scipy.ndimage import grey_opening

    size = max(3, min(h, w) // 4)
    flat = ink - grey_opening(ink, size=(size, size))
    median = float(np.median(flat))
    floor = median + 5 * 1.4826 * float(np.median(np.abs(flat - median)))
    out = np.clip(flat - floor, 0.0, None)
    changed = bool(np.abs(out - (ink - ink.min())).max() > 0.05)
    return (out if out.max() > 0 else flat), changed


def _fit_box(image: np.ndarray) -> np.ndarray:
    """Scale (h, w) so the longer side is 20 pixels, keeping the aspect ratio (anti-aliased)."""
    h, w = image.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray(image.astype(np.float32)).resize(size, Image.LANCZOS)
    return np.clip(np.asarray(resized), 0.0, 1.0)


def _centre_of_mass(boxed: np.ndarray) -> np.ndarray:
    """Place `boxed` in a 28 × 28 image so that its centre of mass lands on the centre.

    The shift is rounded to whole pixels (the image stays sharp) and limited so that no ink
    falls off the edge.
    """
    h, w = boxed.shape
    mass = boxed.sum()
    rows, cols = np.indices(boxed.shape)
    com_r, com_c = (rows * boxed).sum() / mass, (cols * boxed).sum() / mass
    top = int(np.clip(round(SIDE / 2 - 0.5 - com_r), 0, SIDE - h))
    left = int(np.clip(round(SIDE / 2 - 0.5 - com_c), 0, SIDE - w))
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top:top + h, left:left + w] = boxed
    return out
