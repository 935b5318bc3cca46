"""Every user-facing text of the bot, in one place so it can be reviewed together.

Plain strings with ``{name}`` placeholders; adapters escape the values they put in (HTML for Telegram).
"""

from __future__ import annotations

# Texts that name the deployment take its place (bot.place.Place, the knowledge folder's place.yaml) through
# bot.engine.render.place_words: {name} the bot's name, {about} the release in short, {event} in full, {topics} and
# {topic_list} what it covers, {county} the county, {example} an example question.
NEUTRAL_NAME = "县情问答"  # the bot's name when place.yaml gives none
ABOUT_COUNTY = "{county}的发布材料"  # what it answers from, when place.yaml names no event
ABOUT_NEUTRAL = "发布材料"
SMALLTALK = {
    "greeting": "您好！我是{name}机器人，可以回答{about}介绍的情况，比如{topics}。直接发问题给我就行。",
    "thanks": "不客气！还有别的想了解的，随时问我。",
    "identity": "我是{name}机器人：根据{event}的报道回答问题，每个回答都注明出处。可以问{topic_list}等方面的数字和做法。",
    "bye": "再见！有问题随时来问。",
}

AMBIGUOUS_INTRO = "您是想问："
AMBIGUOUS_PICK = "点按钮，或回复数字 1–{count}"  # under the numbered questions in a chat
AMBIGUOUS_PICK_ONE = "点按钮，或回复数字 1"
AMBIGUOUS_HINT = "请回复序号，或换个更具体的说法。"
NO_MATCH = "抱歉，这份发布材料里没有找到能回答这个问题的内容，我不想乱答。"
NO_MATCH_OUT_OF_SCOPE = "抱歉，发布材料只介绍了{county}的情况，没有提到“{term}”方面的内容，我不想乱答。"
# the same, for a base whose place names no county
NO_MATCH_OUT_OF_SCOPE_NEUTRAL = "抱歉，发布材料没有提到“{term}”方面的内容，我不想乱答。"
# partial: the topic is covered, the detail asked is not
# a message that checks a figure, year, rank or name (是不是60户吧): put before the release's fact
# two facts compared (A和B哪个多): put before the two cited parts
COMPARISON = "{winner}（{winner_figure}）比{other}（{other_figure}）{by}。"
COMPARISON_SAME = "{first}和{second}一样，都是{figure}。"
COMPARISON_BY = "{winner}（{winner_figure}）比{other}（{other_figure}）{by}{amount}。"
COMPARISON_SUM = "{first}（{first_figure}）和{second}（{second_figure}）加起来是{amount}。"
COMPARISON_TIMES = "{first}（{first_figure}）是{second}（{second_figure}）的{amount}倍。"
COMPARISON_ROUGH = "约"
CLAIM_VERDICTS = {
    "holds": "对，是{said}。",
    "roughly": "差不多，确切地说：",
    "differs": "不对，发布材料说的不是{said}。",
}
PARTIAL = "发布材料没有提到{missing}，我不想乱答。和您问的最接近的内容是："
PARTIAL_HINT = "如需更具体的信息，可咨询相关部门或拨打12345政务服务便民热线。"
GAP_GENERIC = "您问的这个细节"
# a gap that says what others say too: told alone (a price is an amount of money per unit)
GAP_SAYS_ALSO = {"ask:price": ("ask:money", "ask:per")}
# one text for every kind of gap (bot.engine.decide.GapKind; a test checks that none is missing)
GAP_KINDS = {
    "scope": "“{detail}”方面的内容",
    "words": "您问的“{detail}”",
    "compare": "和“{detail}”的比较",
    "ask:kind": "“{detail}”",
    "ask:month": "具体月份",
    "ask:price": "价格或收费",
    "ask:procedure": "办理、申请或评选的办法",
    "ask:names": "具体名称",
    "ask:places": "具体是哪些地方",
    "ask:plan": "今后的打算",
    "ask:compare": "这样的比较",
    "ask:rank": "排名",
    "ask:area": "面积",
    "ask:when": "具体时间",
    "ask:year": "具体年份",
    "ask:since": "从什么时候算起",
    "value": "“{detail}”的情况（材料说的是别的）",
    "qualifier": "“{detail}”",
    "ask:length": "长度或距离",
    "ask:day": "具体日期",
    "ask:contact": "地址、位置或联系方式",
    "ask:person": "具体是谁",
    "ask:explain": "这个名称的含义或来历",
    "ask:rest": "完整的名单",
    "ask:which": "具体是哪些",
    "ask:most": "其中哪一个最突出",
    "ask:org": "是哪家企业",
    "ask:age": "年龄条件",
    "ask:money": "金额",
    "ask:count": "具体数量",
    "subject": "您要问的是哪一项",
    "ask:per": "按人、按月这样的标准",
    "ask:reason": "原因",
    "ask:purpose": "用途或目的",
    "part": "其中单独某一部分的数字（材料只给了{detail}这个总数）",
    "total": "总数（材料只给了新增或升级的{detail}）",
    "ask:measure": "“{detail}”",
    "counted": "{detail}（材料里统计的是别的）",
    "area": "“{detail}”的数字",
    "number": "“{detail}”这个数",
    "period": "“{detail}”的数字",
}
# a term the release states of something else (入住率 of all institutions, asked of 护理型床位): missing only for
# the thing asked about, "发布材料没有提到您问的这一项的“入住率”"
GAP_STATED_OF_ANOTHER = "您问的这一项的“{detail}”"
# what a counting question counts, for "发布材料没有提到……"
COUNTED_WHAT = {"person": "人数", "org": "企业或单位的数量", "bed": "床位数", "money": "金额", "area": "面积",
                "quantity": "数量", "length": "长度", "share": "比例", "event": "次数", "vehicle": "车辆数"}
