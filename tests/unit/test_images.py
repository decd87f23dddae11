import numpy as np
import torch

from core.images import seeded_indices, tile, to_pixels


def test_tile_lays_images_out_in_rows_with_gaps():
    images = torch.stack([torch.full((1, 2, 3), float(i) / 4) for i in range(5)])
    grid = tile(images, columns=2, pad=1)
    assert grid.shape == (3 * 2 + 2, 2 * 3 + 1)
    assert np.allclose(grid[3:5, 4:7], 0.75)              # image 3: row 1, column 1
    assert np.isnan(grid[2]).all() and np.isnan(grid[6:, 4:]).all()  # gap row, empty cell


def test_to_pixels_is_crisp_rgb_with_white_gaps():
    image = np.array([[0.0, 1.0], [np.nan, 0.5]])
    rgb = to_pixels(image, scale=3, cmap="grey")
    assert rgb.shape == (6, 6, 3) and rgb.dtype == np.uint8
    assert (rgb[:3, :3] == 0).all() and (rgb[:3, 3:] == 255).all()  # nearest neighbour
    assert (rgb[3:, :3] == 255).all() and (rgb[3:, 3:] == 128).all()
    assert not np.array_equal(to_pixels(image, cmap="viridis")[0, 0], [0, 0, 0])


def test_seeded_indices_are_reproducible_and_distinct():
    a, b = seeded_indices(100, 10, seed=3), seeded_indices(100, 10, seed=3)
    assert np.array_equal(a, b) and len(set(a.tolist())) == 10
    assert not np.array_equal(a, seeded_indices(100, 10, seed=4))


def test_labelled_grid_makes_room_for_each_label():
    from core.images import labelled_grid

    images = np.random.default_rng(0).random((6, 1, 28, 28))
    grid = labelled_grid(images, [f"N{i} = {i - 2.5:.2f}" for i in range(6)], columns=3, scale=2)
    assert grid.dtype == np.uint8 and grid.shape[2] == 3
    assert grid.shape[0] == 2 * (56 + 12 + 4)            # two rows of image + label + pad
    assert grid.shape[1] >= 3 * 56
