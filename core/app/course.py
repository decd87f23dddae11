"""The course: the lessons in order, with the page file, title, icon and one line each."""

from __future__ import annotations

from typing import NamedTuple


class Lesson(NamedTuple):
    path: str    # page file, relative to the app's root
    title: str
    icon: str
    blurb: str   # what it teaches, in one line

    @property
    def url(self) -> str:
        """The page's URL path: "pages/4_Latent_sliders.py" -> "Latent_sliders"."""
        return self.path.split("/", 1)[1].removesuffix(".py").split("_", 1)[1]


HOME = "Home.py"
LESSONS = [
    Lesson("pages/1_Reconstruction.py", "Reconstruction", "🔁",
           "What an autoencoder keeps of a digit, and how we measure what it loses."),
    Lesson("pages/2_Autoencoder_vs_VAE.py", "Autoencoder vs VAE", "⚖️",
           "Same network, two bottlenecks: why only one of them can generate."),
    Lesson("pages/3_KL_weight.py", "KL weight (β)", "🎚️",
           "The price of an orderly latent space: reconstruction against KL."),
    Lesson("pages/4_Latent_sliders.py", "Latent sliders", "🕹️",
           "Drive the decoder yourself, one latent dimension per slider."),
    Lesson("pages/5_Digit_prototypes.py", "Digit prototypes", "🧬",
           "The average code of each digit, and what the decoder makes of it."),
    Lesson("pages/6_Neuron_progression.py", "Neuron progression", "🎞️",
           "Sweep one latent dimension at a time and name what it controls."),
    Lesson("pages/7_Latent_manifold.py", "Latent manifold", "🗺️",
           "A map of what the decoder draws, beside where the digits live."),
    Lesson("pages/8_Embeddings.py", "Embeddings", "🌌",
           "PCA, t-SNE and UMAP maps of the codes, and what each one keeps."),
    Lesson("pages/9_Interpolation_and_arithmetic.py", "Interpolation and arithmetic", "➗",
           "Blending pictures against walking the latent space; A + B − C."),
    Lesson("pages/10_Draw_your_digit.py", "Draw your own digit", "✏️",
           "Your handwriting, made into an MNIST digit, encoded and sampled."),
    Lesson("pages/11_Train_your_own.py", "Train your own model", "🏋️",
           "Train a VAE or an autoencoder in the browser, then explore it in every lesson."),
]
GLOSSARY = Lesson("pages/12_Glossary.py", "Glossary", "📖",
                  "Every term the lessons use, defined once.")
CLASS = Lesson("pages/13_Class.py", "Class", "🎓",
               "Run a live class: students follow you, predict, and see the class's answers.")
KIT = Lesson("pages/14_Teaching_kit.py", "Teaching kit", "🧑‍🏫",
             "A 50-minute class plan, a cheat-sheet of the formulas, exercises with solutions.")
EXTRA = [GLOSSARY, CLASS, KIT]  # pages beside the course
SLIDERS = LESSONS[3].path
TRAIN = LESSONS[10].path


def page_urls() -> list[str]:
    """The URL path of Home ("") and of every lesson, in course order, then the Glossary's, the
    Class page's and the Teaching kit's."""
    return ["", *[lesson.url for lesson in LESSONS], *[page.url for page in EXTRA]]


def lesson_after(path: str) -> Lesson | None:
    """The lesson after page file `path`; None after the last one."""
    paths = [lesson.path for lesson in LESSONS]
    i = paths.index(path)
    return LESSONS[i + 1] if i + 1 < len(LESSONS) else None
