"""Images for the screen: numpy arrays, upscaled with nearest neighbour so pixels stay crisp.

Drawing with numpy instead of a matplotlib figure keeps a slider's rerun to a few milliseconds.
Pictures go to the browser at their own resolution (`png`) and the browser enlarges them with
`image-rendering: pixelated`: the same crisp squares as upscaling here, for a ninth of the
pixels to encode at 3x.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np
import torch
from PIL import Image
from torch import Tensor

COLOR_MAPS = ("viridis", "grey")


@lru_cache(maxsize=None)
def lookup_table(cmap: str) -> np.ndarray:
    """(256, 3) uint8 colours for the intensities 0..255."""
    if cmap == "grey":
        return np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    from matplotlib import colormaps  # only for the table; never draws a figure

    return (colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).round().astype(np.uint8)


def tile(images: Tensor | np.ndarray, columns: int, pad: int = 1,
         fill: float = np.nan) -> np.ndarray:
    """Lay out images (N, 1, H, W) or (N, H, W) in a grid with `columns` per row.

    Returns a float array (rows * (H + pad) - pad, columns * (W + pad) - pad) in [0, 1]; the
    gaps and empty cells are `fill` (NaN by default, which `to_pixels` paints white).
    """
    array = images.detach().cpu().numpy() if isinstance(images, Tensor) else np.asarray(images)
    array = array.reshape(-1, *array.shape[-2:])
    n, h, w = array.shape
    rows = max(1, -(-n // columns))
    out = np.full((rows * (h + pad) - pad, columns * (w + pad) - pad), fill, dtype=np.float32)
    for i, image in enumerate(array):
        r, c = divmod(i, columns)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = image
    return out


def to_pixels(image: Tensor | np.ndarray, scale: int = 4, cmap: str = "viridis") -> np.ndarray:
    """A float image (H, W) in [0, 1] as an RGB uint8 array (H * scale, W * scale, 3).

    NaN pixels (the gaps of `tile`) are white, whatever the colour map.
    """
    array = image.detach().cpu().numpy() if isinstance(image, Tensor) else np.asarray(image)
    array = array.reshape(array.shape[-2:])
    gap = np.isnan(array)
    index = (np.clip(np.nan_to_num(array), 0, 1) * 255).round().astype(np.uint8)
    rgb = lookup_table(cmap)[index]
    rgb[gap] = 255
    return rgb.repeat(scale, axis=0).repeat(scale, axis=1)


def png(rgb: np.ndarray) -> bytes:
    """An RGB uint8 array (H, W, 3) as PNG bytes.

    zlib's fastest level: a page encodes its pictures on every rerun, and on these small,
    flat images the fastest level is about 3x quicker than Pillow's default for a few percent
    more bytes.
    """
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def data_uri(rgb: np.ndarray) -> str:
    """An RGB uint8 array (H, W, 3) as a PNG data URI, for pictures inside a chart's data."""
    return "data:image/png;base64," + base64.b64encode(png(rgb)).decode()


def seeded_indices(n_total: int, n: int, seed: int) -> np.ndarray:
    """`n` distinct indices into range(n_total), the same for the same seed on every machine."""
    return torch.randperm(n_total, generator=torch.Generator().manual_seed(seed))[:n].numpy()


def labelled_grid(images: Tensor | np.ndarray, labels: list[str], columns: int, scale: int = 2,
                  cmap: str = "viridis", pad: int = 4) -> np.ndarray:
    """Images (N, 1, 28, 28) in a grid, each with its label printed underneath.

    Returns an RGB uint8 array. The labels are drawn with Pillow's built-in bitmap font
    (about 6 pixels a character), so a cell is at least as wide as its longest label.
    """
    from PIL import ImageDraw, ImageFont

    array = images.detach().cpu().numpy() if isinstance(images, Tensor) else np.asarray(images)
    array = array.reshape(-1, *array.shape[-2:])
    font = ImageFont.load_default()
    side = array.shape[-1] * scale
    label_w = max((int(font.getlength(label)) for label in labels), default=0)
    cell_w, cell_h = max(side, label_w) + pad, side + 12 + pad
    rows = max(1, -(-len(array) // columns))
    canvas = Image.new("RGB", (columns * cell_w, rows * cell_h), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (image, label) in enumerate(zip(array, labels)):
        r, c = divmod(i, columns)
        x0, y0 = c * cell_w + (cell_w - side) // 2, r * cell_h
        canvas.paste(Image.fromarray(to_pixels(image, scale, cmap)), (x0, y0))
        text_x = c * cell_w + (cell_w - int(font.getlength(label))) // 2
        draw.text((text_x, y0 + side + 1), label, fill=(40, 40, 40), font=font)
    return np.asarray(canvas)
