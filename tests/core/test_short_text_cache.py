"""Short strings are worked out once; long ones each time, and never kept."""

from bot.short_text_cache import cached_when_short


def test_short_strings_are_kept_and_long_ones_are_not():
    calls = []

    @cached_when_short(max_length=5, size=10)
    def shout(text):
        calls.append(text)
        return text.upper()

    assert [shout("hi"), shout("hi"), shout("x" * 6), shout("x" * 6)] == ["HI", "HI", "X" * 6, "X" * 6]
    assert calls == ["hi", "x" * 6, "x" * 6]
