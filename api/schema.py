"""OpenAPI post-processing: anonymous reads, and the error answers every operation can give."""

ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "description": 'Either {"detail": "..."} or {"<parameter or field>": ["message", ...]}.',
            "additionalProperties": True,
        }
    }
}
ERRORS = {
    "400": "Invalid parameters or fields, with a message for each.",
    "401": "Writing needs a staff token or session.",
    "403": "Not allowed (not staff, or missing CSRF token).",
    "404": "No such object.",
    "429": "Too many anonymous requests; see Retry-After.",
    "503": "The database is unavailable (restarting); see Retry-After.",
}


def add_error_responses(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method in ("get", "head") and {} not in operation.get("security", [{}]):
                operation["security"].append({})  # reads are open to anonymous users
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": ERROR_BODY})
    return result
