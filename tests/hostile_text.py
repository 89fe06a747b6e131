"""Hypothesis strategies for the text users (and bots, and cats on keyboards) send."""

from hypothesis import strategies as st

SLACK_PIECES = ["<@U024BE7LH>", "<!channel>", "<!here>", "<!everyone>", "<#C123|general>", "<https://x.io|label>",
                "<https://x.io>", "<mailto:a@b.c|mail>", "*", "_", "~", "`", "```", "<", ">", "&amp;", "&lt;", "&gt;",
                "<<@U1>>", "<!subteam^S1|@team>", "<@", "|", "&", "\n", "> quote"]
EMOJI = st.sampled_from(["🚀", "🔥", "💯", "👍🏽", "🧑‍💻", "🇫🇷", ":tada:", "\u200d", "\ufe0f"])
RIGHT_TO_LEFT = st.sampled_from(["هل يجب تشغيل هذا في حاوية؟", "האם זה צריך להיות מכונה וירטואלית", "\u202eevil\u202c", "\u200f"])
INJECTION = st.sampled_from(["'; DROP TABLE conversations; --", "1 OR 1=1", "key: [unclosed", "- !!python/object:os.system",
                             "{{7*7}}", "${jndi:ldap://x}", "%s%s%n", "\\x00", "null", "NaN", "../../etc/passwd"])
WORDS = st.sampled_from(["container", "contianer", "VM", "untrusted", "no", "not", "but", "GPU", "legacy", "CI", "kernel",
                         "module", "isolation", "startup", "time?", "vs", "help", "microservices", "Windows Server 2008"])


def _joined(pieces):
    return st.lists(pieces, max_size=60).map(" ".join)


hostile_text = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=100),
    _joined(st.sampled_from(SLACK_PIECES) | WORDS),
    _joined(EMOJI),
    st.text(alphabet="!?.,;:-_*~`'\"()[]{}<>|/\\", max_size=200),
    _joined(INJECTION | WORDS),
    _joined(RIGHT_TO_LEFT | WORDS),
    st.integers(min_value=1, max_value=40_000).map(lambda n: ("untrusted code but no GPU; " * (n // 27 + 1))[:n]),
    st.just("x" * 40_000),
)
