"""Pure text functions of the UI: labels, Markdown and HTML snippets, exports. No Streamlit here."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from assistant.labels import TYPE_LABEL, who
from assistant.schemas import Answer, Citation, DocRef, RemissOverview
from ingest.models import Document, Paragraph

_MD_SPECIAL = re.compile(r"([\\`*_{}<>#|~$])")
_MARKER = re.compile(r"\[(\d{1,3})\]")


def md_escape(text: str) -> str:
    """Text shown as Markdown without turning into emphasis, HTML or LaTeX (`$` is maths in Streamlit)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(text: str) -> str:
    """The answer text for st.markdown: escaped, citation markers [n] as small badges, lines kept."""
    lines = []
    for line in text.strip().split("\n"):
        escaped = md_escape(line).replace("[", "\\[").replace("]", "\\]")
        lines.append(re.sub(r"\\\[(\d{1,3})\\\]", r":blue-badge[\1]", escaped))
    return "  \n".join(lines)


def markers(text: str) -> list[int]:
    return sorted({int(m) for m in _MARKER.findall(text)})


def pages_label(pages: Sequence[int]) -> str:
    if not pages:
        return ""
    low, high = min(pages), max(pages)
    return f"s. {low}" if low == high else f"s. {low}–{high}"


def dnr_label(dnr: Sequence[str], most: int = 0) -> str:
    """Diarienummer joined; with `most`, the first ones and how many more (a protokoll can have twenty)."""
    if most and len(dnr) > most:
        return ", ".join(dnr[:most]) + f" m.fl. ({len(dnr)})"
    return ", ".join(dnr)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def type_label(doc_type: str) -> str:
    """A document type as the UI shows it, in Swedish ("other" is "dokument"); unknown types as they are."""
    return TYPE_LABEL.get(doc_type, doc_type) if doc_type else ""


CASE_PAGE = "arende"  # the Ärende page's url_path (ui/app.py)
CASE_LINK_TEXT = "Visa ärendet"


def case_url(dnr: Sequence[str]) -> str | None:
    """A relative link to the Ärende page of a document's first dnr, or None without one."""
    return f"{CASE_PAGE}?dnr={quote(dnr[0], safe='')}" if dnr else None


def source_url(api_url: str, doc_id: str, source_file: str, pages: Sequence[int] = ()) -> str:
    """Where the browser opens the original file: for a PDF at its first cited page (`#page=N`, the
    browser's own PDF viewer)."""
    url = f"{api_url.rstrip('/')}/v1/documents/{quote(doc_id, safe='')}/source"
    is_pdf = source_file.lower().endswith(".pdf")
    return f"{url}#page={min(pages)}" if is_pdf and pages else url


def doc_facts(
    body: str | None,
    doc_type: str,
    dnr: Sequence[str],
    date: str | None,
    most_dnr: int = 0,
    organisation: str | None = None,
) -> list[str]:
    """The short facts that identify a document, in reading order, empty ones left out."""
    facts = [who(organisation, body), type_label(doc_type), dnr_label(dnr, most_dnr)]
    facts.append(date or "odaterat")
    return [f for f in facts if f]


def citation_label(c: Citation) -> str:
    """The chip under an answer: number, body, type, dnr, date and section, short enough for one line."""
    parts = [*doc_facts(c.body, c.doc_type, c.dnr, c.date, 1, c.organisation), shorten(c.section, 48)]
    return f"[{c.n}] " + " · ".join(p for p in parts if p)


def docref_label(d: DocRef) -> str:
    return f"{d.title} – " + " · ".join(doc_facts(d.body, d.doc_type, d.dnr, d.date, organisation=d.organisation))


def local_id(paragraph_id: str) -> str:
    """`doc#s3.p2` -> `s3.p2` (a local id is returned unchanged)."""
    return paragraph_id.split("#", 1)[1] if "#" in paragraph_id else paragraph_id


def highlight_html(text: str, start: int, end: int) -> str:
    """The paragraph as HTML with [start, end) marked; offsets outside the text mark nothing."""
    if not 0 <= start < end <= len(text):
        return _html_lines(text)
    return _html_lines(text[:start]) + "<mark>" + _html_lines(text[start:end]) + "</mark>" + _html_lines(text[end:])


def _html_lines(text: str) -> str:
    return html.escape(text).replace("\n", "<br>").replace("$", "&#36;")


