"""Answer parts through the fake Discord: a number checked, the model answer, the reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import testing
from bot.core.errors import UserFacingError
from bot.core.settings import DEFAULT_CONTENT_DIR, Settings
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of
from tests.e2e.test_interview import click_as

ANSWERS_PACK = """\
pack:
  id: answers-test
  name: "Answer parts"
  version: 1.0.0
questions:
  - id: q-test-number
    category: math
    difficulty: 1
    prompt: "A layer has 784 inputs and 128 outputs with a bias. How many parameters?"
    hints: ["Every input meets every output.", "Add one bias per output."]
    key_points: ["784 * 128 weights", "128 biases", "100,480 in all"]
    time_limit_minutes: 5
    skills: [applied-math-interview]
    answer: 100480
    tolerance: 0
    answer_unit: "parameters"
    working: "784 * 128 = 100,352 weights, plus 128 biases: 100,480."
    model_answer: "Count the weight matrix, then the biases: 100,352 + 128 = 100,480."
  - id: q-test-code
    category: ml_coding
    difficulty: 1
    prompt: "Implement softmax(x) for a 1-D numpy array, stable for large inputs."
    hints: ["Subtract the maximum first.", "Divide by the sum of exponentials."]
    key_points: ["shift by the max", "exp then normalise", "sums to one"]
    time_limit_minutes: 10
    skills: [ml-coding-interview]
    reference:
      language: python
      code: |
        import numpy as np

        def softmax(x):
            shifted = np.exp(x - x.max())
            return shifted / shifted.sum()
      check: |
        assert abs(softmax(np.array([1000.0, 1000.0])).sum() - 1) < 1e-12
"""


@pytest.fixture
def e2e_settings(db_url: str, tmp_path: Path) -> Settings:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(DEFAULT_CONTENT_DIR / "roadmap.yaml", content)
    (content / "answers.yaml").write_text(ANSWERS_PACK, encoding="utf-8")
    return testing.settings(database_url=db_url, content_dir=content)


async def test_a_number_is_graded_with_its_working_and_a_suggested_rating(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="math")
    assert reply.buttons == [
        "Hint",
        "Key points",
        "Check a number",
        "Again",
        "Hard",
        "Good",
        "Easy",
    ]

    opened = await sb.click(alice, reply, "Check a number")
    assert opened.modal is not None and opened.modal["title"] == "Check your number"
    wrong = await sb.submit_modal(alice, opened, {"Your answer (parameters)": "100352"})
    assert wrong.ephemeral and "Not quite" in wrong.text
    assert "You answered **100,352 parameters**; the answer is **100,480 parameters**" in wrong.text
    assert "784 * 128 = 100,352 weights" in wrong.text  # the working
    assert "Suggested rating: **Again**" in wrong.text

    opened = await sb.click(alice, reply, "Check a number")
    right = await sb.submit_modal(alice, opened, {"Your answer (parameters)": "100,480"})
    assert "Right" in right.text and "Suggested rating: **Good**" in right.text

    await sb.click(alice, reply, "Hint")
    opened = await sb.click(alice, reply, "Check a number")
    hinted = await sb.submit_modal(alice, opened, {"Your answer (parameters)": "1.0048e5"})
    assert "Right" in hinted.text and "Suggested rating: **Hard**" in hinted.text


async def test_a_number_that_cannot_be_read_is_refused_privately(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="math")
    opened = await sb.click(alice, reply, "Check a number")
    refused = await sb.submit_modal(alice, opened, {"Your answer (parameters)": "about a lot"})
    assert refused.ephemeral and "cannot read `about a lot` as a number" in refused.text
    assert "Traceback" not in refused.text


async def test_the_model_answer_opens_after_the_key_points(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="math")
    assert "Model answer" not in reply.buttons
    keys = await sb.click(alice, reply, "Key points")
    assert "Model answer" in keys.buttons
    shown = await sb.click(alice, keys, "Model answer")
    assert shown.ephemeral and "Count the weight matrix, then the biases" in shown.text

    rated = await sb.click(alice, keys, "Good")
    # no reference, no number; the key points open from a button (issue 17: compact reply)
    assert rated.buttons == ["Next question", "Key points", "Model answer"]


async def test_the_reference_opens_only_after_the_rating(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "interview practice", category="ml_coding")
    assert "Reference answer" not in reply.buttons and "Check a number" not in reply.buttons
    rated = await sb.click(alice, reply, "Good")
    assert rated.buttons == ["Next question", "Key points", "Reference answer"]

    someone_else = await click_as(sb, bob, rated, "Reference answer")
    assert someone_else.ephemeral and "belong to another member" in someone_else.text

    shown = await sb.click(alice, rated, "Reference answer")
    assert shown.ephemeral and "Reference implementation" in shown.text
    assert "```python" in shown.text and "def softmax(x):" in shown.text
    assert "Checked by the project's tests" in shown.text


async def test_the_service_refuses_the_reference_before_the_rating(sb: Sandbox) -> None:
    # discord.py drops a click on a component the message does not have, so the button's
    # absence is the first guard; the service refuses on its own as well.
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="ml_coding")
    attempt_id = int(reply.find_component("Hint", (2,))["custom_id"].split(":")[2])
    rounds = bot_of(sb).services.interview.rounds
    with pytest.raises(UserFacingError, match="opens after you rate yourself"):
        await rounds.answer_part(sb.guild.id, alice.id, attempt_id, "code")
    with pytest.raises(UserFacingError, match="has no model answer"):
        await rounds.answer_part(sb.guild.id, alice.id, attempt_id, "model")
    math = await sb.slash(alice, "interview practice", category="math")
    math_attempt = int(math.find_component("Hint", (2,))["custom_id"].split(":")[2])
    with pytest.raises(UserFacingError, match="Open the key points first"):
        await rounds.answer_part(sb.guild.id, alice.id, math_attempt, "model")
