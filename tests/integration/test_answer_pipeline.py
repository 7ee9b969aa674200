"""The answer a staff member reads, on the bundled seed corpus (runs without ../shared): the quoted
sentence is the one that states what was asked — the stance, the definition, the list — follow-ups stay
with the previous answer's case, a document the archive lacks is not answered from the remaining words,
and the question reading is shown."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.schemas import Answer, Turn
from assistant.service import AssistantService
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SN2015 = "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
KS1618 = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
FIRST = "Vem lämnade ersättaryttrande i kommunstyrelsen i ärendet om Region Stockholms strategi för innovation?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("pipeline") / "data"
    service = AssistantService(Settings(data_dir=data))
    service.ingestor.ingest([ROOT / "corpus"])
    return data


@pytest.fixture(scope="module")
def service(data_dir: Path) -> AssistantService:
    svc = AssistantService(Settings(data_dir=data_dir))
    svc.catalog.refresh(force=True)
    return svc


def quotes(answer: Answer) -> list[str]:
    return [c.quote for c in answer.citations]


def test_stance_question_quotes_the_forvaltnings_view_not_the_background(service: AssistantService) -> None:
    answer = service.ask("Vad sa socialnämnden om förslaget till innovationsstrategi?")
    assert not answer.abstained
    assert any("vitalisera stadens utvecklingsarbete" in q for q in quotes(answer)), quotes(answer)
    assert not any(q.startswith("Kommunstyrelsen har till socialnämnden") for q in quotes(answer))
    assert not any(c.section.lower().startswith("bilag") for c in answer.citations)
    assert all(c.source_file == SN2015 for c in answer.citations)


def test_definition_question_quotes_the_defining_sentence_first(service: AssistantService) -> None:
    answer = service.ask("Hur definieras innovation i förslaget till innovationsstrategi för Stockholms stad?")
    assert not answer.abstained
    assert "kan definieras som" in answer.citations[0].quote


def test_list_question_brings_the_items_of_the_list(service: AssistantService) -> None:
    answer = service.ask("Vilka delstrategier föreslås i Stockholms innovationsstrategi?")
    assert not answer.abstained
    said = " ".join(quotes(answer))
    assert "sex delstrategier" in said
    assert "Stärk styrningen mot en ökad innovationsförmåga" in said
    assert "Stärk stadens roll som en innovativ beställare" in said


def test_no_two_quotes_say_the_same_thing(service: AssistantService) -> None:
    for question in ("Vad sa socialnämnden om förslaget till innovationsstrategi?", FIRST):
        seen = [" ".join(q.lower().split()) for q in quotes(service.ask(question))]
        assert len(seen) == len(set(seen))


def test_a_named_document_the_archive_lacks_is_not_answered(service: AssistantService) -> None:
    answer = service.ask("Vad säger riktlinjen för färdtjänst om avgifter?")
    assert answer.abstained and not answer.citations
    assert "färdtjänst" in answer.answer


def test_the_question_reading_is_part_of_the_answer(service: AssistantService) -> None:
    answer = service.ask("Vad sa socialnämnden om förslaget till innovationsstrategi?")
    assert answer.reading["answer_type"] == "stance"
    topic = answer.reading["topic"]
    assert isinstance(topic, dict) and topic["bodies"] == ["socialnämnden"]
    assert "evidence" in answer.reading


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=data_dir, corpus_dir=data_dir / "none"))) as c:
        yield c


def test_follow_up_through_the_api_is_answered_from_the_previous_case(client: TestClient) -> None:
    history = [Turn(role="user", content=FIRST).model_dump()]
    followed = client.post("/v1/ask", json={"question": "Vad hänvisade hon till?", "history": history}).json()
    assert not followed["abstained"]
    assert followed["citations"][0]["source_file"] == KS1618
    assert "med hänvisning till" in followed["citations"][0]["quote"]
    assert followed["reading"]["follow_up_of"] == FIRST
    alone = client.post("/v1/ask", json={"question": "Vad hänvisade hon till?"}).json()
    # without the history the same words point elsewhere: the test above would fail if history were ignored
    assert alone["abstained"] or "med hänvisning till" not in alone["citations"][0]["quote"]


def test_cli_explain_shows_the_reading(data_dir: Path) -> None:
    env = {**os.environ, "REMISS_DATA_DIR": str(data_dir)}
    question = "Vad sa socialnämnden om förslaget till innovationsstrategi?"
    out = subprocess.run(
        [str(Path(sys.executable).with_name("remiss")), "ask", "--explain", question],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "svarstyp: stance" in out.stdout and "socialnämnden" in out.stdout
