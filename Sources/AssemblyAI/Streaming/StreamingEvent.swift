// What a streaming session reports: the server's messages of both protocols as one event type,
// plus the events the session adds itself (error, closed). And the close codes of both
// protocols with their documented meanings.

/// One word of a streaming transcript.
public struct StreamingWord: Sendable, Equatable {
    public var text: String
    /// Start and end in ms from the start of the session's audio.
    public var start: Int64
    public var end: Int64
    public var confidence: Double
    /// v3 `word_is_final`; v2: true in final transcripts, false in partial ones.
    public var isFinal: Bool
    /// v3 `speaker` (with speaker_labels), or nil.
    public var speaker: String?

    public init(text: String, start: Int64, end: Int64, confidence: Double, isFinal: Bool, speaker: String? = nil) {
        self.text = text
        self.start = start
        self.end = end
        self.confidence = confidence
        self.isFinal = isFinal
        self.speaker = speaker
    }
}

/// One entry of a v3 SpeakerRevision: a Turn (matched by `turnOrder`) whose speaker labels changed.
public struct StreamingSpeakerRevision: Sendable, Equatable {
    public var turnOrder: Int64
    public var speakerLabel: String?
    public var words: [StreamingWord]

    public init(turnOrder: Int64, speakerLabel: String?, words: [StreamingWord]) {
        self.turnOrder = turnOrder
        self.speakerLabel = speakerLabel
        self.words = words
    }
}

/// An event of a streaming session. Fields that do not apply to a kind keep their defaults.
public struct StreamingEvent: Sendable {
    public enum Kind: Int32, Sendable {
        /// v2 SessionBegins, v3 Begin.
        case opened = 1
        /// v2 PartialTranscript.
        case partialTranscript = 2
        /// v2 FinalTranscript.
        case finalTranscript = 3
        /// v3 Turn.
        case turn = 4
        /// v3 SpeechStarted (u3-rt-pro).
        case speechStarted = 5
        /// v2 SessionInformation.
        case sessionInformation = 6
        /// v2 SessionTerminated, v3 Termination.
        case terminated = 7
        /// An error: v2 RealtimeError, v3 Error, an error close code, a broken connection.
        case error = 8
        /// v3 Warning.
        case warning = 9
        /// A message this version does not know (read `json`).
        case other = 10
        /// The connection is closed. Always the last event of a session.
        case closed = 11
        /// v3 Heartbeat (session_heartbeat).
        case heartbeat = 12
        /// v3 Silence (acknowledge_silence, u3-rt-pro): `audioStart`/`audioEnd` are start_ms/end_ms.
        case silence = 13
        /// v3 SpeakerRevision (speaker_labels): `revisions`.
        case speakerRevision = 14
        /// v3 LLMGatewayResponse (llm_gateway): `turnOrder`, `text` (transcript), `dataJSON`.
        case llmGatewayResponse = 15
    }

    public var kind: Kind
    public var protocolVersion: StreamingProtocol
    /// The message as received (UTF-8 JSON); empty for events the session makes itself.
    public var json: [UInt8] = []

