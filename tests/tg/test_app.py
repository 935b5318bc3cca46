"""The Telegram bot, driven through real Update objects and Application.process_update."""

from __future__ import annotations

import html
import logging
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
)

from bot import messages
from bot.config import Config, RateLimits, TelegramSettings
from bot.engine.service import KnowledgeService
from bot.limits import telegram_length
from bot.privacy.mask import mask_private_data
from bot.storage import Storage
from bot.tg.app import ALLOWED_UPDATES, build_application, webhook_secret
from tests.conftest import ADMIN
from tests.tg_fakes import (
    BOT_USER,
    RecordingRequest,
    callback_update,
    inline_update,
    mention_update,
    message_update,
)

GROUP = -100123


async def test_private_question_gets_answer_citation_and_buttons(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "咱县有几家国家级高新技术企业"))
    sent = request.sent()[-1]
    assert sent["parse_mode"] == "HTML"
    assert sent["text"].startswith("交城县拥有国家级高新技术企业<b>40户</b>，总量")  # the key figure in bold
    assert "\n\n📄 出处：《多维驱动 高质量发展行稳致远》· 科技赋能" in sent["text"]  # a labelled source line
    assert "<blockquote expandable>全县拥有国家级高新技术企业40户、总量全市第一</blockquote>" in sent["text"]
    buttons = [b["text"] for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[:3] == ["👍", "👎", "原文"]
    stats = storage.stats()
    assert stats.today == 1 and stats.week_answered == 1


async def test_html_in_the_question_is_escaped(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "<b>明天</b>天气怎么样 & 下雨吗"))
    text = request.last_text()
    assert "<b>" not in text and "抱歉" in text and "/topics" in text


async def test_ambiguous_offers_choices_and_a_press_answers(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "省级的中心有几个"))
    sent = request.sent()[-1]
    choices = [row[0] for row in sent["reply_markup"]["inline_keyboard"]]
    assert 2 <= len(choices) <= 3
    lines = sent["text"].split("\n")  # the whole questions in the text, numbered as the short buttons
    assert lines[0] == "您是想问：" and len(lines) == len(choices) + 2
    assert [line[:3] for line in lines[1:-1]] == [f"{n}. " for n in range(1, len(choices) + 1)]
    assert lines[-1] == f"点按钮，或回复数字 1–{len(choices)}"  # a number works too (issue 21)
    assert [c["text"][:3] for c in choices] == [f"{n}. " for n in range(1, len(choices) + 1)]
    assert all(len(c["text"]) <= 14 for c in choices)
    assert all(len(c["callback_data"].encode()) <= 64 for c in choices)
    request.clear()
    await app.process_update(callback_update(app.bot, choices[0]["callback_data"]))
    assert request.sent("answerCallbackQuery")
    picked = request.last_text()  # the whole question above the answer; this quote only repeats it, so it goes
    assert picked.startswith("<b>❓ ") and "<b>2个</b>" in picked and "📄 出处：" in picked
    assert "<blockquote" not in picked


