"""Field kinds shared by forms, imports, exports and change lists: parse a cell, check a value, format it."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from scheduler_app.extensions import db
from scheduler_app.models import Site, Village, Volunteer
from scheduler_app.weekly import LIST_SEPARATORS, format_days, format_intervals, parse_days, parse_intervals

SUBJECTS: dict[str, Any] = {"chinese": _l("Chinese"), "math": _l("Maths"), "english": _l("English")}
_TRUE = {"1", "y", "yes", "true", "是", "对", "✓", "√"}
_FALSE = {"0", "n", "no", "false", "否", "不", "×", ""}


@dataclass
class Lookups:
    """An organisation's villages, sites and volunteers, by id and by the names a spreadsheet uses."""

    organisation_id: int
    villages: dict[int, Village] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)
    volunteers: dict[int, Volunteer] = field(default_factory=dict)

    @classmethod
    def load(cls, organisation_id: int) -> Lookups:
        """Load everything a record of this organisation may refer to."""
        found = cls(organisation_id)
        for v in db.session.execute(db.select(Village).where(Village.organisation_id == organisation_id)).scalars():
            found.villages[v.id] = v
        for s in db.session.execute(db.select(Site).where(Site.organisation_id == organisation_id)
                                    .options(selectinload(Site.sessions))).scalars():
            found.sites[s.id] = s
        for v in db.session.execute(db.select(Volunteer).where(Volunteer.organisation_id == organisation_id)).scalars():
            found.volunteers[v.id] = v
        return found

    def village_label(self, village_id: int) -> str:
        """How a village is written in a spreadsheet: "township/name", or the name alone."""
        v = self.villages[village_id]
        return f"{v.township}/{v.name}" if v.township else v.name

    def find_village(self, text: str) -> int:
        """The village written as "township/name" or as a name that is unique; ValueError if none or several."""
        text = text.strip()
        matches = [i for i in self.villages if self.village_label(i) == text]
        if not matches and "/" not in text:
            matches = [i for i, v in self.villages.items() if v.name == text]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(_("several villages are called “%(name)s”; write it as township/village", name=text))
        raise ValueError(_("no village “%(name)s”; add it under Villages first", name=text))

    def find_code(self, records: dict[int, Any], text: str, what: str) -> int:
        """The id of the site or volunteer with this code; ValueError if none."""
        for record_id, record in records.items():
            if record.code == text.strip():
                return record_id
        raise ValueError(_("no %(what)s with code “%(code)s”", what=what, code=text.strip()))


class Kind:
    """How one field is written in a spreadsheet and what values it allows."""

    empty: Any = None

    def parse(self, text: str, lookups: Lookups) -> Any:
        """The value a cell's text stands for; ValueError with a message when it is not readable."""
        return text

    def check(self, value: Any) -> str | None:
        """What is wrong with a value of the right type (a range, a length), or None."""
        return None

    def format(self, value: Any, lookups: Lookups) -> Any:
        """The value as a cell: text in the user's language, or a number."""
        return "" if value is None else value


@dataclass(frozen=True)
class Text(Kind):
    """Free text up to a length."""

    max_length: int = 200
    empty: Any = ""

    def check(self, value: Any) -> str | None:
        """Too long?"""
        if len(value or "") > self.max_length:
            return _("at most %(n)d characters", n=self.max_length)
        return None


@dataclass(frozen=True)
class Number(Kind):
    """A whole or decimal number within a range."""

    low: float
    high: float
    whole: bool = True

    def parse(self, text: str, lookups: Lookups) -> Any:
        """A number; "3.0" is read as 3 for whole numbers."""
        if not text:
            return None
        try:
            number = float(text.replace("，", ".").replace(",", "."))
        except ValueError:
            raise ValueError(_("“%(text)s” is not a number", text=text)) from None
        if self.whole:
            if not number.is_integer():
                raise ValueError(_("“%(text)s” is not a whole number", text=text))
            return int(number)
        return number

    def check(self, value: Any) -> str | None:
        """Outside the range?"""
        if value is None:
            return None
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return _("must be between %(low)s and %(high)s", low=_num(self.low), high=_num(self.high))
        return None


