"""What the eval measures, per question and over a run.

Retrieval (document level, answerable questions with `expect.sources`; computed by ranx):
  qrels: every expected source file, mapped to its document id, has relevance 1.
  run:   the top-k search hits (passages; k = --k, default 10) deduplicated to documents (a document keeps
         its best rank), scored by rank so ranx sees exactly the order the service returned. So the @10
         metrics count the documents among the first 10 passages, which may be fewer than 10 documents.
  recall@5, recall@10, mrr@10, ndcg@10 — ranx's definitions.

Passages (what the user reads, not only which document):
  passage_hit@5        answerable questions with `cited_phrases`: 1 if an alternative of some entry occurs in
                       the text of one of the top 5 search hits (passages), else 0.

Answers (text matching is case-insensitive with whitespace collapsed, after Unicode NFKC):
  quote_hit            answerable questions with `cited_phrases`: the share of entries with an alternative
                       inside a cited *quote* (the sentence shown), not merely in the cited paragraph (0 when
                       abstained).
  citation_precision   answerable questions whose answer has ≥1 citation: the share of its citations that
                       are *supported* — the cited paragraph's text (the quote when the paragraph cannot be
                       looked up) contains an alternative of some `cited_phrases` entry, or the quote holds an
                       alternative of some `answer_phrases` entry. Being in an expected document is not enough.
  citation_recall      answerable questions with `cited_phrases`: the share of entries for which some
                       citation's paragraph text contains one of the entry's alternatives (0 when abstained).
  answer_phrase_recall answerable questions with `answer_phrases`: the share of entries with an alternative
                       in the answer text. An abstention scores 0 (its list of nearest documents is not
                       an answer).
  abstention_unanswerable  unanswerable questions: 1 if the assistant abstained.
  abstention_answerable    answerable questions: 1 if it did not abstain.

A run's figure for a metric is the mean over the questions it applies to (macro average); `counts` says how
many that was. Latency: p50/p95 of the client-side wall time of each search and ask call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from statistics import fmean
from typing import Any

import numpy as np

RETRIEVAL_METRICS = ("recall@5", "recall@10", "mrr@10", "ndcg@10")
PASSAGE_METRICS = ("passage_hit@5",)
ANSWER_METRICS = (
    "quote_hit",
    "citation_precision",
    "citation_recall",
    "answer_phrase_recall",
    "abstention_unanswerable",
    "abstention_answerable",
)
QUALITY_METRICS = RETRIEVAL_METRICS + PASSAGE_METRICS + ANSWER_METRICS
LATENCY_METRICS = ("search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms")
GATED_METRICS = (
    "recall@5",
    "mrr@10",
    "passage_hit@5",
    "quote_hit",
    "citation_precision",
    "answer_phrase_recall",
    "abstention_unanswerable",
    "abstention_answerable",
)
LABELS = {
    "recall@5": "Recall@5",
    "recall@10": "Recall@10",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "passage_hit@5": "Passage hit@5",
    "quote_hit": "Quote hit",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "answer_phrase_recall": "Answer phrase recall",
    "abstention_unanswerable": "Abstains when unanswerable",
    "abstention_answerable": "Answers when answerable",
    "search_p50_ms": "Search p50 (ms)",
    "search_p95_ms": "Search p95 (ms)",
    "ask_p50_ms": "Ask p50 (ms)",
    "ask_p95_ms": "Ask p95 (ms)",
}

_SPACE = re.compile(r"\s+")
_SOFT = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"), None)


def normalize(text: str) -> str:
    """Case-folded, NFKC, soft hyphens and zero-width characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_SOFT)
    return _SPACE.sub(" ", text).strip().casefold()


def contains_any(text: str, alternatives: Iterable[str]) -> bool:
    haystack = normalize(text)
    return any(normalize(a) in haystack for a in alternatives if a.strip())


def matched_entries(texts: Sequence[str], entries: Sequence[Sequence[str]]) -> list[int]:
    """Indexes of the entries with an alternative found in any of the texts."""
    return [i for i, alternatives in enumerate(entries) if any(contains_any(t, alternatives) for t in texts)]


