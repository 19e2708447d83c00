"""Schemathesis hooks for .ci/schemathesis.

A generated Idempotency-Key is often the same for two different bodies,
which the API rightly refuses (422: "this key was used for a different
request"). A real client makes a new key per request; so does this hook.
"""
import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key":
            case.headers[name] = str(uuid.uuid4())


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
