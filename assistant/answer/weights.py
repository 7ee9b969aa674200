"""Every weight of the extractive answer, named and explained. None is fitted to single questions: each
says how strongly one kind of signal counts, and was set once by looking at whole eval sets."""

from __future__ import annotations

# --- first stage: which documents get their paragraphs ranked ---------------------------------------
DOCS_FOR_PARAGRAPHS = 4  # best documents of the chunk ranking whose every paragraph is ranked
CHUNKS_FOR_DOCS = 20  # chunk hits looked at to find those documents
DOC_RANK_DECAY = 0.2  # a document's prior: 1 / (1 + DOC_RANK_DECAY * its rank among the documents)
NAMED_TYPE_BOOST = 1.4  # the question names the document's kind ("tjänsteskrivelsen", "protokollet")
CHUNK_HIT_BONUS = 1.15  # a paragraph inside one of the retrieved chunks (BM25 saw its context) counts more

SEARCH_PASSAGES_REORDERED = 5  # search: the chunks holding the best paragraphs come first, this many

# --- term weights: topic vs focus ---------------------------------------------------------------------
IDF_POWER = 1.5  # rarer question words weigh more: weight = idf ** IDF_POWER
TOPIC_TERM_WEIGHT = 0.25  # a term the document's title/head already satisfies says which case, not what
TOPIC_FLOOR = 0.6  # every paragraph of a document holds its topic terms to this degree (the document names them)
MIN_SPECIFICITY = 0.3  # a term found in every paragraph of a document still keeps this share of its weight
HEADING_CREDIT = 0.5  # a term found only in the paragraph's section heading counts half
PART_CREDIT = 0.3  # a compound found only by some of its parts counts this much

# --- paragraph priors ---------------------------------------------------------------------------------
SECTION_PRIOR = 1.45  # a section of the kind the answer type lives in (stance -> Synpunkter, vote -> Omröstning)
SECTION_PENALTY = 0.6  # sections that rarely answer anything: Bilagor, Beslutet skickas till, the table of contents
EVIDENCE_BOOST = 1.5  # the text holds the kind of answer asked for (a date, a vote count, an evaluative verb)
EVIDENCE_MISSING = 0.7  # for fact types (date, number, vote, person): the text holds no such fact

OWN_DATE_BOOST = 1.5  # a date question: the sentence states the document's own date (its head's "Datum …")

VOTE_COUNT_BOOST = 1.6  # a vote question: the sentence gives the result in numbers
DEFINES_BOOST = 1.6  # a definition question: the sentence opens by saying what the asked-about term is
SIGNATURE_LEAD = 1.1  # "vem undertecknade …": a document's signature block scores this much above its best
# paragraph (the question's other words only say which document; the signature is its answer)
NAMED_MEMBER_BOOST = 3.0  # "fick X remissen?": the passage names X (a remiss list item); the list is the answer

# --- sentences ----------------------------------------------------------------------------------------
PARAGRAPHS_FOR_SENTENCES = 8  # best paragraphs whose sentences compete to be quoted
SENTENCE_OWN_SHARE = 0.6  # a sentence's score: this share from its own focus coverage, the rest from its paragraph
SHORT_SENTENCE_CHARS = 25  # shorter sentences without the asked-for fact are headings or fragments ...
SHORT_SENTENCE_FACTOR = 0.5  # ... and count this much
RELATIVE_FLOOR = 0.6  # further quotes must score at least this share of the best one ...
RELATIVE_FLOOR_VIEWS = 0.4  # ... or this share for a stance, a reason or a list, which take several sentences
OWN_VIEW_BOOST = 1.3  # a stance question: the sentence gives the writer's own view ("Förvaltningen anser …")
MIN_SENTENCE_SCORE = 0.15  # and at least this much
NEAR_DUPLICATE = 0.6  # token Jaccard above which two quotes say the same thing: only the better is kept
FACT_QUOTES = 2  # quotes for a fact answer (date, number, person, vote, membership, validity, definition)
STANCE_QUOTES = 4  # quotes for a stance, reason or decision answer
PER_DOC = 3  # quotes from one document
PER_PARAGRAPH = 2  # quotes from one paragraph
REASON_ARGUMENT_CHARS = 500  # a reason quote runs on to its paragraph's end when the rest is at most this long
LIST_ITEMS = 8  # items brought along by a sentence that introduces a list

# --- abstention ---------------------------------------------------------------------------------------
FOCUS_MIN = 0.1  # the best passage must cover this share of the question's focus (the terms its document
# does not already satisfy); below it the archive does not answer what was asked
