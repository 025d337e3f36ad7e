// The `config` part of a Sync API or Dictation API request: the fields each API documents, checked
// and normalised the way the official Python SDK 1.8.2 does before anything is sent.

/// The two single-request speech APIs: one multipart POST with the audio, one transcript back.
public enum AudioRequestAPI: Sendable, Equatable {
    /// The Sync API (`sync.assemblyai.com`): transcripts of clips up to 120 s in one round trip.
    case sync
    /// The Dictation API (`dictation.assemblyai.com`): a spoken note, optionally rewritten by an LLM.
    case dictation

    /// The API's name, for messages.
    public var name: String { self == .sync ? "Sync API" : "Dictation API" }

    /// The config type the official SDK names, for messages.
    var configName: String { self == .sync ? "SyncTranscriptionConfig" : "DictationConfig" }

    /// The path every transcription is posted to (the live endpoint: a whole clip travels it as one chunk).
    public static let transcribePath = "/v1/transcribe/live"
    /// The path `warm` opens the connection with.
    public static let warmPath = "/v1/warm"
    /// The Sync API's routing header, carrying the speech model.
    public static let modelHeader = "X-AAI-Model"
    /// The Sync API's only speech model today, and the default.
    public static let defaultSyncModel = "universal-3-5-pro"
    /// Longest audio either API takes in one request, in milliseconds.
    public static let maxAudioMs = 120_000

    func baseURL(_ settings: Settings) -> String {
        self == .sync ? settings.syncBaseURL : settings.dictationBaseURL
    }

    /// The per-operation timeout of a transcription (1.8.2: sync_live_http_timeout, dictation_http_timeout).
    func transcribeTimeoutMs(_ settings: Settings) -> Int {
        self == .sync ? settings.syncLiveHttpTimeoutMs : settings.dictationHttpTimeoutMs
    }

    /// The timeout of `warm`: the API's HTTP timeout, at most 10 s (as 1.8.2).
    func warmTimeoutMs(_ settings: Settings) -> Int {
        min(self == .sync ? settings.syncHttpTimeoutMs : settings.dictationHttpTimeoutMs, 10_000)
    }
}

/// Options of one Sync API or Dictation API request: the JSON `config` part, plus the Sync API's
/// speech model (sent as the `X-AAI-Model` header, never in the body).
///
/// Sync API fields: `prompt` (at most 6000 characters), `keyterms_prompt` (at most 100 terms /
/// 8000 characters), `conversation_context` (trimmed, oldest turns first, to 500 turns / 16000
/// characters), `language_codes`, `sample_rate`, `channels`, `timestamps`; other fields are sent
/// as given. Dictation API fields: `sample_rate`, `channels`, `language_codes`, `stt_prompt`
/// (6000), `keyterms_prompt`, `llm_instruction` (2048), `rewrite_mode` (`fast` or `smart`); any
/// other field is rejected, as the official SDK's `DictationConfig` rejects it.
public struct AudioRequestConfig: Sendable, Equatable {
    /// The fields of the `config` part, in the order they were set.
    public var fields = JSONObject()
    /// The Sync API speech model (`X-AAI-Model`); nil for the default, `universal-3-5-pro`.
    public var model: String?

    public init() {}

    /// Raw PCM's sample rate, when set.
    public var sampleRate: Int? { fields["sample_rate"]?.int64Value.map { Int($0) } }
    /// Raw PCM's channel count, when set.
    public var channels: Int? { fields["channels"]?.int64Value.map { Int($0) } }

    /// Sets (or with nil removes) one field.
    public mutating func set(_ field: String, _ value: JSONValue?) {
        if let value, !value.isNull { fields.updateValue(value, forKey: field) } else { fields.removeValue(forKey: field) }
    }

    /// The `config` part's text as it is sent to `api` (after the checks and normalisation).
    public func partJSON(for api: AudioRequestAPI) throws(AssemblyAIError) -> String {
        String(decoding: MultipartFraming.pythonJSON(.object(try validated(for: api))), as: UTF8.self)
    }

