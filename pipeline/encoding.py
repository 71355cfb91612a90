"""Which charset an HTML page is really in, and its text.

Servers and pages often lie about their charset: UTF-8 served as ISO-8859-1, Windows-1252
declared as UTF-8, no declaration at all. The rules here are the ones browsers converge on,
made robust to wrong labels by checking that the bytes actually decode.
"""

from __future__ import annotations

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)


def html_encoding(body: bytes, content_type: str | None = None) -> str:
    """The charset an HTML body is really in.

    A byte-order mark wins; then UTF-8 when the bytes are valid UTF-8 (undeclared UTF-8 and
    UTF-8 served as ISO-8859-1 are common; valid UTF-8 by accident is not); then the charset
    of the Content-Type header, then the one the page declares, each only if the bytes decode
    with it; Windows-1252 (what browsers use for ISO-8859-1 and undeclared pages) last.
    """
    bom, _ = read_bom(body)
    if bom:
        return bom
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body[:4096]),
    ]
    for name in declared:
        encoding = resolve_encoding(name) if name else None
        if not encoding or encoding.replace("_", "-") in ("utf-8", "utf8"):
            continue
        try:
            body.decode(encoding)
            return encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return "cp1252"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page's text, decoded with :func:`html_encoding` (byte-order mark removed)."""
    encoding = html_encoding(body, content_type)
    _, raw_bom = read_bom(body)
    return body[len(raw_bom or b"") :].decode(encoding, errors="replace")
