// The Text-to-Speech WebSocket session: GET /v1/ws?voice_id=...&word_boundaries=...
// (the official SDK 1.8.2's frames):
//   client -> server  {"type": "Generate", "text"}  {"type": "Flush"}  {"type": "Cancel"}
//                     {"type": "KeepAlive"}  {"type": "Terminate"}
//   server -> client  Begin {id, expires_at, configuration{..., limits{max_generate_text_length}}}
//                     Audio {flush_id, audio (base64)}  FlushDone {flush_id, audio_duration_ms}
//                     WordBoundaries {flush_id, audio_start_ms, words} (word_boundaries=true, after FlushDone)
//                     Cancelled {audio_duration_seconds}
//                     Termination {session_duration_seconds, total_input_char_length, audio_duration_seconds}
//                     Error {error, error_type, error_code, param, retryable}, then a close with error_code
// Every Flush and every Cancel takes the next flush_id. Requests are spoken in order, one at a
// time, as espeak-ng produces the audio. Auth: the API key in Authorization, or any non-empty
// `token` query (the local server does not mint TTS tokens). The session's WebSocket faults come
// from the fault injector like the streaming sessions' (StreamingFaults.perform).

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

enum TTSWebSocket {
    static let path = "/v1/ws"
    static let maxGenerateChars = 2000
    static let queryFields: Set<String> = ["voice_id", "model_id", "language", "sample_rate", "encoding", "word_boundaries",
                                           "inactivity_timeout", "token"]

    static func upgrade(state: ServerState, head: HTTPRequest, query: String, channel: any Channel)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        let authorization = head.headerFields[.authorization]
        let keys = state.config.apiKeys
        let fault = state.faults.take(method: head.method.rawValue, path: path, webSocket: true)
        let faults = state.faults
        // Recorded like an HTTP request, so tests see what a client connected with.
        var headers: [String: JSON] = [:]
        for field in head.headerFields { headers[field.name.canonicalName.lowercased()] = .string(field.value) }
        _ = state.recorder.record(["method": .string("GET"), "path": .string(path), "query": .string(query),
                                   "headers": .object(headers), "body": .null, "body_size": .int(0)])
        return .upgrade([:]) { inbound, outbound, _ in
            let session = TTSServerSession(query: query, authorization: authorization, apiKeys: keys, outbound: outbound,
                                           channel: channel, fault: fault, faults: faults)
            await session.run(inbound)
        }
    }
}

private struct SessionClose: Error {
    let code: Int
    let type: String
    let message: String
    var param: String? = nil
    var retryable = false
}

