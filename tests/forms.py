"""A page's forms as a browser would submit them, read with the standard library's HTML parser: the tests and the
load benchmark (``python -m loadtest``) fill forms and take their CSRF token with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Buttons send their value only when they are the one pressed; a form read as it stands presses none.
NOT_SENT_AS_IS = {"submit", "button", "reset", "image"}


@dataclass
class Option:
    """One option of a select: its attributes and its text (its value when it has no value attribute)."""

    attrs: dict[str, str | None]
    text: str = ""

    @property
    def value(self) -> str:
        """What the browser sends for it."""
        value = self.attrs.get("value")
        return value if value is not None else " ".join(self.text.split())


@dataclass
class Control:
    """One input, select or textarea of a form, as the page has it."""

    tag: str
    attrs: dict[str, str | None]
    options: list[Option] = field(default_factory=list)  # a select's
    text: str = ""  # a textarea's

    def submitted(self) -> list[str]:
        """The values a browser sends for it (none for a control it leaves out)."""
        if not self.attrs.get("name") or "disabled" in self.attrs:
            return []
        if self.tag == "textarea":
            # The HTML parsing rules drop one newline right after the start tag.
            return [self.text.removeprefix("\n")]
        if self.tag == "select":
            chosen = [o.value for o in self.options if "selected" in o.attrs]
            if chosen or "multiple" in self.attrs:
                return chosen
            # A single select with nothing marked selected shows, and sends, its first choosable option.
            first = next((o for o in self.options if "disabled" not in o.attrs), None)
            return [first.value] if first is not None else []
        kind = (self.attrs.get("type") or "text").lower()
        if kind in NOT_SENT_AS_IS or (kind in ("checkbox", "radio") and "checked" not in self.attrs):
            return []
        value = self.attrs.get("value")
        return [value if value is not None else "on" if kind in ("checkbox", "radio") else ""]


class FormReader(HTMLParser):
    """Collects each form's controls, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[Control]] = []
        self._open: Control | None = None  # the select or textarea being read
        self._option: Option | None = None  # the option whose text is being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A form starts a new list; a control joins the open form; an option joins the open select."""
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag in ("input", "select", "textarea"):
            control = Control(tag, dict(attrs))
            self.forms[-1].append(control)
            if tag != "input":
                self._open = control
        elif tag == "option" and self._open is not None and self._open.tag == "select":
            self._option = Option(dict(attrs))
            self._open.options.append(self._option)

    def handle_endtag(self, tag: str) -> None:
        """A select or textarea ends; so does an option."""
        if tag in ("select", "textarea"):
            self._open = self._option = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        """Text inside a textarea or an option."""
        if self._option is not None:
            self._option.text += data
        elif self._open is not None and self._open.tag == "textarea":
            self._open.text += data


def forms_of(html: str) -> list[list[Control]]:
    """The page's forms, each its controls in page order."""
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_data(html: str, form_index: int = -1) -> dict[str, list[str]]:
    """What a browser would submit from a page's form as it stands (text, hidden, ticked boxes, selected
    options, textareas); forms are counted from the top, -1 being the last (the page's own form)."""
    data: dict[str, list[str]] = {}
    for control in forms_of(html)[form_index]:
        if values := control.submitted():
            data.setdefault(str(control.attrs["name"]), []).extend(values)
    return data


def csrf_token_in(html: str) -> str:
    """The CSRF token of the page's forms (every form of a page carries the same one)."""
    for form in forms_of(html):
        for control in form:
            if control.attrs.get("name") == "csrf_token" and control.attrs.get("value"):
                return str(control.attrs["value"])
    raise LookupError("no form with a CSRF token on the page")
