"""Near-duplicate detection for form-letter campaigns, without any external service.

Each comment gets, at intake, a hash of its normalised text (exact duplicates) and a MinHash
signature of its word 3-shingles. We use *one-permutation hashing*: every shingle is hashed
once and falls into one of ``BINS`` bins, each bin keeping its minimum. That is one hash per
shingle instead of one per shingle per permutation, fast enough in pure Python at intake.
Grouping then buckets the signatures of *distinct* texts by LSH bands and confirms candidate
pairs by the estimated Jaccard similarity.
"""

import hashlib
import re
import unicodedata
import zlib
from array import array
from collections.abc import Iterable

BINS = 64
BANDS = 16
ROWS = BINS // BANDS
EMPTY = 0xFFFFFFFF
THRESHOLD = 0.7
SHINGLE = 3

# Zero-width characters and bidi controls: kept in the stored text, ignored for comparison.
INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x061C, 0x200E, 0x200F]
    + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))
)
WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    cleaned = unicodedata.normalize("NFKC", text).translate(INVISIBLE).casefold()
    return WORD_RE.findall(cleaned)


def text_hash(text: str) -> str:
    return hashlib.md5(" ".join(words(text)).encode(), usedforsecurity=False).hexdigest()


def signature(text: str) -> bytes:
    tokens = words(text)
    mins = [EMPTY] * BINS
    if len(tokens) < SHINGLE:
        shingles: Iterable[str] = [" ".join(tokens)] if tokens else []
    else:
        shingles = (" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))
    for shingle in shingles:
        h = (zlib.crc32(shingle.encode()) * 0x9E3779B1) & 0xFFFFFFFF
        h ^= h >> 15
        b = h % BINS
        if h < mins[b]:
            mins[b] = h
    return array("I", mins).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (bins empty in both are ignored)."""
    x, y = array("I"), array("I")
    x.frombytes(a)
    y.frombytes(b)
    used = same = 0
    for u, v in zip(x, y, strict=True):
        if u == EMPTY and v == EMPTY:
            continue
        used += 1
        same += u == v
    return same / used if used else 1.0


def _estimate(x: array, y: array) -> float:
    used = same = 0
    for u, v in zip(x, y, strict=True):
        if u == v:
            if u != EMPTY:
                used += 1
                same += 1
        else:
            used += 1
    return same / used if used else 1.0


def clusters(signatures: list[bytes], threshold: float = THRESHOLD) -> list[list[int]]:
    """Cluster the signatures of *distinct* texts; returns the clusters (of indexes into
    ``signatures``) with two or more members.

    LSH banding: texts whose signatures agree on all ``ROWS`` bins of some band are candidates,
    and a candidate pair joins when its estimated similarity reaches ``threshold``. Each text is
    compared with the first text (lowest index) of its bucket only, so pass the texts in a stable
    order (e.g. by their earliest comment); union-find keeps it linear in texts times bands.
    (A plain loop: building the buckets with ``dict(zip(...))`` and ``compress`` in C measured
    slower, 7.5–7.9 s against 6.3 s CPU for 545,499 texts.)
    """
    parent = list(range(len(signatures)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    unpacked: dict[int, array] = {}

    def values(i: int) -> array:
        if i not in unpacked:
            unpacked[i] = array("I", signatures[i])
        return unpacked[i]

    width = ROWS * 4
    blank = b"\xff" * width
    for band in range(BANDS):
        start, stop = band * width, (band + 1) * width
        buckets: dict[bytes, int] = {}
        for i, sig in enumerate(signatures):
            key = sig[start:stop]
            first = buckets.setdefault(key, i)
            if first == i or key == blank:  # an empty band (a very short text) proves nothing
                continue
            ri, rf = find(i), find(first)
            if ri != rf and _estimate(values(i), values(first)) >= threshold:
                parent[ri] = rf
    found: dict[int, list[int]] = {}
    for i in range(len(signatures)):
        found.setdefault(find(i), []).append(i)
    return [members for members in found.values() if len(members) > 1]
