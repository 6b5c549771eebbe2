"""The tone labels of `../shared/labeling-guide.md`."""

TONES: tuple[str, ...] = ("dismissive", "hostile", "apologetic", "empathetic", "compensating")
FLAG_TONES: frozenset[str] = frozenset({"dismissive", "hostile"})


def is_flagged(labels: list[str] | tuple[str, ...] | set[str]) -> bool:
    """A reply is held back when it is dismissive or hostile."""
    return not FLAG_TONES.isdisjoint(labels)
