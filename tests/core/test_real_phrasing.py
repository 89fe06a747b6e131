"""How people actually write, answered as an engineer applying the article would: each
test re-asks, in other words, a kind of question the bot once got wrong."""

import pytest


def _facts(answer):
    return answer.question.fact_values()


# --- a placement question is not a comparison ---------------------------------------

@pytest.mark.parametrize("text", [
    "Is it safe to run our payments worker in a container?",
    "Can I run this in Docker, or do I need a VM? It renders invoices for the web app",
    "Is a container isolated enough for the grading sandbox that runs student code, or do we need a VM?",
    "Would startup be fast enough if our lambdas became containers?",
])
def test_asking_where_a_workload_belongs_is_a_recommendation_despite_dimension_words(advisor, text):
    answer = advisor.advise(text)
    assert answer.question.intent == "recommend"
    assert answer.verdict is not None


@pytest.mark.parametrize("text", [
    "how much slower are VMs to start?",
    "our app runs twice as slow inside docker as on the bare CentOS 7 host, with MPI on 16 cores",
    "why are containers so much lighter than virtual machines?",
])
def test_a_pure_comparison_or_a_measurement_report_gets_the_table(advisor, text):
    answer = advisor.advise(text)
    assert answer.question.intent == "compare"
    assert answer.verdict is None and answer.rows


# --- hybrid only when both sides hold for different parts ---------------------------

@pytest.mark.parametrize("text, verdict", [
    ("a containerized PyTorch training job on our GPU nodes, one image from laptop to prod", "vm"),
    ("our online judge runs student submissions as serverless functions", "vm"),
    ("the DevOps team wants to know where the Windows Server 2008 reporting app should go", "vm"),
    ("a nightly cron job that runs Monte Carlo simulations", "vm"),
    ("fork pull requests run on our self-hosted CI runners", "hybrid"),
    ("a dozen microservices plus one Windows Server 2003 reporting tool", "hybrid"),
])
def test_a_requirement_is_not_outvoted_and_hybrid_needs_two_parts(advisor, text, verdict):
    assert advisor.advise(text).verdict == verdict


def test_confidence_is_not_high_when_stated_criteria_disagree(advisor):
    answer = advisor.advise("a checkout API that executes plugins our customers upload")
    assert answer.verdict == "vm"
    assert answer.confidence == "medium"  # the API leans to containers; the requirement wins
    agreeing = advisor.advise("customers upload plugins that run on CentOS 6")
    assert agreeing.confidence == "high"


# --- phrases that used to misfire ---------------------------------------------------

@pytest.mark.parametrize("text, fact", [
    ("we fine tune the nginx config before every release", "gpu"),
    ("Windows containers on Windows hosts for our .NET 8 API", "different_os"),
    ("we tune a few sysctl values and ship an eBPF tracing agent", "own_kernel"),
    ("there is a slow memory leak in the worker", "resource_exhaustion"),
    ("two Python services need conflicting versions of pandas", "conflicting_os_deps"),
    ("it is sandboxed already", "untrusted_code"),
    ("developers need ssh access to the box", "full_os"),
    ("the card vault is in PCI DSS scope and HIPAA applies too", "strict_isolation"),
    ("our DevOps team owns the billing API", "ci_cd"),
    ("docker-compose file for self hosting?", "microservices"),
])
def test_words_that_do_not_signal_a_fact(advisor, text, fact):
    assert _facts(advisor.advise(text)).get(fact) is not True


def test_conflicting_language_versions_lean_to_containers(advisor):
    answer = advisor.advise("two Python services need conflicting versions of numpy on one host")
    assert _facts(answer)["polyglot"] is True and "conflicting_os_deps" not in _facts(answer)
    assert answer.verdict == "container"


def test_trusting_the_code_rules_untrusted_code_out(advisor):
    answer = advisor.advise("GitLab CI runners that use the host docker; it is all a trusted, controlled environment")
    assert _facts(answer)["untrusted_code"] is False
    assert answer.verdict == "container"


def test_a_platform_limit_does_not_negate_the_need(advisor):
    answer = advisor.advise("docker does not support macOS images, and we need xcode builds in CI")
    assert _facts(answer)["different_os"] is True
    assert answer.verdict == "hybrid"


# --- vocabulary families ------------------------------------------------------------