async def test_feedback_and_source_buttons(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(callback_update(app.bot, "f|-|elder-beds"))
    assert request.sent("answerCallbackQuery")[-1]["text"] == "收到，我们会改进这个回答。"
    assert storage.stats().thumbs_down == 1
    assert any(kind == "thumbs_down" for kind, _, _ in storage.unanswered())
    await app.process_update(callback_update(app.bot, "s|elder-beds"))
    assert "📄 <b>原文</b>" in request.last_text() and "985张" in request.last_text()


async def test_no_match_is_recorded_for_admins(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城县委书记是谁"))
    assert "抱歉" in request.last_text()
    assert storage.unanswered()[0][:2] == ("no_match", "交城县委书记是谁")


async def test_group_ignores_chatter_answers_mentions_and_replies(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站", chat_id=GROUP, chat_type="supergroup"))
    assert request.sent() == []
    await app.process_update(mention_update(app.bot, "交城有几个乡镇社工站", chat_id=GROUP, chat_type="supergroup"))
    assert "8个乡镇社工站" in request.last_text()
    request.clear()
    reply_to = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "supergroup"}, "from": BOT_USER, "text": "x"}
    await app.process_update(
        message_update(app.bot, "养老床位有多少张", chat_id=GROUP, chat_type="supergroup", reply_to=reply_to)
    )
    assert "985张" in request.last_text()
    request.clear()
    await app.process_update(message_update(app.bot, "/ask 省级专精特新企业有多少户", chat_id=GROUP, chat_type="supergroup"))
    assert "29户" in request.last_text()


async def test_group_repeat_points_to_the_earlier_answer(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(mention_update(app.bot, "乡镇社工站有几个", chat_id=GROUP, chat_type="supergroup", user_id=1))
    first = request.sent()[-1]
    request.clear()
    asked = mention_update(app.bot, "社工站有几个啊", chat_id=GROUP, chat_type="supergroup", user_id=2)
    await app.process_update(asked)
    again = request.sent()[-1]
    (earlier_id, _), = app.bot_data["services"].recent_group_answers.values()  # the bot's first answer
    link = f"https://t.me/c/{str(GROUP)[4:]}/{earlier_id}"
    assert again["text"] == f'这个问题刚才已经回答过了，请看<a href="{link}">上面的回答</a> ↑'  # a tap opens it
    assert again["reply_parameters"]["message_id"] != first.get("reply_parameters", {}).get("message_id")
    assert again["reply_parameters"]["message_id"] == asked.effective_message.message_id  # the asker is told
    request.clear()  # a basic group's messages have no link: the notice says "above" only
    await app.process_update(mention_update(app.bot, "乡镇社工站有几个", chat_id=-55, chat_type="group", user_id=1))
    await app.process_update(mention_update(app.bot, "社工站有几个啊", chat_id=-55, chat_type="group", user_id=2))
    assert request.last_text() == "这个问题刚才已经回答过了，请看上面的回答 ↑"


async def test_a_repeat_in_a_group_does_not_swallow_the_new_questions_asked_with_it(bot_app: Any) -> None:
    """A asks about beds; B asks about beds again and two new things in one message: B gets the two new
    answers, with a line saying the rest was answered above, as a reply to B's own message."""
    app, request = bot_app
    await app.process_update(mention_update(app.bot, "养老机构床位一共多少张", chat_id=GROUP, chat_type="supergroup",
                                            user_id=1))
    assert "床位" in request.last_text()
    request.clear()
    asked = mention_update(app.bot, "床位多少张？另外硝基复合肥企业有几户，社工站有几个", chat_id=GROUP,
                           chat_type="supergroup", user_id=2)
    await app.process_update(asked)
    [reply] = request.sent()
    assert reply["reply_parameters"]["message_id"] == asked.effective_message.message_id  # to B, not the old answer
    assert "8个乡镇社工站" in reply["text"] and "硝基复合肥" in reply["text"]
    assert "【床位多少张】" not in reply["text"]
    assert reply["text"].endswith("其余的问题刚才已经回答过了，请看上面的回答 ↑")


async def test_group_auto_mode_needs_group_admin_and_answers_only_confidently(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "/auto on", chat_id=GROUP, chat_type="supergroup"))
    assert request.last_text() == "抱歉，只有本群管理员可以设置。"
    request.chat_member_status = "administrator"
    await app.process_update(message_update(app.bot, "/auto on", chat_id=GROUP, chat_type="supergroup"))
    assert "已开启自动回答" in request.last_text()
    request.clear()
    await app.process_update(message_update(app.bot, "今天中午吃啥", chat_id=GROUP, chat_type="supergroup"))
    await app.process_update(message_update(app.bot, "省级的中心有几个", chat_id=GROUP, chat_type="supergroup"))
    assert request.sent() == []  # chatter and an ambiguous question get no reply in auto mode
    await app.process_update(message_update(app.bot, "咱县乡镇社工站有几个", chat_id=GROUP, chat_type="supergroup"))
    assert "8个乡镇社工站" in request.last_text()


async def test_personal_numbers_in_a_group_are_not_echoed(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(
        mention_update(app.bot, "我身份证110101199003071234，高龄津贴能领吗", chat_id=GROUP, chat_type="supergroup")
    )
    text = request.last_text()
    assert "110101199003071234" not in text and "私聊" in text
    assert mask_private_data("电话13812345678") == "电话＊＊＊＊＊＊＊＊＊＊＊"


async def test_start_help_topics_source_and_deep_link(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "/start"))
    assert "交城问答" in request.last_text() and "/topics" in request.last_text()
    await app.process_update(message_update(app.bot, "/start elder-beds"))
    assert "985张" in request.last_text()
    await app.process_update(message_update(app.bot, "/help"))
    assert "/reload" not in request.last_text()
    await app.process_update(message_update(app.bot, "/source"))
    assert "冀美丽" in request.last_text() and "吕梁市人民政府新闻办公室" in request.last_text()
    request.clear()
    await app.process_update(message_update(app.bot, "/topics"))
    topics = request.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert len(topics) == 7  # the six topic files, and 报道本身 (the entries derived from the release's text)
    assert any(row[0]["text"].startswith("报道本身") for row in topics)
    await app.process_update(callback_update(app.bot, topics[0][0]["callback_data"]))
    edited = request.sent("editMessageText")[-1]
    questions = edited["reply_markup"]["inline_keyboard"]
    assert questions[0][0]["callback_data"].startswith("a|")
    assert all(len(row[0]["text"]) <= 14 for row in questions[:-1])
    await app.process_update(callback_update(app.bot, questions[0][0]["callback_data"]))
    assert "<blockquote expandable>" in request.last_text()


async def test_inline_query_offers_cited_answers(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(inline_update(app.bot, "交城有几个乡镇社工站"))
    answer = request.sent("answerInlineQuery")[-1]
    results = answer["results"]
    assert results and results[0]["id"] == "elder-social-work-stations"
    assert "<blockquote expandable>" in results[0]["input_message_content"]["message_text"]


async def test_admin_commands_refuse_others(bot_app: Any) -> None:
    app, request = bot_app
    for command in ("/reload", "/stats", "/unanswered"):
        await app.process_update(message_update(app.bot, command, user_id=42))
        assert request.last_text() == "抱歉，这个命令只有机器人管理员可以使用。"


async def test_admin_reload_swaps_in_a_valid_base(bot_app: Any, knowledge_dir: Path) -> None:
    app, request = bot_app
    path = knowledge_dir / "elderly.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("共设有床位985张", "共设有床位985张"), encoding="utf-8")
    extra = (
        "topic: 测试\nsource: jiaocheng-release\nentries:\n  - id: test-new-entry\n    questions: [回家山在哪个照片里]\n"
        "    answer: 报道配图之一是“邂逅回家山传统村落 感受悠悠古韵”。\n    quote: 邂逅回家山传统村落 感受悠悠古韵\n"
    )
    (knowledge_dir / "zz-new.yaml").write_text(extra, encoding="utf-8")
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    assert request.last_text().startswith("知识库已重新加载：")
    await app.process_update(message_update(app.bot, "/start test-new-entry", chat_id=ADMIN, user_id=ADMIN))
    assert "回家山" in request.last_text()


async def test_broken_yaml_reload_keeps_the_old_base(bot_app: Any, knowledge_dir: Path) -> None:
    app, request = bot_app
    (knowledge_dir / "elderly.yaml").write_text("topic: 养老\nentries:\n  - id: [broken\n", encoding="utf-8")
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    text = request.last_text()
    assert "仍在使用旧版本" in text and "knowledge/elderly.yaml:" in text
    await app.process_update(message_update(app.bot, "养老床位有多少张"))
    assert "985张" in request.last_text()


async def test_admin_stats_and_unanswered(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站"))
    await app.process_update(message_update(app.bot, "明天天气怎么样"))
    request.clear()
    await app.process_update(message_update(app.bot, "/stats", chat_id=ADMIN, user_id=ADMIN))
    text = request.sent()[-1]["text"]
    assert "今天提问：2" in text and "回答率 50%" in text and "明天天气怎么样" in text
    photo = request.sent("sendPhoto")
    assert photo, "the chart is sent as a photo"
    await app.process_update(message_update(app.bot, "/unanswered", chat_id=ADMIN, user_id=ADMIN))
    assert "明天天气怎么样" in request.last_text()


# issue 21: reports a clerk reads
ENTRY_ID = re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+\b")  # how entry ids look: elder-social-work-stations


async def test_stats_shows_standard_questions_cut_texts_and_the_rate_of_real_questions(bot_app: Any) -> None:
    app, request = bot_app
    story = "我家老人今年八十多岁了，" * 40 + "社区食堂的饭能不能送到家里来"  # a 500-character story
    asked = ["交城有几个乡镇社工站", "你好", "谢谢", "省级的中心有几个", story]  # answered, 2 × small talk, 您是想问, no
    for n, text in enumerate(asked):
        await app.process_update(message_update(app.bot, text, user_id=300 + n, chat_id=300 + n))
    request.clear()
    await app.process_update(message_update(app.bot, "/stats", chat_id=ADMIN, user_id=ADMIN))
    text = request.sent()[-1]["text"]
    assert "1 × 交城县有多少个乡镇社工站？" in text and not ENTRY_ID.search(text)
    assert "近 7 天提问：2，回答率 50%（闲聊 2 条、“您是想问” 1 条不计入）" in text  # was 5 asked, 20%
    assert "今天提问：2" in text
    (line,) = [x for x in text.splitlines() if "我家老人" in x]
    assert line == "1 × " + story[:39] + "…"
    assert request.sent("sendPhoto")[-1]["caption"] == messages.CHART_CAPTION

    await app.process_update(callback_update(app.bot, "f|-|elder-beds", user_id=310, chat_id=310))
    request.clear()
    await app.process_update(message_update(app.bot, "/unanswered", chat_id=ADMIN, user_id=ADMIN))
    text = request.last_text()
    assert "👎" in text and "→ 答的是：交城县的养老机构一共有多少张床位？" in text  # the answer that got the 👎
    (line,) = [x for x in text.splitlines() if "我家老人" in x]
    assert line.startswith("❓ " + story[:39] + "…") and len(line) < 100
    assert "→ 接近：" in line and not ENTRY_ID.search(text)  # what it came close to, as standard questions
    near = line.split("→ 接近：")[1].split("；")
    assert near and all(len(q) <= 20 for q in near)


def test_the_chart_font_has_the_chinese_glyphs_a_latin_font_lacks() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.reports.texts import chart_font_path

    labels = messages.CHART_TITLE + messages.CHART_ANSWERED + messages.CHART_NOT_ANSWERED
    cjk, latin = FT2Font(chart_font_path()), FT2Font(font_manager.findfont("DejaVu Sans"))
    assert all(cjk.get_char_index(ord(c)) != 0 for c in labels if not c.isascii())
    assert latin.get_char_index(ord("答")) == 0  # the check can tell: DejaVu Sans would draw a box

    def drawn(font: FT2Font, text: str) -> bytes:
        font.set_size(24, 72)
        font.set_text(text)
        font.draw_glyphs_to_bitmap()
        return bytes(font.get_image())

    assert drawn(cjk, messages.CHART_ANSWERED) != drawn(cjk, messages.CHART_NOT_ANSWERED)
    with pytest.warns(UserWarning, match="missing from font"):
        assert drawn(latin, "答上了") == drawn(latin, "没答上")  # missing glyphs: the same boxes


def test_the_chart_draws_its_chinese_as_glyphs_not_the_fonts_missing_glyph_box(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each Chinese character of the chart renders unlike the font's own missing glyph, and drawing the real
    chart reports no glyph missing; with a font that lacks them (DejaVu Sans) the same check does."""
    import warnings

    import numpy as np
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.reports import texts as reports

    font = FT2Font(reports.chart_font_path())
    missing = next(cp for cp in range(0xE000, 0xF900) if font.get_char_index(cp) == 0)  # a private-use point

    def drawn(text: str) -> Any:
        font.set_size(24, 72)
        font.set_text(text)
        font.draw_glyphs_to_bitmap()
        return np.asarray(font.get_image())

    with pytest.warns(UserWarning, match="missing from font"):
        box = drawn(chr(missing))  # what this font draws for a character it does not have
    labels = messages.CHART_TITLE + messages.CHART_ANSWERED + messages.CHART_NOT_ANSWERED
    for char in sorted({c for c in labels if not c.isascii()}):
        glyph = drawn(char)
        assert glyph.any() and (glyph.shape != box.shape or not np.array_equal(glyph, box)), char

    storage.log_question(user_id=1, chat_type="private", text="社工站", status="answered", entry_id="x", score=90)
    storage.log_question(user_id=2, chat_type="private", text="天气", status="no_match", entry_id=None, score=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")  # a box in the PNG would raise here
        png = reports.stats_chart(storage)
    assert png.startswith(b"\x89PNG")
    monkeypatch.setattr(reports, "chart_font_path", lambda: font_manager.findfont("DejaVu Sans"))
    with pytest.warns(UserWarning, match="missing from font"):  # the check can tell a font without them
        reports.stats_chart(storage)


async def test_rate_limit_tells_once_then_stays_quiet(bot_app: Any) -> None:
    app, request = bot_app
    for _ in range(5):
        await app.process_update(message_update(app.bot, "交城有几个乡镇社工站", user_id=9, chat_id=9))
    assert len(request.sent()) == 5
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站", user_id=9, chat_id=9))
    assert request.last_text() == "您问得有点快，请稍等一会儿再问。"
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站", user_id=9, chat_id=9))
    assert len(request.sent()) == 6


async def test_commands_are_registered_per_scope(knowledge_dir: Path, storage: Storage) -> None:
    config = Config(telegram=TelegramSettings(token="123:TEST"), admins=(ADMIN,), knowledge_dir=str(knowledge_dir))
    request = RecordingRequest()
    app = build_application(config, KnowledgeService(knowledge_dir), storage, request=request, rate_limit=False)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    scopes = [c.params["scope"]["type"] for c in request.calls if c.method == "setMyCommands"]
    assert scopes == ["all_private_chats", "all_group_chats", "chat"]
    await app.shutdown()


async def test_a_partial_reply_says_what_is_missing_and_cites_the_closest_fact(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城那40户高企一共有多少员工"))
    sent = request.sent()[-1]
    assert sent["text"].startswith("发布材料没有提到") and "为免说错，这一点我就不猜了" in sent["text"]
    assert "<b>40户</b>" in sent["text"]
    assert "<blockquote expandable>全县拥有国家级高新技术企业40户、总量全市第一</blockquote>" in sent["text"]
    buttons = [b["text"] for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[:3] == ["👍", "👎", "原文"]
    assert storage.unanswered()[0][:2] == ("partial", "交城那40户高企一共有多少员工")


async def test_a_compound_question_gets_every_part_with_its_citation(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "社工站全县有几个?三帮四查里“四查”查的是啥?"))
    text = request.last_text()
    assert text.count("<blockquote expandable>") == 2
    assert text.index("① 【社工站全县有几个】") < text.index("8个") < text.index("【三帮四查里“四查”查的是啥】")
    assert "查看吃、穿、住、病情况" in text


async def test_inline_mode_offers_a_compound_reply_whole(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(inline_update(app.bot, "社工站全县有几个?三帮四查里“四查”查的是啥?"))
    results = request.sent("answerInlineQuery")[-1]["results"]
    assert results[0]["input_message_content"]["message_text"].count("<blockquote expandable>") == 2
    assert {r["id"] for r in results[1:]} == {"elder-social-work-stations", "elder-three-helps-four-checks"}


ADMIN_COMMANDS = ("/unanswered", "/stats", "/groups", "/schedule", "/reload", "/announce 紧急通知")


async def test_admin_reports_in_a_group_only_ask_for_a_private_chat(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "张三住在城关镇东街3号，想问低保怎么办", user_id=5, chat_id=5))
    storage.subscribe(-100777, title="夏家营镇群", tags=["夏家营镇"])
    for n, command in enumerate(ADMIN_COMMANDS):
        for user_id in (ADMIN, 4200 + n):  # a resident each time: five commands a minute each in a group
            request.clear()
            await app.process_update(
                message_update(app.bot, command, chat_id=GROUP, chat_type="supergroup", user_id=user_id)
            )
            assert [c.method for c in request.calls] == ["sendMessage"], command
            assert request.last_text() == "管理命令会显示居民的提问和群的信息，请私聊我使用。"
    # in private the same admin gets the report
    await app.process_update(message_update(app.bot, "/unanswered", chat_id=ADMIN, user_id=ADMIN))
    assert "张三" in request.last_text()


async def test_numbers_with_spaces_dashes_or_full_width_digits_are_guarded(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    for text in ("我电话138 1234 5678，高龄津贴能领吗", "身份证110101-19900307-1234 养老床位有多少张", "手机１３８１２３４５６７８"):
        await app.process_update(mention_update(app.bot, text, chat_id=GROUP, chat_type="supergroup"))
        assert "私聊" in request.last_text() and "5678" not in request.last_text() and "1234" not in request.last_text()
    await app.process_update(message_update(app.bot, "我电话138-1234-5678，明天天气怎么样"))
    stored = storage.unanswered()[0][1]
    assert "明天天气怎么样" in stored and "5678" not in stored and "＊" in stored


async def test_error_logs_carry_update_ids_and_chat_types_not_names_or_texts(
    bot_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app, request = bot_app
    request.fail_methods = {"answerCallbackQuery": (400, "Bad Request: query is too old"),
                            "answerInlineQuery": (400, "Bad Request: query is too old")}
    caplog.set_level(logging.INFO)
    callback = callback_update(app.bot, "a|elder-beds", user_id=987654321, chat_id=987654321)
    inline = inline_update(app.bot, "我叫李四电话13812345678", user_id=987654321)
    await app.process_update(callback)
    await app.process_update(inline)
    logged = caplog.text
    assert f"update {callback.update_id} (callback_query, private)" in logged
    assert f"update {inline.update_id} (inline_query, no chat)" in logged
    for private in ("987654321", "居民", "李四", "13812345678", "您是想问"):
        assert private not in logged


async def test_debug_logging_shows_the_update_with_numbers_masked(bot_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    app, request = bot_app
    request.fail_methods = {"answerInlineQuery": (400, "Bad Request: query is too old")}
    caplog.set_level(logging.DEBUG, logger="bot.tg.app")
    await app.process_update(inline_update(app.bot, "我叫李四电话138 1234 5678", user_id=987654321))
    assert "我叫李四电话＊＊＊" in caplog.text and "138 1234 5678" not in caplog.text


async def test_allowed_updates_are_exactly_the_kinds_the_handlers_take(knowledge_dir: Path, storage: Storage) -> None:
    config = Config(telegram=TelegramSettings(token="123:TEST"), knowledge_dir=str(knowledge_dir))
    app = build_application(config, KnowledgeService(knowledge_dir), storage, request=RecordingRequest(), rate_limit=False)
    kinds = {
        CommandHandler: {Update.MESSAGE},
        MessageHandler: {Update.MESSAGE},
        CallbackQueryHandler: {Update.CALLBACK_QUERY},
        InlineQueryHandler: {Update.INLINE_QUERY},
    }
    handled: set[str] = set()
    for handler in (h for group in app.handlers.values() for h in group):
        if isinstance(handler, ChatMemberHandler):
            assert handler.chat_member_types == ChatMemberHandler.MY_CHAT_MEMBER
            handled.add(Update.MY_CHAT_MEMBER)
        elif isinstance(handler, TypeHandler):  # the per-person limits: a gate before every kind, taking none
            assert app.handlers[-2] == [handler]
        else:
            handled |= kinds[type(handler)]
    assert sorted(handled) == sorted(ALLOWED_UPDATES)


def test_webhook_secret_is_the_configured_one_or_made_once_and_kept(tmp_path: Path) -> None:
    configured = Config(telegram=TelegramSettings(token="1:x", webhook_secret="S" * 32), database=str(tmp_path / "a.db"))
    assert webhook_secret(configured) == "S" * 32 and not list(tmp_path.iterdir())
    generated = Config(telegram=TelegramSettings(token="1:x"), database=str(tmp_path / "b.db"))
    first = webhook_secret(generated)
    assert len(first) >= 32 and webhook_secret(generated) == first
    kept = tmp_path / "b.db.webhook-secret"
    assert kept.read_text(encoding="ascii").strip() == first and kept.stat().st_mode & 0o777 == 0o600


# -- messages as people send them ------------------------------------------------------------------------


def _media_update(app: Any, kind: dict[str, Any], *, caption: str | None = None, chat_id: int = 42) -> Any:
    from telegram import Update

    message: dict[str, Any] = {"message_id": 900 + chat_id, "date": int(time.time()),
                               "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False,
                                                                                    "first_name": "居民"}, **kind}
    if caption is not None:
        message["caption"] = caption
    return Update.de_json({"update_id": 90_000 + chat_id + len(str(kind)), "message": message}, app.bot)


PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "pu", "width": 90, "height": 90}]}
VOICE = {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 3}}
STICKER = {"sticker": {"file_id": "s", "file_unique_id": "su", "width": 512, "height": 512, "is_animated": False,
                       "is_video": False, "type": "regular"}}


async def test_photo_voice_and_sticker_in_private_get_a_polite_words_only_reply(bot_app: Any) -> None:
    app, request = bot_app
    for kind in (PHOTO, VOICE, STICKER):
        request.clear()
        await app.process_update(_media_update(app, kind))
        assert "我只能看懂文字问题" in request.last_text()


async def test_a_caption_is_answered_like_a_question(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(_media_update(app, PHOTO, caption="交城有几个乡镇社工站？"))
    assert "8个乡镇社工站" in request.last_text()


async def test_markup_pasted_into_a_question_is_stripped_before_matching(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "<b>养老</b>床位一共 &amp; 多少张"))
    assert "985张" in request.last_text()
    request.clear()
    await app.process_update(message_update(app.bot, "<b>养老</b>床位一共 & 多少张"))
    assert "985张" in request.last_text()


async def test_malformed_callbacks_are_ignored(bot_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Forged button data, ``t|²`` and ``t|³⁴`` among it (``isdigit`` accepts them, ``int`` does not): each
    press is answered, nothing breaks, nothing is logged as an error."""
    app, request = bot_app
    with caplog.at_level(logging.WARNING):
        for n, data in enumerate(("t", "f", "a", "s", "", "zz|1", "t|x|y", "f|+", "t|²", "t|³⁴", "t|0|²", "t|٣")):
            request.clear()
            await app.process_update(callback_update(app.bot, data, user_id=100 + n, chat_id=100 + n))
            assert [c.method for c in request.calls if c.method != "answerCallbackQuery"] in ([], ["editMessageText"])
            assert [c.method for c in request.calls].count("answerCallbackQuery") == 1, data
            assert "抱歉，处理您的消息时出了点问题" not in str(request.sent())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_button_presses_and_inline_queries_are_limited_per_person(bot_app: Any) -> None:
    """100 presses and 100 inline queries from one person: every press answered, 30 of them acted on and one
    "too fast"; 60 inline queries answered; someone else's press still works."""
    app, request = bot_app
    for _ in range(100):
        await app.process_update(callback_update(app.bot, "t|0", user_id=55, chat_id=55))
        await app.process_update(inline_update(app.bot, "社工站", user_id=55))
    methods = [c.method for c in request.calls]
    assert methods.count("answerCallbackQuery") == 100 and methods.count("editMessageText") == 30
    assert [c.params.get("text") for c in request.calls if c.method == "answerCallbackQuery"].count(
        "您操作得有点快，请稍等一会儿再试。") == 1
    assert methods.count("answerInlineQuery") == 60
    request.clear()
    await app.process_update(callback_update(app.bot, "t|0", user_id=56, chat_id=56))
    assert [c.method for c in request.calls] == ["answerCallbackQuery", "editMessageText"]


async def test_questions_delivered_together_after_downtime_count_by_when_they_were_asked(bot_app: Any) -> None:
    """Eight questions asked 20 s apart (limit 5 a minute), delivered at once after downtime: all answered."""
    app, request = bot_app
    now = int(time.time())
    for n in range(8):
        asked = now - (8 - n) * 20
        await app.process_update(message_update(app.bot, "交城有几个乡镇社工站？", user_id=43, chat_id=43,
                                                extra={"date": asked}))
    replies = [c["text"] for c in request.sent() if int(c["chat_id"]) == 43]
    assert len(replies) == 8 and all("8个乡镇社工站" in r for r in replies)


async def test_long_admin_replies_are_split_or_capped_to_fit(bot_app: Any, storage: Storage,
                                                            knowledge_dir: Path) -> None:
    app, request = bot_app
    for n in range(20):
        storage.log_question(user_id=n, chat_type="private", text=f"{n}号问题" + "很长的问题" * 90,
                             status="no_match", entry_id=None, score=0)
    await app.process_update(message_update(app.bot, "/unanswered", chat_id=ADMIN, user_id=ADMIN))
    pieces = [c["text"] for c in request.sent()]
    assert all(telegram_length(p, html_text=True) <= 4096 for p in pieces)
    assert sum(p.count("❓") for p in pieces) == 20  # each cut to ~40 characters (issue 21), so they fit in one

    request.clear()
    broken = "\n".join(f"  - id: dup\n    questions: [问题{n}]\n    answer: 答\n    quote: 无此引文{n}"
                       for n in range(150))
    (knowledge_dir / "broken.yaml").write_text(f"topic: 坏\nsource: jiaocheng-release\nentries:\n{broken}\n",
                                               encoding="utf-8")
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    reply = request.last_text()
    assert telegram_length(reply, html_text=True) <= 4096 and "仍在使用旧版本" in reply
    assert "还有" in reply and "python -m bot validate" in reply


async def test_reload_with_a_gbk_file_works_and_a_folder_is_a_file_line_problem(bot_app: Any,
                                                                               knowledge_dir: Path) -> None:
    app, request = bot_app
    synonyms = knowledge_dir / "synonyms.yaml"
    synonyms.write_bytes(synonyms.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    assert "知识库已重新加载" in request.last_text()
    (knowledge_dir / "scope.yaml").unlink()
    (knowledge_dir / "scope.yaml").mkdir()
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    assert "knowledge/scope.yaml:1: is a folder" in request.last_text()
    assert "出了点问题" not in request.last_text()


async def test_an_error_that_keeps_happening_is_logged_once_with_a_count(
    knowledge_dir: Path, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    """sendMessage answering valid JSON of the wrong shape: one traceback, then a line at 2, 4, 8 … times."""
    config = Config(telegram=TelegramSettings(token="123:TEST"), knowledge_dir=str(knowledge_dir),
                    rate_limits=RateLimits(per_user_per_minute=100))
    request = RecordingRequest(results={"sendMessage": {"unexpected": "shape"}})
    app = build_application(config, KnowledgeService(knowledge_dir), storage, request=request, rate_limit=False)
    await app.initialize()
    try:
        with caplog.at_level(logging.ERROR, logger="bot.tg.app"):
            for n in range(20):
                await app.process_update(message_update(app.bot, "交城有几个乡镇社工站？", chat_id=60 + n,
                                                        user_id=60 + n))
    finally:
        await app.shutdown()
    records = [r for r in caplog.records if r.name == "bot.tg.app"]
    assert len(records) == 5  # 1st (with traceback), 2nd, 4th, 8th, 16th
    assert records[0].exc_info is not None and all(r.exc_info is None for r in records[1:])
    assert "(16 times so far)" in records[-1].getMessage()
    assert "交城有几个乡镇社工站" not in caplog.text  # ids only, no user data


# issue 19, row 2: phone and ID numbers in every written form are masked before anything is stored or shown
PRIVATE_FORMS = (
    "+8613812345678",
    "一三九一二三四五六七八",
    "幺三八 一二三四 五六七八",
    "138，1234，5678",
    "138/1234/5678",
    "１３８／１２３４／５６７８",
    "身份证一一〇一〇一一九九〇〇三〇七一二三四",
)


def _stored_texts(storage: Storage) -> str:
    """Every resident's text the database holds in questions, feedback and proposals."""
    with sqlite3.connect(storage.path) as db:
        rows = [*db.execute("SELECT text FROM questions"), *db.execute("SELECT question FROM feedback"),
                *db.execute("SELECT question || texts FROM proposals")]
    return "\n".join(str(text) for (text,) in rows)


async def test_numbers_in_every_written_form_are_masked_in_storage_and_admin_reports(
    bot_app: Any, storage: Storage
) -> None:
    app, request = bot_app
    for n, form in enumerate(PRIVATE_FORMS):
        question = f"我叫王秀英电话{form}，明天交城天气怎么样"
        asked = message_update(app.bot, question, user_id=100 + n, chat_id=100 + n)
        await app.process_update(asked)
        assert "抱歉" in request.last_text()
        reply_to = {"message_id": asked.message.message_id, "date": int(time.time()), "chat": {"id": 100 + n,
                    "type": "private"}, "from": {"id": 100 + n, "is_bot": False, "first_name": "居民"},
                    "text": question}
        await app.process_update(callback_update(app.bot, "f|-|elder-beds", user_id=100 + n, chat_id=100 + n,
                                                 reply_to=reply_to))
    request.clear()
    for command in ("/unanswered", "/stats", "/suggestions"):
        await app.process_update(message_update(app.bot, command, chat_id=ADMIN, user_id=ADMIN))
    shown = "\n".join(str(c["text"]) for c in request.sent())
    stored = _stored_texts(storage)
    with sqlite3.connect(storage.path) as db:  # every question and vote was stored
        assert db.execute("SELECT COUNT(*) FROM questions WHERE text LIKE '%天气%'").fetchone() == (len(PRIVATE_FORMS),)
        assert db.execute("SELECT COUNT(*) FROM feedback WHERE question LIKE '%天气%'").fetchone() == (len(PRIVATE_FORMS),)
    for form in PRIVATE_FORMS:
        assert form not in stored and form not in shown, form
    assert "王秀英电话＊" in shown


async def test_old_question_texts_are_reduced_to_counts_at_start(knowledge_dir: Path, storage: Storage) -> None:
    config = Config(telegram=TelegramSettings(token="123:TEST"), admins=(ADMIN,), knowledge_dir=str(knowledge_dir))
    now = time.time()
    for days, text in ((100, "九十多天前问的：张三住东街3号"), (10, "十天前问的问题")):
        storage.log_question(user_id=7, chat_type="private", text=text, status="no_match", entry_id=None,
                             score=0, ts=now - days * 86400)
    storage.record_vote(user_id=7, answer=(7, 70), entry_id="elder-beds", question="九十多天前的👎", value=-1)
    with sqlite3.connect(storage.path) as db:
        db.execute("UPDATE feedback SET ts = ?", (now - 100 * 86400,))
    app = build_application(config, KnowledgeService(knowledge_dir), storage, request=RecordingRequest(),
                            rate_limit=False)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    assert any(job.name == "retention" for job in app.job_queue.jobs())  # type: ignore[union-attr]
    await app.shutdown()
    stored = _stored_texts(storage)
    assert "十天前问的问题" in stored and "张三" not in stored and "九十多天前" not in stored
    with sqlite3.connect(storage.path) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT user_hash) FROM questions").fetchone() == (2, 2)
        assert db.execute("SELECT value FROM feedback").fetchall() == [(-1,)]  # the vote still counts
        assert db.execute("SELECT answer FROM feedback").fetchall() == [("expired:1",)]  # not whose chat it was


# issue 19, row 3: a part heading repeats at most a short, masked excerpt of the resident's words
async def test_part_headings_repeat_only_a_short_masked_excerpt(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(mention_update(
        app.bot, "我叫王秀英家住城关镇东街三号院我想问一下养老床位一共多少张，另外社工站有几个",
        chat_id=GROUP, chat_type="supergroup"))
    text = request.last_text()
    assert "8个乡镇社工站" in text
    headings = re.findall(r"<b>【(.*?)】</b>", text)
    assert len(headings) == 2 and all(len(h) <= 16 for h in headings)
    assert "王秀英" not in text and "东街" not in text
    request.clear()
    await app.process_update(mention_update(
        app.bot, "我叫王秀英电话+8613812345678，养老床位多少张？另外社工站有几个",
        chat_id=GROUP, chat_type="supergroup", user_id=43))
    text = request.last_text()
    assert "13812345678" not in text and "王秀英" not in text and "私聊" in text


# issue 19, rows 5 and 6: every text sent fits Telegram's 4,096 UTF-16 units (an emoji is 2)
PASTED_LIST = (
    "交城经济开发区这几年发展得怎么样？交城硝基复合肥产业获得过哪些荣誉称号？交城县的创新型企业整体情况怎么样？"
    "交城县有哪些科技创新平台？交城县在养老服务方面都做了哪些工作？交城县产学研合作取得了哪些成果？"
    "交城县星河华府社区养老服务中心投资多少引入了5G智慧服务平台？交城县的科技成果有哪些？这篇报道配了哪些图片？"
    "交城县的科技创新成效怎么样？交城县政府出台了哪些措施支持硝基复合肥产业？"
    "交城县新落户的“轻量化材料及成形技术”院士工作站是谁共建的？交城县在医养融合方面取得了哪些成效？"
    "开发区改革创新的“先手棋”是怎么下的？开发区提档升级的“大文章”是怎么做的？"
    "山西省对硝基肥产业提出了什么要求，交城将怎么做？交城县在推动城乡养老均衡发展方面做了什么？"
    "开发区提档升级要建成什么类型的经济开发区？乡镇社工站为农村留守老人提供哪些“三帮四查”关爱服务？"
    "报道最后怎么总结交城的高质量发展？"
)


def _fits(text: str) -> bool:
    return telegram_length(text, html_text=True) <= 4096


async def test_a_long_compound_reply_becomes_several_messages_split_between_parts(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, PASTED_LIST))
    assert not [c for c in request.calls if c.method.endswith("!failed")]  # Telegram refused nothing
    sent = request.sent()
    pieces = [str(c["text"]) for c in sent]
    assert len(pieces) >= 2 and all(_fits(p) for p in pieces)
    heading = re.compile(r"<b>[①-⑳] 【")  # each answered part numbered as its buttons
    assert all(heading.match(p) for p in pieces)  # each message begins with a part's heading
    assert sum(len(heading.findall(p)) for p in pieces) == 20
    assert sum(p.count("📄 出处") for p in pieces) == 20
    assert [("reply_markup" in c) for c in sent] == [False] * (len(sent) - 1) + [True]  # buttons under the last


async def test_reports_of_long_emoji_questions_are_split_in_utf16_units(bot_app: Any) -> None:
    app, request = bot_app
    for n in range(12):
        await app.process_update(message_update(app.bot, f"第{n}个问题" + "😀" * 490, user_id=200 + n, chat_id=200 + n))
    request.clear()
    for command in ("/unanswered", "/stats"):
        await app.process_update(message_update(app.bot, command, chat_id=ADMIN, user_id=ADMIN))
    assert not [c for c in request.calls if c.method.endswith("!failed")]
    pieces = [str(c["text"]) for c in request.sent()]
    assert all(_fits(p) for p in pieces)
    assert all(f"第{n}个问题" in "".join(pieces) for n in range(12))


# issue 19, row 15: /reload holds back a base that loses entries or has a file written moments ago
@pytest.mark.parametrize("bot_app", [5.0], indirect=True)
async def test_reload_asks_to_confirm_when_entries_would_go_or_a_file_just_changed(
    bot_app: Any, knowledge_dir: Path
) -> None:
    app, request = bot_app
    path = knowledge_dir / "elderly.yaml"
    whole = path.read_text(encoding="utf-8")
    short = whole[: whole.index("  - id: elder-section-heading")]
    path.write_text(short, encoding="utf-8")  # a slow editor, half-way through: valid, one entry short
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    held = request.sent()[-1]
    text = html.unescape(held["text"])
    assert "这次没有重新加载" in text and "elderly.yaml 在几秒钟前刚被修改过" in text
    assert "elder-section-heading（报道里养老服务这一部分的标题是什么？）" in text and "1 个条目会消失" in text
    await app.process_update(message_update(app.bot, "报道里养老服务这一部分的标题是什么"))
    assert "标题是两行" in request.last_text()  # still the old base: the curated entry's answer

    old = time.time() - 60  # the editor is done; the file is still short
    os.utime(path, (old, old))
    request.clear()
    await app.process_update(message_update(app.bot, "/reload", chat_id=ADMIN, user_id=ADMIN))
    again = request.sent()[-1]
    assert "刚被修改" not in again["text"] and "elder-section-heading" in again["text"]
    (confirm,) = [b["callback_data"] for row in again["reply_markup"]["inline_keyboard"] for b in row]
    path.write_text(whole, encoding="utf-8")  # fixed before the press: the old button reloads nothing stale
    os.utime(path, (old, old))
    await app.process_update(callback_update(app.bot, confirm, user_id=ADMIN, chat_id=ADMIN))
    assert request.last_text().startswith("知识库已重新加载")
    path.write_text(short, encoding="utf-8")
    os.utime(path, (old, old))
    await app.process_update(callback_update(app.bot, confirm, user_id=ADMIN, chat_id=ADMIN))  # same file set
    assert request.last_text().startswith("知识库已重新加载")
    await app.process_update(message_update(app.bot, "报道里养老服务这一部分的标题是什么", user_id=43, chat_id=43))
    # confirmed: the entry is gone (the heading is still found in the source itself, by its place)
    assert "标题是两行" not in request.last_text()


# --------------------------------------------------------------------------------------------------
# issue 21: the first screen, first steps and progress


def _labels(params: dict[str, Any]) -> list[str]:
    return [b["text"] for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def _data(params: dict[str, Any], label: str) -> str:
    return next(b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)


def _typing_then(request: RecordingRequest, chat_id: int) -> list[str]:
    """The calls to a chat in order, a typing action as "typing" (the answer's spinner and answers left out)."""
    return ["typing" if c.method == "sendChatAction" and c.params["action"] == "typing" else c.method
            for c in request.calls if str(c.params.get("chat_id")) == str(chat_id)]


async def test_private_start_shows_tappable_examples_and_a_topics_button(bot_app: Any) -> None:
    """A resident's first screen: short example buttons (a tap asks the whole question) and 按话题浏览."""
    app, request = bot_app
    await app.process_update(message_update(app.bot, "/start"))
    welcome = request.sent()[-1]
    assert "点下面的例子试试" in welcome["text"] and "交城问答" in welcome["text"]
    labels = _labels(welcome)
    assert labels == ["有多少户国家级高新技术企业", "有多少个乡镇社工站", "养老床位有多少张", "📚 按话题浏览"]
    assert all(len(label) <= 14 for label in labels)
    request.clear()
    await app.process_update(callback_update(app.bot, _data(welcome, "有多少个乡镇社工站")))
    assert _typing_then(request, 42) == ["typing", "sendMessage"]
    answer = request.last_text()
    assert answer.startswith("<b>交城县有多少个乡镇社工站？</b>\n") and "8个乡镇社工站" in answer
    assert _labels(request.sent()[-1])[:3] == ["👍", "👎", "原文"]
    request.clear()
    await app.process_update(callback_update(app.bot, _data(welcome, "📚 按话题浏览")))
    topics = request.sent("editMessageText")[-1]
    assert topics["text"] == "请选择话题：" and "养老服务（" in " ".join(_labels(topics))


async def test_group_start_shows_how_to_ask_in_a_group(bot_app: Any) -> None:
    app, request = bot_app
    asked = message_update(app.bot, "/start", chat_id=GROUP, chat_type="supergroup")
    await app.process_update(asked)
    (reply,) = request.sent()
    assert "@jiaocheng_qa_bot 您的问题" in reply["text"] and "/ask 您的问题" in reply["text"]
    assert "点下面的例子" not in reply["text"] and "reply_markup" not in reply
    assert reply["reply_parameters"]["message_id"] == asked.effective_message.message_id


async def test_an_unknown_command_gets_a_hint_in_private_and_when_addressed_in_a_group(bot_app: Any) -> None:
    app, request = bot_app
    hint = "没有这个命令。直接把问题发给我就行，或发送 /topics 按话题浏览、/help 查看用法。"
    for command in ("/menu", "/abc 1"):
        request.clear()
        await app.process_update(message_update(app.bot, command))
        assert [p["text"] for p in request.sent()] == [hint]
    request.clear()
    for command in ("/menu", "/menu@other_bot"):  # for every bot, or another one: not ours to answer
        await app.process_update(message_update(app.bot, command, chat_id=GROUP, chat_type="supergroup"))
    assert request.sent() == []
    addressed = message_update(app.bot, "/menu@jiaocheng_qa_bot", chat_id=GROUP, chat_type="supergroup")
    await app.process_update(addressed)
    (reply,) = request.sent()
    assert reply["text"] == hint and reply["reply_parameters"]["message_id"] == addressed.effective_message.message_id


async def test_a_number_after_did_you_mean_picks_that_suggestion(bot_app: Any) -> None:
    """"1", "第二个", "一", "第2个" answer as the button would; another person's or a later number does not."""
    app, request = bot_app

    async def offered(person: int, **where: Any) -> list[str]:
        request.clear()
        make = mention_update if where.get("chat_type") else message_update  # a group: addressed to the bot
        await app.process_update(make(app.bot, "省级的中心有几个", user_id=person, **where))
        reply = request.sent()[-1]
        assert reply["text"].startswith("您是想问：\n1. ")
        return [row[0]["callback_data"] for row in reply["reply_markup"]["inline_keyboard"]]

    async def pressed(data: str, person: int, chat_id: int) -> str:
        await app.process_update(callback_update(app.bot, data, user_id=person, chat_id=chat_id))
        return request.last_text()

    for person, (said, index) in enumerate((("1", 0), ("第二个", 1), ("一", 0), ("第2个", 1)), start=100):
        choices = await offered(person, chat_id=person)
        expected = await pressed(choices[index], person, person)
        request.clear()
        await app.process_update(message_update(app.bot, said, chat_id=person, user_id=person))
        assert [p["text"] for p in request.sent()] == [expected], said
        request.clear()
        await app.process_update(message_update(app.bot, said, chat_id=person, user_id=person))  # a question again
        assert request.last_text() != expected
    await offered(200, chat_id=200)
    request.clear()
    await app.process_update(message_update(app.bot, "养老床位有多少张", chat_id=200, user_id=200))  # a new question
    await app.process_update(message_update(app.bot, "1", chat_id=200, user_id=200))  # ... and they are gone
    assert "985张" in request.sent()[0]["text"] and "<blockquote" not in request.sent()[1]["text"]
    # in a group: the asker's plain "2" picks, as a reply to them; someone else's "2" does not
    choices = await offered(7, chat_id=GROUP, chat_type="supergroup")
    request.clear()
    await app.process_update(message_update(app.bot, "2", chat_id=GROUP, chat_type="supergroup", user_id=8))
    assert request.sent() == []
    picked = message_update(app.bot, "2", chat_id=GROUP, chat_type="supergroup", user_id=7)
    await app.process_update(picked)
    (reply,) = request.sent()
    assert reply["reply_parameters"]["message_id"] == picked.effective_message.message_id
    assert reply["text"] == await pressed(choices[1], 7, GROUP)


async def test_a_question_shows_typing_before_the_answer(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "养老床位有多少张"))
    assert _typing_then(request, 42) == ["typing", "sendMessage"]
    request.clear()
    await app.process_update(mention_update(app.bot, "养老床位有多少张", chat_id=GROUP, chat_type="supergroup"))
    assert _typing_then(request, GROUP) == ["typing", "sendMessage"]


async def test_an_inline_query_without_a_match_says_what_to_do(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(inline_update(app.bot, "明天天气怎么样"))
    (result,) = request.sent("answerInlineQuery")[-1]["results"]
    assert result["title"] == "没找到相关内容"
    assert result["description"] == "换个说法再试试，或私聊机器人提问"
    assert result["input_message_content"]["message_text"] == (
        "没有找到“明天天气怎么样”的相关内容。可以换个说法，或私聊 @jiaocheng_qa_bot 提问。")


# issue 21: replies that read well on a phone, refusals with the right reason, feedback that shows


def _markup_labels(markup: dict[str, Any]) -> list[str]:
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def test_a_reply_on_a_phone_has_a_labelled_source_a_collapsed_quote_full_width_commas_and_short_buttons(
    bot_app: Any, knowledge_dir: Path
) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城经济开发区是什么级别的开发区"))
    sent = request.sent()[-1]
    text = sent["text"]
    citation = text.partition("\n\n")[2]
    assert citation.startswith("📄 出处：《多维驱动 高质量发展行稳致远》· 焕新升级 构筑绿色低碳循环示范园区\n")
    # the release's ASCII comma between Chinese characters is shown full-width; the stored quote keeps it
    assert "<blockquote expandable>交城经济开发区作为省级工业类经济开发区，在建设全省一流" in citation
    assert "工业类经济开发区,在建设" in (knowledge_dir / "devzone.yaml").read_text(encoding="utf-8")
    assert not re.search(r"[\u4e00-\u9fff],[\u4e00-\u9fff]", html.unescape(text))
    labels = _markup_labels(sent["reply_markup"])
    assert labels[:3] == ["👍", "👎", "原文"] and len(labels) > 3
    assert all(len(label) <= 14 for label in labels)  # phones cut longer labels
    assert any(label.endswith("…") for label in labels[3:])
    related = sent["reply_markup"]["inline_keyboard"][1][0]
    assert related["callback_data"].startswith("a|zone-")  # callback data as before
    request.clear()
    await app.process_update(callback_update(app.bot, related["callback_data"]))
    picked = request.last_text()
    assert picked.startswith("<b>❓ 交城经济开发区")  # the whole question the short label stands for
    assert labels[3].rstrip("…") in picked.split("</b>")[0] and len(picked.split("</b>")[0]) > len(labels[3]) + 5


async def test_refusals_give_the_right_reason_warmly(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城有低保吗"))
    not_covered = request.last_text()
    assert not_covered.startswith("抱歉，发布材料没有讲到“低保”方面的内容。为免说错，我就不猜了。")
    await app.process_update(message_update(app.bot, "太原有多少高企"))
    other_place = request.last_text()
    assert other_place.startswith("抱歉，发布材料只介绍了交城县的情况，没有讲到太原。为免说错，我就不猜了。")
    await app.process_update(message_update(app.bot, "交城那40户高企一共有多少员工"))
    partial = request.last_text()
    assert partial.startswith("发布材料没有提到") and "为免说错，这一点我就不猜了。和您问的最接近的内容是：" in partial
    assert all("我不想乱答" not in t for t in (not_covered, other_place, partial))


async def test_source_button_replies_to_the_answer_collapsed_with_the_quote_marked_and_short_in_groups(
    bot_app: Any,
) -> None:
    app, request = bot_app
    answer = {"message_id": 9001, "text": "交城县养老床位……"}
    await app.process_update(callback_update(app.bot, "s|elder-beds", on=answer))
    private = request.sent()[-1]
    assert private["reply_parameters"]["message_id"] == 9001  # a reply to the answer
    text = private["text"]
    assert text.startswith("📄 <b>原文</b>（《多维驱动 高质量发展行稳致远》· ") and "<blockquote expandable>" in text
    marked = re.findall(r"<b>([^<]+)</b>", text.split("<blockquote expandable>")[1])
    assert len(marked) == 1 and "985张" in marked[0]  # the quoted sentence, marked in its paragraph
    assert telegram_length(text, html_text=True) > 400  # in private the whole paragraph
    await app.process_update(callback_update(app.bot, "s|elder-beds", chat_id=GROUP, on=answer))
    group = request.sent()[-1]
    assert group["chat_id"] == GROUP and group["reply_parameters"]["message_id"] == 9001
    assert "<b>" + marked[0] + "</b>" in group["text"] and group["text"].count("…") == 2
    assert telegram_length(group["text"], html_text=True) < 250  # the quote with a little context, not 1,000


async def test_one_vote_per_answer_the_buttons_say_it_was_received_and_a_thumbs_down_offers_a_way_on(
    bot_app: Any, storage: Storage
) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站"))
    sent = {**request.sent()[-1], "message_id": 9100}
    up = sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    request.clear()
    await app.process_update(callback_update(app.bot, up, on=sent))
    edited = request.sent("editMessageReplyMarkup")[-1]
    assert edited["message_id"] == 9100
    labels = _markup_labels(edited["reply_markup"])
    assert labels[:2] == ["已收到 👍", "原文"] and "👎" not in labels
    request.clear()
    for data in (up, "f|-|elder-social-work-stations", "f|=|elder-social-work-stations"):  # pressed again
        await app.process_update(callback_update(app.bot, data, on=sent))
    assert [c.method for c in request.calls] == ["answerCallbackQuery"] * 3  # nothing new
    assert storage.stats().thumbs_up == 1 and storage.stats().thumbs_down == 0
    await app.process_update(message_update(app.bot, "交城有几个省级技术创新中心"))
    other = {**request.sent()[-1], "message_id": 9101}
    down = other["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    request.clear()
    request.fail_methods["editMessageReplyMarkup"] = (400, "Bad Request: message can't be edited")  # too old
    await app.process_update(callback_update(app.bot, down, on=other))
    assert _markup_labels(request.sent("editMessageReplyMarkup")[-1]["reply_markup"])[0] == "已收到 👎"
    offer = request.sent()[-1]
    assert offer["reply_parameters"]["message_id"] == 9101 and "换个说法" in offer["text"]
    assert _markup_labels(offer["reply_markup"]) == ["换个说法再问", "按话题浏览"]
    rephrase, browse = (b["callback_data"] for b in offer["reply_markup"]["inline_keyboard"][0])
    del request.fail_methods["editMessageReplyMarkup"]
    await app.process_update(callback_update(app.bot, rephrase))
    assert "请换个说法" in request.sent("editMessageText")[-1]["text"]
    await app.process_update(callback_update(app.bot, browse))
    assert request.sent("editMessageText")[-1]["text"] == "请选择话题："
    assert storage.stats().thumbs_down == 1


async def test_each_part_of_a_compound_reply_gets_its_own_vote(bot_app: Any, storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "社工站全县有几个?三帮四查里“四查”查的是啥?"))
    sent = {**request.sent()[-1], "message_id": 9200}
    assert "<b>① 【社工站全县有几个】</b>" in sent["text"] and "<b>② 【" in sent["text"]
    rows = sent["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["👍①", "👎①", "原文①"]
    assert [b["text"] for b in rows[1]] == ["👍②", "👎②", "原文②"]
    await app.process_update(callback_update(app.bot, rows[1][0]["callback_data"], on=sent))
    labels = _markup_labels(request.sent("editMessageReplyMarkup")[-1]["reply_markup"])
    assert labels[:5] == ["👍①", "👎①", "原文①", "② 已收到 👍", "原文②"]
    await app.process_update(callback_update(app.bot, rows[0][1]["callback_data"], on=sent))
    assert storage.stats().thumbs_up == 1 and storage.stats().thumbs_down == 1


async def test_a_vote_is_kept_in_the_database_and_still_counts_once_after_a_restart(
    knowledge_dir: Path, storage: Storage
) -> None:
    config = Config(telegram=TelegramSettings(token="123:TEST"), admins=(ADMIN,), knowledge_dir=str(knowledge_dir))

    async def started() -> tuple[Any, RecordingRequest]:
        recording = RecordingRequest()
        app = build_application(config, KnowledgeService(knowledge_dir), storage, request=recording,
                                rate_limit=False)
        await app.initialize()
        recording.clear()
        return app, recording

    app, request = await started()
    await app.process_update(message_update(app.bot, "交城有几个乡镇社工站"))
    answer = {**request.sent()[-1], "message_id": 9300}
    up = answer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await app.process_update(callback_update(app.bot, up, on=answer))
    assert _markup_labels(request.sent("editMessageReplyMarkup")[-1]["reply_markup"])[0] == "已收到 👍"
    await app.shutdown()
    app, request = await started()  # the bot restarted; the answer on the phone still has its old buttons
    for data in (up, up.replace("|+|", "|-|")):
        await app.process_update(callback_update(app.bot, data, on=answer))
    assert [c.method for c in request.calls] == ["answerCallbackQuery"] * 2
    assert {c.params["text"] for c in request.calls} == {messages.FEEDBACK_ALREADY}
    await app.process_update(callback_update(app.bot, up, user_id=43, chat_id=43, on={**answer, "message_id": 9301}))
    await app.shutdown()
    assert (storage.stats().thumbs_up, storage.stats().thumbs_down) == (2, 0)  # another person's answer counts


async def test_in_a_group_each_member_votes_once_the_buttons_count_and_a_thumbs_down_is_a_popup(
    bot_app: Any, storage: Storage
) -> None:
    app, request = bot_app
    asked = mention_update(app.bot, "交城有几个乡镇社工站", chat_id=GROUP, chat_type="supergroup", user_id=51)
    await app.process_update(asked)
    answer = {**request.sent()[-1], "message_id": 9400}
    up, down = (b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0][:2])
    reply_to = asked.effective_message.to_dict()

    async def press(data: str, member: int) -> None:
        request.clear()
        await app.process_update(callback_update(app.bot, data, user_id=member, chat_id=GROUP, on=answer,
                                                 reply_to=reply_to))
        edited = request.sent("editMessageReplyMarkup")
        if edited:
            answer["reply_markup"] = edited[-1]["reply_markup"]

    await press(up, 51)
    assert _markup_labels(answer["reply_markup"])[:3] == ["👍 1", "👎", "原文"]
    await press(up, 52)
    assert _markup_labels(answer["reply_markup"])[:3] == ["👍 2", "👎", "原文"]
    await press(down, 51)  # already voted: nothing changes
    assert [c.method for c in request.calls] == ["answerCallbackQuery"]
    assert request.calls[0].params["text"] == messages.FEEDBACK_ALREADY
    await press(down, 53)
    popup = request.sent("answerCallbackQuery")[-1]
    assert popup["show_alert"] is True and "换个说法再 @jiaocheng_qa_bot 问" in popup["text"]
    assert request.sent() == []  # nothing posted to the group
    assert _markup_labels(answer["reply_markup"])[:3] == ["👍 2", "👎 1", "原文"]
    assert (storage.stats().thumbs_up, storage.stats().thumbs_down) == (2, 1)
    with sqlite3.connect(storage.path) as db:  # the 👎 names the question it answered, not the group or members
        assert db.execute("SELECT question FROM feedback WHERE value < 0").fetchone()[0].endswith("乡镇社工站")
        kept = " ".join(str(v) for row in db.execute("SELECT answer, user_hash FROM feedback") for v in row)
    assert str(GROUP) not in kept and not re.search(r"(?<![0-9a-f])5[123](?![0-9a-f])", kept)


async def test_a_follow_up_leans_on_the_same_persons_previous_question(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "国家级专精特新小巨人企业有几户"))
    assert "1户" in request.last_text()
    await app.process_update(message_update(app.bot, "那省级的呢"))
    assert "29户" in request.last_text()
    # someone else in another chat asking the same words has no previous question to lean on
    await app.process_update(message_update(app.bot, "那省级的呢", chat_id=77, user_id=77))
    assert "29户" not in request.last_text()


async def test_a_wording_question_is_answered_from_the_report_and_its_buttons_work(bot_app: Any,
                                                                                  storage: Storage) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "报道里说科技服务用的是哪个四字词？"))
    sent = request.sent()[-1]
    assert "宾至如归" in sent["text"] and "📄 出处：《多维驱动 高质量发展行稳致远》" in sent["text"]
    data = [b["callback_data"] for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    source_button = next(d for d in data if d.startswith("s|"))
    await app.process_update(callback_update(app.bot, source_button))
    assert "📄 <b>原文</b>" in request.last_text() and "宾至如归" in request.last_text()
    vote = next(d for d in data if d.startswith("f|-|"))
    await app.process_update(callback_update(app.bot, vote))
    assert request.sent("answerCallbackQuery")[-1]["text"] == "收到，我们会改进这个回答。"
    assert storage.stats().thumbs_down == 1


async def test_each_claimed_figure_gets_its_verdict_in_its_part(bot_app: Any) -> None:
    app, request = bot_app
    await app.process_update(message_update(app.bot, "国家级高新技术企业有50户，有效发明专利98项，对吧？"))
    text = request.last_text()
    assert "<b>不对，发布材料说的不是50户。</b>" in text and "40户" in text
    assert "<b>对，是98项。</b>" in text
