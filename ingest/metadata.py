"""Head fields read from the text: type, body, dnr, date, handläggare, remitting body, remisstid.

Each rule needs the text to say it; a field no rule supports stays empty.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest import dnr as dnr_mod
from ingest.dates import DATE, ISO, SWEDISH, first_date, to_iso
from ingest.models import Section

BODY = (
    r"(?:Nämnden för [A-ZÅÄÖ][\wåäö]*(?: (?:&|och) [A-ZÅÄÖ]?[\wåäö]+)*"
    r"|Kommunstyrelsens arbetsutskott|Kommunstyrelsen|Kommunfullmäktige|Mark- och miljööverdomstolen"
    r"|Länsstyrelsen(?: i [A-ZÅÄÖ][\wåäö]+(?: [A-ZÅÄÖ][\wåäö]+)? län)?"
    r"|[A-ZÅÄÖ][\wåäö]*(?:-? och |-)?[\wåäö]*(?:nämnden|styrelsen|förvaltningen|kontoret|utskottet)"
    r"|Rotel [IVX]+)"
)
BODY_LINE = re.compile(rf"^{BODY}$", re.IGNORECASE)
TYPE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("remiss", re.compile(r"\A\s*Remiss\b")),
    ("protokoll", re.compile(r"SAMMANTRÄDESPROTOKOLL|^PROTOKOLL\b|^Protokoll\b|Protokollsutdrag", re.M)),
    (
        "tjänsteutlåtande",
        re.compile(r"^TJÄNSTESKRIVELSE|^TJÄNSTEUTLÅTANDE|^Tjänsteutlåtande|^Tjänsteskrivelse", re.M),
    ),
    ("PM", re.compile(r"^PM\b|^Promemoria\b|^PROMEMORIA", re.M)),
    ("yttrande", re.compile(r"^YTTRANDE\b|^Yttrande över|^Granskningsyttrande|^Remissvar|^REMISSVAR", re.M)),
    ("dom", re.compile(r"^DOM$|^DOM\s+\d|^Mål nr", re.M)),
    ("remiss", re.compile(r"^Remiss av|^Remiss\b.*\b(?:SOU|Ds|DS)\b|^Remissinstanser", re.M)),
    ("riktlinje", re.compile(r"^Riktlinje|^RIKTLINJE", re.M)),
    ("tjänsteutlåtande", re.compile(r"^Handläggare\b(?=[\s\S]*förslag till beslut)", re.M | re.I)),
    ("strategi", re.compile(r"^Översiktsplan|^\w*[Ss]trategi\b|^Program för|^Policy", re.M)),
]
REMISS_REF = re.compile(r"\b(SOU|Ds|DS)\s?((?:19|20)\d{2}):(\d{1,3})\b")
REMISSTID = re.compile(
    rf"(?:Remisstid(?:en)?(?:\s+(?:går|löper)\s+ut)?|[Ss]ista dag att svara på remissen är|"
    rf"svar(?:a|et)?(?: på remissen)? senast|ska ha kommit in[^.]{{0,80}}?senast)\s*:?\s*(?:den\s+)?({ISO}|{SWEDISH})",
    re.IGNORECASE,
)
REMITTER = [
    re.compile(r"[Rr]emiss från ([A-ZÅÄÖa-zåäö][\wåäö\- ]+?)(?:\s*$|\.|,| om | angående )", re.M),
    re.compile(
        r"(?:Yttrande över|Svar på) (?:remiss från )?([A-ZÅÄÖ][\wåäö\- ]+?(?:departementet|departementets|nämndens|"
        r"styrelsens|Region [A-ZÅÄÖ]\w+s?|Länsstyrelsens?))\s+remiss"
    ),
    re.compile(r"(?:Yttrande över|Svar på) (Region [A-ZÅÄÖ]\w+?)s? remiss"),
    re.compile(r"remiss av [^\n]{0,120}?,?\s+från ([A-ZÅÄÖ][\wåäö\- ]+?)(?:\s*$|\.|,|\n)", re.M),
]
HANDLAGGARE = re.compile(r"Handläggare\s*:?\s*\n?\s*([A-ZÅÄÖ][a-zåäöé]+(?:[ -][A-ZÅÄÖ][a-zåäöé]+){1,3})")
DECIDED_BY = re.compile(rf"(?:beslutat av|Beslutande organ|Beslutad av|Antagen av)\s*:?\s*({BODY})", re.IGNORECASE)
ORG = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+s (?:kommun|stad)|[A-ZÅÄÖ]{3,} KOMMUN|[A-ZÅÄÖ][a-zåäö]+ kommun|Stockholms stad"
    r"|Länsstyrelsen i [A-ZÅÄÖ][\wåäö]+(?: [A-ZÅÄÖ][\wåäö]+)? län)\b"
)
SIGNED_DATE = re.compile(rf"^[A-ZÅÄÖ][a-zåäö]+ den ({SWEDISH})\s*$", re.M | re.IGNORECASE)
LABELLED_DATE = re.compile(
    r"(?:^|\s)(?:Datum|Sammanträdesdatum|beslutades den|Beslutsdatum|Antagen(?: av [\wåäö]+)?)"
    r"\s*:?\s*((?:.*\n){0,2}.*)",
    re.M | re.IGNORECASE,
)


def _genitive_to_base(name: str) -> str:
    name = name.strip()
    for suffix in ("departementets", "nämndens", "styrelsens", "Länsstyrelsens"):
        if name.endswith(suffix):
            return name[:-1]
    if name.startswith("Region ") and name.endswith("s"):
        return name[:-1]
    return name


def _cap(text: str | None) -> str | None:
    return text[0].upper() + text[1:] if text else text


def doc_type(head: str) -> str:
    for name, pattern in TYPE_RULES:
        if pattern.search(head):
            return name
    return "other"


def find_date(head: str, full: str, kind: str) -> str | None:
    for m in LABELLED_DATE.finditer(head):
        found = first_date(m.group(1))
        if found:
            return found
    signed = SIGNED_DATE.search(full)
    if signed:
        return to_iso(signed.group(1))
    if kind in ("dom", "yttrande", "protokoll", "tjänsteutlåtande"):
        for line in head.split("\n")[:15]:
            if re.fullmatch(ISO, line.strip()):
                return line.strip()
    return None


def find_body(head: str, full: str, kind: str, sections: list[Section]) -> str | None:
    decided = DECIDED_BY.search(head)
    if decided:
        return _cap(decided.group(1))
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    if kind == "protokoll":
        for i, line in enumerate(lines[:6]):
            if "PROTOKOLL" in line.upper() and i + 1 < len(lines) and BODY_LINE.match(lines[i + 1]):
                return lines[i + 1]
    if kind == "dom":
        match = re.search(r"Mark- och miljööverdomstolen|[A-ZÅÄÖ]\w+ tingsrätt|Kammarrätten i \w+", head)
        return match.group(0) if match else None
    for i, line in enumerate(lines[:8]):
        typed = line.upper() in ("YTTRANDE", "PM", "GRANSKNINGSYTTRANDE")
        if typed and i + 1 < len(lines) and BODY_LINE.match(lines[i + 1]):
            return lines[i + 1]
        if re.match(r"^Länsstyrelsen\b", line):
            return "Länsstyrelsen" + (
                " " + lines[i + 1][:1].upper() + lines[i + 1][1:]  # "västra Götaland" -> "Västra Götaland"
                if i + 1 < len(lines) and "län" not in line and re.match(r"^[A-ZÅÄÖa-zåäö]+ [A-ZÅÄÖ]", lines[i + 1])
                else ""
            )
    to = re.search(rf"^Till\s*:?\s*\n?\s*({BODY})\s*$", head, re.M)
    if to and kind == "tjänsteutlåtande":
        return _cap(to.group(1))
    proposal = re.search(rf"(?:föreslår|föreslås) att ({BODY}) beslutar", full, re.I)
    if proposal:
        return _cap(proposal.group(1))
    in_body = re.search(rf"Förslag till beslut i ({BODY})", head, re.I)
    if in_body:
        return _cap(in_body.group(1))
    for section in sections:
        if section.heading.lower().startswith("förslag till beslut") and section.paragraphs:
            first = section.paragraphs[0].text
            match = re.match(rf"^(?:\d\.\s*)?({BODY})\b", first)
            if match:
                return _cap(match.group(1))
    return None


def find_unit(body: str | None, full: str) -> str | None:
    if body and body.lower().endswith("nämnden") and re.search(r"Förvaltningens förslag|Förvaltningschef", full):
        stem = body[: -len("nämnden")]
        if stem and " " not in stem:
            return f"{stem}förvaltningen".capitalize()
    match = re.search(r"^(Förvaltningen för [A-ZÅÄÖ][\wåäö &]+|[A-ZÅÄÖ][\wåäö-]*förvaltningen)\s*$", full[:1500], re.M)
    return match.group(1) if match else None


def find_remitter(head: str) -> str | None:
    for pattern in REMITTER:
        match = pattern.search(head)
        if match:
            return _cap(_genitive_to_base(match.group(1)))
    to = re.search(rf"^Till\s+Datum\s*\n\s*(.+?)\s+(?:{ISO})\s*$", head, re.M)
    return to.group(1).strip() if to else None


def find_remisstid(full: str) -> str | None:
    match = REMISSTID.search(full)
    return to_iso(match.group(1)) if match else None


def find_remiss_ref(head: str) -> str | None:
    match = REMISS_REF.search(head)
    if not match:
        return None
    series = "SOU" if match.group(1) == "SOU" else "Ds"
    return f"{series} {match.group(2)}:{match.group(3)}"


def find_handlaggare(head: str) -> str | None:
    match = HANDLAGGARE.search(head)
    return match.group(1) if match else None


AUTHORITY = re.compile(
    r"^(?:Länsstyrelsen|Regeringskansliet|Mark- och miljööverdomstolen|Svea hovrätt|[A-ZÅÄÖ]\w+ tingsrätt"
    r"|Kammarrätten|Förvaltningsrätten)\b"
)
SIGNATURE_LINES = 15


def _org_name(found: str) -> str:
    return found.title().replace(" Kommun", " kommun") if found.isupper() else found


def find_organisation(head: str, remitter: str | None, body: str | None = None, text: str = "") -> str | None:
    """The kommun, region or myndighet a document speaks for: a state authority is its own; else the first
    organisation named in the head (not the remitting one), else in the signature block at the end, else
    the one the text names most often (its letterhead and footers), when no other is named as often."""
    if body and AUTHORITY.match(body):
        return body
    named = [_org_name(m.group(1)) for m in ORG.finditer("\n".join(head.split("\n")[:12]))]
    for org in named:
        if not (remitter and org in remitter):
            return org
    lines = [line for line in text.split("\n") if line.strip()][-SIGNATURE_LINES:]
    signed = [_org_name(m.group(1)) for m in ORG.finditer("\n".join(lines))]
    if signed:
        return signed[-1]
    counts = Counter(_org_name(m.group(1)) for m in ORG.finditer(text)).most_common(2)
    if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]):
        return counts[0][0]
    return None


def find_dnr(head_lines: list[str], sections: list[Section]) -> tuple[list[str], list[str]]:
    ours, theirs = dnr_mod.head_dnr(head_lines)
    for section in sections:
        for value in section.dnr:
            if value not in ours:
                ours.append(value)
    return ours, theirs


def is_remissvar(head: str, kind: str) -> bool:
    if kind not in ("PM", "yttrande", "tjänsteutlåtande", "other"):
        return False
    return bool(
        re.search(
            r"svar på remiss|remiss från|yttrande över|remissvar|svar på .{0,60}remiss|"
            r"granskningsyttrande|remiss av",
            head,
            re.I,
        )
    )


DATE_ONLY = re.compile(rf"^(?:{DATE.pattern})$", re.IGNORECASE)


def dom_title(head: str, dnr: list[str]) -> str | None:
    saken = re.search(r"^SAKEN\s*\n\s*(.+)$", head, re.M)
    if not dnr:
        return None
    return f"Dom {dnr[0]}" + (f" – {saken.group(1).strip()}" if saken else "")


def find_title(head_paragraphs: list[str], kind: str, body: str | None, date: str | None) -> str | None:
    if kind == "protokoll" and body:
        return f"Protokoll {body} {date or ''}".strip()
    for i, text in enumerate(head_paragraphs):
        plain = text.strip()
        if len(plain.split()) < 2 or dnr_mod.DNR_RE.search(plain) or DATE_ONLY.match(plain):
            continue
        if len(plain) < 90 and re.search(ISO, plain):
            continue
        if re.match(r"^(Handläggare|Till|Telefon|Datum|Diarienummer|Dnr|Ert |Datum)\b", plain):
            continue
        if BODY_LINE.match(plain) or (plain.isupper() and len(plain.split()) <= 3):
            continue
        if plain.endswith(":") and i + 1 < len(head_paragraphs):
            return f"{plain} {head_paragraphs[i + 1].strip()}"
        return plain
    return None
