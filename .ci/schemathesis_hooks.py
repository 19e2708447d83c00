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