# a message that asks several things: one reply per part
PART_HEADING = "【{question}】"
PART_NOT_COVERED = "发布材料没有提到这一点。"
PART_AMBIGUOUS = "这一点没能确定您问的是哪一条，可以单独再问一次。"
NO_MATCH_HINT = "可以换个说法再问，或发送 /topics 看看能问哪些话题；办事咨询可拨打12345政务服务便民热线。"
EMPTY_QUESTION = "请直接输入您的问题，比如：{example}"
# a message that only asks (花了多少钱, 是谁): it names nothing the answer could be about
NO_SUBJECT = "您问的是哪一项呢？请把要问的事说全，比如：{example}"

CITATION_SOURCE = "来源：《{title}》"
CITATION_SECTION = " · {section}"
CITATION_QUOTE = "原文：“{quote}”"

CHAT_WELCOME = "{name}（本地终端版）。直接输入问题，回车发送；输入序号选择候选问题；Ctrl-D 或“退出”结束。"
CHAT_NO_TOKEN = "（未配置 Telegram 机器人令牌，所以在终端里聊天。配置方法：在 config.yaml 的 telegram.token 填入 BotFather 给的令牌，或设置环境变量 TELEGRAM_BOT_TOKEN。）"
CHAT_PROMPT = "问> "
TOKEN_REJECTED = (
    "Telegram 拒绝了机器人令牌（令牌错误或已被撤销）/ Telegram rejected the bot token: "
    "copy it again from @BotFather into telegram.token or TELEGRAM_BOT_TOKEN."
)
CHAT_EXIT_WORDS = ("退出", "exit", "quit", "q")

