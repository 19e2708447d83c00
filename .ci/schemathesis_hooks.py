"""Schemathesis hooks for .ci/schemathesis.

A generated Idempotency-Key is often the same for two different bodies,
which the API rightly refuses (422: "this key was used for a different
request"). A real client makes a new key per request; so does this hook.
"""
import json
import os
import random
import struct
import uuid
import zlib

import schemathesis
from hypothesis import strategies as st

# Things used up by a success — a survey answered — come from a pool the
# run seeded (SCHEMATHESIS_POOLS, JSON): every operation under a pool's
# path takes its first id, and a success of one of its `consumers` moves
# on to the next, so each phase finds one to use.
_pools = json.loads(os.environ.get("SCHEMATHESIS_POOLS", "{}"))
# The same for ids a body names (SCHEMATHESIS_REFERENCES, JSON: operation →
# field → ids), as `parameters` does for a path's: a person without a
# login yet, a position to hold. A field the generated body leaves out
# stays out.
_references = json.loads(os.environ.get("SCHEMATHESIS_REFERENCES", "{}"))
# A secret no schema can give: the signing officials' passphrase
# (SCHEMATHESIS_PASSPHRASE), at the signing service and of the PKCS#12
# (SCHEMATHESIS_CERTIFICATE) a certificate upload sends. Every passphrase
# a generated body carries is this one.
_passphrase = os.environ.get("SCHEMATHESIS_PASSPHRASE")
_certificate = None
if os.environ.get("SCHEMATHESIS_CERTIFICATE"):
    import base64
    with open(os.environ["SCHEMATHESIS_CERTIFICATE"], "rb") as f:
        _certificate = base64.b64encode(f.read()).decode()


def _pool(case):
    path = case.operation.label.split(" ", 1)[1]
    for prefix, pool in _pools.items():
        if path == prefix or path.startswith(prefix + "/"):
            return pool
    return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key":
            case.headers[name] = str(uuid.uuid4())
    pool = _pool(case)
    if pool and pool["ids"]:
        case.path_parameters[pool["param"]] = pool["ids"][0]
    if isinstance(case.body, dict):
        for field, ids in _references.get(case.operation.label, {}).items():
            if field in case.body:
                case.body[field] = ids[0]
        _give_secrets(case.body)
    _connector_dry_run(case)


def _connector_dry_run(case):
    # A generated address is no server to send to: a connector saved here
    # stays a dry run, so the steps after it never wait on one.
    if case.operation.label.startswith("PUT /api/v1/connectors/") and isinstance(case.body, dict):
        if "dry_run" in case.body:
            case.body["dry_run"] = True


def _give_secrets(body):
    for holder in (body, body.get("signing")):
        if isinstance(holder, dict) and _passphrase and "passphrase" in holder:
            holder["passphrase"] = _passphrase
    if _certificate and "p12_base64" in body:
        body["p12_base64"] = _certificate


@schemathesis.hook
def after_call(ctx, case, response):
    pool = _pool(case)
    if pool and case.operation.label in pool["consumers"] and 200 <= response.status_code < 300:
        if len(pool["ids"]) > 1:
            pool["ids"].pop(0)
    if 200 <= response.status_code < 300:
        for ids in _references.get(case.operation.label, {}).values():
            if len(ids) > 1:
                ids.pop(0)
    _note_rejection(case, response)


# What a schema cannot describe but a test can make: files that must open
# and texts that must parse. Each is a real one, varied.
def _png(width, height, seed):
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _pdf(text):
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


schemathesis.openapi.media_type("image/png", st.builds(_png, st.integers(1, 32), st.integers(1, 32), st.integers()))
schemathesis.openapi.media_type("application/pdf", st.builds(_pdf, st.text(alphabet="abcdefghij ", max_size=40)))
# A roster of someone as they are (SCHEMATHESIS_ROSTER): read, and
# importing it changes nothing.
_roster = os.environ.get("SCHEMATHESIS_ROSTER")
if _roster:
    with open(_roster, "rb") as f:
        _roster_bytes = f.read()
    schemathesis.openapi.media_type("text/csv", st.sampled_from([_roster_bytes, _roster_bytes.replace(b"\r\n", b"\n")]))
# An SOP document Sopir itself rendered (SCHEMATHESIS_SOP_PDF), to import.
_sop_pdf = os.environ.get("SCHEMATHESIS_SOP_PDF")
if _sop_pdf:
    with open(_sop_pdf, "rb") as f:
        schemathesis.openapi.media_type("application/octet-stream", st.just(f.read()))
# An SOP definition: one of the repository's, as a later version.
_sop_sources = []
for _root, _, _files in os.walk(os.path.join(os.path.dirname(__file__), "..", "sops", "lumajang")):
    _sop_sources += [open(os.path.join(_root, f), encoding="utf-8").read() for f in sorted(_files) if f.endswith(".toml") and f != "agency.toml"]
if _sop_sources:
    import re as _re
    schemathesis.openapi.format("sop-toml", st.builds(
        lambda source, version: _re.sub(r"^version = \d+", f"version = {version}", source, count=1, flags=_re.M),
        st.sampled_from(_sop_sources), st.integers(100, 10**6)))


# Schemathesis 4 reads the URLs in response bodies (for its stateful
# phase) and stops the whole run on a string urllib cannot split, such as
# a generated "http://[" echoed back in a saved setting ("Invalid IPv6
# URL"). Such a string is no URL to follow: it is skipped, not fatal.
try:
    from schemathesis.engine import observations as _observations
except ImportError:  # a later version without it
    _observations = None
if _observations is not None and hasattr(_observations, "_same_origin_path"):
    _same_origin_path = _observations._same_origin_path

    def _tolerant_same_origin_path(value, origin):
        try:
            return _same_origin_path(value, origin)
        except ValueError:
            return None

    _observations._same_origin_path = _tolerant_same_origin_path


# Diagnosis: with SCHEMATHESIS_REJECTIONS=<file>, each valid (positive)
# request the API refused as invalid is written there with its answer.
_rejections = os.environ.get("SCHEMATHESIS_REJECTIONS")


def _note_rejection(case, response):
    if not _rejections or case.meta is None or response.status_code not in (400, 422):
        return
    if str(case.meta.generation.mode).lower().find("positive") < 0:
        return
    with open(_rejections, "a", encoding="utf-8") as out:
        out.write(json.dumps({
            "operation": case.operation.label,
            "phase": str(case.meta.phase.name),
            "status": response.status_code,
            "body": case.body if isinstance(case.body, (dict, list, str, int, float, type(None))) else repr(case.body),
            "query": case.query,
            "answer": response.text[:600],
        }, ensure_ascii=False, default=repr) + "\n")
