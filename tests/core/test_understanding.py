"""Reading a question: Slack markup, negation, typos, intent, subject."""

import pytest

from bot.understanding.slack_markup import to_plain_text


def facts(advisor, text):
    return advisor.understand(text).fact_values()


@pytest.mark.parametrize(
    "wire, plain",
    [
        ("<@U123ABC> should it be a VM?", "should it be a VM?"),
        ("<!channel> *bold* and _italic_ and ~gone~", "bold and italic and gone"),
        ("see <https://example.com/runbook|our runbook>", "see our runbook"),
        ("`kubectl apply` and ```code block```", "kubectl apply and \ncode block"),
        ("A &amp; B &lt;tag&gt;", "A & B <tag>"),
        ("<!here|here> <#C024BE7LR|general>", "general"),
    ],
)
def test_slack_markup_becomes_plain_text(wire, plain):
    assert to_plain_text(wire) == plain


def test_facts_carry_the_users_words(advisor):
    question = advisor.understand("<@U1> Our plugin host runs customer-submitted code")
    finding = next(f for f in question.facts if f.fact == "untrusted_code")
    assert finding.value is True
    assert finding.evidence == "customer-submitted code"


@pytest.mark.parametrize(
    "text, fact, value",
    [
        ("it doesn't need a GPU", "gpu", False),
        ("no untrusted code runs there", "untrusted_code", False),
        ("it is not a legacy app", "legacy_app", False),
        ("a GPU isn't needed", "gpu", False),
        ("without kernel modules", "own_kernel", False),
        ("it needs a GPU", "gpu", True),
    ],
)
def test_negation_makes_explicit_false_facts(advisor, text, fact, value):
    assert facts(advisor, text)[fact] is value


def test_negation_stops_at_but(advisor):
    found = facts(advisor, "not a legacy app but it needs Windows Server 2008")
    assert found["legacy_app"] is False
    assert found["specific_os_version"] is True


def test_negation_stops_at_sentence_end(advisor):
    found = facts(advisor, "We need no GPU. CI build agents run the tests.")
    assert found["gpu"] is False
    assert found["ci_cd"] is True


def test_a_cue_inside_the_phrase_is_not_negation(advisor):
    assert facts(advisor, "third-party plugins we don't trust")["untrusted_code"] is True


def test_the_last_thing_said_about_a_fact_wins(advisor):
    assert facts(advisor, "no GPU at first; later it needs a GPU for training")["gpu"] is True


@pytest.mark.parametrize(
    "typo, fact",
    [("our microservce", "microservices"), ("untrustd code", "untrusted_code"), ("our microservcies", "microservices")],
)
def test_typos_are_understood(advisor, typo, fact):
    assert facts(advisor, typo)[fact] is True


def test_typo_corrections_are_reported(advisor):
    question = advisor.understand("shoud our microservce be a contianer?")
    assert ("contianer", "container") in question.corrections
    assert question.intent == "recommend"
    assert question.subject is not None


def test_common_words_are_not_corrected(advisor):
    question = advisor.understand("can it contain files")
    assert question.corrections == ()


@pytest.mark.parametrize("text", ["UNTRUSTED CODE", "Untrusted Code", "untrusted code"])
def test_letter_case_does_not_matter(advisor, text):
    assert facts(advisor, text) == {"untrusted_code": True}


@pytest.mark.parametrize(
    "text, intent",
    [
        ("", "help"),
        ("   ", "help"),
        ("help", "help"),
        ("what can you do?", "help"),
        ("startup time?", "compare"),
        ("isolation: containers vs VMs?", "compare"),
        ("containers vs VMs", "compare"),
        ("should our billing API be a container?", "recommend"),
        ("our CI runners", "recommend"),
    ],
)
def test_intent(advisor, text, intent):
    assert advisor.understand(text).intent == intent


@pytest.mark.parametrize(
    "text, subject",
    [
        ("should our billing API be a container?", "billing API"),
        ("Should we run Jenkins build agents in containers?", "Jenkins build agents"),
        ("payments service: container or VM?", "payments service"),
        ("container or VM for our ML training pipeline?", "ML training pipeline"),
        ("does it matter?", None),
    ],
)
def test_subject(advisor, text, subject):
    assert advisor.understand(text).subject == subject


@pytest.mark.parametrize(
    "text",
    [
        "x" * 40_000,
        "untrusted code " * 3_000,
        "🚀🔥💯" * 500,
        "Должен ли наш сервис работать в контейнере?",
        "هل يجب تشغيل الخدمة في حاوية؟",
        "```\nSELECT * FROM users; DROP TABLE users;\n```",
        "<!channel> <!here> <@U1> &amp;&lt;&gt;",
        "\x00\x01\x02 control \u202e characters",
    ],
)
def test_any_text_is_read_without_error(advisor, text):
    question = advisor.understand(text)
    assert question.intent in ("recommend", "compare", "help")


@pytest.mark.parametrize("text", ["the zone is internal", "peak month risk review", "a sensor provider"])
def test_english_words_are_never_corrected(advisor, text):
    assert advisor.understand(text).corrections == ()


def test_windows_is_not_a_plural_of_window(advisor):
    assert "different_os" not in facts(advisor, "our nightly build window is short")
    assert facts(advisor, "a Windows app on a Linux host")["different_os"] is True


def test_a_comma_list_is_negated_only_when_closed_by_or(advisor):
    listed = facts(advisor, "no GPU, kernel modules or Windows apps")
    assert (listed["gpu"], listed["own_kernel"], listed["different_os"]) == (False, False, False)
    assert facts(advisor, "no GPU, microservices on kubernetes")["microservices"] is True