# ---- Telegram ----------------------------------------------------------------------------------
HELP = (
    "<b>怎么用</b>\n"
    "· 私聊：直接发问题。\n"
    "· 群里：@我 提问、回复我的消息，或用 /ask 问题。\n"
    "· 任意聊天框输入 @{username} 问题，可以把答案发到当前聊天。\n\n"
    "/topics 按话题浏览  /source 资料来源\n"
    "回答下面的 👍 👎 帮我们改进；“原文”按钮显示整段原文。"
)
# /help's sections for bot admins and group admins: a title, then the lines their commands register
HELP_ADMIN_TITLE = "\n\n<b>管理员</b>\n"
HELP_GROUP_ADMIN_TITLE = "\n\n<b>群管理员</b>\n"
HELP_AUTO = "/auto on｜off 开关自动回答（只回答有把握的问题）"
HELP_SUBSCRIBE = "/subscribe [标签] 订阅县里的公告  /unsubscribe 取消订阅"  # one line for both commands
HELP_RELOAD = "/reload 重新加载知识库和计划公告"
HELP_STATS = "/stats 使用统计（附图表）"
HELP_UNANSWERED = "/unanswered 没答上来和被点 👎 的问题"
HELP_ANNOUNCE = "/announce 公告内容：预览后发到订阅的群（/announce #城关镇 内容：只发给带这个标签的群）"
HELP_GROUPS = "/groups 订阅公告的群"
HELP_SCHEDULE = "/schedule 计划公告和最近的发送记录"
HELP_SUGGESTIONS = "/suggestions 教机器人：居民问题的建议（✅ 加为问法，🔁 换条目，✖ 忽略）"
HELP_HISTORY = "/history 知识库修改记录"
HELP_UNDO = "/undo 撤销最近一次修改"
# the command menus (Telegram's "/" list): each command's text, in the menus its feature registers it for
MENU_START = "开始"
MENU_ASK = "提问"
MENU_TOPICS = "按话题浏览"
MENU_SOURCE = "资料来源"
MENU_HELP = "用法"
MENU_RELOAD = "重新加载知识库"
MENU_STATS = "使用统计"
MENU_UNANSWERED = "没答上来的问题"
MENU_ANNOUNCE = "发公告"
MENU_GROUPS = "订阅公告的群"
MENU_SCHEDULE = "计划公告和发送记录"
MENU_SUGGESTIONS = "教机器人：居民问题的建议"
MENU_HISTORY = "知识库修改记录"
MENU_UNDO = "撤销最近一次修改"
ASK_USAGE = "用法：/ask 您的问题，例如 /ask {example}"
TOPICS_INTRO = "请选择话题："
TOPIC_QUESTIONS = "<b>{topic}</b>：请选择问题"
TOPICS_BACK = "« 返回话题"
SOURCE = "<b>资料来源</b>\n《{title}》\n作者：{author}\n{event}\n组织单位：{organisers}\n\n{note}"
BUTTON_SOURCE = "原文"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
FEEDBACK_THANKS = "谢谢反馈！"
FEEDBACK_DOWN = "收到，我们会改进这个回答。"
ENTRY_GONE = "这个问题的内容已经更新，请重新提问。"
RATE_LIMITED = "您问得有点快，请稍等一会儿再问。"
# commands and button presses over a person's limit: said once a minute, then silence
ACTIONS_TOO_FAST = "您操作得有点快，请稍等一会儿再试。"
# a chat (or a person) with too many commands and button presses waiting: the oldest are skipped, said once
FLOOD_DROPPED = "消息太多，前面的一些命令和按钮点击没有处理。有问题请直接发给我，我会逐个回答。"
GROUP_REPEAT = "这个问题刚才已经回答过了，请看上面的回答 ↑"
# a message whose other parts were just answered in the group: after the answers to its new parts
GROUP_REPEAT_SOME = "其余的问题刚才已经回答过了，请看上面的回答 ↑"
PRIVATE_DATA = "为保护隐私，请不要在群里发身份证号或手机号。有问题可以私聊我。"
NOT_ADMIN = "抱歉，这个命令只有机器人管理员可以使用。"
ADMIN_PRIVATE_ONLY = "管理命令会显示居民的提问和群的信息，请私聊我使用。"
NOT_GROUP_ADMIN = "抱歉，只有本群管理员可以设置。"
AUTO_USAGE = "用法：/auto on 或 /auto off（当前：{state}）"
AUTO_ON = "已开启自动回答：群里的问题我有把握时会直接回答。"
AUTO_OFF = "已关闭自动回答：需要 @我、回复我或用 /ask 提问。"
GROUP_ONLY = "这个命令只能在群里使用。"
RELOAD_OK = "知识库已重新加载：{entries} 条。"
RELOAD_FAILED = "知识库有 {count} 处错误，仍在使用旧版本（{entries} 条）。请修改后再 /reload：\n{problems}"
STATS = (
    "<b>使用统计</b>\n今天提问：{today}\n近 7 天提问：{week}，回答率 {share}{not_counted}\n👍 {up}  👎 {down}\n\n"
    "<b>问得最多</b>\n{top}\n\n<b>没答上来的</b>\n{unanswered}"
)
NOTHING_YET = "（暂无）"
UNANSWERED_TITLE = "<b>没答上来和被点 👎 的问题</b>（最近的在前）"
UNANSWERED_NONE = "最近没有没答上来的问题。"
INLINE_ASK_PRIVATE = "私聊机器人提问"
TEXT_ONLY = "我只能看懂文字问题，暂时看不懂图片、语音和表情。请把问题用文字发给我，比如：{example}"
AND_MORE = "……还有 {count} 处（完整列表见机器人日志，或运行 python -m bot validate）"
STORAGE_TROUBLE = "⚠️ 数据库 {path} 写不进去（{reason}）。机器人照常回答问题，但提问记录和反馈暂时没有保存。请检查磁盘空间、文件权限，或是否有别的程序占用了数据库。"
ERROR_REPLY = "抱歉，处理您的消息时出了点问题，请稍后再试。"

