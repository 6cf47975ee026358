"""How a guardian is related to the child, in the reader's language.

The record keeps what the coordinator typed (祖母, 奶奶, 外婆 ...); the common words are named here once so an
English page does not show them untranslated. Anything else is shown as it was typed.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# Both the written (祖母) and the spoken (奶奶) word for each, since coordinators type either.
RELATIONSHIPS = {
    "祖母": _l("paternal grandmother"), "奶奶": _l("paternal grandmother"),
    "祖父": _l("paternal grandfather"), "爷爷": _l("paternal grandfather"),
    "外祖母": _l("maternal grandmother"), "外婆": _l("maternal grandmother"), "姥姥": _l("maternal grandmother"),
    "外祖父": _l("maternal grandfather"), "外公": _l("maternal grandfather"), "姥爷": _l("maternal grandfather"),
    "母亲": _l("mother"), "妈妈": _l("mother"), "父亲": _l("father"), "爸爸": _l("father"),
    "姑姑": _l("aunt (father's sister)"), "姨妈": _l("aunt (mother's sister)"), "阿姨": _l("aunt"),
    "叔叔": _l("uncle (father's younger brother)"), "伯伯": _l("uncle (father's elder brother)"),
    "舅舅": _l("uncle (mother's brother)"), "哥哥": _l("elder brother"), "姐姐": _l("elder sister"),
}


def relationship(text: str) -> str:
    """The guardian's relationship as the reader says it: as typed for a Chinese reader, a known word
    translated for anyone else, anything else as typed."""
    label = None if get_locale().language == "zh" else RELATIONSHIPS.get(text.strip())
    return str(label) if label is not None else text
