#!/usr/bin/env python3
"""An independent WebSocket peer for libassemblyai's WebSocket client tests: the Python
`websockets` library (pip install websockets), not our codec. Prints
`ws_peer listening on ws://127.0.0.1:PORT` and serves until killed (or stdin closes).

Paths (the client picks a behaviour by path):
  /echo           echoes each message (text as text, binary as binary)
  /fragments      sends a text message in 3 fragments ("Hel", "lo ", "wörld") and a binary one
                  in 2, then echoes
  /ping           pings with payload b"are you there", waits for the pong, then sends "pong ok"
  /close/CODE     closes with CODE and the reason "reason for CODE ✓"
  /big/N          sends one binary message of N bytes (pattern i % 251), then echoes
  /v3/ws          a fake Universal Streaming v3 server: Begin; counts audio; on ForceEndpoint a
                  Turn; on Terminate a Turn (sent fragmented) and Termination, then closes 1000
  /v3/ws?..mode=refuse  closes before Begin with 1008 "Unauthorized Connection: Missing Authorization header"
  /v2/realtime/ws a fake realtime v2 server: SessionBegins, then a RealtimeError message, then
                  closes with 4008 "Session Expired"
  /v3/ws?..mode=silent  Begin, then never answers anything (for close timeouts)
Every session writes one JSON line on stdout when it ends: {"path", "received": [...], "close_code"}.
"""

import asyncio
import json
import sys

import websockets
from websockets.asyncio.server import serve


def log(**kw):
    print(json.dumps(kw), flush=True)


async def handler(ws):
    path = ws.request.path
    received = []
    try:
        if path == "/echo":
            async for m in ws:
                received.append(m if isinstance(m, str) else {"binary": len(m)})
                await ws.send(m)
        elif path == "/fragments":
            await ws.send(["Hel", "lo ", "wörld"])
            await ws.send([b"\x00\x01", b"\x02"])
            async for m in ws:
                received.append(m if isinstance(m, str) else {"binary": len(m)})
                await ws.send(m)
        elif path == "/ping":
            waiter = await ws.ping(b"are you there")
            await asyncio.wait_for(waiter, 5)
            await ws.send("pong ok")
            async for m in ws:
                received.append(m)
        elif path.startswith("/close/"):
            code = int(path.split("/")[2])
            await ws.close(code, f"reason for {code} \u2713")
        elif path.startswith("/big/"):
            n = int(path.split("/")[2])
            await ws.send(bytes(i % 251 for i in range(n)))
            async for m in ws:
                received.append(m if isinstance(m, str) else {"binary": len(m)})
                await ws.send(m)
        elif path.startswith("/v3/ws") and "mode=refuse" in path:
            await ws.close(1008, "Unauthorized Connection: Missing Authorization header")
        elif path.startswith("/v3/ws") and "mode=silent" in path:
            await ws.send(json.dumps({"type": "Begin", "id": "00000000-0000-4000-8000-000000000009", "expires_at": 1800000000}))
            async for m in ws:
                received.append(m if isinstance(m, str) else {"binary": len(m)})
        elif path.startswith("/v3/ws"):
            await ws.send(json.dumps({"type": "Begin", "id": "00000000-0000-4000-8000-000000000003", "expires_at": 1800000000}))
            audio = 0
            order = 0
            async for m in ws:
                if isinstance(m, bytes):
                    audio += len(m)
                    received.append({"binary": len(m)})
                    continue
                received.append(m)
                msg = json.loads(m)
                if msg.get("type") in ("ForceEndpoint", "Terminate"):
                    turn = json.dumps({"type": "Turn", "turn_order": order, "turn_is_formatted": False, "end_of_turn": True,
                                       "transcript": f"{audio} bytes", "end_of_turn_confidence": 1.0, "words": []})
                    order += 1
                    # fragmented, with a ping in between
                    mid = len(turn) // 2
                    await ws.send([turn[:mid], turn[mid:]])
                if msg.get("type") == "Terminate":
                    await ws.send(json.dumps({"type": "Termination", "audio_duration_seconds": audio // 32000,
                                              "session_duration_seconds": 1}))
                    await ws.close(1000)
                    break
        elif path.startswith("/v2/realtime/ws"):
            await ws.send(json.dumps({"message_type": "SessionBegins", "session_id": "00000000-0000-4000-8000-000000000002",
                                      "expires_at": "2030-01-01T00:00:00.000000"}))
            m = await ws.recv()
            received.append(m if isinstance(m, str) else {"binary": len(m)})
            await ws.send(json.dumps({"error": "Session Expired"}))
            await ws.close(4008, "Session Expired")
    except websockets.ConnectionClosed:
        pass
    log(path=path, received=received, close_code=ws.close_code, close_reason=ws.close_reason)


async def main():
    async with serve(handler, "127.0.0.1", 0, max_size=None, compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"ws_peer listening on ws://127.0.0.1:{port}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)   # until stdin closes


if __name__ == "__main__":
    asyncio.run(main())
