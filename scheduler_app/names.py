"""How people are named where only what is needed may show: a child by her given name (a volunteer's pages, her
calendar feed)."""

from __future__ import annotations


def first_name(name: str) -> str:
    """What a volunteer calls a child: the given name (a Chinese name without its one-character surname,
    the first word of a name written with spaces)."""
    name = name.strip()
    if " " in name:
        return name.split()[0]
    return name[1:] if len(name) >= 3 else name  # a two-character name is said whole
