"""Display vocabulary: Swedish labels of document types as shown in answers and the UI."""

from __future__ import annotations

TYPE_LABEL = {
    "tjänsteutlåtande": "tjänsteutlåtande",
    "PM": "PM",
    "yttrande": "yttrande (remissvar)",
    "protokoll": "protokoll",
    "strategi": "strategi",
    "remiss": "remiss",
    "riktlinje": "riktlinje",
    "dom": "dom",
    "other": "dokument",
}