_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                   "十一": 11, "十二": 12}
_STAGES = {"初": 6, "高": 9}  # 初一 is grade 7, 高一 grade 10


@dataclass(frozen=True)
class Grade(Number):
    """A school grade 1–12: a number, or as Chinese schools say it (五年级, 七年级, 初三, 高一)."""

    def parse(self, text: str, lookups: Lookups) -> Any:
        """A grade."""
        word = "".join(text.split()).removeprefix("小学").removeprefix("初中").removeprefix("高中")
        word = word.removesuffix("年级").removesuffix("级")
        if word[:1] in _STAGES and word[1:] in ("一", "二", "三"):
            return _STAGES[word[:1]] + _CHINESE_DIGITS[word[1:]]
        if word in _CHINESE_DIGITS:
            return _CHINESE_DIGITS[word]
        return super().parse(word if word.isdigit() else text, lookups)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# Year, month and day as Chinese Excel and people write them: 2015-10-09, 2015/10/9, 2015.10.9, 2012年10月24日,
# with or without the leading zeros, and with a time after them when a spreadsheet kept one (2015-10-09 00:00:00).
_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*")


class Date(Kind):
    """A calendar date: YYYY-MM-DD, or as Chinese Excel writes it (2015/10/9, 2012年10月24日)."""

    def parse(self, text: str, lookups: Lookups) -> Any:
        """A date."""
        if not text:
            return None
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(_("“%(text)s” is not a date (YYYY-MM-DD)", text=text)) from None

    def format(self, value: Any, lookups: Lookups) -> Any:
        """ISO date."""
        return value.isoformat() if value else ""


class Flag(Kind):
    """Yes or no: 1/0, yes/no, true/false, 是/否."""

    empty: Any = False

    def parse(self, text: str, lookups: Lookups) -> Any:
        """True or False."""
        key = text.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError(_("“%(text)s” is not yes or no", text=text))

    def format(self, value: Any, lookups: Lookups) -> Any:
        """是/否 or yes/no."""
        return _("yes") if value else _("no")


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few options, written as its key or its label in either language."""

    options: dict[str, Any]
    default: str = ""

    @property
    def empty(self) -> Any:
        """The default option, or none."""
        return self.default or None

    def parse(self, text: str, lookups: Lookups) -> Any:
        """The option's key."""
        return _option(self.options, text) if text else self.empty

    def format(self, value: Any, lookups: Lookups) -> Any:
        """The option's label."""
        return str(self.options[value]) if value in self.options else (value or "")


@dataclass(frozen=True)
class Choices(Kind):
    """Several options, e.g. subjects "语文、数学" or roles "tutor, visitor"."""

    options: dict[str, Any]

    @property
    def empty(self) -> Any:
        """No option."""
        return []

    def parse(self, text: str, lookups: Lookups) -> Any:
        """The options' keys, in the order of the options."""
        chosen = {_option(self.options, part) for part in LIST_SEPARATORS.split(text or "") if part.strip()}
        return [k for k in self.options if k in chosen]

    def format(self, value: Any, lookups: Lookups) -> Any:
        """Labels joined with the language's list separator."""
        return _(", ").join(str(self.options[k]) for k in self.options if k in (value or []))


_SPELLINGS: dict[int, frozenset[str]] = {}


def spellings(key: str, label: Any) -> frozenset[str]:
    """How a spreadsheet may write a key or label: the key, and the label in each language, lower-cased.

    Labels are module-level lazy strings that live as long as the process, so their spellings are worked
    out once per label rather than for every cell of every import.
    """
    if id(label) not in _SPELLINGS:
        names = {key.lower()}
        for lang in ("en", "zh_CN"):
            with force_locale(lang):
                names.add(str(label).strip().lower())
        _SPELLINGS[id(label)] = frozenset(names)
    return _SPELLINGS[id(label)]


