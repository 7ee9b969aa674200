"""Answers: the extractive pipeline (paragraph ranking, sentence choice, direct lines, composition)."""
