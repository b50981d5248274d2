"""Text helpers shared by every app: normalising names for duplicate detection."""

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Ministère  de l'ÉDUCATION' -> "ministere de l'education"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
