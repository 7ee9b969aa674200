"""Check a set's phrases against the indexed documents: every `cited_phrases` and `answer_phrases` entry
should have an alternative in one of the question's expected sources (same matching as the metrics).
A miss is a warning: either the question is wrong, or parsing lost or changed the text."""

from __future__ import annotations

from collections.abc import Iterable

from eval.metrics import normalize
from eval.schema import CheckResult, Issue, line_of
from ingest.models import Document


def document_texts(documents: Iterable[Document]) -> dict[str, str]:
    """source file name -> normalised title and paragraph text."""
    return {d.source_file: normalize(" ".join([d.title, *(p.text for p in d.paragraphs())])) for d in documents}


def phrase_issues(result: CheckResult, texts: dict[str, str]) -> list[Issue]:
    if result.question_set is None:
        return []
    issues: list[Issue] = []
    for i, q in enumerate(result.question_set.questions):
        sources = [texts[name] for name in q.expect.sources if name in texts]
        for j, name in enumerate(q.expect.sources):
            if name not in texts:
                line = line_of(result.lines, ("questions", i, "expect", "sources", j))
                issues.append(Issue(line, f"source {name!r} is not in the index", "warning", q.id))
        if not sources:
            continue
        for key, entries in (
            ("cited_phrases", q.expect.cited_phrases),
            ("answer_phrases", q.expect.answer_phrases),
        ):
            for j, alternatives in enumerate(entries):
                if not any(normalize(a) in text for a in alternatives for text in sources):
                    line = line_of(result.lines, ("questions", i, "expect", key, j))
                    issues.append(
                        Issue(
                            line,
                            f"{key} entry {alternatives} occurs in none of the expected sources",
                            "warning",
                            q.id,
                        )
                    )
    return issues
