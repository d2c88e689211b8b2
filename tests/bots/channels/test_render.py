"""Each platform's rendering of a Reply, and the pacer, without any network."""

from __future__ import annotations

import asyncio

from bots.engine import Choice, Reply
from bots.meta import render as meta
from bots.pacing import Pacer
from bots.slack import render as slack
from bots.telegram import render as telegram


def choices(n: int, label: str = "Option") -> tuple[Choice, ...]:
    return tuple(Choice(f"{label} {i}", f"bk:day:{i}") for i in range(n))


class TestTelegramRender:
    def test_short_labels_share_rows_and_long_ones_get_their_own(self) -> None:
        times = telegram.keyboard([Choice(f"1{i}:00", f"bk:slot:{i}") for i in range(5)])
        services = telegram.keyboard([Choice("Love reading · 30 min · £45.00", "bk:svc:1")] * 2)

        assert times is not None
        assert [len(r) for r in times.inline_keyboard] == [3, 2]
        assert services is not None
        assert [len(r) for r in services.inline_keyboard] == [1, 1]

    def test_long_text_is_split_and_the_keyboard_rides_on_the_last_part(self) -> None:
        parts = telegram.render(Reply("line\n" * 1500, choices=choices(2)))

        assert [p.method for p in parts] == ["message", "message"]
        assert all(len(p.kwargs["text"]) <= telegram.MAX_TEXT for p in parts)
        assert "reply_markup" not in parts[0].kwargs
        assert "reply_markup" in parts[1].kwargs

    def test_a_document_is_sent_as_a_document_with_its_caption(self) -> None:
        [part] = telegram.render(Reply("Your invoice", document_url="https://x.example/i.pdf"))

        assert (part.method, part.kwargs["caption"]) == ("document", "Your invoice")


class TestMetaRender:
    def test_up_to_three_choices_are_a_button_template_on_messenger(self) -> None:
        [message] = meta.render(Reply("Which reading?", choices=choices(3)), instagram=False)

        payload = message["attachment"]["payload"]
        assert payload["template_type"] == "button"
        assert [b["type"] for b in payload["buttons"]] == ["postback"] * 3

    def test_four_to_thirteen_choices_are_quick_replies_with_short_titles(self) -> None:
        labels = (Choice("Love reading · 30 min · £45.00", "bk:svc:1"), *choices(12))
        [message] = meta.render(Reply("Pick", choices=labels), instagram=False)

        assert len(message["quick_replies"]) == 13
        assert all(len(q["title"]) <= 20 for q in message["quick_replies"])
        assert message["quick_replies"][0]["payload"] == "bk:svc:1"

    def test_more_than_thirteen_become_several_templates_so_none_is_lost(self) -> None:
        messages = meta.render(Reply("Pick", choices=choices(20)), instagram=False)

        buttons = [b for m in messages for b in m["attachment"]["payload"]["buttons"]]
        assert len(messages) == 7
        assert len(buttons) == 20

    def test_instagram_gets_quick_replies_only_and_no_file_attachment(self) -> None:
        messages = meta.render(
            Reply(
                "Here",
                choices=choices(2),
                image_url="https://x.example/a.jpg",
                document_url="https://x.example/b.pdf",
            ),
            instagram=True,
        )

        assert messages[0]["attachment"]["type"] == "image"
        assert "quick_replies" in messages[-1]
        assert "https://x.example/b.pdf" in messages[-1]["text"]
        assert all(m.get("attachment", {}).get("type") != "template" for m in messages)


class TestSlackRender:
    def test_blocks_escape_text_and_carry_action_payloads_as_values(self) -> None:
        message = slack.render(
            Reply("<b>hi</b> & bye", choices=choices(2), image_url="https://x.example/card.png")
        )

        section, image, actions = message["blocks"]
        assert section["text"]["text"] == "&lt;b&gt;hi&lt;/b&gt; &amp; bye"
        assert image == {
            "type": "image",
            "image_url": "https://x.example/card.png",
            "alt_text": "image",
        }
        assert [e["value"] for e in actions["elements"]] == ["bk:day:0", "bk:day:1"]
        assert len({e["action_id"] for e in actions["elements"]}) == 2
        assert message["text"] == "<b>hi</b> & bye"


async def test_pacer_spaces_sends_per_key_and_not_across_keys() -> None:
    pacer = Pacer(0.05)
    loop = asyncio.get_running_loop()
    stamps: dict[str, list[float]] = {"a": [], "b": []}

    async def send(key: str) -> None:
        await pacer.wait(key)
        stamps[key].append(loop.time())

    await asyncio.gather(*(send("a") for _ in range(3)), send("b"))

    a = stamps["a"]
    assert a[1] - a[0] >= 0.045
    assert a[2] - a[1] >= 0.045
    assert stamps["b"][0] - a[0] < 0.03
