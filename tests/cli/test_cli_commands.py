"""aai through pipes, as scripts use it: each command's plain output and exit status."""

import json

import pytest

from cli_harness import KEY, make_wav, plain_env, run

TEXT = "Hello world from the command line."


@pytest.fixture(scope="module")
def wav(tmp_path_factory):
    return make_wav(tmp_path_factory.mktemp("audio") / "hello.wav", TEXT)


def transcribe(server, wav, *args):
    r = run(["transcribe", str(wav), "--poll-interval", "50", *args], server.env())
    return r


# ---- help and usage -------------------------------------------------------------------------

def test_help_lists_commands_and_exit_codes():
    r = run(["--help"], plain_env())
    assert r.returncode == 0, r.stderr
    for word in ("transcribe", "get", "list", "delete", "stream", "Exit status", "130"):
        assert word in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("command", ["transcribe", "get", "list", "delete", "stream"])
def test_each_command_has_help(command):
    for args in ([command, "--help"], ["help", command], [command, "-h"]):
        r = run(args, plain_env())
        assert r.returncode == 0, args
        assert r.stdout.startswith(f"usage: aai {command}"), r.stdout
        assert "Exit status" in r.stdout


def test_version():
    r = run(["--version"], plain_env())
    assert r.returncode == 0 and r.stdout.startswith("aai ")


@pytest.mark.parametrize("args", [
    [], ["bogus"], ["--bogus"], ["transcribe"], ["transcribe", "a.wav", "b.wav"],
    ["transcribe", "a.wav", "--bogus"], ["transcribe", "a.wav", "--poll-interval", "x"],
    ["transcribe", "a.wav", "--set", "novalue"], ["get"], ["delete"], ["list", "--limit", "0"],
    ["list", "--limit", "201"], ["list", "extra"], ["stream"], ["stream", "--mic", "a.wav"],
    ["transcribe", "a.wav", "--language"],
])
def test_usage_errors_exit_2(server, args):
    r = run(args, server.env())
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.strip()


# ---- transcribe -----------------------------------------------------------------------------

def test_transcribe_prints_the_text_and_nothing_else(server, wav):
    r = transcribe(server, wav)
    assert r.returncode == 0, r.stderr
    assert r.stdout == TEXT + "\n"
    assert r.stderr == ""          # no progress bar, no spinner, no escape codes in a pipe


def test_transcribe_json(server, wav):
    r = transcribe(server, wav, "--json")
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)
    assert t["status"] == "completed" and t["text"] == TEXT and t["id"]


def test_transcribe_url(server, wav):
    status, body = server.request("POST", "/v2/upload", raw=wav.read_bytes(), key=KEY)
    assert status == 200, body
    r = run(["transcribe", body["upload_url"], "--poll-interval", "50"], server.env())
    assert r.returncode == 0, r.stderr
    assert r.stdout == TEXT + "\n" and r.stderr == ""


def test_transcribe_speaker_labels(server, tmp_path):
    wav = make_wav(tmp_path / "two.wav", "A: Hi there. B: Hello to you.")
    r = transcribe(server, wav, "--speaker-labels")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Speaker A: Hi there.\nSpeaker B: Hello to you.\n"


def test_transcribe_set_and_config_json(server, wav):
    r = transcribe(server, wav, "--set", "punctuate=false", "--set", "format_text=false")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello world from the command line\n"
    r = transcribe(server, wav, "--config-json", '{"punctuate": false}', "--language", "de", "--json")
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)
    assert t["text"] == "Hello world from the command line" and t["language_code"] == "de"
    assert t["punctuate"] is False