# ---- announcements -----------------------------------------------------------------------------
ANNOUNCEMENT = "📢 <b>公告</b>\n\n{text}"
BOT_JOINED_GROUP = (
    "大家好！我是<b>{name}</b>机器人，根据{about}的报道回答问题，每个回答都注明出处。\n"
    "在群里 @我 提问、回复我的消息，或用 /ask 问题。\n\n"
    "群管理员：发送 /subscribe 订阅县里的公告；可以加标签，比如 /subscribe 城关镇，以后只针对本镇的公告也会发到本群。"
    "发送 /unsubscribe 取消订阅。"
)
SUBSCRIBED = "本群已订阅公告。{tags}\n取消订阅请发送 /unsubscribe。"
SUBSCRIBED_TAGS = "标签：{tags}（针对这些标签的公告也会发到本群）。"
SUBSCRIBED_NO_TAGS = "没有设置标签；需要时可以发送 /subscribe 城关镇 这样的命令加上标签。"
SUBSCRIBE_BAD_TAGS = "标签太多或太长：最多 {most} 个，每个不超过 {length} 个字。"
UNSUBSCRIBED = "本群已取消订阅公告。需要时可以再发送 /subscribe。"
NOT_SUBSCRIBED = "本群还没有订阅公告。群管理员发送 /subscribe 即可订阅。"
GROUPS_TITLE = "<b>订阅公告的群</b>：{active} 个在用，{inactive} 个已停用"
GROUPS_NONE = "还没有群订阅公告。把机器人拉进群，由群管理员在群里发送 /subscribe。"
GROUPS_LINE = "· {title}（<code>{chat_id}</code>）{tags}"
GROUPS_INACTIVE = "\n<b>已停用</b>"
GROUPS_INACTIVE_LINE = "· {title}（<code>{chat_id}</code>）：{note}"
ANNOUNCE_USAGE = (
    "用法：/announce 公告内容\n"
    "只发给带某些标签的群：/announce #城关镇 #夏家营镇 公告内容\n"
    "公告可以换行；发送前会先给您预览，确认后才发。"
)
ANNOUNCE_TOO_LONG = "公告有 {length} 个字，最多 {most} 个字，请缩短后再发。"
ANNOUNCE_NO_RECIPIENTS = "没有符合条件的订阅群（{targets}），所以没有生成公告。现有标签：{tags}。发送 /groups 查看订阅的群。"
ANNOUNCE_PREVIEW = "<b>公告预览</b>（将发到 {count} 个群：{targets}）\n\n{preview}\n\n确认发送吗？"
BUTTON_SEND = "发送"
BUTTON_SEND_PIN = "发送并置顶"
BUTTON_CANCEL = "取消"
BUTTON_RETRY = "重发未送达的群"
ANNOUNCE_SENDING = "正在发送到 {count} 个群……发完后我会告诉您结果。"
ANNOUNCE_CANCELLED = "已取消，这条公告没有发送。"
ANNOUNCE_ALREADY = "这条公告已经处理过了。"
ANNOUNCE_GONE = "找不到这条公告了。"
ANNOUNCE_NOTHING_TO_RETRY = "没有需要重发的群。"
ANNOUNCE_REPORT = "<b>公告发送结果</b>：“{text}”\n已发送 {sent} / {total} 个群，失败 {failed} 个{unknown}。{pinned}"
ANNOUNCE_REPORT_UNKNOWN = "，不确定 {count} 个"
ANNOUNCE_REPORT_PINNED = "\n已置顶 {count} 个。"
ANNOUNCE_REPORT_FAILED = "\n\n<b>失败</b>"
ANNOUNCE_REPORT_UNSURE = "\n\n<b>不确定是否送达</b>（发送时机器人停止或超时；需要的话按下面的按钮补发）"
ANNOUNCE_REPORT_PIN_FAILED = "\n\n<b>发了但没能置顶</b>"
ANNOUNCE_REPORT_LINE = "· {title}（<code>{chat_id}</code>）：{reason}"
ANNOUNCE_MISSED = (
    "⚠️ 计划公告 <b>{id}</b> 应在 {due} 发送，但当时机器人没有运行，已超过补发时限（{grace} 分钟），没有发送。"
    "如果仍需发送，请用 /announce 手动发送。"
)
RELOAD_SCHEDULED = "计划公告 {count} 条。"
REASON_FORBIDDEN = "机器人已被移出群或不能在群里发言（已停用该群订阅）"
REASON_CHAT_NOT_FOUND = "找不到这个群（已停用该群订阅）"
REASON_FLOOD = "Telegram 限流，多次重试仍未发出"
REASON_NETWORK = "网络错误，多次重试仍未发出：{error}"
REASON_TIMED_OUT = "发送超时，可能已经送达"
REASON_INTERRUPTED = "发送时机器人停止，可能已经送达"
REASON_OTHER = "Telegram 拒绝：{error}"
REASON_PIN = "没能置顶：{error}"
REASON_NO_PIN_RIGHT = "机器人没有置顶权限"
REASON_BOT_REMOVED = "机器人被移出群"
REASON_UNSUBSCRIBED = "群管理员取消了订阅"
ANNOUNCE_PREVIEW_CUT = "……（全文 {length} 字）"
GROUPS_TAGS = "  标签：{tags}"
TARGETS_ALL = "全部订阅群"
TARGETS_TAGS = "标签 {tags}"
TARGETS_CHATS = "群 {chats}"
SCHEDULE_TITLE = "<b>计划公告</b>（{count} 条）"
SCHEDULE_ITEM = "\n<b>{id}</b>  {where}"
SCHEDULE_WHEN = "  时间：{schedule}；下次：{upcoming}"
SCHEDULE_NEVER_AGAIN = "不再发送"
SCHEDULE_TARGETS = "  发给：{targets} → {count} 个群{names}"
SCHEDULE_NAMES = "：{names}"
SCHEDULE_MORE = " 等"
SCHEDULE_NOT_SUBSCRIBED = "  注意：这些群没有订阅（或已停用），不会收到：{chats}"
SCHEDULE_PIN = "  置顶：是"
SCHEDULE_LAST = "  上次应发：{due}，{outcome}"
SCHEDULE_NO_RECORD = "没有记录"
SCHEDULE_TEXT = "  内容：{text}"
SCHEDULE_RECENT = "\n<b>最近的公告</b>"
OUTCOME = "已发送 {sent} / {total}，失败 {failed}"
OUTCOME_UNKNOWN = "，不确定 {count}"
OUTCOME_SENDING = "（发送中）"
OUTCOME_MISSED = "错过（机器人没有运行）"
OUTCOME_CANCELLED = "已取消"

