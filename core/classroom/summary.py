"""A class's summary: each question, how the class answered and what the experiment measured,
as rows for a table and a CSV file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.classroom.questions import Answer, Measured, Question, tally, verdict

COLUMNS = ("lesson", "question", "answer", "students", "share", "measured", "figures", "verdict")


def rows(question: Question, lesson: str, answers: Sequence[Answer],
         measured: Measured | None) -> list[dict[str, Any]]:
    """One row per answer option (or bin) of one question: how many students gave it, their
    share of those who answered, and the measurement (blank until revealed)."""
    n = len(answers)
    said = verdict(question, answers, measured) if measured is not None else "not revealed"
    return [{"lesson": lesson, "question": question.prompt, "answer": option, "students": count,
             "share": round(count / n, 3) if n else 0.0,
             "measured": "" if measured is None else measured.answer,
             "figures": "" if measured is None else measured.figures, "verdict": said}
            for option, count in tally(question, answers)]


def measured_from(revealed: Mapping[str, Any], question: Question) -> Measured | None:
    """The measurement a reveal stored in the class document, if the question was revealed."""
    found = revealed.get(question.id)
    return None if found is None else Measured(found["answer"], found["figures"])
