"""End to end: `remiss eval run` on a few dev questions over five real documents (temp index), the report,
`compare` of a run with itself, and `compare` failing on a run whose retriever ignores the question."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from assistant.query import QueryPlan, plan
from assistant.retrieve import Retriever, Scored
from assistant.service import AssistantService
from assistant.settings import RetrieverMode, Settings
from eval.backends import ServiceBackend
from eval.runner import run_set, write_run
from eval.schema import QuestionSet, load_set
from tests.paths import PROJECT_ROOT, SHARED_CORPUS, SHARED_SKIP_REASON
from ui.cli.main import build_app

ROOT = PROJECT_ROOT
DEV = ROOT / "eval" / "sets" / "dev.yaml"
FILES = [
    "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
    "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt",
    "kungsbacka_ifo_tjansteskrivelse_lokalbehov_2025-10-03.txt",  # answers none of the chosen questions
]
UNRELATED_FILE = FILES[-1]
UNRELATED_QUERY = "Lokalbehov 2027-2031 Behovsbeskrivning Barnboende"

pytestmark = pytest.mark.skipif(
    not all((SHARED_CORPUS / name).is_file() for name in FILES),
    reason=SHARED_SKIP_REASON,
)


def small_set(path: Path) -> QuestionSet:
    """Eight dev questions answerable from FILES: one with filters, one follow-up, and two traps."""
    raw = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    inside = [
        q
        for q in raw["questions"]
        if q["answerable"] and set(q["expect"]["sources"]) <= set(FILES) and not q.get("draft")
    ]
    with_filters = next(q for q in inside if q.get("filters"))
    follow_up = next(q for q in inside if q.get("history"))
    plain = [q for q in inside if q is not with_filters and q is not follow_up][:4]
    traps = [q for q in raw["questions"] if not q["answerable"]][:2]
    chosen = [*plain, with_filters, follow_up, *traps]
    path.write_text(
        yaml.safe_dump({"version": 1, "name": "dev-small", "questions": chosen}, allow_unicode=True),
        encoding="utf-8",
    )
    return load_set(path)


class QuestionBlindRetriever(Retriever):
    """Broken on purpose: whatever was asked, it returns chunks of one unrelated document."""

    def search(
        self, plan_: QueryPlan, k: int, mask: np.ndarray | None, mode: RetrieverMode | None = None
    ) -> list[Scored]:
        unrelated = self.catalog.doc_ids == self.catalog.doc_ids[self._first_chunk_of(UNRELATED_FILE)]
        return super().search(plan(UNRELATED_QUERY), k, unrelated, mode)

    def _first_chunk_of(self, source_file: str) -> int:
        return next(i for i, meta in enumerate(self.catalog.index.metas) if meta["source_file"] == source_file)


class BrokenService(AssistantService):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.retriever = QuestionBlindRetriever(
            self.catalog, self.ingestor.embedder, settings.retriever, settings.hybrid_dense_weight
        )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A corpus folder of links to five shared documents, a data dir, the small set, and one CLI run of it."""
    base = tmp_path_factory.mktemp("eval")
    corpus = base / "corpus"
    corpus.mkdir()
    for name in FILES:
        (corpus / name).symlink_to(SHARED_CORPUS / name)
    set_path = base / "small.yaml"
    qset = small_set(set_path)
    env = {
        "REMISS_DATA_DIR": str(base / "data"),
        "REMISS_RETRIEVER": "lexical",
        "REMISS_EMBEDDER": "hash",
        "REMISS_LLM_BASE_URL": "",
    }
    run_dir = base / "runs" / "good"
    result = CliRunner().invoke(
        build_app(), ["eval", "run", str(set_path), "--corpus", str(corpus), "--out", str(run_dir)], env=env
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return {
        "base": base,
        "corpus": corpus,
        "set": qset,
        "set_path": set_path,
        "env": env,
        "run": run_dir,
        "output": result.output,
    }


def rows_of(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def test_run_writes_results_summary_and_report(workspace: dict[str, Any]) -> None:
    run_dir: Path = workspace["run"]
    rows = rows_of(run_dir)
    qset: QuestionSet = workspace["set"]
    assert [r["id"] for r in rows] == [q.id for q in qset.questions]
    for r in rows:
        assert set(r) >= {
            "id",
            "tags",
            "question",
            "retrieved",
            "answer",
            "citations",
            "abstained",
            "metrics",
            "latency",
        }
        assert r["latency"]["search_ms"] is not None and r["latency"]["ask_ms"] is not None and r["error"] is None
        if r["answerable"]:
            assert not any(d.startswith("missing:") for d in r["expected"]["doc_ids"])  # file names mapped to ids
            assert r["metrics"]["recall@5"] is not None
        else:
            assert r["metrics"]["recall@5"] is None and r["metrics"]["abstention_unanswerable"] in (0.0, 1.0)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    overall = summary["overall"]
    assert summary["config"]["set"] == "dev-small" and summary["config"]["retriever"] == "lexical"
    assert summary["config"]["embedder"] == "hash" and summary["config"]["ingest"]["added"] == len(FILES)
    assert overall["questions"] == 8 and overall["counts"]["recall@5"] == 6
    assert overall["counts"]["abstention_unanswerable"] == 2
    assert overall["recall@5"] >= 0.5  # the lexical retriever finds most of these; a broken one does not
    assert set(summary["per_tag"]) == {t for q in qset.questions for t in q.tags}
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "| Recall@5 |" in md and "## Per tag" in md and "## Failing questions" in md


def test_html_report_is_self_contained(workspace: dict[str, Any]) -> None:
    page = (workspace["run"] / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2  # metric per tag, latency histogram
    for external in ("<script src", "<link", 'src="http', 'href="http', "url(http", "@import"):
        assert external not in page


def test_report_command_rewrites_the_report(workspace: dict[str, Any]) -> None:
    run_dir: Path = workspace["run"]
    (run_dir / "report.md").unlink()
    result = CliRunner().invoke(build_app(), ["eval", "report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert (run_dir / "report.md").read_text(encoding="utf-8").startswith("# Eval report — dev-small")


def test_compare_with_itself_passes(workspace: dict[str, Any]) -> None:
    run_dir = str(workspace["run"])
    result = CliRunner().invoke(build_app(), ["eval", "compare", run_dir, run_dir])
    assert result.exit_code == 0, result.output
    assert "got worse" not in result.output


def test_compare_fails_when_the_retriever_ignores_the_question(workspace: dict[str, Any]) -> None:
    settings = Settings(data_dir=workspace["base"] / "data", retriever="lexical", embedder="hash", llm_base_url=None)
    service = BrokenService(settings)
    qset: QuestionSet = workspace["set"]
    rows, summary = run_set(qset, ServiceBackend(service), k=10, warm_up=False)
    broken = workspace["base"] / "runs" / "broken"
    write_run(broken, rows, summary)
    assert summary["overall"]["recall@5"] < 0.5
    result = CliRunner().invoke(build_app(), ["eval", "compare", str(workspace["run"]), str(broken), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    failed = {m["metric"] for m in report["metrics"] if m["failed"]}
    assert "recall@5" in failed and "mrr@10" in failed
    assert "search_p95_ms" not in failed  # latency is reported, never gated
    assert report["worse"], "the questions that got worse are listed"


def test_eval_view_renders_the_runs_it_reads_through_the_api(workspace: dict[str, Any]) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.integration.test_ui_pages import running_api

    def page(api_url: str) -> None:
        from ui.client import ApiClient
        from ui.eval_view import render

        render(ApiClient(api_url))

    settings = Settings(data_dir=workspace["base"] / "data", eval_runs_dir=workspace["run"].parent)
    main = sys.modules["__main__"]
    try:
        with running_api(settings) as api_url:
            at = AppTest.from_function(page, args=(api_url,), default_timeout=60)
            at.run()
    finally:  # AppTest leaves its script as __main__, which worker processes spawned later would re-run
        sys.modules["__main__"] = main
    assert not at.exception
    table = at.dataframe[0].value
    assert "Täckning R@5" in list(table.index)  # the page names metrics in Swedish
    assert any(str(c).startswith("good") for c in table.columns)


def test_verify_index_flags_a_phrase_missing_from_its_source(workspace: dict[str, Any]) -> None:
    text = workspace["set_path"].read_text(encoding="utf-8")
    result = CliRunner().invoke(
        build_app(), ["eval", "check", "--verify-index", "--strict", str(workspace["set_path"])], env=workspace["env"]
    )
    assert result.exit_code == 0, result.output
    qset: QuestionSet = workspace["set"]
    phrase = next(q for q in qset.questions if q.answerable).expect.answer_phrases[0][0]
    wrong = workspace["base"] / "wrong.yaml"
    wrong.write_text(text.replace(phrase, "en fras som inte finns i dokumentet", 1), encoding="utf-8")
    result = CliRunner().invoke(build_app(), ["eval", "check", "--verify-index", str(wrong)], env=workspace["env"])
    assert result.exit_code == 0  # a warning: parsing may have changed the text
    assert "answer_phrases entry ['en fras som inte finns i dokumentet'] occurs in none" in result.output
    assert (
        CliRunner()
        .invoke(build_app(), ["eval", "check", "--verify-index", "--strict", str(wrong)], env=workspace["env"])
        .exit_code
        == 1
    )