# ---- teaching the bot (suggestions, edits, history, undo) --------------------------------------
SUGGESTIONS_NONE = "暂时没有建议：居民最近问的问题都答上了，或者都已经处理过。"
SUGGESTIONS_TITLE = "<b>建议</b>：共 {count} 条，问得最多的在前{shown}。每条下面的按钮：✅ 加为该条目的问法，🔁 换一个条目，✖ 忽略。"
SUGGESTIONS_SHOWN = "（先显示 {shown} 条）"
PROPOSAL_HEAD = "💡 <b>建议 #{id}</b> · 问了 {asked} 次"
PROPOSAL_ASKED = "居民的问法："
PROPOSAL_TEXT = "· {text}（{count} 次）"
PROPOSAL_ENTRY = "建议加到条目 <code>{entry}</code>（{why}）\n标准问法：{canonical}\n回答：{answer}"
PROPOSAL_NO_ENTRY = "还没有合适的条目：按 🔍 找一个条目，或者 ✖ 忽略。"
PROPOSAL_CHOICES = "其他可选的条目："
PROPOSAL_CHOICE = "· <code>{entry}</code>（{canonical}）"
# the same in Telegram, where an admin picks with buttons and never types an entry's id: its standard question
PROPOSAL_ENTRY_NAMED = "建议加到条目“{canonical}”（{why}）\n回答：{answer}"
PROPOSAL_CHOICE_NAMED = "· {canonical}"
LEARN_LIST_HINT = "加为问法：python -m bot learn add 条目编号 \"问题\"；不再建议：python -m bot learn ignore 建议编号"
PROPOSAL_ENTRY_GONE = "原来建议的条目 <code>{entry}</code> 已经不在知识库里了：请换一个条目。"
REASON_PICKED = "居民在候选里选了这一条 {count} 次"
REASON_CORRECTED = "居民点 👎 后改看了这一条 {count} 次"
REASON_PARTIAL = "机器人答了这一条最接近的内容"
REASON_CHOSEN = "管理员选的"
REASON_ENGINE = "机器人觉得最接近"
BUTTON_TEACH_ADD = "✅ 加为该条目的问法"
BUTTON_TEACH_OTHER = "🔁 换一个条目"
BUTTON_TEACH_FIND = "🔍 找一个条目"
BUTTON_TEACH_SEARCH = "🔍 输入关键词搜索"
BUTTON_TEACH_IGNORE = "✖ 忽略"
BUTTON_TEACH_BACK = "« 返回"
BUTTON_TEACH_SHOW = "{n}. 教机器人：{text}"
TEACH_CHOOSE = "💡 <b>建议 #{id}</b>：“{question}”\n选一个条目（按钮上是条目的标准问法），或者按 🔍 输入关键词搜索："
TEACH_CHOOSE_NONE = "💡 <b>建议 #{id}</b>：“{question}”\n机器人没有找到接近的条目，请按 🔍 输入关键词搜索："
TEACH_SEARCH_PROMPT = "🔍 建议 #{id}：请回复这条消息，写上条目里的关键词（比如“社工站”“床位”），我来找条目。"
TEACH_SEARCH_RESULTS = "🔍 建议 #{id}：“{question}”\n“{query}”找到 {count} 个条目，选一个："
TEACH_SEARCH_NONE = "🔍 没有找到和“{query}”有关的条目。请换个关键词，再回复上面那条消息。"
TEACH_WORKING = "正在检查并保存……"
TEACH_IGNORED = "✖ 已忽略建议 #{id}（“{question}”）：以后不再建议这个问题。"
TEACH_ACCEPTED = "✅ 建议 #{id}：{text}"
TEACH_REFUSED = "❌ 建议 #{id} 没有保存：{text}"
TEACH_STALE = "这个按钮已经过期（这条建议已被处理或修改过）。请重新发送 /suggestions。"
TEACH_GONE = "找不到这条建议了。请重新发送 /suggestions。"
TEACH_BAD_BUTTON = "这个按钮无效，什么也没有做。"
TEACH_NO_ENTRY_YET = "这条建议还没有选条目，请先选一个条目。"
UNANSWERED_TEACH = "\n\n按下面的按钮，可以把这些问题教给机器人。"

