import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from core.config import TrainConfig
from core.models import VAE, Backbone, Decoder, build_model, kl_per_dim, loss_terms


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_shapes_and_ranges(kind, images):
    torch.manual_seed(0)
    model = build_model(kind, latent_dim=3).eval()
    mu, logvar = model.encode(images)
    assert mu.shape == (8, 3)
    assert (logvar is None) == (kind == "ae")
    if logvar is not None:
        assert logvar.shape == (8, 3)
    x_hat = model.decode(torch.randn(5, 3) * 10)  # far from the data, still valid pixels
    assert x_hat.shape == (5, 1, 28, 28)
    assert x_hat.min() >= 0 and x_hat.max() <= 1
    out = model(images)
    assert out.logits.shape == images.shape and out.z.shape == (8, 3)
    assert torch.allclose(out.x_hat, torch.sigmoid(out.logits))


def test_both_models_share_the_backbone(vae, ae):
    vae_shapes = {k: v.shape for k, v in vae.state_dict().items()}
    ae_shapes = {k: v.shape for k, v in ae.state_dict().items()}
    assert set(vae_shapes) - set(ae_shapes) == {"to_logvar.weight", "to_logvar.bias"}
    assert all(vae_shapes[k] == shape for k, shape in ae_shapes.items())


def test_kl_matches_torch_distributions():
    generator = torch.Generator().manual_seed(1)
    mu = torch.randn(16, 5, generator=generator) * 2
    logvar = torch.randn(16, 5, generator=generator)
    reference = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0))
    assert torch.allclose(kl_per_dim(mu, logvar), reference, atol=1e-5)


def test_loss_terms_add_up_and_report_each_dimension(images):
    generator = torch.Generator().manual_seed(2)
    logits = torch.randn(8, 1, 28, 28, generator=generator)
    mu, logvar = torch.randn(8, 3, generator=generator), torch.randn(8, 3, generator=generator)
    terms = loss_terms(logits, images, mu, logvar, beta=2.5)
    bce = -(images * torch.log(torch.sigmoid(logits))
            + (1 - images) * torch.log(1 - torch.sigmoid(logits))).sum((1, 2, 3)).mean()
    assert torch.allclose(terms.recon, bce, rtol=1e-5)
    assert torch.allclose(terms.kl_per_dim.sum(), terms.kl, rtol=1e-5)
    assert torch.allclose(terms.loss, terms.recon + 2.5 * terms.kl)
    assert torch.allclose(terms.neg_elbo, terms.recon + terms.kl)


def test_beta_zero_gives_the_reconstruction_term_alone(images):
    logits = torch.zeros(8, 1, 28, 28)
    mu = torch.full((8, 3), 50.0)
    logvar = torch.full((8, 3), -200.0)  # a collapsed posterior: the KL is enormous
    terms = loss_terms(logits, images, mu, logvar, beta=0.0)
    assert torch.equal(terms.loss, terms.recon)
    assert math.isfinite(terms.loss.item()) and terms.kl.item() > 1000


def test_autoencoder_has_no_kl(ae, images):
    out = ae(images)
    terms = loss_terms(out.logits, images, out.mu, out.logvar, beta=1.0)
    assert terms.kl.item() == 0 and torch.equal(terms.loss, terms.recon)
    assert torch.equal(out.z, out.mu)


def test_reparameterize_statistics():
    model = VAE(latent_dim=2).train()
    mu = torch.tensor([[1.5, -2.0]]).expand(200_000, 2)
    logvar = torch.log(torch.tensor([[0.25, 4.0]])).expand(200_000, 2)
    z = model.reparameterize(mu, logvar, torch.Generator().manual_seed(0))
    assert torch.allclose(z.mean(0), torch.tensor([1.5, -2.0]), atol=0.02)
    assert torch.allclose(z.std(0), torch.tensor([0.5, 2.0]), atol=0.02)


def test_reparameterize_passes_gradients_to_mu_and_logvar():
    model = VAE(latent_dim=2).train()
    mu = torch.zeros(4, 2, requires_grad=True)
    logvar = torch.zeros(4, 2, requires_grad=True)
    model.reparameterize(mu, logvar).pow(2).sum().backward()
    assert mu.grad is not None and logvar.grad is not None and logvar.grad.abs().sum() > 0


def test_eval_inference_is_deterministic_and_leaves_the_model_unchanged(vae, images):
    before = {k: v.clone() for k, v in vae.state_dict().items()}
    with torch.no_grad():
        first, second = vae(images), vae(images)
    assert torch.equal(first.logits, second.logits)
    assert torch.equal(first.z, first.mu)  # eval mode decodes the mean
    assert not vae.training
    assert all(torch.equal(before[k], v) for k, v in vae.state_dict().items())


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown model kind"):
        build_model("gan", 2)


def test_a_backbone_without_the_hidden_layer_and_with_refining_convolutions(images):
    backbone = Backbone((32, 64), hidden=0, refine=1)
    vae = build_model("vae", 20, backbone).eval()
    mu, logvar = vae.encode(images)
    assert mu.shape == logvar.shape == (8, 20)
    assert vae.to_mu.in_features == 64 * 7 * 7  # mu reads the whole feature map
    assert vae.decode(torch.randn(3, 20)).shape == (3, 1, 28, 28)
    refining = [m for m in vae.decoder.modules()
                if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3)]
    assert [m.in_channels for m in refining] == [64, 32]  # one per decoder level
    assert not any(isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3)
                   for m in vae.encoder.modules())


def test_a_card_written_before_refine_existed_reads_as_no_refining():
    config = TrainConfig.from_dict({"kind": "vae", "latent_dim": 10,
                                    "backbone": {"channels": [32, 64], "hidden": 128}})
    assert config.backbone == Backbone((32, 64), 128, 0)
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_a_decoder_draws_initial_weights_only_for_its_own_layers():
    """A layer built and thrown away would take draws from the seeded generator and change every
    layer after it (how the Train-your-own defaults fell from 138.3 to 166.0 nats)."""
    torch.manual_seed(0)
    decoder = Decoder(10, Backbone((32, 64), hidden=128))
    torch.manual_seed(0)
    first = torch.nn.Linear(10, 128)  # the first layer the decoder should have built
    assert torch.equal(decoder.fc[0].weight, first.weight)
