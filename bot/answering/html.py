"""HTML replies and inline keyboards for Telegram; all user and knowledge text is escaped."""

from __future__ import annotations

import re
import unicodedata
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .. import messages
from ..engine.matching import MatchResult, Status
from ..engine.render import answer_text, cited, claim_verdict, fallback_text, partial_intro
from ..knowledge.model import Entry, KnowledgeBase, quote_key
from ..privacy.mask import excerpt

MAX_CALLBACK = 64
HEADING_EXCERPT = 15  # characters of a resident's words a part heading may repeat (masked), then "…"
LABEL_MAX = 14  # characters of a button label: phones cut longer ones
GROUP_SOURCE_CONTEXT = 40  # characters of the paragraph either side of the quote that 原文 shows in a group
PART_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # the parts of a compound reply, on its headings and buttons

# ASCII punctuation the release uses between Chinese characters, as a phone should show it
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# the key figure of an answer: the first number with a counting unit (40户, 985张, 2.78亿元, 100%)
_FIGURE_RE = re.compile(
    r"\d+(?:\.\d+)?(?:万|亿)?(?:%|％|平方公里|平方米|公里|千米|立方米|万元|亿元|元|"
    r"[个户家张人名项所座条台种亩吨辆处次间套倍只头块件批支家位]|千瓦)"
)


def _wide(ch: str) -> bool:
    """A Chinese character or full-width punctuation."""
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’"


def full_width(text: str) -> str:
    """``,:;?!()`` next to Chinese characters as their full-width forms (display only; same length)."""
    chars = list(text)
    for i, ch in enumerate(chars):
        wide = _FULL_WIDTH.get(ch)
        if wide is None:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before.isdigit() and after.isdigit():  # 40,000 and 10:30 stay
            continue
        if _wide(before) or _wide(after):
            chars[i] = wide
    return "".join(chars)


def shown(text: str) -> str:
    """Knowledge text as a phone shows it: full-width punctuation, HTML-escaped."""
    return escape(full_width(text))


def key_figure_html(answer: str) -> str:
    """The answer, displayed, with its key figure (the first number with a unit) in bold."""
    text = full_width(answer)
    found = _FIGURE_RE.search(text)
    if found is None:
        return escape(text)
    return f"{escape(text[:found.start()])}<b>{escape(found.group())}</b>{escape(text[found.end():])}"


def short_label(text: str, limit: int = LABEL_MAX, *, county: str = "") -> str:
    """A button label a phone shows whole: the question without its question mark and, when too long, without
    the county it opens with (every question is about it), cut with "…"."""
    text = full_width(text.strip()).rstrip("？?")
    if len(text) > limit and county:
        for name in (county, county.removesuffix("县")):
            if name and text.startswith(name) and len(text) > len(name) + 1:
                text = text[len(name):].removeprefix("的")  # 本县的高新技术企业… → 高新技术企业…
                break
    return text if len(text) <= limit else text[: limit - 1] + "…"


def repeats_answer(entry: Entry) -> bool:
    """Whether the quote only repeats the answer (the answer holds it word for word, punctuation aside)."""
    quote = quote_key(entry.quote)
    return not quote or quote in quote_key(entry.answer)


def citation_html(kb: KnowledgeBase, entry: Entry) -> str:
    """The labelled source line, then the quote as an expandable block quote unless the answer says it already."""
    title = shown(kb.source_of(entry).title)
    if entry.section:
        line = messages.CITATION_LINE_SECTION.format(title=title, section=shown(entry.section))
    else:
        line = messages.CITATION_LINE.format(title=title)
    if repeats_answer(entry):
        return line
    return f"{line}\n<blockquote expandable>{shown(entry.quote)}</blockquote>"


def callback(*parts: str) -> str:
    """Callback data within Telegram's 64 bytes (entry ids are short; anything longer is refused)."""
    data = "|".join(parts)
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def headed(question: str, html_text: str) -> str:
    """A reply under the question it answers, in bold (a tapped example, an inline result)."""
    return f"<b>{escape(question)}</b>\n{html_text}"