def _option(options: dict[str, Any], text: str) -> str:
    """The key of the option a cell names; ValueError listing the options if it names none."""
    wanted = text.strip().lower()
    for key, label in options.items():
        if wanted in spellings(key, label):
            return key
    raise ValueError(_("“%(text)s” is not one of: %(options)s", text=text.strip(),
                       options=_(", ").join(str(label) for label in options.values())))


class Days(Kind):
    """Days of the week, e.g. "mon, wed" or "周一、周三"."""

    @property
    def empty(self) -> Any:
        """No day."""
        return []

    def parse(self, text: str, lookups: Lookups) -> Any:
        """Day indexes."""
        return parse_days(text)

    def format(self, value: Any, lookups: Lookups) -> Any:
        """Day names in the user's language."""
        return format_days(value or [])


class Intervals(Kind):
    """Weekly intervals, e.g. "周六 09:00-12:00; sun 14:00-17:00"."""

    @property
    def empty(self) -> Any:
        """No interval."""
        return []

    def parse(self, text: str, lookups: Lookups) -> Any:
        """Sorted intervals."""
        return parse_intervals(text)

    def format(self, value: Any, lookups: Lookups) -> Any:
        """Intervals in the user's language."""
        return format_intervals(value or [])


@dataclass(frozen=True)
class Ref(Kind):
    """A village (township/name), a site (code) or a volunteer (code) of the same organisation."""

    target: str  # "village" | "site" | "volunteer"

    def parse(self, text: str, lookups: Lookups) -> Any:
        """The record's id."""
        if not text:
            return None
        if self.target == "village":
            return lookups.find_village(text)
        if self.target == "site":
            return lookups.find_code(lookups.sites, text, _("site"))
        return lookups.find_code(lookups.volunteers, text, _("volunteer"))

    def format(self, value: Any, lookups: Lookups) -> Any:
        """The name or code the spreadsheet uses."""
        if value is None:
            return ""
        if self.target == "village":
            return lookups.village_label(value)
        records = lookups.sites if self.target == "site" else lookups.volunteers
        return records[value].code if value in records else ""


@dataclass(frozen=True)
class Field:
    """One field of a record: its key (the form field and the column), its label, kind and whether required."""

    key: str
    label: Any
    kind: Kind
    required: bool = False

    def headers(self) -> frozenset[str]:
        """Every header a spreadsheet may use for this column: the key and the label in each language."""
        return spellings(self.key, self.label)


class RecordInvalidError(ValueError):
    """A record's values break rules; ``errors`` maps each field key to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RecordSpec:
    """Everything Peiban knows about one kind of record: fields, natural key, reading, rules and writing."""

    name: str  # "child", "volunteer", "site", "village"
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]
    read: Callable[[Any], dict[str, Any]]
    rules: Callable[[dict[str, Any], Lookups], dict[str, str]]
    apply: Callable[[Any, dict[str, Any], Lookups], None]
    model: type[Any]

    def new_values(self) -> dict[str, Any]:
        """The values of a record not yet filled in: every field empty, and active."""
        values = {f.key: f.kind.empty for f in self.fields}
        if "active" in values:
            values["active"] = True
        return values

    def field(self, key: str) -> Field:
        """The field with this key."""
        return next(f for f in self.fields if f.key == key)

    def check(self, values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
        """Every problem with the values: required fields, each field's own range, then the record's rules."""
        errors: dict[str, str] = {}
        for f in self.fields:
            value = values.get(f.key)
            if f.required and value in (None, "", []):
                errors[f.key] = _("required")
                continue
            if value not in (None, "", []):
                problem = f.kind.check(value)
                if problem:
                    errors[f.key] = problem
        for key, problem in self.rules(values, lookups).items():
            errors.setdefault(key, problem)
        return errors

    def format(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        """The values as spreadsheet cells in the user's language."""
        return {f.key: f.kind.format(values.get(f.key), lookups) for f in self.fields}
