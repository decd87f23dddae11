"""Latent-space helpers: interpolation, sweeps, prototypes, binarising, decoding."""

import numpy as np
import torch

from core.latent import binarize, decode, encode_mu, interpolate, prototypes, reconstruct, sweep
from core.models import build_model


def test_interpolation_includes_both_ends():
    z0, z1 = torch.randn(5), torch.randn(5)
    for mode in ("linear", "slerp"):
        path = interpolate(z0, z1, 7, mode)
        assert path.shape == (7, 5)
        torch.testing.assert_close(path[0], z0)
        torch.testing.assert_close(path[-1], z1)


def test_slerp_keeps_the_norm_where_a_straight_line_shrinks_it():
    z0, z1 = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    linear, slerp = interpolate(z0, z1, 5, "linear"), interpolate(z0, z1, 5, "slerp")
    torch.testing.assert_close(slerp.norm(dim=1), torch.full((5,), 3.0))
    assert linear.norm(dim=1)[2] < 2.2  # the midpoint (1.5, 1.5) is inside the shell


def test_sweep_changes_one_dimension_per_block():
    base, values = torch.arange(4.0), torch.tensor([-1.0, 0.0, 1.0])
    z = sweep(base, [0, 2], values)
    assert z.shape == (6, 4)
    torch.testing.assert_close(z[:3, 0], values)
    torch.testing.assert_close(z[3:, 2], values)
    assert (z[:3, 1:] == base[1:]).all() and (z[3:, [0, 1, 3]] == base[[0, 1, 3]]).all()


def test_prototypes_are_the_mean_code_of_each_digit():
    labels = np.repeat(np.arange(10), 3)
    mu = np.stack([labels * 1.0, -labels * 2.0], axis=1) + np.tile([0.0, 1.0, -1.0], 10)[:, None]
    np.testing.assert_allclose(prototypes(mu, labels), np.stack([np.arange(10.0),
                                                                 -2 * np.arange(10.0)], 1))


def test_binarize_thresholds_inclusively():
    x = torch.tensor([0.0, 0.49, 0.5, 1.0])
    assert binarize(x).tolist() == [0.0, 0.0, 1.0, 1.0]


def test_decode_and_encode_shapes_and_no_change_to_the_model():
    model = build_model("vae", 3).eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.rand(5, 1, 28, 28)
    assert encode_mu(model, x, batch_size=2).shape == (5, 3)
    assert decode(model, np.zeros(3)).shape == (1, 1, 28, 28)
    x_hat, bce = reconstruct(model, x)
    assert x_hat.shape == x.shape and bce.shape == (5,) and (bce > 0).all()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_manifold_codes_put_the_origin_bottom_left():
    from core.latent import manifold_codes

    xs, ys = torch.tensor([-1.0, 0.0, 1.0]), torch.tensor([-2.0, 2.0])
    z = manifold_codes(torch.full((4,), 7.0), 1, 3, xs, ys)
    assert z.shape == (6, 4)
    assert z[0, 1] == -1 and z[0, 3] == 2        # top-left: smallest x, largest y
    assert z[-1, 1] == 1 and z[-1, 3] == -2      # bottom-right
    assert (z[:, [0, 2]] == 7).all()             # the other dimensions keep the base
