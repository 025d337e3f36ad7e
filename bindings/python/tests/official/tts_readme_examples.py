"""The official SDK 1.8.2 README's Text-to-Speech examples, verbatim but for the API key, the
host (the local server) and the playback stubs. Run with a Python that has `assemblyai` (the
official package) or, with AAI_AS_NATIVE=1, `assemblyai_native` under the same name, so the two
send comparable requests (test_native_tts_official.py compares what the server recorded)."""

import asyncio
import os
import sys
import time

if os.environ.get("AAI_AS_NATIVE"):
    import assemblyai_native as aai
else:
    import assemblyai as aai

aai.settings.api_key = os.environ["ASSEMBLYAI_API_KEY"]
aai.settings.tts_base_url = os.environ["AAI_TTS_URL"]
played = []


def play(chunk):
    played.append(len(chunk))


def send_to_call(chunk):
    played.append(len(chunk))


# Synthesize a WAV file
tts = aai.TextToSpeech()
response = tts.synthesize(
    "Hello from AssemblyAI.",
    aai.TTSConfig(voice_id="aai-jane", container=aai.TTSContainer.wav),
)
with open(os.path.join(sys.argv[1], "hello.wav"), "wb") as out:
    out.write(response.audio)
print(response.model, response.voice_id, response.audio_duration_ms, "ms")

# Stream audio as it is generated
tts = aai.TextToSpeech(config=aai.TTSConfig(voice_id="aai-alba"))
with tts.stream("Streaming straight to the speakers.") as speech:
    print("speaking with", speech.info.model, "at", speech.info.sample_rate, "Hz")
    for chunk in speech:
        play(chunk)

# Telephony audio and a cloned voice
telephony = aai.TTSConfig(
    voice_id="01a0da61-138c-77c7-ab98-421431ed74e8",
    encoding=aai.TTSEncoding.pcm_mulaw,
    sample_rate=8000,
)
with aai.TextToSpeech(config=telephony).stream("Your appointment is confirmed.") as speech:
    for chunk in speech:
        send_to_call(chunk)

# Handle errors and retries
tts = aai.TextToSpeech()
try:
    response = tts.synthesize("Hello.", aai.TTSConfig(voice_id="aai-nobody"))
except aai.TTSError as e:
    print(e.status_code, e.error_code, e.param, e.request_id is not None)
    if e.retryable:
        time.sleep(e.retry_after or 1)


# Asyncio
async def aplay(chunk):
    played.append(len(chunk))


async def main():
    async with aai.AsyncTextToSpeech() as tts:
        response = await tts.synthesize("Hello from AssemblyAI.")
        print(len(response.audio) > 0, "bytes")
        async with tts.stream("And streamed.") as speech:
            async for chunk in speech:
                await aplay(chunk)


asyncio.run(main())

# WebSocket session
with aai.TTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
    for sentence in ["Hello there.", "Second sentence."]:
        for chunk in session.speak(sentence):
            play(chunk)
print("spoken:", session.termination is not None)

with aai.TTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
    for token in ["Streamed ", "token ", "by token."]:
        session.generate(token)
    request = session.flush()
    for chunk in session.audio(request):
        play(chunk)


async def amain():
    async with aai.AsyncTTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
        async for chunk in session.speak("Hello there."):
            await aplay(chunk)
        await session.generate("Streamed ")
        await session.generate("in.")
        request = await session.flush()
        async for chunk in session.audio(request):
            await aplay(chunk)


asyncio.run(amain())
print("audio chunks:", len(played) > 10, "total bytes > 100000:", sum(played) > 100000)