EDIT_NO_ENTRY = "知识库里没有条目 {entry}。"
EDIT_DERIVED = (
    "“{canonical}”这一条是从发布材料原文自动得出的（小标题、开头、结尾、发言顺序），不在话题文件里，"
    "不能在这里加问法。请把这个问法加到话题文件里合适的条目下。"
)
EDIT_EMPTY = "这个问法没有可以匹配的字（只有标点或语气词），没有保存。"
EDIT_ALREADY = "“{question}”已经是条目“{entry}”的问法了，不用再加。"
EDIT_OTHER_ENTRY = "“{question}”已经是另一个条目“{canonical}”的问法。同一个问法只能属于一个条目，所以没有保存。如果应该归到这里，请先从那个条目里删掉。"
EDIT_CHANGED_ON_DISK = "{file} 在机器人加载之后被改过了（可能有人直接改了文件）。为了不覆盖别人的修改，这次没有保存。请先发送 /reload（或重启机器人）加载新文件，再重新操作。"
EDIT_CANNOT = "{file} 没法自动修改：{why}。没有保存。"
EDIT_INVALID = "改完后的知识库通不过检查（{count} 处），所以没有保存，机器人继续使用原来的内容：\n{problems}"
EDIT_NOT_ANSWERED = "加上问法“{question}”后，机器人仍然不会用条目“{entry}”回答它（会给出：{got}）；请换一个条目或更具体的问法"
EDIT_ADDED = "已把“{question}”加为条目“{entry}”的问法（{file} 第 {line} 行），知识库已重新加载。修改记录 #{id}；发送 /undo 可以撤销。"
UNDO_NOTHING = "没有可以撤销的修改。"
UNDO_CHANGED = "没法撤销修改 #{id}：{file} 在那次修改之后又被改过了。为了不覆盖别人的修改，这次没有动文件；请直接编辑文件，再发送 /reload。"
UNDO_DONE = "已撤销修改 #{id}：从条目“{entry}”去掉了问法“{question}”，{file} 恢复成修改前的样子，知识库已重新加载。（撤销记录 #{undo}）"
ACTOR_CLI = "命令行 {user}"
GIT_ADD = "知识库：条目 {entry} 加问法“{question}”（{actor}，修改 #{id}）"
GIT_UNDO = "知识库：撤销修改 #{id}，条目 {entry} 去掉问法“{question}”（{actor}）"
HISTORY_NONE = "还没有通过机器人修改过知识库。"
HISTORY_TITLE = "<b>知识库修改记录</b>（最近的在前）"
HISTORY_ADD = "#{id} {when} {actor}：给“{entry}”加问法“{question}”（{file} 第 {line} 行）{undone}"
HISTORY_UNDO = "#{id} {when} {actor}：撤销 #{reverts}（“{entry}”去掉“{question}”，{file}）"
HISTORY_UNDONE = " · 已撤销（#{id}）"
HISTORY_FOOTER = "发送 /undo 撤销最近一次还没撤销的修改。"

