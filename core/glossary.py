"""The course's terms, each defined once: the Glossary page lists them, and every lesson shows
the ones it uses."""

from __future__ import annotations

from core.evaluate import ACTIVE_KL

TERMS: dict[str, str] = {
    "nat": "The unit of information and of log-likelihood with the natural logarithm: "
           "−log p in nats. 1 nat ≈ 1.44 bits. Every loss in Latent Lab is in nats per image.",
    "BCE": "Binary cross-entropy, the reconstruction error: −Σ [x log x̂ + (1 − x) log(1 − x̂)] "
           "over the 784 pixels, reading each pixel of the reconstruction x̂ as the "
           "probability of ink.",
    "BCE floor": "The lowest BCE any reconstruction can reach on MNIST's grey pixels: the "
                 "entropy of the target, reached only by x̂ = x. 45.5 nats per image on "
                 "average over the test set; 0 on binarised MNIST, which is why papers' "
                 "figures are not comparable with these.",
    "latent size": "How many numbers the code z has: the width of the bottleneck.",
    "mean code": "μ(x), the centre of a VAE's posterior for the digit x (for an autoencoder, "
                 "its one code). Lessons that compare reconstructions decode μ(x) for both.",
    "prior": "p(z) = N(0, I): where a VAE's codes should be before any digit is seen, and "
             "where its random samples are drawn from.",
    "posterior": "q(z | x) = N(μ(x), diag σ(x)²): the cloud of codes a VAE's encoder gives a "
                 "digit x.",
    "KL": "The Kullback–Leibler divergence KL(q(z | x) ‖ p(z)) in nats: how much the code "
          "tells about this digit beyond the prior. Also called the rate.",
    "ELBO": "The evidence lower bound, E_q[log p(x | z)] − KL: a lower bound on log p(x). A "
            "VAE (β = 1) minimises −ELBO = reconstruction + KL.",
    "importance-weighted bound": "A tighter estimate of −log p(x) from K samples of q(z | x) "
                                 "(K = 200 on the model cards); its gap to −ELBO shows how "
                                 "loose the ELBO is.",
    "reparameterisation": "Writing a sample as z = μ + σ·ε with ε ~ N(0, I), so the loss can "
                          "be differentiated through μ and σ.",
    "β": "The weight of the KL term in a VAE's loss, BCE + β·KL. β = 1 is the true VAE; β = 0 "
         "drops the pull towards the prior.",
    "active dimension": f"A latent dimension whose average KL is above {ACTIVE_KL:g} nats: it "
                        "carries information the decoder uses. Below it, sweeping the "
                        "dimension barely moves the digit (the KL weight lesson shows both).",
    "posterior collapse": "Dimensions whose posterior equals the prior for every digit "
                          "(KL ≈ 0): the model has stopped using them.",
}


def anchor(term: str) -> str:
    """The Glossary page's anchor for a term: "active dimension" -> "active-dimension"."""
    return term.lower().replace(" ", "-").replace("β", "beta")