def find_quote(text: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Where the quote is in the paragraph: the given offsets when they match, else a search."""
    if 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    found = text.find(quote) if quote else -1
    return (found, found + len(quote)) if found >= 0 else (start, end)


@dataclass
class ContextParagraph:
    paragraph: Paragraph
    heading: str | None  # set when the section changes at this paragraph
    cited: bool


def paragraph_context(doc: Document, paragraph_id: str, around: int = 2) -> list[ContextParagraph]:
    """The cited paragraph with `around` paragraphs before and after, marking section changes."""
    wanted = local_id(paragraph_id)
    flat = [(s.heading, p) for s in doc.sections for p in s.paragraphs]
    index = next((i for i, (_, p) in enumerate(flat) if p.id == wanted), None)
    if index is None:
        return []
    out: list[ContextParagraph] = []
    previous_section: str | None = None
    for heading, p in flat[max(0, index - around) : index + around + 1]:
        changed = p.section_id != previous_section
        previous_section = p.section_id
        out.append(ContextParagraph(p, heading if changed else None, p.id == wanted))
    return out


def export_markdown(question: str, answer: Answer) -> str:
    """One answer with its sources, as a Markdown file someone can paste into a tjänsteutlåtande."""
    lines = ["# Fråga", "", question.strip(), "", "## Svar", "", answer.answer.strip(), ""]
    if answer.citations:
        lines += ["## Källor", ""]
        for c in answer.citations:
            facts = " · ".join(doc_facts(c.body, c.doc_type, c.dnr, c.date, organisation=c.organisation))
            where = ", ".join(x for x in (c.section, pages_label(c.pages), c.paragraph_id) if x)
            lines.append(f"{c.n}. *{c.title}* – {facts} – {where}")
            lines.append(f"   > {c.quote.strip()}")
            if c.source_file:
                lines.append(f"   Källfil: {c.source_file}")
            lines.append("")
    if answer.abstained and answer.nearest:
        lines += ["## Närmaste dokument", ""]
        lines += [f"- {docref_label(d)}" for d in answer.nearest]
        lines.append("")
    lines.append("*Exporterat från Remissarkivet.*")
    return "\n".join(lines) + "\n"


def history_turns(messages: Iterable[dict[str, Any]], limit: int = 10) -> list[dict[str, str]]:
    """The conversation as API history turns (role + content), the latest `limit` turns."""
    turns = [
        {"role": str(m["role"]), "content": str(m["content"])}
        for m in messages
        if m.get("role") in ("user", "assistant") and m.get("content")
    ]
    return turns[-limit:]


# --- remisser ------------------------------------------------------------------------------------
STANCE_LABELS = {
    "tillstyrker": "Tillstyrker",
    "tillstyrker med synpunkter": "Tillstyrker med synpunkter",
    "tveksam": "Tveksam",
    "avstyrker": "Avstyrker",
    "inget att erinra": "Inget att erinra",
    "unclear": "Oklart",
}

REMISS_COLUMNS = ["Instans", "Typ", "Datum", "Dnr", "Ställningstagande", "Citat", "Dokument"]


def remiss_rows(overview: RemissOverview) -> list[dict[str, str]]:
    rows = []
    for r in overview.responses:
        rows.append(
            {
                "Instans": r.doc.body or "–",
                "Typ": type_label(r.doc.doc_type) or "–",
                "Datum": r.doc.date or "–",
                "Dnr": dnr_label(r.doc.dnr) or "–",
                "Ställningstagande": STANCE_LABELS.get(r.stance.stance, r.stance.stance),
                "Citat": (r.stance.quote or "").strip(),
                "Dokument": r.doc.title,
            }
        )
    return rows


def rows_csv(rows: Sequence[dict[str, str]], columns: Sequence[str] = REMISS_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def rows_markdown(title: str, rows: Sequence[dict[str, str]], columns: Sequence[str] = REMISS_COLUMNS) -> str:
    def cell(value: str) -> str:
        return " ".join(value.split()).replace("|", "\\|") or "–"

    lines = [f"# {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def feedback_jsonl(items: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


# --- facets --------------------------------------------------------------------------------------
@dataclass
class Facets:
    bodies: list[str] = field(default_factory=list)  # labels: "Kungsbacka kommun, kommunstyrelsen"
    types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    body_filters: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # label -> (organisation, body)


def _body_entries(value: Any) -> dict[str, tuple[str | None, str]]:
    """The bodies facet as labels (organisation and body together) and the filters each label stands for."""
    out: dict[str, tuple[str | None, str]] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and item.get("value"):
            org = item.get("organisation") or None
            out[who(org, str(item["value"]))] = (org, str(item["value"]))
    for name in _facet_values(value):
        out.setdefault(name, (None, name))
    return out


def _facet_values(value: Any) -> list[str]:
    """A facet as a list of values, whether it came as {value: count}, [{value, count}] or [value]."""
    if isinstance(value, dict):
        return [str(k) for k in value if k not in (None, "")]
    out = []
    for item in value or []:
        if isinstance(item, dict):
            name = item.get("value", item.get("name", item.get("key")))
        elif isinstance(item, list | tuple) and item:
            name = item[0]
        else:
            name = item
        if name not in (None, ""):
            out.append(str(name))
    return out


def parse_facets(raw: Any) -> Facets:
    raw = raw if isinstance(raw, dict) else {}
    years = sorted({int(y) for y in _facet_values(raw.get("years")) if str(y).isdigit()})
    entries = _body_entries(raw.get("bodies"))
    return Facets(
        bodies=sorted(entries, key=str.casefold),
        body_filters=entries,
        organisations=sorted(set(_facet_values(raw.get("organisations"))), key=str.casefold),
        types=sorted(set(_facet_values(raw.get("types", raw.get("doc_types")))), key=str.casefold),
        years=years,
    )


# --- Streamlit's own texts -----------------------------------------------------------------------
def uploader_css(types: Sequence[str], max_mb: int) -> str:
    """CSS that shows the file uploader's built-in English texts ("Upload", "25MB per file • …") in Swedish:
    Streamlit 1.67 has no parameter for them, so the original text is shrunk away and replaced."""
    accepted = ", ".join(t.upper() for t in types)
    zone = '[data-testid="stFileUploaderDropzone"]'
    note = f"Högst {max_mb} MB per fil · {accepted}".replace('"', "")
    return (
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p {{font-size: 0;}}'
        f'{zone} button [data-testid="stMarkdownContainer"] p::after {{content: "Välj fil"; font-size: 1rem;}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f'{{content: "{note}"; font-size: .875rem;}}'
        "</style>"
    )


# --- upload results ------------------------------------------------------------------------------
UPLOAD_STATUS = {
    "added": "Tillagd",
    "replaced": "Ersatte en tidigare version",
    "unchanged": "Fanns redan (oförändrad)",
    "variant": "Variant av ett dokument i arkivet",
    "skipped": "Inte inläst",
}
# what the service says, in Swedish: (pattern of its English reason, the Swedish text; groups fill {0}, {1})
REASONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^same text as (.+?) \((\d+%) alike\): kept as its variant$"),
        "samma text som {0} ({1} lika): sparad som variant av det",
    ),
    (re.compile(r"^same text as (.+?): kept as its variant$"), "samma text som {0}: sparad som variant av det"),
    (
        re.compile(r"^same text as (.+?), the better original: kept as its variant$"),
        "samma text som {0}, som är originalet: sparad som variant av det",
    ),
    (
        re.compile(r"^the original of (.+?) \((\d+%) alike\), now its variant$"),
        "originalet till {0} ({1} lika), som nu är en variant av det",
    ),
    (re.compile(r"^same text as (.+)$"), "samma text som {0}"),
    (re.compile(r"^unsupported file type; accepted: (.+)$"), "filtypen läses inte (arkivet läser {0})"),
    (re.compile(r"^unsupported file type (.+)$"), "filtypen {0} läses inte"),
    (re.compile(r"^(.+) MB is over the limit of (.+) MB$"), "{0} MB är över gränsen på {1} MB"),
    (re.compile(r"^file too large \((.+)\)$"), "filen är för stor ({0})"),
    (re.compile(r"^unusable file name (.+)$"), "filnamnet {0} går inte att använda"),
    (re.compile(r"^no paragraphs of text found$"), "ingen text hittades i filen"),
    (re.compile(r"^empty file$"), "filen är tom"),
    (re.compile(r"^describes the folder, not a document$"), "beskriver mappen, är inget dokument"),
    (re.compile(r"^a data file \((.+)\), not a document$"), "en datafil ({0}), inget dokument"),
]


def reason_sv(reason: str) -> str:
    """The service's reason for a file, in Swedish where it is a known one; else quoted as the service said it."""
    for pattern, swedish in REASONS:
        match = pattern.match(reason.strip())
        if match:
            return swedish.format(*match.groups())
    return f"tjänstens besked: {reason}" if reason else ""


def upload_line(result: dict[str, Any]) -> str:
    """One line per uploaded file: name, what became of it, what was detected, why (in Swedish)."""
    status = str(result.get("status") or "skipped")
    name = str(result.get("filename") or result.get("original_filename") or "")
    detected = (
        doc_facts(
            result.get("body"),
            str(result.get("doc_type") or ""),
            list(result.get("dnr") or []),
            result.get("date"),
            3,
            result.get("organisation"),
        )
        if status != "skipped"
        else []
    )
    parts = [f"{name}: {UPLOAD_STATUS.get(status, status)}", *detected]
    reason = reason_sv(str(result.get("reason") or ""))
    return " · ".join(parts) + (f" — {reason}" if reason else "")
