// The WebSocket endpoints: /v2/realtime/ws (realtime v2, asyncapi.yml) and /v3/ws (Universal
// Streaming v3, usm-streaming.yml / usm-streaming-u3-pro.yml). Every upgrade on those paths is
// accepted; authentication and parameters are checked afterwards and refused with the documented
// close codes, as the real service does (clients see a close code, not an HTTP status).
// docs/local-server-streaming.md lists every code and rule.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

struct StreamingEndpoints: Sendable {
    let state: ServerState

    /// WebSocket settings: frames up to 1 MiB (v3 allows 1000 ms per chunk; 1 s of 48 kHz PCM16
    /// is 96 KB), no server pings (clients' keep-alive is what is tested), UTF-8 checked.
    static let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
        ws: WebSocketServerConfiguration(maxFrameSize: 1 << 20, autoPing: .disabled, closeTimeout: .seconds(5), validateUTF8: true))

    func shouldUpgrade(_ head: HTTPRequest, _ channel: any Channel, _ logger: Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        let target = head.path ?? "/"
        let path = String(target.prefix { $0 != "?" })
        let query = target.contains("?") ? String(target[target.index(after: target.firstIndex(of: "?")!)...]) : ""
        let proto: StreamProtocol
        switch path {
        case "/v2/realtime/ws": proto = .v2
        case "/v3/ws": proto = .v3
        case TTSWebSocket.path:  // Text-to-Speech sessions (TTS/TTSWebSocket.swift)
            return TTSWebSocket.upgrade(state: state, head: head, query: query, channel: channel)
        default: return .dontUpgrade
        }
        var collected: [String: JSON] = [:]
        for field in head.headerFields {
            let name = field.name.canonicalName.lowercased()
            collected[name] = .string(collected[name]?.stringValue.map { "\($0), \(field.value)" } ?? field.value)
        }
        let headers = collected
        let authorization = head.headerFields[.authorization]
        let keys = state.config.apiKeys
        // A WebSocket fault belongs to the session that opens now (count and skip count sessions).
        let faults = state.faults
        let fault = faults.take(method: head.method.rawValue, path: path, webSocket: true)
        if let fault, fault.kind == .wsRefuse {
            // The upgrade is refused with the fault's HTTP status (and Retry-After): a handshake failure.
            faults.recordFired(fault, method: head.method.rawValue, path: path, extra: [:])
            await StreamingFaults.refuseUpgrade(fault, channel: channel)
            return .dontUpgrade
        }
        let recognition = StreamRecognition(recognizer: state.recognizer, mode: state.recognitionMode)
        return .upgrade([:]) { inbound, outbound, _ in
            let session = StreamingServerSession(protocolVersion: proto, path: path, query: query, headers: headers,
                                                 authorization: authorization, apiKeys: keys, outbound: outbound,
                                                 channel: channel, fault: fault, faults: faults, recognition: recognition)
            await session.run(inbound)
        }
    }
}

/// Why a session is closed by the server: code and reason.
private struct Closure: Error {
    let code: Int
    let reason: String
}

/// Thrown by send() once the session's fault has fired: nothing more is handled or sent.
private struct FaultFired: Error {}