actor TTSServerSession {
    let query: String
    let authorization: String?
    let apiKeys: Set<String>
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    let fault: Fault?
    let faults: FaultInjector
    let id = UUID().uuidString.lowercased()

    private var options = try! TTSOptions([:], allowed: [])
    private var wordBoundaries = true
    private var inactivityMs = 120_000
    private var pending = ""
    private var nextFlushID = 0
    private var queue: [(id: Int, text: String)] = []
    private var speaking: Task<Void, Never>?
    private var speakingID: Int?
    private var generation = 0          // bumped by Cancel: a running request of an older one stops
    private var streamedMs = 0          // the session's audio timeline
    private var currentRequestMs = 0
    private var characters = 0
    private var started = Date()
    private var lastActivity = Date()
    private var closed = false
    private var terminating = false
    private var sentCount = 0
    private var faulted = false

    init(query: String, authorization: String?, apiKeys: Set<String>, outbound: WebSocketOutboundWriter, channel: any Channel,
         fault: Fault?, faults: FaultInjector) {
        self.query = query
        self.authorization = authorization
        self.apiKeys = apiKeys
        self.outbound = outbound
        self.channel = channel
        self.fault = fault
        self.faults = faults
    }

    func run(_ inbound: WebSocketInboundStream) async {
        do {
            try await begin()
        } catch let c as SessionClose {
            await fail(c)
            return
        } catch {
            return
        }
        let timer = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self, await self.tick() else { return }
            }
        }
        defer { timer.cancel() }
        do {
            for try await message in inbound.messages(maxSize: 1 << 20) {
                if closed { break }
                lastActivity = Date()
                guard case .text(let text) = message else {
                    throw SessionClose(code: 3007, type: "invalid_message", message: "binary frames are not accepted; send JSON text frames")
                }
                try await handle(text)
                if closed { break }
            }
        } catch let c as SessionClose {
            await fail(c)
        } catch {}
        speaking?.cancel()
        closed = true
    }

    private func tick() async -> Bool {
        guard !closed else { return false }
        if speaking == nil, queue.isEmpty, Date().timeIntervalSince(lastActivity) * 1000 > Double(inactivityMs) {
            await fail(SessionClose(code: 3008, type: "inactivity_timeout",
                                    message: "no frame either way for \(inactivityMs / 1000) seconds", retryable: true))
            return false
        }
        return true
    }

    // MARK: begin

    private func begin() async throws {
        var fields: [String: JSON] = [:]
        var token: String?
        for (k, v) in parseQuery(query) {
            switch k {
            case "token": token = v
            case "word_boundaries":
                guard ["true", "false"].contains(v.lowercased()) else {
                    throw SessionClose(code: 3007, type: "invalid_parameter", message: "word_boundaries must be true or false", param: k)
                }
                wordBoundaries = v.lowercased() == "true"
            case "inactivity_timeout":
                guard let s = Int(v), (5...120).contains(s) else {
                    throw SessionClose(code: 3007, type: "invalid_parameter", message: "inactivity_timeout must be 5 to 120 seconds", param: k)
                }
                inactivityMs = s * 1000
            default: fields[k] = .string(v)
            }
        }
        let keyOK = authorization.map { !$0.isEmpty && (apiKeys.isEmpty || apiKeys.contains($0)) } ?? false
        if !keyOK, (token ?? "").isEmpty {
            throw SessionClose(code: 1008, type: "unauthorized", message: "Unauthorized: missing or invalid API key or token")
        }
        for bad in ["container", "bit_rate"] where fields[bad] != nil {
            throw SessionClose(code: 3007, type: "invalid_parameter", message: "\(bad) does not apply to a session, which streams raw audio", param: bad)
        }
        do {
            options = try TTSOptions(fields, allowed: TTSWebSocket.queryFields)
        } catch {
            let code = error.code == "voice_not_found" ? 3004 : 3007
            throw SessionClose(code: code, type: error.code, message: error.message, param: error.param)
        }
        options.container = "raw"
        started = Date()
        lastActivity = started
        let expires = Int(started.timeIntervalSince1970) + 3600
        try await send([
            "type": .string("Begin"), "id": .string(id), "expires_at": .int(expires),
            "configuration": .object([
                "voice_id": .string(options.voiceID), "model": .string(options.model), "language": .string(options.language),
                "sample_rate": .int(options.sampleRate), "encoding": .string(options.encoding),
                "word_boundaries": .bool(wordBoundaries), "inactivity_timeout": .int(inactivityMs / 1000),
                "session_ttl_sec": .int(3600),
                "limits": .object(["max_generate_text_length": .int(TTSWebSocket.maxGenerateChars)]),
            ]),
        ])
    }

    // MARK: client frames

    private func handle(_ text: String) async throws {
        guard let frame = try? JSON.parse(Array(text.utf8)), let type = frame["type"]?.stringValue else {
            throw SessionClose(code: 3007, type: "invalid_message", message: "a frame must be a JSON object with a type")
        }
        switch type {
        case "Generate":
            guard let t = frame["text"]?.stringValue else {
                throw SessionClose(code: 3007, type: "invalid_message", message: "Generate needs a text string", param: "text")
            }
            guard t.unicodeScalars.count <= TTSWebSocket.maxGenerateChars else {
                throw SessionClose(code: 3007, type: "invalid_message",
                                   message: "Generate text is over \(TTSWebSocket.maxGenerateChars) characters", param: "text")
            }
            pending += t
            characters += t.unicodeScalars.count
        case "Flush":
            let flushID = nextFlushID
            nextFlushID += 1
            queue.append((flushID, pending))
            pending = ""
            startNextIfIdle()
        case "Cancel":
            nextFlushID += 1
            pending = ""
            queue.removeAll()
            generation += 1
            let streamed = Double(currentRequestMs) / 1000
            speaking?.cancel()
            speaking = nil
            speakingID = nil
            currentRequestMs = 0
            try await send(["type": .string("Cancelled"), "audio_duration_seconds": .double(streamed)])
        case "KeepAlive":
            break
        case "Terminate":
            terminating = true
            if !pending.trimmingCharacters(in: .whitespaces).isEmpty {
                queue.append((nextFlushID, pending))
                nextFlushID += 1
            }
            pending = ""
            startNextIfIdle()
            if speaking == nil { try await terminate() }
        default:
            throw SessionClose(code: 3007, type: "invalid_message", message: "unknown frame type \(type)")
        }
    }

    private func startNextIfIdle() {
        guard speaking == nil, !queue.isEmpty else { return }
        let request = queue.removeFirst()
        let gen = generation
        speakingID = request.id
        currentRequestMs = 0
        speaking = Task { await self.speak(request.id, request.text, gen) }
    }

    /// Speaks one request: Audio frames as espeak produces them, FlushDone, then its word timings.
    private func speak(_ flushID: Int, _ text: String, _ gen: Int) async {
        var words: [SpokenWord] = []
        var durationMs = 0
        let startMs = streamedMs
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                // Each request is a whole stream of its encoding (an MP3 request ends with its last frames).
                let encoder = try SpeechEncoder(options)
                for try await piece in TTSSynthesis.start(text: text, options: options) {
                    guard gen == generation, !closed else { return }
                    switch piece {
                    case .samples(let s):
                        let bytes = encoder.encode(s)
                        currentRequestMs += s.count * 1000 / options.sampleRate
                        guard !bytes.isEmpty else { break }
                        try await send(["type": .string("Audio"), "flush_id": .int(flushID),
                                        "audio": .string(Data(bytes).base64EncodedString())])
                    case .words(let w): words += w
                    case .done(let ms):
                        durationMs = ms
                        let last = encoder.finish()
                        if !last.isEmpty {
                            try await send(["type": .string("Audio"), "flush_id": .int(flushID),
                                            "audio": .string(Data(last).base64EncodedString())])
                        }
                    }
                }
            } catch {
                if gen == generation, !closed {
                    await fail(SessionClose(code: 1011, type: "internal_error", message: "synthesis failed: \(error)", retryable: true))
                }
                return
            }
        }
        guard gen == generation, !closed else { return }
        streamedMs += durationMs
        do {
            try await send(["type": .string("FlushDone"), "flush_id": .int(flushID), "audio_duration_ms": .int(durationMs)])
            if wordBoundaries, !words.isEmpty {
                try await send(["type": .string("WordBoundaries"), "flush_id": .int(flushID), "audio_start_ms": .int(startMs),
                                "words": .array(words.map { w in
                                    TTSSynthesis.wordJSON(SpokenWord(word: w.word, start: w.start + startMs, end: w.end + startMs,
                                                                     confidence: w.confidence))
                                })])
            }
        } catch { return }
        speaking = nil
        speakingID = nil
        lastActivity = Date()
        startNextIfIdle()
        if speaking == nil, terminating { try? await terminate() }
    }

    private func terminate() async throws {
        guard !closed else { return }
        try await send([
            "type": .string("Termination"), "session_duration_seconds": .int(Int(Date().timeIntervalSince(started))),
            "total_input_char_length": .int(characters), "audio_duration_seconds": .double(Double(streamedMs) / 1000),
        ])
        closed = true
        try? await outbound.close(.normalClosure, reason: nil)
    }

    // MARK: sending, faults, errors

    private struct Fired: Error {}

    private func send(_ object: [String: JSON]) async throws {
        guard !closed, !faulted else { throw Fired() }
        if let fault, sentCount == fault.afterMessages {
            faulted = true
            faults.recordFired(fault, method: "GET", path: TTSWebSocket.path,
                               extra: ["session_id": .string(id), "after_messages": .int(sentCount)])
            if fault.kind == .wsClose || fault.kind == .wsReset { closed = true }
            await StreamingFaults.perform(fault, outbound: outbound, channel: channel)
            throw Fired()
        }
        sentCount += 1
        try await outbound.write(.text(JSON.object(object).serialized()))
    }

    private func fail(_ c: SessionClose) async {
        guard !closed, !faulted else { return }
        try? await send([
            "type": .string("Error"), "error": .string(c.message), "error_type": .string(c.type),
            "error_code": .int(c.code), "param": c.param.map(JSON.string) ?? .null, "retryable": .bool(c.retryable),
        ])
        closed = true
        speaking?.cancel()
        try? await outbound.close(WebSocketErrorCode(codeNumber: c.code), reason: String(c.message.prefix(120)))
    }
}