def test_transcribe_set_is_applied_in_order(server, wav):
    r = transcribe(server, wav, "--set", "punctuate=false", "--config-json", '{"punctuate": true}', "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["text"] == TEXT


@pytest.mark.parametrize("args", [["--config-json", "not json"], ["--set", "word_boost=[1,"],
                                  ["--config-json", "[1]"]])
def test_transcribe_bad_config_exits_2(server, wav, args):
    r = transcribe(server, wav, *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == "" and "aai:" in r.stderr


def test_transcribe_subtitles(server, wav):
    srt = transcribe(server, wav, "--srt")
    assert srt.returncode == 0, srt.stderr
    assert srt.stdout.startswith("1\n00:00:00,000 --> ") and "Hello world" in srt.stdout
    vtt = transcribe(server, wav, "--vtt")
    assert vtt.returncode == 0, vtt.stderr
    assert vtt.stdout.startswith("WEBVTT") and "Hello world" in vtt.stdout


def test_failed_transcript_exits_1(server, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio at all\n")
    r = transcribe(server, notes)
    assert r.returncode == 1, r.stderr
    assert r.stdout == ""
    assert "failed" in r.stderr and "Transcoding failed" in r.stderr


def test_missing_file_exits_6(server, tmp_path):
    r = transcribe(server, tmp_path / "nope.wav")
    assert r.returncode == 6, r.stderr
    assert "nope.wav" in r.stderr


def test_wrong_or_missing_api_key_exits_3(server, wav):
    r = run(["transcribe", str(wav)], server.env(key="wrong-key"))
    assert r.returncode == 3, r.stderr
    assert "401" in r.stderr
    r = run(["transcribe", str(wav)], server.env(key=None))
    assert r.returncode == 3 and "API key" in r.stderr
    r = run(["--api-key", KEY, "transcribe", str(wav), "--poll-interval", "50"], server.env(key=None))
    assert r.returncode == 0 and r.stdout == TEXT + "\n", r.stderr


def test_base_url_option_and_unreachable_server_exits_4(server, wav):
    env = server.env()
    env["ASSEMBLYAI_BASE_URL"] = "http://127.0.0.1:9"          # discard port: nothing listens
    r = run(["transcribe", str(wav)], env)
    assert r.returncode == 4, r.stderr
    r = run(["--base-url", server.base, "transcribe", str(wav), "--poll-interval", "50"], env)
    assert r.returncode == 0 and r.stdout == TEXT + "\n", r.stderr


def test_not_allowed_base_url_exits_2(server, wav):
    r = run(["--base-url", "http://example.com", "transcribe", str(wav)], server.env())
    assert r.returncode == 2, r.stderr


@pytest.mark.parametrize("name,value", [
    ("ASSEMBLYAI_HTTP_TIMEOUT", "thirty"),
    ("ASSEMBLYAI_POLLING_INTERVAL", "0"),
    ("ASSEMBLYAI_BASE_URL", "api.assemblyai.com"),
    ("assemblyai_max_retries", "-1"),
])
def test_bad_environment_value_exits_2_naming_it(server, wav, name, value):
    env = server.env()
    env[name] = value
    r = run(["transcribe", str(wav), "--poll-interval", "50"], env)
    assert r.returncode == 2, r.stderr
    assert name in r.stderr and r.stdout == ""


def test_settings_from_the_environment_in_any_case(server, wav):
    env = plain_env()
    env["assemblyai_base_url"] = server.base
    env["ASSEMBLYAI_API_KEY"] = KEY
    env["ASSEMBLYAI_POLLING_INTERVAL"] = "0.05"
    env["ASSEMBLYAI_HTTP_TIMEOUT"] = "20"
    r = run(["transcribe", str(wav)], env)
    assert r.returncode == 0 and r.stdout == TEXT + "\n", r.stderr


def test_waiting_timeout_exits_4_and_names_the_transcript(start_server, wav):
    slow = start_server("--queued-ms", "5000")
    r = run(["transcribe", str(wav), "--poll-interval", "100", "--timeout", "1"], slow.env())
    assert r.returncode == 4, r.stderr
    assert "aai get " in r.stderr and r.stdout == ""


# ---- get, list, delete ----------------------------------------------------------------------

def new_id(server, wav):
    r = transcribe(server, wav, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["id"]


def test_get(server, wav):
    tid = new_id(server, wav)
    r = run(["get", tid], server.env())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"id: {tid}" and "status: completed" in lines and f"text: {TEXT}" in lines
    r = run(["get", tid, "--text"], server.env())
    assert r.returncode == 0 and r.stdout == TEXT + "\n"
    r = run(["get", tid, "--json"], server.env())
    assert r.returncode == 0 and json.loads(r.stdout)["id"] == tid


def test_get_unknown_exits_5(server):
    r = run(["get", "5d5e5f5a-0000-4000-8000-000000000000"], server.env())
    assert r.returncode == 5, r.stderr
    assert "404" in r.stderr and r.stdout == ""


def test_get_failed_transcript_exits_1(server, tmp_path):
    notes = tmp_path / "n.txt"
    notes.write_text("text\n")
    r = run(["transcribe", str(notes), "--json", "--poll-interval", "50"], server.env())
    assert r.returncode == 1
    tid = json.loads(r.stdout)["id"]
    r = run(["get", tid], server.env())
    assert r.returncode == 1 and "status: error" in r.stdout and "error: Transcoding failed" in r.stdout


def test_list(start_server, wav):
    s = start_server("--queued-ms", "10", "--processing-ms", "10")
    ids = [new_id(s, wav) for _ in range(3)]
    r = run(["list"], s.env())
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert [row[0] for row in rows] == ids[::-1]                 # newest first
    assert all(len(row) == 4 and row[1] == "completed" for row in rows)
    r = run(["list", "--limit", "2"], s.env())
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2
    r = run(["list", "--limit", "1", "--all"], s.env())           # one per page, every page
    assert r.returncode == 0 and [line.split("\t")[0] for line in r.stdout.splitlines()] == ids[::-1]
    r = run(["list", "--status", "error"], s.env())
    assert r.returncode == 0 and r.stdout == ""
    r = run(["list", "--json", "--limit", "2"], s.env())
    page = json.loads(r.stdout)
    assert len(page["transcripts"]) == 2 and "page_details" in page


def test_delete(server, wav):
    tid = new_id(server, wav)
    r = run(["delete", tid], server.env())
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"deleted {tid}\n"
    r = run(["get", tid, "--text"], server.env())
    assert r.returncode == 0 and TEXT not in r.stdout
    r = run(["delete", "5d5e5f5a-0000-4000-8000-000000000000"], server.env())
    assert r.returncode == 5 and "404" in r.stderr


# ---- stream ---------------------------------------------------------------------------------

def test_stream_missing_file_exits_6(server, tmp_path):
    r = run(["stream", str(tmp_path / "none.wav")], server.env())
    assert r.returncode == 6, r.stderr


def test_stream_options_need_their_mode(server, wav):
    r = run(["stream", str(wav), "--seconds", "3"], server.env())
    assert r.returncode == 2
    r = run(["stream", "--mic", "--fast"], server.env())
    assert r.returncode == 2