# ---- issue 19: privacy, Telegram's limits, announcements that cannot stop the bot, admins' races ----------
ANNOUNCEMENTS_DISABLED = (
    "⚠️ 计划公告文件 {file} 有 {count} 处错误，所以这次启动没有安排任何计划公告；回答问题不受影响。"
    "请修改后发送 /reload：\n{problems}"
)
RELOAD_ANNOUNCEMENTS_BAD = (
    "\n\n⚠️ 但计划公告文件 {file} 有 {count} 处错误，这个文件没有加载，继续按原来的计划公告（{kept} 条）发送。"
    "请修改后再 /reload：\n{problems}"
)
RELOAD_HELD = "⚠️ 这次没有重新加载，知识库仍是原来的 {entries} 条。"
RELOAD_HELD_FRESH = "\n{files} 在几秒钟前刚被修改过，可能还没有保存完整。"
RELOAD_HELD_REMOVED = "\n重新加载后，这 {count} 个条目会消失：\n{removed}"
RELOAD_REMOVED_LINE = "· {id}（{question}）"
RELOAD_HELD_HINT = "\n请确认文件已经完整保存：确实要这样加载，就按下面的按钮；否则改好文件后再发送 /reload。"
BUTTON_RELOAD_CONFIRM = "确认重新加载"
RELOAD_CONFIRM_AGAIN = "文件在提示之后又变了，请看新的提示。"
UNDO_CONFIRM = (
    "要撤销的是修改 #{id}：{when} {actor} 给“{entry}”加的问法“{question}”（{file}）。\n"
    "按下面的按钮撤销这一条修改（也可以发送 /undo {id}）；按钮只撤销 #{id}，按两次也不会撤销别的修改。"
)
BUTTON_UNDO = "撤销修改 #{id}"
UNDO_ALREADY = "修改 #{id} 已经撤销过了（撤销记录 #{undo}），这次什么也没有改。"
UNDO_NO_SUCH = "没有修改 #{id}。发送 /history 查看修改记录。"
UNDO_IS_UNDO = "#{id} 本身是一次撤销，不能再撤销。发送 /history 查看修改记录。"
UNDO_USAGE = "用法：/undo 先看要撤销哪一条修改；/undo 修改编号 直接撤销那一条。"