@pytest.mark.parametrize("text, fact", [
    ("customer-supplied scripts", "untrusted_code"),
    ("user-generated code", "untrusted_code"),
    ("customers uploading their own plugins", "untrusted_code"),
    ("worried about a container escape", "strict_isolation"),
    ("it needs CAP_SYS_ADMIN", "own_kernel"),
    ("should we use gVisor or Firecracker", "strict_isolation"),
    ("our tests need nested virtualization", "own_kernel"),
    ("certified on RHEL 7 only", "specific_os_version"),
    ("built against Ubuntu 18.04", "specific_os_version"),
    ("the batch system is on z/OS", "different_os"),
    ("our ERP runs on IBM i", "different_os"),
    ("an OpenVMS cluster", "different_os"),
    ("the vendor ships an OVA appliance", "specific_os_version"),
    ("a Win32 desktop tool", "specific_os_version"),
    ("a .NET 4.8 service", "specific_os_version"),
    ("classic ASP pages", "specific_os_version"),
    ("it is stuck on an end-of-life distro", "specific_os_version"),
    ("two apps need incompatible glibc versions", "conflicting_os_deps"),
    ("npm dependency hell", "polyglot"),
    ("packet processing with DPDK and SR-IOV", "gpu"),
    ("eight H100s", "gpu"),
    ("a PyTorch job", "gpu"),
    ("submitted through Slurm", "cpu_intensive"),
    ("deploy it to Cloud Run or Fargate", "serverless"),
    ("a scheduled job every night", "serverless"),
    ("a micro service", "microservices"),
    ("our micro-services", "microservices"),
    ("rocky linux 9 certified only", "specific_os_version"),
    ("rhel7 boxes", "specific_os_version"),
])
def test_families_of_words_engineers_use(advisor, text, fact):
    assert _facts(advisor.advise(text)).get(fact) is True, text


# --- typo correction never rewrites English -----------------------------------------

@pytest.mark.parametrize("word", ["hosted", "trains", "shipped", "posted", "wanted", "tries", "migrated"])
def test_english_words_are_never_corrected(advisor, word):
    answer = advisor.advise(f"we {word} it last week")
    assert answer.question.corrections == ()


def test_real_typos_are_still_corrected(advisor):
    answer = advisor.advise("should our microservces be contianers?")
    assert dict(answer.question.corrections) == {"microservces": "microservice", "contianers": "container"}


# --- answers that make sense to the asker --------------------------------------------

def test_the_clarifying_question_is_never_about_what_was_just_said(advisor):
    answer = advisor.advise("a legacy app that needs Windows Server 2008")
    asked = {q.fact for q in answer.clarify}
    assert not asked & {"specific_os_version", "different_os", "legacy_app"}


def test_a_vm_answer_on_one_requirement_does_not_ask_about_microservices(advisor):
    answer = advisor.advise("it runs code our customers upload")
    assert answer.verdict == "vm"
    assert all(q.fact != "microservices" for q in answer.clarify)


def test_an_unknown_verdict_shows_what_would_tip_it_either_way(advisor):
    answer = advisor.advise("should our reporting thing be a container?")
    assert answer.verdict == "unknown"
    assert {change.verdict for change in answer.would_change_if} >= {"container", "vm"}
    assert answer.trade_off is None


def test_facts_ruled_out_come_after_open_ones(advisor):
    answer = advisor.advise("we never run untrusted code, and GPUs aren't needed either")
    ruled_out = {"untrusted_code", "gpu"}
    changes = [change.fact for change in answer.would_change_if]
    assert changes and changes[0] not in ruled_out
    first_ruled_out = next((i for i, fact in enumerate(changes) if fact in ruled_out), len(changes))
    assert all(fact in ruled_out for fact in changes[first_ruled_out:])


@pytest.mark.parametrize("text, scope", [
    ("what's the weather in Paris?", "off-topic"),
    ("コンテナと仮想マシンのどちらを使うべきですか", "not-english"),
    ("Devrions-nous utiliser des conteneurs ou des machines virtuelles pour notre projet?", "not-english"),
])
def test_off_topic_and_other_languages_get_a_reply_saying_what_the_bot_does(advisor, text, scope):
    answer = advisor.advise(text)
    assert answer.question.intent == "help"
    assert answer.question.scope == scope
    assert answer.verdict is None and not answer.reasons and not answer.clarify
    assert ("English" in answer.headline) == (scope == "not-english")


# --- what the article says and what the authors added -------------------------------

def test_an_answer_resting_on_the_authors_knowledge_says_so(advisor):
    answer = advisor.advise("we run student submissions")
    assert answer.beyond_article_note and answer.beyond_article_note.startswith("Beyond the article")


def test_an_answer_the_article_says_itself_has_no_such_note(advisor):
    answer = advisor.advise("we host untrusted applications")
    assert answer.verdict == "vm"
    assert answer.beyond_article_note is None
