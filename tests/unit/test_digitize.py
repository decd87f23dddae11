"""Making drawings and photos into MNIST digits, and refusing what cannot be one."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.digitize import MAX_UPLOAD_BYTES, DigitError, digitize, read_image, to_grey


def stroke_image(size=(200, 300), paper="white", ink="black", box=(60, 40, 90, 250),
                 mode="RGB") -> Image.Image:
    """A synthetic '1': one thick vertical stroke inside `box` on a plain background."""
    image = Image.new(mode, size, paper)
    ImageDraw.Draw(image).rectangle(box, fill=ink)
    return image


def png(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def centre_of_mass(x: np.ndarray) -> np.ndarray:
    rows, cols = np.indices(x.shape)
    return np.array([(rows * x).sum(), (cols * x).sum()]) / x.sum()


def test_a_stroke_becomes_an_mnist_digit():
    steps = digitize(*read_image(png(stroke_image())))
    x = steps.x[0, 0]
    assert steps.x.shape == (1, 1, 28, 28) and steps.x.dtype == np.float32
    assert steps.inverted  # dark ink on white paper
    assert max(steps.boxed.shape) == 20  # the longer side fits the 20-pixel box
    assert steps.boxed.shape[1] < 20     # a tall stroke keeps its aspect ratio
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.9
    np.testing.assert_allclose(centre_of_mass(x), [13.5, 13.5], atol=0.6)
    assert x[:4].sum() == 0 and x[-4:].sum() == 0  # 20 rows of ink, 4 blank above and below


def test_light_on_dark_and_dark_on_light_give_the_same_digit():
    dark_on_light = digitize(*read_image(png(stroke_image())))
    light_on_dark = digitize(*read_image(png(stroke_image(paper="black", ink="white"))))
    assert not light_on_dark.inverted
    np.testing.assert_allclose(dark_on_light.x, light_on_dark.x, atol=1e-5)


def test_where_the_digit_was_drawn_does_not_matter():
    left = digitize(*read_image(png(stroke_image(box=(10, 10, 40, 150)))))
    right = digitize(*read_image(png(stroke_image(box=(150, 140, 180, 280)))))
    np.testing.assert_allclose(left.x, right.x, atol=1e-5)


def test_an_mnist_digit_survives_the_steps_almost_unchanged():
    """A centred 20 x 20 digit in 28 x 28 comes back in the same place."""
    x = np.zeros((28, 28), np.float32)
    x[4:24, 11:17] = 1.0
    steps = digitize(1.0 - x)  # as dark ink on light paper
    np.testing.assert_allclose(steps.x[0, 0], x, atol=0.05)


def test_a_jpeg_photo_with_grey_paper_works():
    photo = stroke_image(paper=(200, 200, 190), ink=(40, 40, 60))
    steps = digitize(*read_image(png(photo, "JPEG")))
    assert steps.inverted and steps.x.max() > 0.9


def test_a_transparent_png_reads_its_opaque_strokes_as_ink():
    image = stroke_image(paper=(255, 255, 255, 0), ink=(255, 255, 255, 255), mode="RGBA")
    grey, notes = read_image(png(image))  # white strokes on a transparent background
    steps = digitize(grey, notes)
    assert notes and "transparent" in notes[0]
    assert steps.x.max() > 0.9
    np.testing.assert_allclose(steps.x, digitize(*read_image(png(stroke_image()))).x, atol=1e-5)


def test_a_canvas_image_reads_like_an_upload():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[40:240, 120:150, :3] = 255  # a white stroke on the black canvas
    grey, notes = to_grey(canvas)
    steps = digitize(grey, notes)
    assert not steps.inverted and notes == []
    assert max(steps.boxed.shape) == 20


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"this is a text file, not a picture", "not an image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an image"),
    (png(stroke_image())[:300], "damaged"),
    (b"\x00" * (MAX_UPLOAD_BYTES + 1), "limit"),
], ids=["zero-bytes", "text", "fake-png", "truncated", "too-many-bytes"])
def test_bad_files_get_a_clear_message(data, words):
    with pytest.raises(DigitError, match=words):
        read_image(data)


def test_a_huge_image_is_refused_before_it_is_decoded():
    # 9000 x 9000 pixels of one colour compress to a few hundred kB: decoding would take 81 MB.
    data = png(Image.new("L", (9000, 9000), 255))
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(DigitError, match="megapixels"):
        read_image(data)


def test_a_large_photo_is_shrunk_before_the_steps():
    grey, _ = read_image(png(stroke_image(size=(3000, 2000), box=(1000, 300, 1400, 1700))))
    assert max(grey.shape) <= 512
    assert digitize(grey).x.max() > 0.9


@pytest.mark.parametrize("colour", [0, 128, 255])
def test_a_one_colour_image_has_no_digit(colour):
    grey, notes = read_image(png(Image.new("L", (100, 100), colour)))
    with pytest.raises(DigitError, match="one colour"):
        digitize(grey, notes)


def test_a_fully_transparent_image_has_no_digit():
    grey, notes = read_image(png(Image.new("RGBA", (50, 50), (0, 0, 0, 0))))
    with pytest.raises(DigitError, match="one colour"):
        digitize(grey, notes)


def test_shaded_grainy_paper_is_levelled_before_the_crop():
    """A photo of dark ink on light paper with a shadow across it and grain all over: the paper
    must not survive as a grey rectangle around the digit (it did: BCE 131 against ~50)."""
    clean = digitize(*read_image(png(stroke_image())))
    rng = np.random.default_rng(0)
    h, w = 300, 200
    shade = np.linspace(235, 150, w)[None, :].repeat(h, 0)          # a shadow from one side
    paper = shade + rng.normal(0, 10, (h, w))                        # and grain
    ink = np.asarray(stroke_image().convert("L"), np.float32) < 128
    photo = np.where(ink, 45 + rng.normal(0, 10, (h, w)), paper).clip(0, 255).astype(np.uint8)
    steps = digitize(*read_image(png(Image.fromarray(photo))))
    x, x_clean = steps.x[0, 0], clean.x[0, 0]
    outside = x[x_clean < 0.05].sum() / x.sum()
    assert outside < 0.05, f"{outside:.0%} of the ink is paper"
    assert np.abs(x - x_clean).mean() < 0.05
    assert any("paper was evened out" in note for note in steps.notes)


def test_a_39_megapixel_png_is_refused_from_its_header():
    """A 170 KB PNG of 39 megapixels cost the server +293 MB to decode before."""
    data = png(Image.new("L", (7200, 5400), 255))
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(DigitError, match="7200 × 5400 pixels"):
        read_image(data)


def test_a_decompression_bomb_is_called_too_large_not_unreadable():
    """PIL refuses a 20000 x 20000 image from its header: the student is told it is too large
    (it read "not an image we can read" before)."""
    header = Image.new("1", (20000, 20000))
    data = png(header)
    with pytest.raises(DigitError, match="larger than the limit"):
        read_image(data)


def test_a_photo_stored_sideways_is_turned_upright():
    """A phone's EXIF orientation 6 (rotate 90° clockwise to view): the stroke, stored lying
    down, must come out standing (it was cropped sideways before)."""
    lying = stroke_image(size=(300, 200), box=(40, 60, 250, 90))  # a horizontal bar as stored
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    lying.save(buffer, "JPEG", exif=exif)
    grey, _ = read_image(buffer.getvalue())
    assert grey.shape[0] > grey.shape[1]  # upright: taller than wide
    steps = digitize(grey)
    assert steps.cropped.shape[0] > steps.cropped.shape[1]  # the stroke stands


def test_a_float_image_with_missing_values_is_refused():
    values = np.full((60, 60), 0.0, dtype=np.float32)
    values[10:50, 25:35] = 1.0
    values[:20, :20] = np.nan  # the block that became "the digit" before
    buffer = io.BytesIO()
    Image.fromarray(values, mode="F").save(buffer, "TIFF")
    with pytest.raises(DigitError, match="NaN"):
        read_image(buffer.getvalue())


def test_an_almost_all_white_canvas_holds_no_digit():
    """The canvas draws white on black; painted nearly all over, its few black pixels read as a
    0 at 99 % before (the white border made it look like paper)."""
    canvas = np.ones((280, 280), dtype=np.float32)
    canvas[100:140, 120:160] = 0.0
    with pytest.raises(DigitError, match="of the picture is ink"):
        digitize(canvas, [], light_ink=True)
    drawn = np.zeros((280, 280), dtype=np.float32)
    drawn[40:240, 120:150] = 1.0  # a normal stroke still works
    assert digitize(drawn, [], light_ink=True).x.max() > 0.9