    public var sessionID: String?
    /// Unix time in seconds when the session expires (v2's ISO time is read as UTC).
    public var expiresAt: Int64 = 0
    /// Transcript text (v2 text, v3 transcript), or the error/warning text.
    public var text: String?
    public var words: [StreamingWord] = []
    public var audioStart: Int64 = 0
    public var audioEnd: Int64 = 0
    public var confidence: Double = 0
    public var punctuated = false
    public var textFormatted = false
    public var turnOrder: Int64 = 0
    public var endOfTurn = false
    public var turnIsFormatted = false
    public var endOfTurnConfidence: Double = 0
    public var utterance: String?
    public var languageCode: String?
    public var languageConfidence: Double = 0
    public var speakerLabel: String?
    /// v3 SpeechStarted timestamp (ms).
    public var timestamp: Int64 = 0
    public var audioDurationSeconds: Double = 0
    public var sessionDurationSeconds: Double = 0
    /// For `.error` and `.closed`: the close code (0 if none), its reason, and the failure.
    public var closeCode: Int = 0
    public var closeReason: String?
    public var error: AssemblyAIError?
    /// v3 Error/Warning codes.
    public var code: Int64 = 0
    /// v3 Begin's configuration: model, mode, api_version.
    public var model: String?
    public var mode: String?
    public var apiVersion: String?
    /// v3 Heartbeat.
    public var totalAudioReceivedMs: Int64 = 0
    public var totalDurationMs: Int64 = 0
    public var realtimeFactor: Double = 0
    public var maxSpeechProbability: Double = 0
    /// v3 LLMGatewayResponse `data`, re-serialized as JSON (nil when absent).
    public var dataJSON: String?
    /// v3 SpeakerRevision entries.
    public var revisions: [StreamingSpeakerRevision] = []
    /// For messages from the server: when the library read the message's last byte from the
    /// socket, in ns on CLOCK_MONOTONIC (0 for events the library makes).
    public var receivedNs: Int64 = 0

    public init(kind: Kind, protocolVersion: StreamingProtocol) {
        self.kind = kind
        self.protocolVersion = protocolVersion
    }

