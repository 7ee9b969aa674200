"""Who said it: organisation and body as two fields, shown together and filtered apart. On real documents,
Kungsbacka's and Stockholm's kommunstyrelse are two entries of the Instans facet, and each filter finds its
own documents only — in the document list, in search and in the citations of an answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.settings import Settings
from ingest.pipeline import Ingestor
from tests.paths import corpus_source
from ui.format import parse_facets, who

STOCKHOLM_KS = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
KUNGSBACKA_KS = [
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt",
    "kungsbacka_ks_yttrande_sou-2025-8-trygghet-studiero_2025-03-20.txt",
]
LANSSTYRELSEN = "lst_vastra_gotaland_granskningsyttrande_fop_mark_nordvast_2023_OCR.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    files = [corpus_source(n) for n in [STOCKHOLM_KS, *KUNGSBACKA_KS, LANSSTYRELSEN]]
    data = tmp_path_factory.mktemp("orgs") / "data"
    settings = Settings.model_validate({"data_dir": data, "ocr": False})
    Ingestor(settings).ingest(files)
    with TestClient(create_app(settings)) as c:
        yield c


def _files(page: dict) -> set[str]:
    return {d["source_file"] for d in page["results"]}


def test_each_document_knows_its_organisation_apart_from_its_body(client: TestClient) -> None:
    docs = {d["source_file"]: d for d in client.get("/v1/documents").json()["results"]}
    assert (docs[STOCKHOLM_KS]["organisation"], docs[STOCKHOLM_KS]["body"]) == ("Stockholms stad", "Kommunstyrelsen")
    for name in KUNGSBACKA_KS:  # from the head, the signature or the footers: not only where the head says it
        assert (docs[name]["organisation"], docs[name]["body"]) == ("Kungsbacka kommun", "Kommunstyrelsen"), name
    # a state authority is its own organisation (not the kommun its yttrande is addressed to)
    assert docs[LANSSTYRELSEN]["organisation"] == docs[LANSSTYRELSEN]["body"] == "Länsstyrelsen Västra Götaland"


def test_the_two_kommunstyrelser_are_two_facet_entries(client: TestClient) -> None:
    facets = client.get("/v1/documents").json()["facets"]
    bodies = {(f["organisation"], f["value"]): f["count"] for f in facets["bodies"]}
    assert bodies[("Kungsbacka kommun", "Kommunstyrelsen")] == 3
    assert bodies[("Stockholms stad", "Kommunstyrelsen")] == 1
    assert {f["value"]: f["count"] for f in facets["organisations"]} == {
        "Kungsbacka kommun": 3,
        "Stockholms stad": 1,
        "Länsstyrelsen Västra Götaland": 1,
    }
    labels = parse_facets(facets).bodies  # what the UI's Instans filter offers
    assert "Kungsbacka kommun, kommunstyrelsen" in labels and "Stockholms stad, kommunstyrelsen" in labels


def test_organisation_and_body_filter_apart_and_together(client: TestClient) -> None:
    both = client.get("/v1/documents", params={"body": "kommunstyrelsen"}).json()
    assert _files(both) == {STOCKHOLM_KS, *KUNGSBACKA_KS}
    stockholm = client.get("/v1/documents", params={"body": "kommunstyrelsen", "organisation": "Stockholms stad"})
    assert _files(stockholm.json()) == {STOCKHOLM_KS}
    kungsbacka = client.get("/v1/documents", params={"organisation": "kungsbacka"}).json()
    assert _files(kungsbacka) == set(KUNGSBACKA_KS)
    # the facets under a filter still offer the other organisation's kommunstyrelse
    assert {f["organisation"] for f in kungsbacka["facets"]["bodies"]} >= {"Kungsbacka kommun"}


def test_search_and_answers_keep_to_the_organisation(client: TestClient) -> None:
    filters = {"body": "kommunstyrelsen", "organisation": "Stockholms stad"}
    hits = client.post("/v1/search", json={"query": "innovation strategi remiss", "filters": filters, "k": 10})
    assert hits.status_code == 200
    assert hits.json()["results"] and {h["source_file"] for h in hits.json()["results"]} == {STOCKHOLM_KS}
    other = client.post("/v1/search", json={"query": "innovation strategi", "filters": {"organisation": "Kungsbacka"}})
    assert STOCKHOLM_KS not in {h["source_file"] for h in other.json()["results"]}
    answer = client.post("/v1/ask", json={"question": "Vad tycker kommunstyrelsen om ny kärnkraft?"}).json()
    assert answer["citations"]
    assert {(c["organisation"], c["body"]) for c in answer["citations"]} == {("Kungsbacka kommun", "Kommunstyrelsen")}


def test_who_reads_organisation_and_body_together() -> None:
    assert who("Kungsbacka kommun", "Kommunstyrelsen") == "Kungsbacka kommun, kommunstyrelsen"
    assert who("Kungsbacka kommun", "Nämnden för Individ & Familjeomsorg") == (
        "Kungsbacka kommun, nämnden för Individ & Familjeomsorg"
    )
    assert who("Länsstyrelsen Västra Götaland", "Länsstyrelsen Västra Götaland") == "Länsstyrelsen Västra Götaland"
    assert who(None, "Kommunstyrelsen") == "Kommunstyrelsen" and who("Stockholms stad", None) == "Stockholms stad"
    assert who("Region Stockholm", "IFO") == "Region Stockholm, IFO"