def answer_html(kb: KnowledgeBase, entry: Entry, *, asked: bool = False) -> str:
    """The answer with its key figure in bold, then its citation; ``asked``: the whole standard question first
    (an answer picked with a button whose label is cut)."""
    head = f"<b>{shown(messages.ASKED.format(question=entry.canonical_question))}</b>\n" if asked else ""
    return f"{head}{key_figure_html(entry.answer)}\n\n{citation_html(kb, entry)}"


def vote_buttons(entry: Entry, number: int = 0) -> list[InlineKeyboardButton]:
    """👍 👎 原文 of one answer; of part ``number`` (1, 2 …) of a compound reply, numbered."""
    if not number:
        up, down, source = messages.BUTTON_UP, messages.BUTTON_DOWN, messages.BUTTON_SOURCE
    else:
        up = messages.FEEDBACK_PART.format(vote=messages.BUTTON_UP, n=PART_NUMBERS[number - 1])
        down = messages.FEEDBACK_PART.format(vote=messages.BUTTON_DOWN, n=PART_NUMBERS[number - 1])
        source = messages.SOURCE_PART.format(n=PART_NUMBERS[number - 1])
    return [
        InlineKeyboardButton(up, callback_data=callback("f", "+", entry.id)),
        InlineKeyboardButton(down, callback_data=callback("f", "-", entry.id)),
        InlineKeyboardButton(source, callback_data=callback("s", entry.id)),
    ]


def answer_keyboard(kb: KnowledgeBase, entry: Entry) -> InlineKeyboardMarkup:
    rows = [vote_buttons(entry)]
    for related_id in entry.related[:3]:
        related = kb.by_id.get(related_id)
        if related is not None:
            rows.append([InlineKeyboardButton(short_label(related.canonical_question, county=kb.place.county),
                                              callback_data=callback("a", related.id))])
    return InlineKeyboardMarkup(rows)


def voted_keyboard(markup: InlineKeyboardMarkup | None, entry_id: str, value: int) -> InlineKeyboardMarkup | None:
    """The keyboard after a vote on ``entry_id``: its 👍 👎 become one "已收到" button (pressing it does nothing);
    None when there was nothing to change (the vote was already shown)."""
    if markup is None:
        return None
    votes = {callback("f", "+", entry_id), callback("f", "-", entry_id)}
    changed = False
    rows: list[list[InlineKeyboardButton]] = []
    for row in markup.inline_keyboard:
        new_row: list[InlineKeyboardButton] = []
        for button in row:
            if button.callback_data in votes:
                if not changed:
                    vote = messages.BUTTON_UP if value > 0 else messages.BUTTON_DOWN
                    number = button.text[len(vote):] if button.text.startswith(vote) else ""
                    label = (messages.FEEDBACK_RECEIVED_PART.format(n=number, vote=vote) if number
                             else messages.FEEDBACK_RECEIVED_UP if value > 0 else messages.FEEDBACK_RECEIVED_DOWN)
                    new_row.append(InlineKeyboardButton(label, callback_data=callback("f", "=", entry_id)))
                changed = True
                continue
            new_row.append(button)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows) if changed else None


def counted_keyboard(markup: InlineKeyboardMarkup | None, entry_id: str, up: int, down: int
                     ) -> InlineKeyboardMarkup | None:
    """The keyboard of an answer in a group after a vote on ``entry_id``: its 👍 and 👎 (of that part) show how
    many members pressed each, and stay there for the others to vote; None when nothing changes."""
    if markup is None:
        return None
    counts = {callback("f", "+", entry_id): up, callback("f", "-", entry_id): down}
    changed = False
    rows: list[list[InlineKeyboardButton]] = []
    for row in markup.inline_keyboard:
        new_row: list[InlineKeyboardButton] = []
        for button in row:
            count = counts.get(button.callback_data) if isinstance(button.callback_data, str) else None
            if count is not None:
                vote = button.text.split(" ", 1)[0]  # 👍 or 👍① without the count shown before
                label = messages.VOTE_COUNT.format(vote=vote, count=count) if count else vote
                changed = changed or label != button.text
                button = InlineKeyboardButton(label, callback_data=button.callback_data)
            new_row.append(button)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows) if changed else None


