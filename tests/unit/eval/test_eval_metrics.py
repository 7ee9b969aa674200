"""The eval's metric wiring on hand-made cases with known answers (ranx does the IR arithmetic)."""

from __future__ import annotations

import pytest

from assistant.schemas import Answer, Citation, SearchHit
from eval import metrics as m
from eval.runner import Outcome, judge, ranked_documents, score_retrieval
from eval.schema import Question


def hit(rank: int, doc_id: str) -> SearchHit:
    return SearchHit(
        rank=rank,
        chunk_id=f"{doc_id}-{rank}",
        score=1.0 / rank,
        doc_id=doc_id,
        paragraph_ids=[],
        title="",
        doc_type="yttrande",
        body=None,
        dnr=[],
        date=None,
        section="",
        section_id="s1",
        pages=[],
        text="",
        source_file=f"{doc_id}.txt",
    )


def citation(n: int, doc_id: str, quote: str) -> Citation:
    return Citation(
        n=n,
        doc_id=doc_id,
        paragraph_id=f"{doc_id}#s1.p{n}",
        title="",
        doc_type="yttrande",
        body=None,
        dnr=[],
        date=None,
        section="",
        section_id="s1",
        pages=[],
        quote=quote,
        start=0,
        end=len(quote),
        score=1.0,
        source_file=f"{doc_id}.txt",
    )


class QuoteOnly:
    """A backend that cannot look paragraphs up: citations are judged on their quotes."""

    def paragraph_text(self, c: Citation) -> str | None:
        return None


def test_normalize_ignores_case_whitespace_and_soft_hyphens() -> None:
    assert m.contains_any("Remisstiden  går\nut 5 OKTOBER 2015.", ["remisstiden går ut 5 oktober 2015"])
    assert m.contains_any("kom\u00admunstyrelsen", ["Kommunstyrelsen"])
    assert not m.contains_any("5 oktober 2016", ["5 oktober 2015"])


def test_retrieval_scores_are_ranx_values_at_document_level() -> None:
    # chunks of doc "b" at ranks 1 and 2 count once: the relevant doc "a" is the 2nd *document*
    hits = [hit(1, "b"), hit(2, "b"), hit(3, "a"), hit(4, "c")]
    docs = [d["doc_id"] for d in ranked_documents(hits)]
    assert docs == ["b", "a", "c"]
    scores = m.retrieval_scores({"q1": {"a": 1}, "q2": {"x": 1, "c": 1}}, {"q1": docs, "q2": docs})
    assert scores["q1"]["mrr@10"] == pytest.approx(0.5)
    assert scores["q1"]["recall@5"] == 1.0
    assert scores["q2"]["recall@5"] == pytest.approx(0.5)
    assert scores["q2"]["mrr@10"] == pytest.approx(1 / 3)
    assert 0 < scores["q1"]["ndcg@10"] < 1


