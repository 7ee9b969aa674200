"""The Swedish analyzer behind the lexical index: compounds split, inflections share a stem."""

from __future__ import annotations

from ingest.analyzer import analyze


def test_compound_covers_its_parts() -> None:
    assert set(analyze("strategi för innovation")) <= set(analyze("innovationsstrategi"))
    assert set(analyze("innovationsstrategi")) >= {*analyze("innovation"), *analyze("strategi")}


def test_definite_form_of_a_compound_matches_too() -> None:
    assert set(analyze("strategi för innovation")) <= set(analyze("Innovationsstrategin"))


def test_inflections_share_a_stem() -> None:
    singular, plural = set(analyze("innovationsledare")), set(analyze("innovationsledarna"))
    shared = singular & plural
    assert shared - set(analyze("innovation")), f"only the first part is shared: {shared}"


def test_stop_words_and_case() -> None:
    assert analyze("Vad tyckte S om strategin?") == analyze("vad TYCKTE s om STRATEGIN")
    assert "för" not in analyze("strategi för innovation")
    assert analyze("och i att") == []


def test_long_compound_yields_its_known_parts() -> None:
    tokens = analyze("kärnkraftsprövningsutredningens")
    assert {*analyze("kärnkraft"), *analyze("utredning")} & set(tokens)
    assert all(len(t) >= 3 for t in tokens)


def test_passive_and_active_forms_of_a_verb_meet() -> None:
    # "Vem fattade beslutet?" must find "Beslutet har fattats av …"
    assert set(analyze("fattade", split=False)) == set(analyze("fattats", split=False))
    assert set(analyze("behandlades", split=False)) == set(analyze("behandlats", split=False))


def test_singular_and_plural_of_remissinstans_meet() -> None:
    assert analyze("remissinstans", split=False) == analyze("remissinstanserna", split=False)


def test_every_form_of_foredra_meets() -> None:
    forms = ["föredragande", "föredrog", "föredragits", "föredragning"]
    assert len({analyze(f, split=False)[0] for f in forms}) == 1


def test_word_frequencies_are_wordfreqs_zipf() -> None:
    from wordfreq import top_n_list, zipf_frequency

    from ingest.analyzer import _vocabulary

    vocabulary = _vocabulary()
    for word in top_n_list("sv", 40_000)[::397]:
        assert vocabulary[word] == zipf_frequency(word, "sv"), word
