"""Reading a question: what it is about (its topic: body, dnr, document, year, type, parties), what it asks
about that topic (its focus terms) and what kind of answer it wants (its answer type)."""

from assistant.query.answer_type import answer_type_of
from assistant.query.reading import QueryPlan, Term, plan, terms_of

__all__ = ["QueryPlan", "Term", "answer_type_of", "plan", "terms_of"]
