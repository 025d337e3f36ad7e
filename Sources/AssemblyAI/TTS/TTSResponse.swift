/// What the response headers of a Text-to-Speech request say about its audio. Every field is
/// nil when the API did not send its header.
public struct TTSResponseInfo: Sendable, Equatable {
    /// `X-Request-Id`: quote it in support requests.
    public var requestID: String?
    /// The region that served the request.
    public var region: String?
    /// The model that spoke.
    public var model: String?
    /// The voice that spoke (`X-TTS-Voice-Id`, else derived from `X-TTS-Voice`).
    public var voiceID: String?
    public var language: String?
    /// The codec, in canonical form (`pcm_mulaw`, never `mulaw`).
    public var encoding: String?
    public var sampleRate: Int?
    /// `raw` or `wav`; nil for MP3.
    public var container: String?
    public var bitRate: Int?
    public var contentType: String?
    /// A cloned voice's expiry, in Unix seconds.
    public var voiceExpiresAt: Int?
    public var billedCharacters: Int?
    /// The duration of the audio in ms, on a complete response; nil on a stream with audio.
    public var audioDurationMs: Int?

    public init() {}

    /// Reads the X-TTS-* headers (names lower-cased). `requestedVoice` is the request's
    /// voice_id, which `X-TTS-Voice: custom` stands for.
    init(headers: [String: String], requestedVoice: String?) {
        func int(_ name: String) -> Int? { headers[name].flatMap { Int($0.trimmingWhitespace()) } }
        requestID = headers["x-request-id"]
        region = headers["x-tts-region"]
        model = headers["x-tts-model"]
        if let id = headers["x-tts-voice-id"] {
            voiceID = id
        } else if let voice = headers["x-tts-voice"] {
            voiceID = voice == "custom" ? requestedVoice : "aai-\(voice)"
        }
        language = headers["x-tts-language"]
        encoding = headers["x-tts-encoding"]
        sampleRate = int("x-tts-sample-rate")
        container = headers["x-tts-container"]
        bitRate = int("x-tts-bit-rate")
        contentType = headers["content-type"]
        voiceExpiresAt = int("x-tts-voice-expires-at")
        billedCharacters = int("x-tts-billed-characters")
        audioDurationMs = int("x-tts-audio-duration-ms")
    }

    /// The fields as a JSON object with the official SDK's names (`request_id`, `sample_rate`, ...).
    public var json: String {
        var o = JSONObject()
        func put(_ k: String, _ v: String?) { _ = o.updateValue(v.map(JSONValue.string) ?? .null, forKey: k) }
        func put(_ k: String, _ v: Int?) { _ = o.updateValue(v.map { .int(Int64($0)) } ?? .null, forKey: k) }
        put("request_id", requestID); put("region", region); put("model", model); put("voice_id", voiceID)
        put("language", language); put("encoding", encoding); put("sample_rate", sampleRate)
        put("container", container); put("bit_rate", bitRate); put("content_type", contentType)
        put("voice_expires_at", voiceExpiresAt); put("billed_characters", billedCharacters)
        put("audio_duration_ms", audioDurationMs)
        return JSONValue.object(o).serialized()
    }
}

/// One word of the text and when it is spoken.
public struct TTSWord: Sendable, Equatable {
    /// One whitespace-delimited token of the request's text, verbatim.
    public var word: String
    /// Start and end in milliseconds from the start of the audio.
    public var start: Int
    public var end: Int
    public var confidence: Double

    public init(word: String, start: Int, end: Int, confidence: Double) {
        self.word = word
        self.start = start
        self.end = end
        self.confidence = confidence
    }
}

/// The outcome of a Text-to-Speech request: the headers, the audio of ``TextToSpeech/synthesize(_:config:)``
/// (a streamed call hands its audio to the callback instead), the word timings of
/// ``TextToSpeech/streamEvents(_:config:onAudio:onWords:)``, and for a refusal the API's error envelope.
public struct TTSResponse: Sendable {
    public var info = TTSResponseInfo()
    /// The complete audio (``TextToSpeech/synthesize(_:config:)`` only).
    public var audio: [UInt8] = []
    /// Every word timing received (the events route only).
    public var words: [TTSWord] = []
    /// The HTTP status (0 before an answer).
    public var httpStatus = 0
    /// The error envelope of a refusal (`code`, `message`, `param`, `request_id`, `errors`,
    /// `retryable`, `retry_after_seconds`) as JSON text, or nil.
    public var errorJSON: String?

    public init() {}

    /// The API's stable error code (`voice_not_found`, `invalid_parameter`, ...), or nil.
    public var errorCode: String? { errorJSON.flatMap { try? JSONValue.parse($0) }?["code"]?.stringValue }
}

/// A failed Text-to-Speech call: the error, and what had arrived (headers, the error envelope).
public struct TTSError: Error, Sendable, CustomStringConvertible {
    public var error: AssemblyAIError
    public var response: TTSResponse

    public init(_ error: AssemblyAIError, response: TTSResponse = TTSResponse()) {
        self.error = error
        self.response = response
    }

    public var description: String { error.message }
}
