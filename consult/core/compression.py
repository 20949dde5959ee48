"""gzip for pages that carry a large cached fragment, without compressing that fragment again.

A long comment thread is rendered once and cached (``consult.comments.thread``, a ``precompressed`` region of
``consult.core.cache``); compressing its 300-500 KB on every request would then cost more than everything else
the page does. When the answer is gzipped, :func:`stitched_gzip` compresses the page's own bytes around the
fragments the cache served whole in this request (:func:`included`) and takes each fragment's deflate stream
from a cache region, where it was compressed the first time. Deflate streams joined this way are one valid
stream: each piece but the last ends with a full flush (byte-aligned, no reference to earlier data), so a
browser sees one ordinary gzip body (RFC 1952) whose checksum and length are those of the whole page.
"""

from __future__ import annotations

import struct
import zlib

from consult.core import cache

#: fragments smaller than this are compressed with the page (no gain in keeping them apart)
MIN_PART = 32 * 1024
#: gzip header: deflate, no name or comment, no time, unknown system
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

#: a fragment's (UTF-8 bytes, deflate stream) at a level; a cached fragment is the same ``str`` object request
#: after request, so its lookup is cheap
STREAMS = cache.region("gzip_fragments", depends_on=("text", "level"), max_entries=32,
                       max_size=16 * 1024 * 1024, size_of=lambda item: len(item[0]) + len(item[1]),
                       local=True)


def included() -> list[str]:
    """The large fragments the cache served whole in this request (they may be in the answer as they are)."""
    return [text for text in cache.precompressed_fragments() if len(text) >= MIN_PART]


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
    """``body`` as a gzip stream in which each part found in it is the cached deflate stream of that part;
    None when no part is in the body (the caller compresses it the usual way)."""
    found = []
    for text in parts:
        raw, deflated = STREAMS.get_or_make(lambda text=text: _compressed(text, level), text=text,
                                            level=level)
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