# ---- issue 21: the first screen, first steps and progress ------------------------------------------
# set at start as the bot's profile texts (Telegram: short description ≤ 120 characters, description ≤ 512)
BOT_SHORT_DESCRIPTION = "{name}：根据{about}回答{topic_list}等问题，每个回答都注明出处。"
BOT_DESCRIPTION = (
    "您好！我是{name}机器人，根据{event}的报道回答问题，每个回答都附上原文出处。\n\n"
    "可以问{topic_list}等方面的数字和做法，比如：{example}\n\n"
    "点下面的“开始”，然后直接把问题发给我；在群里 @我 或用 /ask 提问。"
)
START_WELCOME = (
    "您好！我是<b>{name}</b>机器人。\n"
    "我根据{event}的报道回答问题，每个回答都附上原文出处。\n\n"
    "点下面的例子试试，或者直接把问题发给我。\n"
    "/topics 按话题浏览  /source 资料来源  /help 用法"
)
BUTTON_TOPICS = "📚 按话题浏览"
START_GROUP = (
    "我是<b>{name}</b>机器人，根据{about}的报道回答问题，每个回答都注明出处。\n"
    "在群里这样问我：\n"
    "· @{username} 您的问题\n"
    "· /ask 您的问题\n"
    "· 回复我的消息接着问\n"
    "私聊我可以点例子、按话题浏览。"
)
UNKNOWN_COMMAND = "没有这个命令。直接把问题发给我就行，或发送 /topics 按话题浏览、/help 查看用法。"
INLINE_NO_MATCH_TITLE = "没找到相关内容"
INLINE_NO_MATCH_DESCRIPTION = "换个说法再试试，或私聊机器人提问"
INLINE_NO_MATCH_TEXT = "没有找到“{question}”的相关内容。可以换个说法，或私聊 @{username} 提问。"
GROUP_REPEAT_LINK = "这个问题刚才已经回答过了，请看<a href=\"{link}\">上面的回答</a> ↑"

# ---- issue 21: reports a clerk reads --------------------------------------------------------------------
STATS_NOT_COUNTED = "（{which}不计入）"
STATS_SMALLTALK = "闲聊 {count} 条"
STATS_SUGGESTED = "“您是想问” {count} 条"
UNANSWERED_NEAR = "  → 接近：{questions}"
UNANSWERED_GOT = "  → 答的是：{questions}"
CHART_TITLE = "近7天提问"
CHART_ANSWERED = "答上了"
CHART_NOT_ANSWERED = "没答上"
CHART_CAPTION = "近7天提问：绿色是答上了，红色是没答上（闲聊和“您是想问”不计入）"
ACTOR_ADMIN_UNNAMED = "管理员（尾号 {tail}）"

# ---- issue 21: replies that read well on a phone, refusals with the right reason, feedback that shows ------
# (the older NO_MATCH_OUT_OF_SCOPE / PARTIAL / PART_NOT_COVERED stay for the parts of a compound reply in
# ``ask --json``, whose answered replies do not change)
CITATION_LINE = "📄 出处：《{title}》"
CITATION_LINE_SECTION = "📄 出处：《{title}》· {section}"
ASKED = "❓ {question}"  # above an answer picked with a button: the whole question the short label stands for
DECLINE = "为免说错，我就不猜了。"
REFUSE_NOT_FOUND = "抱歉，这份发布材料里没有找到能回答这个问题的内容。" + DECLINE
REFUSE_NOT_COVERED = "抱歉，发布材料没有讲到“{term}”方面的内容。" + DECLINE
REFUSE_OTHER_PLACE = "抱歉，发布材料只介绍了{county}的情况，没有讲到{term}。" + DECLINE
REFUSE_OTHER_PLACE_NEUTRAL = "抱歉，发布材料没有讲到{term}的情况。" + DECLINE
REFUSE_PARTIAL = "发布材料没有提到{missing}，为免说错，这一点我就不猜了。和您问的最接近的内容是："
SOURCE_PARAGRAPH_LONG = "📄 <b>原文</b>（《{title}》· {section}）\n<blockquote expandable>{paragraph}</blockquote>"
SOURCE_CUT = "…"
FEEDBACK_RECEIVED_UP = "已收到 👍"
FEEDBACK_RECEIVED_DOWN = "已收到 👎"
FEEDBACK_ALREADY = "您已经评价过这个回答了，谢谢！"
FEEDBACK_PART = "{vote}{n}"  # the vote buttons of one part of a compound reply: 👍1 👎1
FEEDBACK_RECEIVED_PART = "{n} 已收到 {vote}"
SOURCE_PART = "原文{n}"
FEEDBACK_DOWN_OFFER = "抱歉没答好。可以换个说法再问，或者按话题找找看："
# a 👎 in a group: a pop-up for the one who pressed it (an offer posted in the group would be everyone's)
FEEDBACK_DOWN_GROUP = "抱歉没答好，我们会改进这个回答。可以换个说法再 @{username} 问一次，或者私聊我按话题找找看。"
VOTE_COUNT = "{vote} {count}"  # a vote button in a group once members voted: 👍 2, 👎① 1
BUTTON_REPHRASE = "换个说法再问"
BUTTON_BROWSE = "按话题浏览"
REPHRASE_HINT = "请换个说法把问题直接发给我，说得具体一些更好找，比如：{example}"
