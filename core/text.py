def split_lines(text: str) -> list[str]:
    """The non-blank lines of a one-per-line admin field (aliases, alternative titles), stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]
