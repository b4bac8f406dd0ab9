"""How a turn's replies become Telegram messages: joined while they fit, keyboards kept, the
privacy OK kept until pressed; and one command table for Telegram and the console."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commands import BY_NAME, FACILITATOR_COMMANDS, command_name, dispatch
from bot.replies import Button, Chat, Reply, coalesce
from bot.telegram_io import keyboard_after_press, markup
from lotse.text import TELEGRAM_TEXT_LIMIT


def test_an_offer_answer_becomes_one_message() -> None:
    header = Reply("🏠 Housing · Lörrach\nHere is where you can get help in Lörrach:")
    cards = [Reply(f"Office {i}", html=f"<b>Office {i}</b> &amp; more") for i in range(3)]
    cards[-1].buttons = [[Button("More", "t1"), Button("Not what I meant", "t2")]]
    [one] = coalesce([header, *cards])
    assert one.text.startswith("🏠 Housing · Lörrach") and one.text.endswith("Office 2")
    assert one.html is not None and one.html.count("<b>") == 3
    assert "Here is where you can get help in Lörrach:\n\n<b>Office 0</b>" in one.html
    assert [b.title for row in one.buttons for b in row] == ["More", "Not what I meant"]


def test_plain_text_is_escaped_when_joined_to_html() -> None:
    [one] = coalesce([Reply("a < b & c"), Reply("card", html="<b>card</b>")])
    assert one.html == "a &lt; b &amp; c\n\n<b>card</b>"
    assert one.text == "a < b & c\n\ncard"


def test_the_privacy_notice_opens_the_answer_and_both_keyboards_stay() -> None:
    notice = Reply("Before we start: your data …", buttons=[[Button("✅ OK", "ok")]])
    answer = Reply("Hello!", buttons=[[Button("Housing", "h"), Button("Work", "w")]])
    [one] = coalesce([notice, answer])
    assert one.text == "Before we start: your data …\n\nHello!"
    assert [[b.token for b in row] for row in one.buttons] == [["ok"], ["h", "w"]]


def test_messages_are_split_where_telegram_would_refuse_them() -> None:
    long = Reply("x" * (TELEGRAM_TEXT_LIMIT - 10))
    parts = coalesce([long, Reply("y" * 20), Reply("z")])
    assert [len(p.text) for p in parts] == [TELEGRAM_TEXT_LIMIT - 10, 23]
    assert all(len(p.text) <= TELEGRAM_TEXT_LIMIT for p in parts)


def test_a_share_contact_keyboard_stands_alone() -> None:
    ask = Reply("Share your number?", request_contact="📞 Share")
    parts = coalesce([Reply("Thanks."), ask, Reply("Or type it.")])
    assert [p.text for p in parts] == ["Thanks.", "Share your number?", "Or type it."]
    removal = Reply("Got it.", remove_keyboard=True)
    with_buttons = Reply("Anything else?", buttons=[[Button("No", "n")]])
    assert len(coalesce([removal, with_buttons])) == 2


def test_nothing_is_lost_or_reordered() -> None:
    replies = [Reply(str(i), buttons=[[Button(str(i), str(i))]] if i % 3 else []) for i in range(9)]
    [one] = coalesce(replies)
    assert one.text.split("\n\n") == [str(i) for i in range(9)]
    assert [b.token for row in one.buttons for b in row] == ["1", "2", "4", "5", "7", "8"]
    assert markup(one) is not None


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )


def test_pressing_an_answer_button_keeps_the_privacy_ok() -> None:
    joined = keyboard([("✅ OK", "ok")], [("More", "m"), ("Person", "p")])
    after = keyboard_after_press(joined, {"✅ OK"}, "m")
    assert after is not None
    assert [[b.callback_data for b in row] for row in after.inline_keyboard] == [["ok"]]
    after_ok = keyboard_after_press(joined, {"✅ OK"}, "ok")
    assert after_ok is not None
    assert [[b.callback_data for b in r] for r in after_ok.inline_keyboard] == [["m", "p"]]
    assert keyboard_after_press(keyboard([("More", "m")]), {"✅ OK"}, "m") is None
    assert keyboard_after_press(None, {"✅ OK"}, "m") is None


def test_one_command_table_for_telegram_and_the_console() -> None:
    assert list(BY_NAME) == ["start", "help", "language", "status", "delete", "profile", "plan"]
    assert command_name("/Status@LotseBot now") == "status"
    assert command_name("/") == ""


class RecordingGateway:
    """Stands in for the Gateway: records which of its entry points a command reached."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        async def entry(chat: Chat, *args: object) -> list[Reply]:
            self.calls.append(name if not args else f"{name}:{args[0]}")
            return [Reply(name)]

        return entry


async def test_commands_reach_the_same_gateway_entry_points() -> None:
    gateway = RecordingGateway()
    chat = Chat("console:local")
    for text in ("/start", "/help", "/language", "/status", "/delete", "/queue", "/nonsense"):
        await dispatch(gateway, chat, text)  # type: ignore[arg-type]
    assert gateway.calls == [
        "on_start",
        "on_help",
        "on_language_command",
        "on_status",
        "on_delete_command",
        "on_facilitator_command:queue",
        "on_unknown_command",
    ]
    assert "queue" in FACILITATOR_COMMANDS


def test_a_card_is_laid_out_once_for_telegram_and_the_console() -> None:
    from bot.cards import card_html, card_text

    fields = {
        "name": "Beratung <Süd> & Co",
        "description": "Hilft bei Anträgen",
        "description_note": "(nur auf Deutsch)",
        "address": "Musterweg 1, 79539 Lörrach",
        "map_url": "https://www.openstreetmap.org/?mlat=47.6&mlon=7.6",
        "map_label": "Karte",
        "phones": ["+49 7621 1"],
        "hours": "Mo–Fr 9:00–12:00",
        "opening": "jetzt geöffnet bis 12:00",
        "languages": "Deutsch, Arabisch",
        "notes": ["Nur für: Duldung"],
    }
    html = card_html(fields)
    assert html.startswith("<b>Beratung &lt;Süd&gt; &amp; Co</b>\n")
    assert '📍 <a href="https://www.openstreetmap.org/?mlat=47.6&amp;mlon=7.6">' in html
    assert "(Karte)" in html and "<i>(nur auf Deutsch)</i>" in html
    text = card_text(fields)
    assert text.split("\n") == [
        "Beratung <Süd> & Co",
        "Hilft bei Anträgen (nur auf Deutsch)",
        "📍 Musterweg 1, 79539 Lörrach",
        "📞 +49 7621 1",
        "🕒 Mo–Fr 9:00–12:00 · jetzt geöffnet bis 12:00",
        "🗣 Deutsch, Arabisch",
        "ℹ️ Nur für: Duldung",
    ]
    assert card_text({"name": "X", "opening": "?"}) == "X\n🕒 ?"  # missing fields: no lines
