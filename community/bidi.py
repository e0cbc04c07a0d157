"""Names in a sentence whatever their writing direction: an Arabic or Hebrew pseudonym must not
pull the words around it into its right-to-left order."""

# Unicode FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the plain-text counterpart of
# HTML's <bdi>, for e-mails, flash messages and notification texts.
FSI = "\u2068"
PDI = "\u2069"


def isolate(text: str) -> str:
    """The text between FSI and PDI: its direction is its own and stays inside."""
    return f"{FSI}{text}{PDI}" if text else text
