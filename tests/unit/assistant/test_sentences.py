"""How a quote is cut from its paragraph: a reason runs on through the argument that follows the statement."""

from __future__ import annotations

from assistant.answer import weights as w
from assistant.answer.sentences import Candidate, with_argument
from ingest.models import Document, Paragraph

STATEMENT = "Detaljplanen innebär att delar av Skebrovägen får kommunalt huvudmannaskap."
ARGUMENT = " Kommunen kommer att ansvara för gatans skötsel och kan på så sätt säkerställa framkomligheten."


def candidate(text: str, paragraph: Paragraph) -> Candidate:
    return Candidate(Document(id="d"), paragraph, text, 1.0, 0, frozenset())


def test_a_reason_quote_runs_on_to_the_end_of_a_short_paragraph() -> None:
    paragraph = Paragraph(id="s1.p1", section_id="s1", number=1, text=STATEMENT + ARGUMENT)
    quoted = with_argument(candidate(STATEMENT, paragraph))
    assert quoted.text == STATEMENT + ARGUMENT
    assert paragraph.text.find(quoted.text) == 0  # still an exact span of the paragraph


def test_a_long_paragraph_keeps_the_sentence_alone() -> None:
    long_rest = ARGUMENT * (w.REASON_ARGUMENT_CHARS // len(ARGUMENT) + 1)
    paragraph = Paragraph(id="s1.p1", section_id="s1", number=1, text=STATEMENT + long_rest)
    assert with_argument(candidate(STATEMENT, paragraph)).text == STATEMENT
