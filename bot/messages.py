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