def rephrase_keyboard() -> InlineKeyboardMarkup:
    """After a 👎: say it again in other words, or browse the topics."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.BUTTON_REPHRASE, callback_data=callback("r")),
        InlineKeyboardButton(messages.BUTTON_BROWSE, callback_data=callback("T")),
    ]])


def choices_keyboard(result: MatchResult, *, county: str = "") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"{n}. {short_label(c.entry.canonical_question, LABEL_MAX - 3, county=county)}",
                               callback_data=callback("a", c.entry.id))]
         for n, c in enumerate(result.candidates, 1)]
    )


def choices_html(result: MatchResult) -> str:
    """"您是想问：" with each candidate's whole question, numbered as its button, then that a number works too."""
    lines = [escape(messages.AMBIGUOUS_INTRO)]
    lines += [f"{n}. {shown(c.entry.canonical_question)}" for n, c in enumerate(result.candidates, 1)]
    count = len(result.candidates)
    lines.append(escape(messages.AMBIGUOUS_PICK.format(count=count) if count > 1 else messages.AMBIGUOUS_PICK_ONE))
    return "\n".join(lines)


def partial_html(kb: KnowledgeBase, result: MatchResult) -> str:
    """A partial reply: what the release does not state, then the closest fact with its citation."""
    assert result.entry is not None
    intro = escape(partial_intro(result, kb))
    return f"{intro}\n{answer_html(kb, result.entry)}\n{escape(messages.PARTIAL_HINT)}"


def source_html(kb: KnowledgeBase, entry: Entry, *, short: bool = False) -> str:
    """The paragraph of the quote, collapsed, with the quoted words in bold; ``short`` (a group): the quote with
    a little context either side, not the whole paragraph."""
    source = kb.source_of(entry)
    paragraph = full_width(source.paragraph_of(entry.quote))
    span = _locate(paragraph, entry.quote)
    if span is None:
        body = shown(paragraph if not short else entry.quote)
    else:
        start, end = span
        lo, hi = 0, len(paragraph)
        if short:
            lo, hi = max(0, start - GROUP_SOURCE_CONTEXT), min(len(paragraph), end + GROUP_SOURCE_CONTEXT)
        before = (messages.SOURCE_CUT if lo > 0 else "") + paragraph[lo:start]
        after = paragraph[end:hi] + (messages.SOURCE_CUT if hi < len(paragraph) else "")
        body = f"{escape(before)}<b>{escape(paragraph[start:end])}</b>{escape(after)}"
    return messages.SOURCE_PARAGRAPH_LONG.format(title=shown(source.title), section=shown(entry.section),
                                                 paragraph=body)


def _locate(paragraph: str, quote: str) -> tuple[int, int] | None:
    """Where the quote lies in the paragraph (character offsets), comparing as :func:`quote_key` does."""
    at = paragraph.find(quote)
    if at >= 0:
        return at, at + len(quote)
    wanted = quote_key(quote)
    if not wanted:
        return None
    keys: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(paragraph):
        for k in quote_key(unicodedata.normalize("NFKC", ch)):
            keys.append(k)
            origin.append(i)
    found = "".join(keys).find(wanted)
    if found < 0:
        return None
    return origin[found], origin[found + len(wanted) - 1] + 1


def compound_html(kb: KnowledgeBase, result: MatchResult) -> str:
    """The blocks of :func:`compound_blocks` as one text."""
    return "\n\n".join(compound_blocks(kb, result))


