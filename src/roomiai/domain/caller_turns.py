"""How much a caller may say in one turn: what a person says in one breath, not a pasted document."""

MAX_CALLER_TURN_CHARS = 2000
NOT_HEARD = "[a turn too long to take in]"  # what the transcript keeps of it
TOO_LONG = "Sorry, that was more than I can take in at once. Could you tell me in a few words?"


def too_long(text: str) -> bool:
    """Whether one caller turn is over the limit (Roomi answers TOO_LONG; the brain never sees it)."""
    return len(text) > MAX_CALLER_TURN_CHARS