/// One session. An actor: the inbound loop and the timer task both drive it.
actor StreamingServerSession {
    let protocolVersion: StreamProtocol
    let path: String
    let query: String
    let headers: [String: JSON]
    let authorization: String?
    let apiKeys: Set<String>
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    /// The WebSocket fault this session carries (fires after fault.afterMessages messages).
    let fault: Fault?
    let faults: FaultInjector
    let id = UUID().uuidString.lowercased()
    let settings = StreamingState.shared.settings.withLock { $0 }

    private var transcriber: StreamTranscriber?
    private var closed = false
    private var startedAt = Date()
    private var lastAudioAt = Date()
    private var expiresAt = Date()
    private var inactivityMs: Int?
    /// session_heartbeat: a Heartbeat every heartbeatIntervalMs (settings) of session time.
    private var heartbeat = false
    private var lastHeartbeatAt = Date()
    private var lastHeartbeatAudioMs = 0
    /// opus / ogg_opus / aac: framing checks and the duration from the stream's headers.
    private var compressed: CompressedAudio?
    private var terminating = false
    private var sentCount = 0
    private var faulted = false
    /// Speech recognition of audio without embedded text (Recognition/StreamRecognition.swift).
    let recognition: StreamRecognition
    private var recognitionDone: CheckedContinuation<Void, Never>?

    init(protocolVersion: StreamProtocol, path: String, query: String, headers: [String: JSON], authorization: String?,
         apiKeys: Set<String>, outbound: WebSocketOutboundWriter, channel: any Channel, fault: Fault?, faults: FaultInjector,
         recognition: StreamRecognition) {
        self.recognition = recognition
        self.protocolVersion = protocolVersion
        self.path = path
        self.query = query
        self.headers = headers
        self.authorization = authorization
        self.apiKeys = apiKeys
        self.outbound = outbound
        self.channel = channel
        self.fault = fault
        self.faults = faults
    }

    func run(_ inbound: WebSocketInboundStream) async {
        StreamingState.shared.record(StreamingSessionRecord(id: id, protocolVersion: protocolVersion, path: path, query: query, headers: headers))
        await ClientCloseRecorder.install(on: channel, sessionID: id)
        do {
            try await fireIfDue()  // after_messages 0: before the session begins
            try await begin()
        } catch is FaultFired {
            // the session goes on reading (and dropping) what the client sends; see below
        } catch let closure as Closure {
            await close(closure.code, closure.reason)
            return
        } catch {
            await close(protocolVersion == .v2 ? 1011 : 3005, protocolVersion == .v2 ? "Internal error" : "Session Cancelled: An error occurred")
            return
        }
        // Sleeps until the session's next deadline (tick() says when), not on a fixed period:
        // a 25 ms poll per session cost 40,000 timer wake-ups a second at 1000 sessions, the
        // largest part of the server's CPU (README, "Streaming at scale").
        let timer = Task { [weak self] in
            var waitMs = 25
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(waitMs))
                guard let self, let next = await self.tick() else { return }
                waitMs = next
            }
        }
        defer { timer.cancel() }
        let recognized = Task { [weak self, recognition] in
            for await event in recognition.events { await self?.recognized(event) }
        }
        defer { recognition.cancel(); recognized.cancel() }
        await holdIfStopped()
        do {
            for try await message in inbound.messages(maxSize: 1 << 20) {
                if closed { break }
                // After a fault, messages are recorded and dropped until the client goes away.
                do {
                    switch message {
                    case .binary(let buffer): try await audio(Array(buffer.readableBytesView))
                    case .text(let text): try await textMessage(text)
                    }
                } catch is FaultFired {}
                if closed { break }
                await holdIfStopped()
            }
        } catch let closure as Closure {
            await close(closure.code, closure.reason)
        } catch {
            // The connection broke or the client violated the protocol: nothing more to say.
        }
        timer.cancel()
        if !closed {
            closed = true
            StreamingState.shared.update(id) { $0.closeCode = $0.closeCode ?? 1005 }
        }
    }

    // MARK: begin: auth, then parameters

    private func begin() async throws {
        let params = parseQuery(query)
        func value(_ name: String) -> String? { params.last { $0.0 == name }?.1 }
        let v2 = protocolVersion == .v2
        let now = Date()
        // Auth: the API key in Authorization, or a temporary token (query, or Authorization as Python 1.0 sends it).
        var token: StreamingToken?
        let keyOK = authorization.map { !$0.isEmpty && (apiKeys.isEmpty || apiKeys.contains($0)) } ?? false
        if let t = value("token"), !t.isEmpty {
            token = StreamingState.shared.useToken(t, for: protocolVersion)
            if token == nil && !keyOK {
                throw Closure(code: v2 ? 4001 : 1008, reason: v2 ? "Not Authorized" : "Unauthorized Connection: Invalid or expired token")
            }
        } else if let a = authorization, !keyOK, let t = StreamingState.shared.useToken(a, for: protocolVersion) {
            token = t
        } else if !keyOK {
            if v2 { throw Closure(code: 4001, reason: "Not Authorized") }
            throw Closure(code: 1008, reason: authorization == nil || authorization == ""
                          ? "Unauthorized Connection: Missing Authorization header" : "Unauthorized Connection: Invalid API key")
        }

        let config = try v2 ? v2Config(value) : v3Config(value)
        transcriber = StreamTranscriber(config: config)

        startedAt = now
        lastAudioAt = now
        lastHeartbeatAt = now
        var maxMs = settings.maxSessionMs
        if let m = token?.maxSessionSeconds { maxMs = min(maxMs, m * 1000) }
        expiresAt = now.addingTimeInterval(Double(maxMs) / 1000)
        let message: JSON
        if v2 {
            message = .object(["message_type": .string("SessionBegins"), "session_id": .string(id),
                               "expires_at": .string(Self.isoNoZone(expiresAt))])
        } else {
            // configuration (the official SDK 1.8.2's SessionConfiguration): the model in use, the
            // mode when one was asked for, and the AssemblyAI-Version the client sent.
            var configuration: [String: JSON] = ["model": .string(value("speech_model") ?? "universal-streaming-english")]
            if let mode = value("mode") { configuration["mode"] = .string(mode) }
            if let version = headers["assemblyai-version"]?.stringValue { configuration["api_version"] = .string(version) }
            message = .object(["type": .string("Begin"), "id": .string(id), "expires_at": .int(Int(expiresAt.timeIntervalSince1970)),
                               "configuration": .object(configuration)])
        }
        StreamingState.shared.update(id) { $0.began = true }
        try await send(message)
    }

    private func v2Config(_ value: (String) -> String?) throws -> StreamTranscriberConfig {
        guard let raw = value("sample_rate"), let rate = Int(raw), rate > 0 else {
            throw Closure(code: 4000, reason: "Sample rate must be a positive integer")
        }
        let encoding = value("encoding") ?? "pcm_s16le"
        guard ["pcm_s16le", "pcm_mulaw"].contains(encoding) else {
            throw Closure(code: 4101, reason: "Invalid schema: encoding must be pcm_s16le or pcm_mulaw, got '\(encoding)'")
        }
        var c = StreamTranscriberConfig(protocolVersion: .v2, sampleRate: rate, bytesPerSample: encoding == "pcm_mulaw" ? 1 : 2)
        c.disablePartials = try bool(value("disable_partial_transcripts"), "disable_partial_transcripts", code: 4101) ?? false
        c.extraSessionInformation = try bool(value("enable_extra_session_information"), "enable_extra_session_information", code: 4101) ?? false
        if let wb = value("word_boost") {
            guard wb.count <= 2500, let parsed = try? JSON.parse(Array(wb.utf8)), let list = parsed.arrayValue,
                  list.allSatisfy({ $0.stringValue != nil }) else {
                throw Closure(code: 4104, reason: "Could not parse word boost parameter")
            }
        }
        return c
    }

    private func v3Config(_ value: (String) -> String?) throws -> StreamTranscriberConfig {
        func invalid(_ name: String, _ why: String) -> Closure {
            Closure(code: 3006, reason: "Invalid Message: query parameter \(name) \(why)")
        }
        var rate = 16_000
        if let raw = value("sample_rate") {
            guard let r = Int(raw), r > 0 else { throw invalid("sample_rate", "must be a positive integer") }
            rate = r
        }
        let encoding = value("encoding") ?? "pcm_s16le"
        guard ["pcm_s16le", "pcm_mulaw"].contains(encoding) || CompressedAudio.encodings.contains(encoding) else {
            throw invalid("encoding", "must be pcm_s16le, pcm_mulaw, opus, ogg_opus or aac")
        }
        // The speech models of the official SDK 1.8.2 (u3-pro: its deprecated name of u3-rt-pro).
        let models = ["universal-streaming-english", "universal-streaming-multilingual", "whisper-rt", "u3-rt-pro",
                      "u3-rt-pro-beta-1", "universal-3-5-pro", "universal-3-6", "universal-3-6-pro", "u3-pro"]
        let model = value("speech_model")
        if let model, !models.contains(model) { throw invalid("speech_model", "is not a known model: '\(model)'") }
        let u3 = ["u3-rt-pro", "u3-rt-pro-beta-1", "u3-pro", "universal-3-5-pro", "universal-3-6-pro"].contains(model ?? "")
        var c = StreamTranscriberConfig(protocolVersion: .v3, sampleRate: rate, bytesPerSample: encoding == "pcm_mulaw" ? 1 : 2)
        c.u3Pro = u3
        if CompressedAudio.encodings.contains(encoding) {
            c.compressed = encoding
            compressed = CompressedAudio(encoding: encoding)
        }
        c.minTurnSilenceMs = u3 ? 100 : 400
        c.maxTurnSilenceMs = u3 ? 1000 : 1280
        c.formatTurns = try bool(value("format_turns"), "format_turns", code: 3006) ?? false
        c.languageDetection = try bool(value("language_detection"), "language_detection", code: 3006) ?? false
        c.speakerLabels = try bool(value("speaker_labels"), "speaker_labels", code: 3006) ?? false
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = value(name) else { return nil }
            guard let v = Int(raw), range.contains(v) else { throw invalid(name, "must be an integer in \(range.lowerBound)..\(range.upperBound)") }
            return v
        }
        func unit(_ name: String) throws {
            guard let raw = value(name) else { return }
            guard let v = Double(raw), v >= 0, v <= 1 else { throw invalid(name, "must be a number from 0 to 1") }
        }
        if let v = try int("min_turn_silence", 0...60_000) { c.minTurnSilenceMs = v }
        if let v = try int("max_turn_silence", 0...60_000) { c.maxTurnSilenceMs = v }
        if let v = try int("inactivity_timeout", 5...3600) { inactivityMs = v * settings.v3InactivityUnitMs }
        _ = try int("max_speakers", 1...10)
        try unit("end_of_turn_confidence_threshold")
        try unit("vad_threshold")
        if let language = value("language"), !["en", "multi"].contains(language) { throw invalid("language", "must be en or multi") }
        if let raw = value("keyterms_prompt") {
            guard let parsed = try? JSON.parse(Array(raw.utf8)), let list = parsed.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw invalid("keyterms_prompt", "must be a JSON array of strings")
            }
        }
        try v3NewerParameters(value, &c, invalid)
        return c
    }

    /// The parameters of the official SDK 1.8.2's StreamingParameters beyond the published specs:
    /// each is checked (3006 naming it), and the server acts on session_heartbeat,
    /// acknowledge_silence, speaker_labels (SpeakerRevision) and llm_gateway.
    private func v3NewerParameters(_ value: (String) -> String?, _ c: inout StreamTranscriberConfig,
                                   _ invalid: (String, String) -> Closure) throws {
        func oneOf(_ name: String, _ allowed: [String]) throws {
            guard let v = value(name) else { return }
            guard allowed.contains(v) else { throw invalid(name, "must be one of \(allowed.joined(separator: ", ")), got '\(v)'") }
        }
        func unit(_ name: String) throws {
            guard let raw = value(name) else { return }
            guard let v = Double(raw), v >= 0, v <= 1 else { throw invalid(name, "must be a number from 0 to 1") }
        }
        func nonNegative(_ name: String) throws {
            guard let raw = value(name) else { return }
            guard let v = Int(raw), v >= 0 else { throw invalid(name, "must be an integer >= 0") }
        }
        func strings(_ name: String, allowed: Set<String>? = nil) throws {
            guard let raw = value(name) else { return }
            guard let parsed = try? JSON.parse(Array(raw.utf8)), let list = parsed.arrayValue,
                  list.allSatisfy({ $0.stringValue.map { allowed?.contains($0) ?? true } ?? false }) else {
                throw invalid(name, allowed == nil ? "must be a JSON array of strings" : "must be a JSON array of known values")
            }
        }
        try oneOf("mode", ["max_accuracy", "min_latency", "balanced"])
        try oneOf("domain", ["medical-v1"])
        try oneOf("voice_focus", ["near-field", "far-field"])
        try oneOf("noise_suppression_model", ["near-field", "far-field"])
        try oneOf("redact_pii_sub", ["hash", "entity_name"])
        try unit("voice_focus_threshold")
        try unit("noise_suppression_threshold")
        for name in ["interruption_delay", "turn_left_pad_ms", "speaker_labels_revision_interval_ms",
                     "min_end_of_turn_silence_when_confident"] { try nonNegative(name) }
        for name in ["include_partial_turns", "continuous_partials", "customer_support_audio_capture", "filter_profanity",
                     "redact_pii"] { _ = try bool(value(name), name, code: 3006) }
        heartbeat = try bool(value("session_heartbeat"), "session_heartbeat", code: 3006) ?? false
        c.acknowledgeSilence = try bool(value("acknowledge_silence"), "acknowledge_silence", code: 3006) ?? false
        try strings("language_codes")
        try strings("redact_pii_policies", allowed: Self.piiPolicies)
        if let raw = value("webhook_url") {
            guard raw.hasPrefix("https://") || raw.hasPrefix("http://") else { throw invalid("webhook_url", "must be an http(s) URL") }
        }
        if let raw = value("llm_gateway") {
            guard let parsed = try? JSON.parse(Array(raw.utf8)), parsed.objectValue != nil,
                  parsed["model"]?.stringValue.map({ !$0.isEmpty }) == true,
                  let messages = parsed["messages"]?.arrayValue,
                  messages.allSatisfy({ $0["role"]?.stringValue != nil && $0["content"]?.stringValue != nil }),
                  let maxTokens = parsed["max_tokens"]?.intValue, maxTokens > 0 else {
                throw invalid("llm_gateway", "must be a JSON object with model (string), messages ([{role, content}]) and max_tokens (integer > 0)")
            }
            c.llmGateway = parsed
        }
    }

    /// redact_pii_policies values (the official SDK 1.8.2's StreamingPiiPolicy).
    static let piiPolicies: Set<String> = [
        "account_number", "banking_information", "blood_type", "credit_card_number", "credit_card_expiration", "credit_card_cvv",
        "date", "date_interval", "date_of_birth", "drivers_license", "drug", "duration", "email_address", "event", "filename",
        "gender_sexuality", "gender", "healthcare_number", "injury", "ip_address", "language", "location", "marital_status",
        "medical_condition", "medical_process", "money_amount", "nationality", "number_sequence", "passport_number", "password",
        "person_age", "person_name", "phone_number", "physical_attribute", "political_affiliation", "occupation", "organization",
        "organization_medical_facility", "religion", "sexuality", "statistics", "time", "url", "us_social_security_number",
        "username", "vehicle_id", "zodiac_sign",
    ]

    private func bool(_ raw: String?, _ name: String, code: Int) throws -> Bool? {
        guard let raw else { return nil }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw Closure(code: code, reason: code == 4101 ? "Invalid schema: \(name) must be true or false"
                                                          : "Invalid Message: query parameter \(name) must be true or false")
        }
    }

    // MARK: messages

    private func audio(_ bytes: [UInt8]) async throws {
        if faulted {
            StreamingState.shared.update(id) { $0.audioChunkBytes.append(bytes.count) }
            throw FaultFired()
        }
        guard var t = transcriber, !terminating else { return }
        StreamingState.shared.update(id) { $0.audioChunkBytes.append(bytes.count) }
        if var audio = compressed {
            // Compressed audio is counted and its framing checked, not transcribed (CompressedAudio.swift).
            do { try audio.feed(bytes) } catch CompressedAudio.Failure.invalid(let why) {
                throw Closure(code: 3006, reason: "Invalid Message: \(t.config.compressed ?? "") audio: \(why)")
            }
            compressed = audio
            lastAudioAt = Date()
            t.compressedMs = audio.durationMs
            let out = t.audio(bytes)
            transcriber = t
            for m in out { try await send(m) }
            return
        }
        let ms = Double(bytes.count) * 1000 / Double(t.config.sampleRate * t.config.bytesPerSample)
        if protocolVersion == .v3, ms < 50 || ms > 1000 {
            throw Closure(code: 3007, reason: "Input duration violation: \(Int(ms)) ms. Expected between 50 and 1000 ms")
        }
        lastAudioAt = Date()
        let out = t.audio(bytes)
        transcriber = t
        do {
            try recognition.audio(bytes, config: t.config, receivedMs: t.receivedMs, hasEmbeddedText: t.hasEmbeddedText)
        } catch {
            throw protocolVersion == .v2 ? Closure(code: 4102, reason: "Too many concurrent sessions: speech recognition is at capacity")
                                         : Closure(code: 1013, reason: "Try again later: speech recognition is at capacity")
        }
        if settings.maxRealtimeFactor > 0 {
            let elapsed = Date().timeIntervalSince(startedAt)
            let audioSeconds = Double(t.receivedMs) / 1000
            if audioSeconds > elapsed * settings.maxRealtimeFactor + 2 {
                if protocolVersion == .v2 { throw Closure(code: 4029, reason: "Client sent audio too fast") }
                throw Closure(code: 3007, reason: String(format: "Audio Transmission Rate Exceeded: Received %.1f sec. audio in %.1f sec",
                                                         audioSeconds, elapsed))
            }
        }
        if let text = t.text { StreamingState.shared.update(id) { $0.decodedText = text } }
        // Silence is reckoned from embedded-text words: none while the recogniser hears the audio.
        let recognizing = !t.hasEmbeddedText && recognition.isRecognizing
        for m in out where !(recognizing && m["type"]?.stringValue == "Silence") { try await send(m) }
    }

    private func textMessage(_ text: String) async throws {
        StreamingState.shared.update(id) { $0.textMessages.append(text) }
        if faulted { throw FaultFired() }
        guard !terminating else { return }
        if protocolVersion == .v2 { try await v2Message(text) } else { try await v3Message(text) }
    }

    private func v2Message(_ text: String) async throws {
        guard let value = try? JSON.parse(Array(text.utf8)) else {
            throw Closure(code: 4100, reason: "Endpoint received invalid JSON")
        }
        guard let o = value.objectValue, o.count == 1, let (key, v) = o.first else {
            throw Closure(code: 4101, reason: "Endpoint received a message with an invalid schema")
        }
        switch key {
        case "force_end_utterance":
            guard let flag = v.boolValue else { throw Closure(code: 4101, reason: "Endpoint received a message with an invalid schema") }
            if flag, recognition.isRecognizing {
                recognition.forceEndpoint()
            } else if flag, var t = transcriber {
                let out = t.forceEndpoint()
                transcriber = t
                for m in out { try await send(m) }
            }
        case "end_utterance_silence_threshold":
            guard let ms = v.intValue, (0...20_000).contains(ms) else {
                throw Closure(code: 4101, reason: "Endpoint received a message with an invalid schema")
            }
            transcriber?.config.silenceThresholdMs = ms
            if let c = transcriber?.config { recognition.configure(c) }
        case "terminate_session":
            guard let flag = v.boolValue else { throw Closure(code: 4101, reason: "Endpoint received a message with an invalid schema") }
            if flag { try await terminate() }
        default:
            throw Closure(code: 4101, reason: "Endpoint received a message with an invalid schema")
        }
    }

    private func v3Message(_ text: String) async throws {
        guard let value = try? JSON.parse(Array(text.utf8)) else {
            throw Closure(code: 3006, reason: "Invalid JSON: \(String(text.prefix(100)))")
        }
        guard let o = value.objectValue, let type = o["type"]?.stringValue else {
            throw Closure(code: 3006, reason: "Invalid Message: \(String(text.prefix(100)))")
        }
        switch type {
        case "ForceEndpoint":
            if recognition.isRecognizing {
                recognition.forceEndpoint()
            } else if var t = transcriber {
                let out = t.forceEndpoint()
                transcriber = t
                for m in out { try await send(m) }
            }
        case "Terminate":
            try await terminate()
        case "KeepAlive":
            break  // sent by newer official SDKs; accepted and ignored
        case "UpdateConfiguration":
            for (key, v) in o where key != "type" && !v.isNull {
                switch key {
                case "min_turn_silence", "max_turn_silence":
                    guard let ms = v.intValue, ms >= 0 else { throw Closure(code: 3006, reason: "Invalid Message: \(key) must be an integer >= 0") }
                    if key == "min_turn_silence" { transcriber?.config.minTurnSilenceMs = ms } else { transcriber?.config.maxTurnSilenceMs = ms }
                    if let c = transcriber?.config { recognition.configure(c) }
                case "end_of_turn_confidence_threshold", "vad_threshold":
                    guard let d = v.doubleValue, d >= 0, d <= 1 else { throw Closure(code: 3006, reason: "Invalid Message: \(key) must be from 0 to 1") }
                case "prompt":
                    guard v.stringValue != nil else { throw Closure(code: 3006, reason: "Invalid Message: prompt must be a string") }
                case "keyterms_prompt":
                    guard let a = v.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                        throw Closure(code: 3006, reason: "Invalid Message: keyterms_prompt must be an array of strings")
                    }
                default:
                    break
                }
            }
        default:
            throw Closure(code: 3006, reason: "Invalid Message Type: \(type)")
        }
    }

    /// Terminate: the last final, v2 SessionInformation (if asked) + SessionTerminated, or v3
    /// Termination; then a normal close.
    private func terminate() async throws {
        guard transcriber != nil, !terminating else { return }
        terminating = true
        if recognition.isRecognizing {
            // The recogniser's last final first (it arrives through recognized()).
            await withCheckedContinuation { c in
                recognitionDone = c
                recognition.finish()
            }
            if closed { return }
        }
        guard var t = transcriber else { return }
        for m in t.terminate() { try await send(m) }
        transcriber = t
        let seconds = Double(t.receivedMs) / 1000
        if protocolVersion == .v2 {
            if t.config.extraSessionInformation {
                try await send(.object(["message_type": .string("SessionInformation"), "audio_duration_seconds": .double(seconds)]))
            }
            try await send(.object(["message_type": .string("SessionTerminated")]))
        } else {
            try await send(.object(["type": .string("Termination"), "audio_duration_seconds": .int(Int(seconds)),
                                    "session_duration_seconds": .int(Int(Date().timeIntervalSince(startedAt)))]))
        }
        throw Closure(code: 1000, reason: "")
    }

    /// An event of the speech recogniser: partials and finals become messages; a recogniser
    /// that failed closes the session with 1011 and the reason.
    func recognized(_ event: RecognizerStreamEvent) async {
        guard var t = transcriber, !closed, !faulted else {
            recognitionDone?.resume()
            recognitionDone = nil
            return
        }
        var out: [JSON] = []
        switch event {
        case .partial(let words): out = t.recognizedPartial(words)
        case .final(let words, let byPunctuation, _): out = t.recognizedFinal(words, byPunctuation: byPunctuation)
        case .closed:
            recognitionDone?.resume()
            recognitionDone = nil
            return
        case .failed(let reason):
            await close(1011, "Internal error: \(reason)")
            recognitionDone?.resume()
            recognitionDone = nil
            return
        }
        transcriber = t
        do {
            for m in out { try await send(m) }
        } catch let closure as Closure {
            await close(closure.code, closure.reason)
        } catch {}
    }

    // MARK: timers

    /// Checks the session's deadlines (expiry, idle, heartbeat, inactivity). Returns the ms until
    /// the next one is due (at most 1000; 25 while the session is not streaming: before the
    /// transcriber exists or while terminating), or nil once the session is over. A deadline
    /// only moves later while waiting (audio arriving resets the idle time), so sleeping until the
    /// earliest one misses none: a tick that finds it moved just computes the new one.
    func tick() async -> Int? {
        guard !closed, !faulted else { return nil }
        guard transcriber != nil, !terminating else { return 25 }
        let now = Date()
        let idleMs = Int(now.timeIntervalSince(lastAudioAt) * 1000)
        if now >= expiresAt {
            if protocolVersion == .v2 { await close(4008, "Session Expired") } else { await close(3008, "Session Expired: Maximum session duration exceeded") }
            return nil
        }
        if protocolVersion == .v2, idleMs >= settings.v2IdleTimeoutMs {
            await close(4031, "Session idle for too long")
            return nil
        }
        if heartbeat, let t = transcriber, Int(now.timeIntervalSince(lastHeartbeatAt) * 1000) >= settings.heartbeatIntervalMs {
            // session_heartbeat: the audio received, the session's time, the speed, and whether speech was heard since the last one.
            lastHeartbeatAt = now
            let elapsedMs = max(1, Int(now.timeIntervalSince(startedAt) * 1000))
            let received = t.receivedMs
            let message: JSON = .object(["type": .string("Heartbeat"), "total_audio_received_ms": .int(received),
                                         "total_duration_ms": .int(elapsedMs), "realtime_factor": .double(Double(received) / Double(elapsedMs)),
                                         "max_speech_probability": .double(t.speechProbability(fromMs: lastHeartbeatAudioMs))])
            lastHeartbeatAudioMs = received
            do { try await send(message) } catch let c as Closure { await close(c.code, c.reason); return nil } catch { return nil }
        }
        if protocolVersion == .v3, let limit = inactivityMs, idleMs >= limit {
            do { try await terminate() } catch let c as Closure { await close(c.code, c.reason) } catch { await close(3005, "Session Cancelled: An error occurred") }
            return nil
        }
        let after = Date()
        var next = Int(expiresAt.timeIntervalSince(after) * 1000)
        let idle = Int(after.timeIntervalSince(lastAudioAt) * 1000)
        if protocolVersion == .v2 { next = min(next, settings.v2IdleTimeoutMs - idle) }
        if heartbeat { next = min(next, settings.heartbeatIntervalMs - Int(after.timeIntervalSince(lastHeartbeatAt) * 1000)) }
        if protocolVersion == .v3, let limit = inactivityMs { next = min(next, limit - idle) }
        return min(1000, max(1, next + 1))
    }

    // MARK: output

    private func send(_ message: JSON) async throws {
        if faulted { throw FaultFired() }
        let text = message.serialized()
        // The send time on CLOCK_MONOTONIC (shared by every process), so a client on this
        // machine can measure the delivery latency from it (scripts/bench).
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let sentNs = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
        StreamingState.shared.update(id) { $0.sent.append(text); $0.sentNs.append(sentNs) }
        try await outbound.write(.text(text))
        sentCount += 1
        try await fireIfDue()
    }

    /// Fires the session's fault once it has sent `after_messages` messages, then throws
    /// FaultFired so that whatever was sending stops: `sent` in the record is then exactly what
    /// went out before the fault.
    private func fireIfDue() async throws {
        guard let fault, !faulted, sentCount == fault.afterMessages else { return }
        faulted = true
        let n = sentCount
        faults.recordFired(fault, method: "GET", path: path, extra: ["session_id": .string(id), "after_messages": .int(n)])
        StreamingState.shared.update(id) {
            $0.fault = .object(["id": .int(fault.id), "kind": .string(fault.kind.rawValue), "after_messages": .int(n)])
            switch fault.kind {
            case .wsClose: $0.closeCode = fault.closeCode; $0.closeReason = fault.reason
            case .wsDrop, .wsReset, .wsStopReading: $0.closeCode = 1006
            default: break
            }
        }
        // A close ends the session as a server close does; after a drop the session reads on
        // until the client's FIN (closing now could turn the FIN into a RST).
        if fault.kind == .wsClose || fault.kind == .wsReset { closed = true }
        await StreamingFaults.perform(fault, outbound: outbound, channel: channel)
        throw FaultFired()
    }

    /// ws_stop_reading: the loop asks for no more frames (the framework reads from the socket only
    /// for a consumer that waits for one) until the fault's task ends the connection.
    private func holdIfStopped() async {
        guard faulted, fault?.kind == .wsStopReading else { return }
        while channel.isActive { try? await Task.sleep(nanoseconds: 20_000_000) }
    }

    private func close(_ code: Int, _ reason: String) async {
        guard !closed, !faulted else { return }
        closed = true
        StreamingState.shared.update(id) { $0.closeCode = code; $0.closeReason = reason }
        // A close frame holds at most 123 bytes of reason: cut at a character boundary.
        var short = ""
        for ch in reason {
            if short.utf8.count + String(ch).utf8.count > 123 { break }
            short.append(ch)
        }
        try? await outbound.close(WebSocketErrorCode(codeNumber: code), reason: short.isEmpty ? nil : short)
    }

    static func isoNoZone(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = time_t(t.rounded(.down))
        var parts = tm()
        gmtime_r(&secs, &parts)
        let micros = Int((t - t.rounded(.down)) * 1_000_000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, micros)
    }
}
