"""Swedish text analysis for the lexical index: lower-casing, stop words, Snowball stemming and compound
splitting (`innovationsstrategi` -> innovation + strategi) with wordfreq's Swedish word list."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

TOKEN = re.compile(r"[0-9a-zåäöéü§]+(?:[:/.-][0-9a-zåäöéü]+)*", re.IGNORECASE)
EXTRA_STOP = {
    "vad",
    "vem",
    "vilka",
    "vilken",
    "vilket",
    "hur",
    "när",
    "sa",
    "sade",
    "tyckte",
    "om",
    "finns",
    "gäller",
    "kring",
    "ska",
    "skall",
    "kan",
    "får",
    "också",
    "även",
    "samt",
    "enligt",
}
STOPWORDS = set(STOPWORDS_SWEDISH) | EXTRA_STOP
ANALYZER_VERSION = "5"  # bump when tokens change: stored lexical indexes are then rebuilt
MIN_PART = 4
MIN_ZIPF = 2.0
SUFFIX_LIKE = {
    "heten",
    "heter",
    "het",
    "else",
    "elsen",
    "ning",
    "ningen",
    "ande",
    "ende",
    "ighet",
    "lighet",
    "arna",
    "erna",
    "orna",
    "aren",
    "andet",
    "ationen",
    "ation",
    "erat",
    "ering",
    "eringen",
}


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, float]:
    """Zipf frequency of the 40,000 commonest Swedish words (the next 160,000 count as `MIN_ZIPF`). Computed from
    wordfreq's frequency table as `zipf_frequency` does for a single token (log10 of the frequency per
    billion words, two decimals): calling `zipf_frequency` per word costs seconds at every process start."""
    from wordfreq import get_frequency_dict, top_n_list

    words = top_n_list("sv", 200_000)
    frequency = get_frequency_dict("sv")
    return {w: round(math.log10(frequency[w]) + 9, 2) for w in words[:40_000]} | {w: MIN_ZIPF for w in words[40_000:]}


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish")


def _known(word: str) -> float:
    return _vocabulary().get(word, 0.0)


@lru_cache(maxsize=200_000)
def split_compound(word: str, depth: int = 0) -> tuple[str, ...]:
    """Best split of a compound into known words (a linking -s allowed); () if none."""
    if len(word) < 2 * MIN_PART + 1 or not word.isalpha() or depth > 2:
        return ()
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        left, right = word[:i], word[i:]
        right_score = _known(right) or (_known(right[:-1]) if right.endswith(("en", "n", "et", "na")) else 0.0)
        if right_score < MIN_ZIPF or right in SUFFIX_LIKE:
            continue
        left_score = _known(left)
        if left_score < MIN_ZIPF and left.endswith("s") and len(left) > MIN_PART:
            left, left_score = left[:-1], _known(left[:-1])
        if left_score < MIN_ZIPF and len(left) > 2 * MIN_PART and split_compound(left, depth + 1):
            left_score = MIN_ZIPF
        if left_score >= MIN_ZIPF:
            score = min(left_score, right_score)
            if score > best[0]:
                best = (score, (left, right))
    if not best[1]:
        return ()
    left, right = best[1]
    lefts = split_compound(left, depth + 1) if _known(left) < MIN_ZIPF else ()
    rights = split_compound(right, depth + 1) if _known(right) < 3.0 else ()
    return (*(lefts or (left,)), *(rights or (right,)))


LEMMAS = {
    "föreslog": "föreslå",
    "föreslår": "föreslå",
    "föreslagit": "föreslå",
    "föreslås": "föreslå",
    "föreslagna": "föreslå",
    "föreslagen": "föreslå",
    "föreslogs": "föreslå",
    "förslag": "föreslå",
    "förslaget": "föreslå",
    "förslagen": "föreslå",
    "förslagets": "föreslå",
    "beslöt": "beslut",
    "beslöts": "beslut",
    "ansåg": "ans",
    "anser": "ans",
    "anses": "ans",
    "skrev": "skriv",
    "gick": "gå",
    "går": "gå",
    "lämnade": "lämn",
    "lämnat": "lämn",
    "lämnar": "lämn",
    "röstade": "röst",
    "röstar": "röst",
    "reserverade": "reservation",
    "reserverar": "reservation",
    "yttrade": "yttr",
    "yttrar": "yttr",
    "tillstyrkte": "tillstyrk",
    "tillstyrker": "tillstyrk",
    "avstyrkte": "avstyrk",
    "avstyrker": "avstyrk",
    # strong verbs common in decisions and statements: every form to one stem
    **dict.fromkeys(
        ("anta", "antar", "antog", "antogs", "antagit", "antagits", "antagen", "antaget", "antagna", "antas"), "anta"
    ),
    **dict.fromkeys(("gäller", "gällde", "gällt", "gälla", "gällande"), "gäll"),
    **dict.fromkeys(("ger", "gav", "gavs", "givit", "gett", "getts", "ges"), "ge"),
    **dict.fromkeys(("tar", "tog", "togs", "tagit", "tagits", "tas"), "ta"),
    **dict.fromkeys(("beslutar", "beslutade", "beslutat", "beslutats", "beslutas", "besluta"), "beslut"),
    **dict.fromkeys(("upphäver", "upphävde", "upphävt", "upphävs", "upphäva", "upphävdes"), "upphäv"),
    **dict.fromkeys(("ersätter", "ersatte", "ersatt", "ersätts", "ersattes", "ersätta"), "ersätt"),
    **dict.fromkeys(("justerade", "justerar", "justerat", "justera", "justerare", "justeras"), "juster"),
    **dict.fromkeys(("undertecknade", "undertecknat", "undertecknar", "underteckna", "undertecknad"), "underteckn"),
    **dict.fromkeys(
        ("föredra", "föredrar", "föredrog", "föredragit", "föredragits", "föredragen", "föredragande", "föredragning"),
        "föredra",
    ),
    # Snowball reads the s of "instans" as an ending: the singular and the plural would not meet
    **dict.fromkeys(
        ("remissinstans", "remissinstansen", "remissinstanser", "remissinstanserna", "remissinstansens"),
        "remissinstans",
    ),
}
PASSIVE_SUPINE = "ats"  # "fattats", "behandlats": Snowball keeps -at (fattat) where -ade goes (fattade -> fatt)


@lru_cache(maxsize=300_000)
def stem(word: str) -> str:
    """Snowball Swedish, plus the definite -n after a vowel that Snowball keeps (strategin -> strategi)
    and a few irregular forms (föreslog, förslag -> föreslå)."""
    if word in LEMMAS:
        return LEMMAS[word]
    if len(word) > 6 and word.endswith(PASSIVE_SUPINE):
        word = word[: -len(PASSIVE_SUPINE)] + "a"  # fattats -> fatta: the stem of fattade, fattar, fatta
    if len(word) > 5 and word.endswith("n") and word[-2] in "aeiouyåäö" and word[-2:] != "en":
        base = word[:-1]
        if _known(base) >= 2.5 or any(_known(p) >= 2.5 for p in split_compound(base)[-1:]):
            word = base
    return str(_stemmer().stemWord(word))


def _parts(word: str) -> tuple[str, ...]:
    """Compound parts, a known inflected word kept whole (protokolljusterare -> protokoll, justerare)."""
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        if word[i:] in LEMMAS and (_known(word[:i]) >= MIN_ZIPF or _known(word[: i - 1]) >= MIN_ZIPF):
            left = word[:i] if _known(word[:i]) >= MIN_ZIPF else word[: i - 1]
            return (left, word[i:])
    return split_compound(word)


def words(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(text)]


def analyze(text: str, split: bool = True) -> list[str]:
    """Index and query tokens: stems of words, plus stems of compound parts."""
    return list(_analyze(text, split))


@lru_cache(maxsize=16_384)
def _analyze(text: str, split: bool) -> tuple[str, ...]:
    """Cached: ingest analyses each chunk twice (embedding and lexical index), questions repeat."""
    out: list[str] = []
    for word in words(text):
        out.extend(_word(word, split))
    return tuple(out)


@lru_cache(maxsize=300_000)
def _word(word: str, split: bool) -> tuple[str, ...]:
    """One lower-cased word's tokens: its stem, and the stems of its compound parts. Cached per word (words
    repeat far more than texts do: a cold document's paragraphs are mostly words seen before)."""
    if word in STOPWORDS or len(word) < 2:
        return ()
    if split and len(word) > 2 * MIN_PART and _known(word) < 4.0 and word not in LEMMAS:
        return (stem(word), *(stem(part) for part in _parts(word) if part not in STOPWORDS))
    return (stem(word),)
