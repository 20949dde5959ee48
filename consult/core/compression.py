"""gzip for pages that carry a large cached fragment, without compressing that fragment again.

A long comment thread is rendered once and cached (``consult.comments.thread``, a ``precompressed`` region of
``consult.core.cache``); compressing its 300-500 KB on every request would then cost more than everything else
the page does. When the answer is gzipped, :func:`stitched_gzip` compresses the page's own bytes around the
fragments the cache served whole in this request (:func:`included`) and takes each fragment's deflate stream
from a cache region, where it was compressed the first time. Deflate streams joined this way are one valid
stream: each piece but the last ends with a full flush (byte-aligned, no reference to earlier data), so a
browser sees one ordinary gzip body (RFC 1952) whose checksum and length are those of the whole page.

:data:`compress` is Flask-Compress as the platform uses it (``create_app`` initialises it): never for answers
marked ``no-store``, a faster level for large bodies, and these stitched streams.
"""

from __future__ import annotations

import gzip
import struct
import zlib

from flask import current_app, request
from flask_compress import Compress

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


class SecretSafeCompress(Compress):
    """Flask-Compress, except for answers marked ``Cache-Control: no-store``.

    Those pages show a secret once (a ballot's tracker, a reset or verification code, a printed batch of
    codes). Compressing a secret next to text an attacker can choose lets the compressed size reveal it
    (BREACH), so they go out as they are; they are small, and every other page keeps gzip."""

    #: above this size a body is compressed at a faster level: a long thread's page costs a third less CPU
    #: for a few per cent more bytes, while the many small pages keep the best compression
    LARGE_BODY, LARGE_BODY_LEVEL = 128 * 1024, 4

    def after_request(self, response):
        if response is not None and "no-store" in (response.headers.get("Cache-Control") or ""):
            return response
        if response is not None and self._eligible(response):
            # a page with a large fragment from the cache: that fragment's deflate stream is cached too
            parts = included()
            body = stitched_gzip(response.get_data(), parts, current_app.config["COMPRESS_LEVEL"]) \
                if parts else None
            if body is None and (response.content_length or 0) > self.LARGE_BODY:
                body = gzip.compress(response.get_data(), compresslevel=self.LARGE_BODY_LEVEL, mtime=0)
            if body is not None:
                response.set_data(body)
                response.headers["Content-Encoding"] = "gzip"  # the parent class then leaves it as it is
        return super().after_request(response)

    def _eligible(self, response) -> bool:
        return (not response.is_streamed and 200 <= response.status_code < 300
                and "Content-Encoding" not in response.headers
                and response.mimetype in self.compress_mimetypes_set
                and request.accept_encodings["gzip"] > 0)


compress = SecretSafeCompress()