def compound_blocks(kb: KnowledgeBase, result: MatchResult) -> list[str]:
    """One block per asked part: its heading, then its answer and citation, or what is not covered.

    The heading repeats only a short excerpt of the resident's words, with ID-card and mobile numbers
    masked: in a group it is read by everyone.
    """
    blocks = [f"<b>{shown(result.comparison.text)}</b>"] if result.comparison is not None else []
    numbered = len([p for p in result.parts if cited(p)]) > 1  # its buttons carry the number of its part
    for number, part in enumerate(result.parts, 1):
        question = excerpt(part.question, HEADING_EXCERPT)
        mark = f"{PART_NUMBERS[number - 1]} " if numbered and cited(part) and number <= len(PART_NUMBERS) else ""
        heading = f"<b>{mark}{escape(messages.PART_HEADING.format(question=question))}</b>"
        if part.status is Status.ANSWERED and part.entry is not None:
            verdict = claim_verdict(part)  # 33户、总产能300万吨，对吗: each part's claim judged on its own
            body = (f"<b>{shown(verdict)}</b>" if verdict else "") + answer_html(kb, part.entry)
        elif part.status is Status.PARTIAL and part.entry is not None:
            body = f"{escape(partial_intro(part, kb))}\n{answer_html(kb, part.entry)}"
        else:
            body = escape(answer_text(part, kb) or fallback_text(part, kb))
        blocks.append(f"{heading}\n{body}")
    return blocks


def compound_keyboard(kb: KnowledgeBase, result: MatchResult) -> InlineKeyboardMarkup | None:
    """👍 👎 原文 for every answered part (numbered as the headings when there are several), then the
    first answered part's related questions."""
    answered = [(n, p.entry) for n, p in enumerate(result.parts, 1) if cited(p) and p.entry is not None]
    answered = [(n, e) for n, e in answered if n <= len(PART_NUMBERS)]
    if not answered:
        return None
    if len(answered) == 1:
        return answer_keyboard(kb, answered[0][1])
    seen: set[str] = set()
    rows = []
    for number, entry in answered:
        if entry.id not in seen:  # one vote per entry: two parts answered by one entry share their buttons
            seen.add(entry.id)
            rows.append(vote_buttons(entry, number))
    rows += [list(row) for row in answer_keyboard(kb, answered[0][1]).inline_keyboard[1:]]
    return InlineKeyboardMarkup(rows)


def reply_parts(kb: KnowledgeBase, result: MatchResult) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The reply as its parts (one block per asked part of a compound reply, else one text) and its keyboard:
    a reply too long for one message is split between parts first."""
    text, markup = reply_for(kb, result)
    return (compound_blocks(kb, result) if result.compound else [text]), markup


def reply_for(kb: KnowledgeBase, result: MatchResult) -> tuple[str, InlineKeyboardMarkup | None]:
    """The HTML text and keyboard for a match result."""
    if result.compound:
        return compound_html(kb, result), compound_keyboard(kb, result)
    if result.status is Status.ANSWERED and result.entry is not None:
        # 是不是60户吧: "不对，发布材料说的不是60户。" before the fact; A和B哪个多: the two figures compared
        verdict = claim_verdict(result) or (result.comparison.text + "\n" if result.comparison else "")
        head = f"<b>{shown(verdict)}</b>" if verdict else ""
        return head + answer_html(kb, result.entry), answer_keyboard(kb, result.entry)
    if result.status is Status.PARTIAL and result.entry is not None:
        return partial_html(kb, result), answer_keyboard(kb, result.entry)
    if result.status is Status.SMALLTALK:
        return escape(answer_text(result, kb)), None
    if result.status is Status.AMBIGUOUS:
        return choices_html(result), choices_keyboard(result, county=kb.place.county)
    return escape(fallback_text(result, kb)), None


def topics_keyboard(kb: KnowledgeBase) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"{topic}（{len(kb.entries_of(topic))}）", callback_data=callback("t", str(i)))]
         for i, topic in enumerate(kb.topics)]
    )


def topic_questions_keyboard(
    kb: KnowledgeBase, index: int, *, page: int = 0, per_page: int = 8
) -> InlineKeyboardMarkup:
    topic = kb.topics[index]
    entries = kb.entries_of(topic)
    chunk = entries[page * per_page : (page + 1) * per_page]
    rows = [[InlineKeyboardButton(short_label(e.canonical_question, county=kb.place.county),
                                  callback_data=callback("a", e.id))]
            for e in chunk]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("‹ 上一页", callback_data=callback("t", str(index), str(page - 1))))
    if (page + 1) * per_page < len(entries):
        nav.append(InlineKeyboardButton("下一页 ›", callback_data=callback("t", str(index), str(page + 1))))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(messages.TOPICS_BACK, callback_data=callback("T"))])
    return InlineKeyboardMarkup(rows)