    /// Reads a server message. A message that is not a JSON object is an `.other` event.
    public static func parse(_ bytes: [UInt8], protocol p: StreamingProtocol) -> StreamingEvent {
        var e = StreamingEvent(kind: .other, protocolVersion: p)
        e.json = bytes
        guard let value = try? JSONValue.parse(bytes), case .object = value else { return e }
        func str(_ k: String) -> String? { value[k]?.stringValue }
        func int(_ k: String) -> Int64 { integer(value[k]) }
        func dbl(_ k: String) -> Double { value[k]?.doubleValue ?? 0 }
        func bool(_ k: String) -> Bool { value[k]?.boolValue ?? false }
        func words(_ list: JSONValue?, final: Bool?) -> [StreamingWord] {
            (list?.arrayValue ?? []).map { w in
                StreamingWord(text: w["text"]?.stringValue ?? "", start: w["start"]?.int64Value ?? 0, end: w["end"]?.int64Value ?? 0,
                              confidence: w["confidence"]?.doubleValue ?? 0, isFinal: final ?? (w["word_is_final"]?.boolValue ?? false),
                              speaker: w["speaker"]?.stringValue)
            }
        }
        func words(final: Bool?) -> [StreamingWord] { words(value["words"], final: final) }
        switch p {
        case .v2:
            guard let type = str("message_type") else {
                if let error = str("error") {
                    e.kind = .error
                    e.text = error
                    e.error = AssemblyAIError(.server, "realtime v2 error: \(error)", serverText: error)
                }
                return e
            }
            switch type {
            case "SessionBegins":
                e.kind = .opened
                e.sessionID = str("session_id")
                e.expiresAt = str("expires_at").flatMap(parseISOTimeUTC) ?? 0
            case "PartialTranscript", "FinalTranscript":
                let final = type == "FinalTranscript"
                e.kind = final ? .finalTranscript : .partialTranscript
                e.text = str("text") ?? ""
                e.words = words(final: final)
                e.audioStart = int("audio_start")
                e.audioEnd = int("audio_end")
                e.confidence = dbl("confidence")
                e.punctuated = bool("punctuated")
                e.textFormatted = bool("text_formatted")
            case "SessionInformation":
                e.kind = .sessionInformation
                e.audioDurationSeconds = dbl("audio_duration_seconds")
            case "SessionTerminated":
                e.kind = .terminated
            default:
                break
            }
        case .v3:
            switch str("type") {
            case "Begin":
                e.kind = .opened
                e.sessionID = str("id")
                e.expiresAt = int("expires_at")
                if let conf = value["configuration"] {
                    e.model = conf["model"]?.stringValue
                    e.mode = conf["mode"]?.stringValue
                    e.apiVersion = conf["api_version"]?.stringValue
                }
            case "Turn":
                e.kind = .turn
                e.text = str("transcript") ?? ""
                e.words = words(final: nil)
                e.turnOrder = int("turn_order")
                e.endOfTurn = bool("end_of_turn")
                e.turnIsFormatted = bool("turn_is_formatted")
                e.endOfTurnConfidence = dbl("end_of_turn_confidence")
                e.utterance = str("utterance")
                e.languageCode = str("language_code")
                e.languageConfidence = dbl("language_confidence")
                e.speakerLabel = str("speaker_label")
                if let first = e.words.first, let last = e.words.last { e.audioStart = first.start; e.audioEnd = last.end }
            case "SpeechStarted":
                e.kind = .speechStarted
                e.timestamp = int("timestamp")
                e.confidence = dbl("confidence")
            case "Termination":
                e.kind = .terminated
                e.audioDurationSeconds = dbl("audio_duration_seconds")
                e.sessionDurationSeconds = dbl("session_duration_seconds")
            case "Error":
                e.kind = .error
                e.text = str("error") ?? ""
                e.code = int("error_code")
                e.error = AssemblyAIError(.server, "Universal Streaming error\(e.code != 0 ? " \(e.code)" : ""): \(e.text ?? "")",
                                          serverText: e.text)
            case "Warning":
                e.kind = .warning
                e.text = str("warning") ?? ""
                e.code = int("warning_code")
            case "Heartbeat":
                e.kind = .heartbeat
                e.totalAudioReceivedMs = int("total_audio_received_ms")
                e.totalDurationMs = int("total_duration_ms")
                e.realtimeFactor = dbl("realtime_factor")
                e.maxSpeechProbability = dbl("max_speech_probability")
            case "Silence":
                e.kind = .silence
                e.audioStart = int("start_ms")
                e.audioEnd = int("end_ms")
            case "SpeakerRevision":
                e.kind = .speakerRevision
                e.revisions = (value["revisions"]?.arrayValue ?? []).compactMap { r in
                    guard case .object = r else { return nil }
                    return StreamingSpeakerRevision(turnOrder: integer(r["turn_order"]),
                                                    speakerLabel: r["speaker_label"]?.stringValue, words: words(r["words"], final: nil))
                }
            case "LLMGatewayResponse":
                e.kind = .llmGatewayResponse
                e.turnOrder = int("turn_order")
                e.text = str("transcript") ?? ""
                if let data = value["data"] { e.dataJSON = data.serialized() }
            default:
                break
            }
        }
        return e
    }
}

/// An integer field of a server message: an integer, or a number with a fraction cut off; 0 when
/// absent, not a number, or out of Int64's range (1e615 from a broken server must not trap).
func integer(_ v: JSONValue?) -> Int64 {
    if let i = v?.int64Value { return i }
    guard let d = v?.doubleValue, d.isFinite, d > -9.2e18, d < 9.2e18 else { return 0 }
    return Int64(d)
}

/// "YYYY-MM-DDTHH:MM:SS[.ffffff]" (no zone, read as UTC) to Unix seconds.
func parseISOTimeUTC(_ s: String) -> Int64? {
    let b = Array(s.utf8)
    guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
          b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
    func num(_ r: Range<Int>) -> Int64? {
        var v: Int64 = 0
        for i in r { guard (48...57).contains(b[i]) else { return nil }; v = v * 10 + Int64(b[i] - 48) }
        return v
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), let hh = num(11..<13), let mm = num(14..<16),
          let ss = num(17..<19), (1...12).contains(m), (1...31).contains(d) else { return nil }
    // Days from civil (H. Hinnant's algorithm).
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    return days * 86_400 + hh * 3600 + mm * 60 + ss
}

