"""aai llm: the LLM Gateway from the command line, streamed (--stream) and not, against the local
server, whose gateway answers deterministically (docs/local-server.md, "LLM Gateway")."""

import json
import subprocess

from cli_harness import AAI, plain_env, run

PROMPT = "Tell me about the invoice and the call with Bob today"


def env(server):
    e = server.env()
    e["ASSEMBLYAI_LLM_GATEWAY_BASE_URL"] = server.base
    return e


def test_help():
    r = run(["llm", "--help"], plain_env())
    assert r.returncode == 0 and r.stdout.startswith("usage: aai llm")
    assert "--stream" in r.stdout and "Exit status" in r.stdout


def test_answer_and_stream_print_the_same_text(server):
    plain = run(["llm", PROMPT, "--model", "gpt-4.1"], env(server))
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("Response to 11 words: Tell me about")
    streamed = run(["llm", PROMPT, "--model", "gpt-4.1", "--stream"], env(server))
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == plain.stdout and streamed.stderr == ""


def test_stream_prints_pieces_as_they_come(server):
    """stdout is a pipe: each delta is written (and flushed) by itself, so the first bytes are
    readable before the process ends."""
    p = subprocess.Popen([str(AAI), "llm", PROMPT, "--model", "gpt-4.1", "--stream"], env=env(server),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.read(8)
    rest = p.stdout.read()
    p.wait(timeout=30)
    assert p.returncode == 0
    assert (first + rest).decode().startswith("Response to")


def test_structured_output(server, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"final_answer": {"type": "string"}},
                                  "required": ["final_answer"]}))
    r = run(["llm", "solve 8x + 7 = -23", "--json-schema", str(schema), "--schema-name", "math"], env(server))
    assert r.returncode == 0, r.stderr
    assert set(json.loads(r.stdout)) == {"final_answer"}


def test_errors_and_exit_statuses(server, tmp_path):
    r = run(["llm"], env(server))
    assert r.returncode == 2 and "missing PROMPT" in r.stderr
    r = run(["llm", "x", "--max-tokens", "0"], env(server))
    assert r.returncode == 2
    r = run(["llm", "x", "--temperature", "3"], env(server))
    assert r.returncode == 2
    r = run(["llm", "x", "--json-schema", str(tmp_path / "missing.json")], env(server))
    assert r.returncode == 6
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    r = run(["llm", "x", "--json-schema", str(bad)], env(server))
    assert r.returncode == 2 and "schema" in r.stderr
    r = run(["llm", "x", "--stream"], env(server, ) | {"ASSEMBLYAI_API_KEY": "wrong"})
    assert r.returncode == 3


def test_models_lists_the_gateways_models(server):
    r = run(["llm", "--models"], env(server))
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["claude-sonnet-4-5-20250929", "200000", "anthropic", "us,eu"]
    assert [row[0] for row in rows] == ["claude-sonnet-4-5-20250929", "gpt-5-mini", "gemini-2.5-flash-lite"]
    assert rows[2][3] == "-"   # "available_regions": null
    r = run(["llm", "--models", "a prompt"], env(server))
    assert r.returncode == 2 and "--models takes no PROMPT" in r.stderr
