"""Yes/no words in query strings and environment variables, read the same way everywhere."""

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(value: str | None) -> bool | None:
    """True or False for a yes/no word (any case, surrounding space ignored); None for anything else."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
