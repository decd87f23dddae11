"""The teaching kit's files (docs/teaching-kit/*.md), read for the Teaching kit page: one source
for the app and the docs."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

KIT_DIR = Path(__file__).resolve().parents[2] / "docs" / "teaching-kit"
PARTS = {"Class plan (50 minutes)": "plan.md", "Cheat-sheet": "cheatsheet.md",
         "Exercises": "exercises.md"}
SOLUTION = "**Solution.**"


@st.cache_data(show_spinner=False)
def text(name: str) -> str:
    """A kit file without its first line (the title, which the page's tab already names)."""
    body = (KIT_DIR / name).read_text(encoding="utf-8")
    return body.split("\n", 1)[1].lstrip() if body.startswith("# ") else body


def exercises(body: str) -> list[tuple[str, str, str]]:
    """(title, question, solution) of each `## Exercise …` section; the solution follows a
    line `**Solution.**`."""
    out = []
    for section in body.split("\n## ")[1:]:
        title, rest = section.split("\n", 1)
        question, _, solution = rest.partition(SOLUTION)
        out.append((title.strip(), question.strip(), solution.strip()))
    return out