def test_empty_search_scores_zero() -> None:
    scores = m.retrieval_scores({"q": {"a": 1}}, {"q": []})
    assert scores["q"] == {"recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_judge_scores_citations_phrases_and_abstention() -> None:
    q = Question.model_validate(
        {
            "id": "q",
            "question": "Vad tyckte kommunen?",
            "tags": ["body-said"],
            "answerable": True,
            "expect": {
                "sources": ["a.txt"],
                "cited_phrases": [["tvingande avgifter"], ["kunskapscentrum"]],
                "answer_phrases": [["tveksam"], ["lantbruksuniversitet"]],
            },
        }
    )
    answer = Answer(
        answer="Kommunen är tveksam till att tvingande avgifter är rätt väg [1][2].",
        abstained=False,
        mode="extractive",
        citations=[citation(1, "a", "Tvingande  avgifter är fel"), citation(2, "z", "Något helt annat")],
    )
    row = judge(Outcome(q, [hit(1, "z"), hit(2, "a")], answer, 1.0, 2.0, None), QuoteOnly(), {"a.txt": "a"})
    score_retrieval([row])
    mt = row["metrics"]
    assert mt["citation_precision"] == 0.5  # [1] is from an expected source and holds a phrase; [2] neither
    assert mt["citation_recall"] == 0.5  # "kunskapscentrum" is cited nowhere
    assert mt["answer_phrase_recall"] == 0.5
    assert mt["abstention_answerable"] == 1.0 and mt["abstention_unanswerable"] is None
    assert mt["mrr@10"] == pytest.approx(0.5)
    assert row["citations"][0]["supports"] == [0] and row["citations"][0]["judged_on"] == "quote"


def test_abstention_scores_zero_on_phrases_even_if_the_titles_match() -> None:
    q = Question.model_validate(
        {
            "id": "q",
            "question": "Vad gäller ärendet?",
            "answerable": True,
            "expect": {
                "sources": ["a.txt"],
                "cited_phrases": [["Nämndbudget 2026"]],
                "answer_phrases": [["Nämndbudget 2026"]],
            },
        }
    )
    answer = Answer(
        answer="Jag hittar inget.\n– Nämndbudget 2026 (protokoll)",
        abstained=True,
        mode="extractive",
        citations=[],
    )
    row = judge(Outcome(q, [], answer, 1.0, 1.0, None), QuoteOnly(), {"a.txt": "a"})
    assert row["metrics"]["answer_phrase_recall"] == 0.0
    assert row["metrics"]["citation_precision"] is None  # no citations: precision does not apply
    assert row["metrics"]["abstention_answerable"] == 0.0


def test_aggregate_means_over_applicable_questions_and_tags() -> None:
    rows = [
        {
            "tags": ["a"],
            "metrics": {"recall@5": 1.0, "abstention_unanswerable": None},
            "latency": {"ask_ms": 10.0},
        },
        {
            "tags": ["a", "b"],
            "metrics": {"recall@5": 0.0, "abstention_unanswerable": None},
            "latency": {"ask_ms": 30.0},
        },
        {
            "tags": ["b"],
            "metrics": {"recall@5": None, "abstention_unanswerable": 1.0},
            "latency": {"ask_ms": 20.0},
        },
    ]
    agg = m.aggregate(rows)
    assert agg["recall@5"] == 0.5 and agg["counts"]["recall@5"] == 2
    assert agg["abstention_unanswerable"] == 1.0 and agg["counts"]["abstention_unanswerable"] == 1
    assert agg["ask_p50_ms"] == 20.0 and agg["search_p50_ms"] is None
    tags = m.per_tag(rows)
    assert tags["a"]["recall@5"] == 0.5 and tags["b"]["recall@5"] == 0.0 and tags["b"]["questions"] == 2


class Paragraphs:
    """A backend that looks cited paragraphs up: each holds the stance sentence and the Bakgrund sentence."""

    def paragraph_text(self, c: Citation) -> str | None:
        return "Kommunstyrelsen har överlämnat förslaget. Förvaltningen anser att förslaget kan vitalisera arbetet."


def _stance_question() -> Question:
    return Question.model_validate(
        {
            "id": "q",
            "question": "Vad ansåg förvaltningen?",
            "answerable": True,
            "answer_type": "stance",
            "expect": {
                "sources": ["a.txt"],
                "cited_phrases": [["kan vitalisera arbetet"]],
                "answer_phrases": [["vitalisera"]],
            },
        }
    )


def test_quote_hit_needs_the_sentence_in_the_quote_not_just_in_its_paragraph() -> None:
    wrong = Answer(
        answer="”Kommunstyrelsen har överlämnat förslaget.” [1]",
        abstained=False,
        mode="extractive",
        citations=[citation(1, "a", "Kommunstyrelsen har överlämnat förslaget.")],
    )
    right = wrong.model_copy(
        update={
            "answer": "”Förvaltningen anser att förslaget kan vitalisera arbetet.” [1]",
            "citations": [citation(1, "a", "Förvaltningen anser att förslaget kan vitalisera arbetet.")],
        }
    )
    rows = [
        judge(Outcome(_stance_question(), [], a, 1.0, 1.0, None), Paragraphs(), {"a.txt": "a"}) for a in (wrong, right)
    ]
    assert [r["metrics"]["citation_recall"] for r in rows] == [1.0, 1.0]  # both cite the right paragraph ...
    assert [r["metrics"]["quote_hit"] for r in rows] == [0.0, 1.0]  # ... only one quotes the stance
    assert [r["metrics"]["answer_phrase_recall"] for r in rows] == [0.0, 1.0]


def test_a_citation_is_not_supported_just_for_being_in_an_expected_document() -> None:
    answer = Answer(
        answer="”Något om budgeten.” [1]",
        abstained=False,
        mode="extractive",
        citations=[citation(1, "a", "Något om budgeten.")],
    )
    row = judge(Outcome(_stance_question(), [], answer, 1.0, 1.0, None), QuoteOnly(), {"a.txt": "a"})
    assert row["metrics"]["citation_precision"] == 0.0


def test_passage_hit_looks_at_the_top_five_passages_only() -> None:
    hits = [hit(r, "z") for r in range(1, 7)]
    hits[5] = hits[5].model_copy(update={"text": "Förvaltningen anser att förslaget kan vitalisera arbetet."})
    row = judge(Outcome(_stance_question(), hits, None, 1.0, None, None), QuoteOnly(), {"a.txt": "a"})
    assert row["metrics"]["passage_hit@5"] == 0.0
    hits[4], hits[5] = hits[5], hits[4]
    row = judge(Outcome(_stance_question(), hits, None, 1.0, None, None), QuoteOnly(), {"a.txt": "a"})
    assert row["metrics"]["passage_hit@5"] == 1.0


def test_metrics_are_reported_per_answer_type_with_traps_apart() -> None:
    rows = [
        {"answerable": True, "answer_type": "stance", "tags": [], "metrics": {"quote_hit": 1.0}, "latency": {}},
        {"answerable": True, "answer_type": "date", "tags": [], "metrics": {"quote_hit": 0.0}, "latency": {}},
        {"answerable": False, "answer_type": "stance", "tags": [], "metrics": {}, "latency": {}},
    ]
    groups = m.per_answer_type(rows)
    assert set(groups) == {"stance", "date", "trap"}
    assert groups["stance"]["quote_hit"] == 1.0 and groups["date"]["quote_hit"] == 0.0
