"""gzip for pages that carry a large fragment kept between requests, without compressing that fragment again.

A long comment thread is rendered once and kept (``consult.comments.thread``); compressing its 300-500 KB on
every request would then cost more than everything else the page does. The code that puts such a fragment in
a page calls :func:`include`; when the answer is gzipped, :func:`stitched_gzip` compresses the page's own bytes
around the fragment now and takes the fragment's deflate stream from a bounded store, where it was compressed
the first time. Deflate streams joined this way are one valid stream: each piece but the last ends with a full
flush (byte-aligned, no reference to earlier data), so a browser sees one ordinary gzip body (RFC 1952) whose
checksum and length are those of the whole page.
"""

from __future__ import annotations

import struct
import zlib

from flask import g, has_request_context

from consult.core.kept import KeptStore

#: fragments smaller than this are compressed with the page (no gain in keeping them apart)
MIN_PART = 32 * 1024
#: gzip header: deflate, no name or comment, no time, unknown system
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_KEY = "consult_gzip_parts"


#: fragment text → (UTF-8 bytes, deflate stream); a kept fragment is the same ``str`` object request after
#: request, so its lookup is cheap
kept = KeptStore(32, 16 * 1024 * 1024)


def include(text: str) -> None:
    """Say that ``text``, a large fragment kept between requests, is in this request's answer as it is."""
    if len(text) >= MIN_PART and has_request_context():
        parts = g.setdefault(_KEY, [])
        if not any(part is text for part in parts):  # named twice (or g outlives the request): once is enough
            parts.append(text)


def included() -> list[str]:
    """The fragments :func:`include` named in this request."""
    if not has_request_context():
        return []
    return g.get(_KEY) or []


def _compressed(text: str, level: int) -> tuple[bytes, bytes]:
    raw = text.encode("utf-8")
    return raw, _deflate(raw, level, zlib.Z_FULL_FLUSH)


def _deflate(data: bytes, level: int, mode: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


def _find(body: bytes, raw: bytes) -> int:
    """Where ``raw`` is in ``body``: its first bytes are looked for, then the whole is compared there (much
    quicker than searching for a 300 KB needle)."""
    head, at = raw[:256], -1
    while True:
        at = body.find(head, at + 1)
        if at < 0 or body.startswith(raw, at):
            return at


def stitched_gzip(body: bytes, parts: list[str], level: int) -> bytes | None:
    """``body`` as a gzip stream in which each part found in it is the kept deflate stream of that part; None
    when no part is in the body (the caller compresses it the usual way)."""
    found = []
    for text in parts:
        raw, deflated = kept.get_or_make(text, lambda text=text: _compressed(text, level),
                                         size_of=lambda item: len(item[0]) + len(item[1]))
        at = _find(body, raw)
        if at >= 0:
            found.append((at, len(raw), deflated))
    if not found:
        return None
    found.sort()
    out, position = [_HEADER], 0
    for at, length, deflated in found:
        if at < position:  # overlapping parts: the first one found serves
            continue
        out.append(_deflate(body[position:at], level, zlib.Z_FULL_FLUSH))
        out.append(deflated)
        position = at + length
    out.append(_deflate(body[position:], level, zlib.Z_FINISH))
    out.append(struct.pack("<II", zlib.crc32(body) & 0xFFFFFFFF, len(body) & 0xFFFFFFFF))
    return b"".join(out)
