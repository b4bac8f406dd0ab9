"""Lotse core: settings, database, catalogue search. Knows nothing of Telegram, Rasa or HTTP."""

__version__ = "0.1.0"

LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "uk", "ru", "tr", "fa", "fr")
"""The eight languages Lotse speaks (ISO 639-1). German is the fallback."""

DEFAULT_LANGUAGE = "de"

LANGUAGE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "fa": "فارسی / دری",
    "fr": "Français",
}
"""Each language's own name (autonym), on the /language and callback-language buttons. Persian is
labelled with both its Iranian and its Afghan name. Names in the reader's language, for every code
the catalogue may use, are in domain/responses (`lotse.i18n.language_name`)."""