def citation_supported(
    paragraph_text: str, quote: str, cited_phrases: Sequence[Sequence[str]], answer_phrases: Sequence[Sequence[str]]
) -> bool:
    """The cited paragraph holds an expected sentence, or the quote itself states an expected fact."""
    return bool(matched_entries([paragraph_text], cited_phrases)) or bool(matched_entries([quote], answer_phrases))


def passage_hit(passages: Sequence[str], cited_phrases: Sequence[Sequence[str]], k: int = 5) -> float | None:
    """1 if an expected sentence is in one of the first k passages; None without expected sentences."""
    if not cited_phrases:
        return None
    return 1.0 if matched_entries(list(passages[:k]), cited_phrases) else 0.0


def answer_metrics(
    *,
    answerable: bool,
    abstained: bool,
    answer: str,
    citation_texts: Sequence[str],
    quotes: Sequence[str],
    citation_supported_flags: Sequence[bool],
    cited_phrases: Sequence[Sequence[str]],
    answer_phrases: Sequence[Sequence[str]],
) -> dict[str, float | None]:
    """The per-question answer metrics; None where a metric does not apply to the question."""
    out: dict[str, float | None] = dict.fromkeys(ANSWER_METRICS)
    if not answerable:
        out["abstention_unanswerable"] = 1.0 if abstained else 0.0
        return out
    out["abstention_answerable"] = 0.0 if abstained else 1.0
    if citation_supported_flags:
        out["citation_precision"] = sum(citation_supported_flags) / len(citation_supported_flags)
    if cited_phrases:
        hits = [] if abstained else matched_entries(citation_texts, cited_phrases)
        out["citation_recall"] = len(hits) / len(cited_phrases)
        in_quotes = [] if abstained else matched_entries(quotes, cited_phrases)
        out["quote_hit"] = len(in_quotes) / len(cited_phrases)
    if answer_phrases:
        found = [] if abstained else matched_entries([answer], answer_phrases)
        out["answer_phrase_recall"] = len(found) / len(answer_phrases)
    return out


def retrieval_scores(
    qrels: dict[str, dict[str, int]], ranked_docs: dict[str, list[str]]
) -> dict[str, dict[str, float]]:
    """Per question: recall@5, recall@10, mrr@10, ndcg@10 (ranx). `ranked_docs`: document ids, best first."""
    if not qrels:
        return {}
    from ranx import Qrels, Run, evaluate

    run_dict = {  # questions without hits are left out; make_comparable gives them empty rankings
        qid: {doc: float(len(docs) - rank) for rank, doc in enumerate(docs)}
        for qid, docs in ((q, ranked_docs.get(q, [])) for q in qrels)
        if docs
    }
    if not run_dict:  # ranx cannot build a run without a single document: nothing was retrieved at all
        return {qid: dict.fromkeys(RETRIEVAL_METRICS, 0.0) for qid in qrels}
    run = Run(run_dict)
    evaluate(Qrels(qrels), run, list(RETRIEVAL_METRICS), make_comparable=True)
    return {qid: {m: float(run.scores[m].get(qid, 0.0)) for m in RETRIEVAL_METRICS} for qid in qrels}


def percentile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 2) if values else None


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean of each quality metric over the rows it applies to, latency percentiles, and the counts."""
    out: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for metric in QUALITY_METRICS:
        values = [r["metrics"][metric] for r in rows if r["metrics"].get(metric) is not None]
        counts[metric] = len(values)
        out[metric] = round(fmean(values), 4) if values else None
    for call in ("search", "ask"):
        times = [r["latency"][f"{call}_ms"] for r in rows if r["latency"].get(f"{call}_ms") is not None]
        out[f"{call}_p50_ms"] = percentile(times, 50)
        out[f"{call}_p95_ms"] = percentile(times, 95)
    out["questions"] = len(rows)
    out["errors"] = sum(1 for r in rows if r.get("error"))
    out["counts"] = counts
    return out


def per_tag(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    tags = sorted({t for r in rows for t in r["tags"]})
    return {t: aggregate([r for r in rows if t in r["tags"]]) for t in tags}


def per_answer_type(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The metrics per expected answer type of the questions (unanswerable traps grouped as `trap`)."""

    def kind(r: dict[str, Any]) -> str:
        return "trap" if not r["answerable"] else str(r.get("answer_type") or "untyped")

    kinds = sorted({kind(r) for r in rows})
    return {k: aggregate([r for r in rows if kind(r) == k]) for k in kinds}
