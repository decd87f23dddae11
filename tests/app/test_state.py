"""A student's work survives moving between lessons (widget values are kept for the session)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_lesson_controls_survive_a_visit_to_another_lesson():
    """Train your own's settings, Draw's source and digit, a lesson's sliders: all were reset by
    a page switch and back before."""
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180).run()
    at.switch_page("pages/11_Train_your_own.py").run()
    at.radio(key="train_kind").set_value("ae").run()
    at.slider(key="train_epochs").set_value(5).run()
    at.select_slider(key="train_subset").set_value(2000).run()
    at.switch_page("pages/10_Draw_your_digit.py").run()
    at.radio(key="draw_source").set_value("Take a test digit").run()
    at.number_input(key="draw_index").set_value(7).run()
    at.switch_page("pages/6_Neuron_progression.py").run()
    at.text_area(key="prog_notes_vae_10").input("z0: slant").run()
    at.switch_page("Home.py").run()
    at.switch_page("pages/11_Train_your_own.py").run()
    assert at.radio(key="train_kind").value == "ae"
    assert at.slider(key="train_epochs").value == 5
    assert at.select_slider(key="train_subset").value == 2000
    at.switch_page("pages/10_Draw_your_digit.py").run()
    assert at.radio(key="draw_source").value == "Take a test digit"
    assert at.number_input(key="draw_index").value == 7
    assert any("#7" in c.value for c in at.caption)  # the kept digit is the one shown
    at.switch_page("pages/6_Neuron_progression.py").run()
    assert at.text_area(key="prog_notes_vae_10").value == "z0: slant"
    assert not at.exception


def test_an_uploaded_photo_is_kept_and_its_file_let_go():
    """The photo reset on a page switch before, and its bytes stayed with the uploader."""
    import io

    from PIL import Image, ImageDraw

    photo = Image.new("L", (200, 300), 255)
    ImageDraw.Draw(photo).rectangle((80, 40, 110, 260), fill=0)
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180).run()
    at.switch_page("pages/10_Draw_your_digit.py").run()
    at.radio(key="draw_source").set_value("Upload a photo").run()
    at.file_uploader[0].set_value(("one.png", buffer.getvalue(), "image/png")).run()
    assert not at.exception and at.image  # the steps and the models' reconstructions
    assert at.file_uploader[0].value is None  # a fresh uploader: the file itself is let go
    at.switch_page("pages/12_Glossary.py").run()
    at.switch_page("pages/10_Draw_your_digit.py").run()
    assert any("Your last photo" in c.value for c in at.caption) and at.image
    assert not at.exception


def test_from_the_autoencoder_the_vae_starts_at_beta_1():
    """The autoencoder's β is 0; switching back to the VAE used to pick the VAE with β = 0."""
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180).run()
    at.switch_page("pages/12_Glossary.py").run()
    at.sidebar.radio(key="_pick_family").set_value("ae").run()
    at.sidebar.radio(key="_pick_family").set_value("vae").run()
    assert at.session_state["model_ref"].beta == 1.0
    assert not at.exception


def test_joining_is_rate_limited_per_session(tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_CLASS_ROUTE", "/_latentlab/class")  # as serve.py mounts it
    monkeypatch.setenv("LATENT_LAB_CLASS_DB", str(tmp_path / "classes.sqlite3"))
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180).run()
    at.switch_page("pages/13_Class.py").run()
    said = []
    for _ in range(6):
        at.text_input(key="class_code_page").input("ZZZZZZ")
        at.button(key="FormSubmitter:class_join_page-Join the class").click().run()
        said.append(" ".join(w.value for w in at.warning))
    assert all("ZZZZZZ has ended or expired" in s for s in said[:5]), said
    assert "Too many tries to join" in said[5], said
    assert not at.exception
