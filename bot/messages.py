"""Every user-facing text of the bot, in one place so it can be reviewed together.

Plain strings with ``{name}`` placeholders; adapters escape the values they put in (HTML for Telegram).
"""

from __future__ import annotations

SMALLTALK = {
    "greeting": "您好！我是交城问答机器人，可以回答交城县高质量发展发布会介绍的情况，比如科技创新、城乡融合、经济开发区、硝基复合肥产业和养老服务。直接发问题给我就行。",
    "thanks": "不客气！还有别的想了解的，随时问我。",
    "identity": "我是交城问答机器人：根据“推动高质量发展 建设美丽幸福吕梁”系列新闻发布会交城县专场的报道回答问题，每个回答都注明出处。可以问科技创新、城乡融合、经济开发区、硝基复合肥产业、养老服务等方面的数字和做法。",
    "bye": "再见！有问题随时来问。",
}

AMBIGUOUS_INTRO = "您是想问："
AMBIGUOUS_HINT = "请回复序号，或换个更具体的说法。"
NO_MATCH = "抱歉，这份发布材料里没有找到能回答这个问题的内容，我不想乱答。"
NO_MATCH_OUT_OF_SCOPE = "抱歉，发布材料只介绍了交城县的情况，没有提到“{term}”方面的内容，我不想乱答。"
NO_MATCH_HINT = "可以换个说法再问，或发送 /topics 看看能问哪些话题；办事咨询可拨打12345政务服务便民热线。"
NO_MATCH_NEAR = "您也可以看看这些相关问题："
EMPTY_QUESTION = "请直接输入您的问题，比如：交城有多少家高新技术企业？"

CITATION_SOURCE = "来源：《{title}》"
CITATION_SECTION = " · {section}"
CITATION_QUOTE = "原文：“{quote}”"

CHAT_WELCOME = "交城问答（本地终端版）。直接输入问题，回车发送；输入序号选择候选问题；Ctrl-D 或“退出”结束。"
CHAT_NO_TOKEN = "（未配置 Telegram 机器人令牌，所以在终端里聊天。配置方法：在 config.yaml 的 telegram.token 填入 BotFather 给的令牌，或设置环境变量 TELEGRAM_BOT_TOKEN。）"
CHAT_PROMPT = "问> "
CHAT_EXIT_WORDS = ("退出", "exit", "quit", "q")

# ---- Telegram ----------------------------------------------------------------------------------
WELCOME = (
    "您好！我是<b>交城问答</b>机器人。\n"
    "我根据“推动高质量发展 建设美丽幸福吕梁”系列新闻发布会交城县专场的报道回答问题，每个回答都附上原文出处。\n\n"
    "直接把问题发给我就行，比如：\n{examples}\n\n"
    "发送 /topics 按话题浏览，/source 查看资料来源，/help 查看用法。"
)
HELP = (
    "<b>怎么用</b>\n"
    "· 私聊：直接发问题。\n"
    "· 群里：@我 提问、回复我的消息，或用 /ask 问题。\n"
    "· 任意聊天框输入 @{username} 问题，可以把答案发到当前聊天。\n\n"
    "/topics 按话题浏览  /source 资料来源\n"
    "回答下面的 👍 👎 帮我们改进；“原文”按钮显示整段原文。"
)
HELP_ADMIN = "\n\n<b>管理员</b>\n/reload 重新加载知识库\n/stats 使用统计（附图表）\n/unanswered 没答上来和被点 👎 的问题"
HELP_GROUP_ADMIN = "\n\n<b>群管理员</b>\n/auto on｜off 开关自动回答（只回答有把握的问题）"
ASK_USAGE = "用法：/ask 您的问题，例如 /ask 交城有几个乡镇社工站"
TOPICS_INTRO = "请选择话题："
TOPIC_QUESTIONS = "<b>{topic}</b>：请选择问题"
TOPICS_BACK = "« 返回话题"
SOURCE = "<b>资料来源</b>\n《{title}》\n作者：{author}\n{event}\n组织单位：{organisers}\n\n{note}"
BUTTON_SOURCE = "原文"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
FEEDBACK_THANKS = "谢谢反馈！"
FEEDBACK_DOWN = "收到，我们会改进这个回答。"
SOURCE_PARAGRAPH = "<b>原文段落</b>（《{title}》 · {section}）\n<blockquote>{paragraph}</blockquote>"
ENTRY_GONE = "这个问题的内容已经更新，请重新提问。"
RATE_LIMITED = "您问得有点快，请稍等一会儿再问。"
GROUP_REPEAT = "这个问题刚才已经回答过了，请看上面的回答 ↑"
PRIVATE_DATA = "为保护隐私，请不要在群里发身份证号或手机号。有问题可以私聊我。"
NOT_ADMIN = "抱歉，这个命令只有机器人管理员可以使用。"
NOT_GROUP_ADMIN = "抱歉，只有本群管理员可以设置。"
AUTO_USAGE = "用法：/auto on 或 /auto off（当前：{state}）"
AUTO_ON = "已开启自动回答：群里的问题我有把握时会直接回答。"
AUTO_OFF = "已关闭自动回答：需要 @我、回复我或用 /ask 提问。"
GROUP_ONLY = "这个命令只能在群里使用。"
RELOAD_OK = "知识库已重新加载：{entries} 条。"
RELOAD_FAILED = "知识库有 {count} 处错误，仍在使用旧版本（{entries} 条）。请修改后再 /reload：\n{problems}"
STATS = (
    "<b>使用统计</b>\n今天提问：{today}\n近 7 天提问：{week}，回答率 {share}\n👍 {up}  👎 {down}\n\n"
    "<b>问得最多</b>\n{top}\n\n<b>没答上来的</b>\n{unanswered}"
)
NOTHING_YET = "（暂无）"
UNANSWERED_TITLE = "<b>没答上来和被点 👎 的问题</b>（最近的在前）"
UNANSWERED_NONE = "最近没有没答上来的问题。"
INLINE_ASK_PRIVATE = "私聊机器人提问"
INLINE_NO_MATCH = "材料里没有找到：{question}"
ERROR_REPLY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
