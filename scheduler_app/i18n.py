"""Language choice: the user's saved choice, then the browser's, Chinese by default.

The UI calls the languages zh_CN and en. Babel resolves zh_CN to the CLDR locale zh_Hans_CN,
so the Chinese catalogue lives in translations/zh_Hans_CN (gettext looks it up by that name).
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user

from scheduler_app.extensions import babel

SESSION_KEY = "lang"


def select_locale() -> str:
    """Pick zh_CN or en: session choice, account setting, browser preference, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    chosen: str | None = session.get(SESSION_KEY)
    if chosen is not None and chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return "en" if best == "en" else "zh_CN"


def select_time_zone() -> str:
    """The logged-in user's organisation's time zone (times are stored in UTC and shown in it), else the
    deployment's default."""
    organisation = getattr(current_user, "organisation", None) if getattr(current_user, "is_authenticated",
                                                                          False) else None
    return organisation.time_zone if organisation is not None else current_app.config["BABEL_DEFAULT_TIMEZONE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale and time zone selectors and translations folder."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_time_zone,
                   default_translation_directories=str(app.root_path + "/translations"))

    @app.context_processor
    def _languages() -> dict:
        locale = "zh_CN" if get_locale().language == "zh" else "en"  # str() would say zh_Hans_CN
        return {"LANGUAGE_NAMES": {"zh_CN": "中文", "en": "English"}, "current_locale": locale,
                "html_lang": "zh-CN" if locale == "zh_CN" else "en", "format_date": format_date,
                "format_datetime": format_datetime, "format_decimal": format_decimal,
                "format_percent": format_percent}
