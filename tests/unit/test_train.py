import subprocess
import sys
from pathlib import Path

import torch

from core.config import TrainConfig
from core.models import build_model
from core.evaluate import evaluate
from core.train import fit, main, new_model, synthetic_digits

ROOT = Path(__file__).resolve().parents[2]
CPU = torch.device("cpu")


def tiny_config(**changes) -> TrainConfig:
    values = dict(kind="vae", latent_dim=3, epochs=1, batch_size=32, seed=0)
    values.update(changes)
    return TrainConfig(**values)


def train_once(config: TrainConfig) -> dict[str, torch.Tensor]:
    model = new_model(config)
    fit(model, synthetic_digits(96), config, device=CPU)
    return model.state_dict()


def test_cli_dry_run_needs_no_data_and_writes_nothing(tmp_path):
    for kind in ("vae", "ae"):
        result = subprocess.run(
            [sys.executable, "-m", "core.train", "--dry-run", "--kind", kind, "--latent-dim", "2"],
            cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "LATENT_LAB_DATA": str(tmp_path / "none"),
                               "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "dry run" in result.stdout and f"{kind}-z2" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_training_is_reproducible_with_a_fixed_seed():
    first, second = train_once(tiny_config()), train_once(tiny_config())
    other = train_once(tiny_config(seed=1))
    assert all(torch.equal(first[k], second[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)


def test_training_lowers_the_loss():
    config = tiny_config(epochs=4, latent_dim=2)
    model = build_model(config.kind, config.latent_dim)
    x = synthetic_digits(128)
    before = evaluate(model, x, config.beta).neg_elbo
    reports = fit(model, x, config, device=CPU, x_test=x)
    assert reports[-1].test.neg_elbo < before
    assert len(reports) == 4 and not model.training


def test_stop_keeps_what_was_learned():
    model = build_model("ae", 2)
    steps = []
    reports = fit(model, synthetic_digits(128), tiny_config(kind="ae", epochs=5), device=CPU,
                  on_batch=lambda step, total, terms: steps.append((step, total)),
                  should_stop=lambda: len(steps) >= 2)
    assert len(reports) == 1 and steps == [(1, 20), (2, 20)]


def test_evaluate_reports_each_term():
    x = synthetic_digits(32)
    vae_metrics = evaluate(build_model("vae", 3), x, beta=4.0)
    assert abs(vae_metrics.neg_elbo - vae_metrics.recon - vae_metrics.kl) < 0.01
    assert abs(vae_metrics.loss - vae_metrics.recon - 4.0 * vae_metrics.kl) < 0.01
    assert len(vae_metrics.kl_per_dim) == 3
    ae_metrics = evaluate(build_model("ae", 3), x, beta=0.0)
    assert ae_metrics.neg_elbo is None and ae_metrics.kl is None


def test_the_autoencoder_ignores_beta():
    assert TrainConfig(kind="ae", beta=4.0).beta == 0.0


def test_cli_refuses_to_overwrite_a_model(tmp_path, capsys):
    existing = tmp_path / "vae-z10-b1.safetensors"
    existing.write_bytes(b"a student's model")
    assert main(["--out", str(tmp_path), "--epochs", "1"]) == 2
    assert "--force" in capsys.readouterr().err
    assert existing.read_bytes() == b"a student's model"


def test_format_metrics_for_every_kind_of_card():
    from core.cards import Metrics
    from core.evaluate import format_metrics

    assert format_metrics(Metrics(accuracy=0.9931)) == "accuracy 99.31%"
    assert format_metrics(Metrics(recon=80.123)) == "recon 80.12"
    assert format_metrics(Metrics(neg_elbo=100.0, recon=80.0, kl=20.0, active_dims=7)) \
        == "-ELBO 100.00 (recon 80.00 + KL 20.00), 7 active dims"


def test_config_survives_a_json_round_trip():
    import json

    config = TrainConfig(kind="vae", latent_dim=5, beta=0.5, epochs=3, train_subset=100)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_kl_warmup_ramps_beta_up_linearly():
    from core.train import kl_weight

    config = TrainConfig(kind="vae", beta=2.0, kl_warmup_steps=10)
    assert [kl_weight(config, s) for s in (0, 5, 10, 20)] == [0.0, 1.0, 2.0, 2.0]
    assert kl_weight(TrainConfig(kind="vae", beta=2.0), 0) == 2.0
    assert TrainConfig(kind="ae", kl_warmup_steps=10).kl_warmup_steps == 0


def test_the_output_bias_starts_at_the_datas_log_odds():
    from core.train import init_output_bias

    x = synthetic_digits(64)
    model = new_model(tiny_config())
    before = evaluate(model, x, 1.0).recon
    init_output_bias(model, x)
    bias = model.decoder.deconvs[-1].bias
    assert torch.allclose(torch.sigmoid(bias), x.mean().expand_as(bias), atol=1e-5)
    assert evaluate(model, x, 1.0).recon < before  # the fresh decoder's grey guess costs more


def test_fit_starts_the_output_bias_only_when_the_config_asks(monkeypatch):
    import core.train
    from core.own import make_config

    calls = []
    monkeypatch.setattr(core.train, "init_output_bias", lambda model, x: calls.append(len(x)))
    for asked in (False, True):
        fit(new_model(tiny_config()), synthetic_digits(32), tiny_config(output_bias_from_data=asked),
            device=CPU)
    assert calls == [32]
    assert make_config("vae", 10, 1.0, epochs=3, subset=10_000, batch_size=64).output_bias_from_data