/// The close codes of both protocols with their documented meanings, and how each maps to a
/// status code.
public enum StreamingCloseCodes {
    /// Realtime v2 (the table the official SDKs share: Python `RealtimeErrorMapping`, Node
    /// `RealtimeErrorType`).
    static let v2: [Int: String] = [
        4000: "Sample rate must be a positive integer",
        4001: "Not Authorized",
        4002: "Insufficient Funds",
        4003: "This feature is paid-only and requires you to add a credit card",
        4004: "Session ID does not exist",
        4008: "Session Expired",
        4010: "Session Previously Closed",
        4029: "Client sent audio too fast",
        4030: "Session is handled by another websocket",
        4031: "Session idle for too long",
        4032: "Audio duration is too short",
        4033: "Audio duration is too long",
        4034: "Audio too small to transcode",
        4100: "Endpoint received invalid JSON",
        4101: "Endpoint received a message with an invalid schema",
        4102: "This account has exceeded the number of allowed streams",
        4103: "The session has been reconnected. This websocket is no longer valid.",
        4104: "Could not parse word boost parameter",
        1013: "Temporary server condition. Try again later",
    ]

    /// Universal Streaming v3 (common-errors in the API docs).
    static let v3: [Int: String] = [
        1008: "Unauthorized Connection",
        3005: "Session Cancelled: server error",
        3006: "Invalid message (invalid message type, invalid JSON or invalid message)",
        3007: "Input duration violation (chunks must be 50 to 1000 ms) or audio sent faster than real time",
        3008: "Session Expired: maximum session duration exceeded",
        3009: "Too many concurrent sessions",
    ]

    static let common: [Int: String] = [
        1000: "Normal closure",
        1001: "Going away",
        1002: "Protocol error",
        1003: "Unsupported data",
        1005: "No status code in the close frame",
        1006: "Connection closed without a close frame",
        1007: "Invalid payload data",
        1008: "Policy violation",
        1009: "Message too big",
        1011: "Internal server error",
    ]

    /// The documented meaning of `code` in `protocol`, or nil for an unknown code.
    public static func meaning(of code: Int, protocol p: StreamingProtocol) -> String? {
        (p == .v2 ? v2[code] : v3[code]) ?? common[code]
    }

    /// Whether a close with `code` ended the session normally (1000; 1005 too, an empty close frame).
    public static func isNormal(_ code: Int) -> Bool { code == 1000 || code == 1005 }

    /// The status a close code maps to.
    public static func errorCode(for code: Int, protocol p: StreamingProtocol) -> ErrorCode {
        switch (p, code) {
        case (.v2, 4001), (.v2, 4002), (.v2, 4003), (.v3, 1008): return .auth
        case (.v2, 4008), (.v2, 4031), (.v3, 3008): return .timeout
        case (.v2, 4102), (.v3, 3009): return .rateLimited
        case (.v2, 4029), (.v2, 4000), (.v2, 4032), (.v2, 4033), (.v2, 4034), (.v2, 4100), (.v2, 4101), (.v2, 4104),
             (.v3, 3006), (.v3, 3007): return .invalidArgument
        case (.v2, 4004), (.v2, 4010), (.v2, 4030), (.v2, 4103): return .state
        case (_, 1013), (_, 1011), (.v3, 3005): return .server
        case (_, 1002), (_, 1003), (_, 1007), (_, 1009): return .proto
        default: return .connection
        }
    }

    /// The error for a session the server closed with `code` and `reason`.
    public static func error(code: Int, reason: String, protocol p: StreamingProtocol, during what: String) -> AssemblyAIError {
        let meaning = self.meaning(of: code, protocol: p)
        var message = "\(p.name) session closed \(what) with code \(code)"
        if let meaning { message += " (\(meaning))" }
        if !reason.isEmpty, reason != meaning { message += ": \(reason)" }
        return AssemblyAIError(errorCode(for: code, protocol: p), message, serverText: reason.isEmpty ? nil : reason)
    }
}