    /// The config checked and normalised for `api`: what goes into the `config` part.
    func validated(for api: AudioRequestAPI) throws(AssemblyAIError) -> JSONObject {
        var out = JSONObject()
        let allowedDictation: Set = ["sample_rate", "channels", "language_codes", "stt_prompt", "keyterms_prompt",
                                     "llm_instruction", "rewrite_mode"]
        for (key, value) in fields {
            if api == .dictation, !allowedDictation.contains(key) {
                throw .invalidArgument("\(api.configName) has no field '\(key)' (the Dictation API takes: \(allowedDictation.sorted().joined(separator: ", ")))")
            }
            switch key {
            case "sample_rate", "channels":
                guard let n = value.int64Value, n > 0, n <= (key == "channels" ? 32 : 1_000_000) else {
                    throw .invalidArgument("\(api.configName).\(key) must be a positive integer")
                }
                out.updateValue(.int(n), forKey: key)
            case "prompt", "stt_prompt", "llm_instruction":
                guard let s = value.stringValue else { throw .invalidArgument("\(api.configName).\(key) must be a string") }
                let cap = key == "llm_instruction" ? 2048 : 6000
                guard s.count <= cap else {
                    throw .invalidArgument("\(api.configName).\(key) has \(s.count) characters; at most \(cap) are allowed")
                }
                out.updateValue(value, forKey: key)
            case "keyterms_prompt":
                let terms = try AudioRequestConfig.strings(value, "\(api.configName).\(key)")
                    .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                if terms.count > 100 {
                    throw .invalidArgument("keyterms_prompt exceeds 100 terms (got \(terms.count))")
                }
                let total = terms.reduce(0) { $0 + $1.count }
                if total > 8000 { throw .invalidArgument("keyterms_prompt exceeds 8000 characters (got \(total))") }
                if !terms.isEmpty { out.updateValue(.array(terms.map { .string($0) }), forKey: key) }
            case "conversation_context" where api == .sync:
                var turns: [String]
                if let s = value.stringValue { turns = [s] } else { turns = try AudioRequestConfig.strings(value, "\(api.configName).\(key)") }
                turns = turns.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                var total = turns.reduce(0) { $0 + $1.count }
                var drop = 0
                while drop < turns.count, turns.count - drop > 500 || total > 16_000 {
                    total -= turns[drop].count
                    drop += 1
                }
                turns.removeFirst(drop)
                if !turns.isEmpty { out.updateValue(.array(turns.map { .string($0) }), forKey: key) }
            case "language_codes":
                let codes = try AudioRequestConfig.strings(value, "\(api.configName).\(key)")
                out.updateValue(.array(codes.map { .string($0) }), forKey: key)
            case "rewrite_mode":
                guard let s = value.stringValue, s == "fast" || s == "smart" else {
                    throw .invalidArgument("\(api.configName).rewrite_mode must be \"fast\" or \"smart\"")
                }
                out.updateValue(value, forKey: key)
            case "timestamps" where api == .sync:
                guard value.boolValue != nil else { throw .invalidArgument("\(api.configName).timestamps must be a boolean") }
                out.updateValue(value, forKey: key)
            default:
                out.updateValue(value, forKey: key)
            }
        }
        // The order 1.8.2's models declare their fields in (json.dumps of model_dump keeps it),
        // then any other field as set.
        let order = api == .sync
            ? ["prompt", "keyterms_prompt", "conversation_context", "language_codes", "sample_rate", "channels", "timestamps"]
            : ["sample_rate", "channels", "language_codes", "stt_prompt", "keyterms_prompt", "llm_instruction", "rewrite_mode"]
        var ordered = JSONObject()
        for key in order { if let v = out[key] { ordered.updateValue(v, forKey: key) } }
        for (key, value) in out where !order.contains(key) { ordered.updateValue(value, forKey: key) }
        return ordered
    }

    private static func strings(_ value: JSONValue, _ what: String) throws(AssemblyAIError) -> [String] {
        guard case .array(let items) = value else { throw .invalidArgument("\(what) must be an array of strings") }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw .invalidArgument("\(what) must be an array of strings") }
            out.append(s)
        }
        return out
    }
}
