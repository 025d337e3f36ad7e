// The answer of a Sync API or Dictation API request, and the error of a failed one.

/// One word of a Sync or Dictation transcript.
public struct AudioRequestWord: Sendable, Equatable {
    public var text: String
    /// Start in milliseconds; nil unless the Sync request set `timestamps` (never for Dictation).
    public var start: Int?
    /// End in milliseconds; nil unless the Sync request set `timestamps`.
    public var end: Int?
    /// Confidence from 0 to 1.
    public var confidence: Double
}

/// A finished transcript of the Sync API (`SyncTranscriptResponse`) or of the Dictation API
/// (`DictationResponse`, which adds the LLM rewrite). Immutable.
public final class AudioRequestResult: Sendable {
    /// The whole answer as parsed JSON (for fields this version does not know).
    public let document: JSONDocument
    /// The full transcript text (Dictation: the raw transcript, before any LLM pass).
    public let text: String
    public let words: [AudioRequestWord]
    /// Overall confidence from 0 to 1.
    public let confidence: Double
    public let audioDurationMs: Int
    /// The server's id of this request, to quote to support.
    public let sessionId: String
    /// Server-side time of the whole request in ms, when the server sent it.
    public let requestTimeMs: Double?
    /// Dictation: the transcript rewritten by the LLM pass, when it ran and succeeded.
    public let llmResponse: String?
    /// Dictation: why the LLM pass failed, when it did.
    public let llmError: String?
    /// Dictation: the time spent transcribing, without the LLM pass, when the server sent it.
    public let syncTimeMs: Double?

    /// The text to show: the LLM rewrite when there is one, the raw transcript otherwise.
    public var finalText: String { llmResponse ?? text }

    /// Parses an answer; throws a protocol error naming a missing or mistyped field.
    init(body: [UInt8], api: AudioRequestAPI) throws(AssemblyAIError) {
        var bytes = body
        bytes.append(0)
        let doc: JSONDocument
        do { doc = try JSONDocument(nulTerminated: bytes) } catch {
            throw AssemblyAIError(.proto, "malformed JSON in the \(api.name)'s answer to POST \(AudioRequestAPI.transcribePath): \(error)", httpStatus: 200)
        }
        let root = doc.root
        func bad(_ field: String) -> AssemblyAIError {
            AssemblyAIError(.proto, "the \(api.name)'s answer has no valid '\(field)'", httpStatus: 200)
        }
        guard root.isObject else { throw AssemblyAIError(.proto, "the \(api.name)'s answer is not a JSON object", httpStatus: 200) }
        guard let text = root["text"]?.string else { throw bad("text") }
        guard let confidence = root["confidence"]?.double else { throw bad("confidence") }
        guard let duration = root["audio_duration_ms"]?.int else { throw bad("audio_duration_ms") }
        guard let session = root["session_id"]?.string else { throw bad("session_id") }
        var words: [AudioRequestWord] = []
        if let list = root["words"], !list.isNull {
            guard list.isArray else { throw bad("words") }
            for i in 0..<list.count {
                guard let w = list[i], let t = w["text"]?.string, let c = w["confidence"]?.double else { throw bad("words[\(i)]") }
                words.append(AudioRequestWord(text: t, start: w["start"]?.int, end: w["end"]?.int, confidence: c))
            }
        }
        self.document = doc
        self.text = text
        self.words = words
        self.confidence = confidence
        self.audioDurationMs = duration
        self.sessionId = session
        self.requestTimeMs = root["request_time_ms"]?.double
        self.llmResponse = api == .dictation ? root["llm_response"]?.string : nil
        self.llmError = api == .dictation ? root["llm_error"]?.string : nil
        self.syncTimeMs = api == .dictation ? root["sync_time_ms"]?.double : nil
    }

    /// The answer's JSON text.
    public var json: String { String(decoding: document.bytes.prefix(document.length), as: UTF8.self) }
}

enum AudioRequestErrors {
    /// The error for a non-200 answer, read as 1.8.2 reads it: an RFC 9457 problem-details body
    /// (`error_code` is the snake_cased `title`), or the older `{"error_code", "message"}`,
    /// `{"detail"}` and `{"error"}` shapes; `retry_after` from the Retry-After header in seconds.
    static func from(_ response: HTTPResponse, api: AudioRequestAPI) -> AssemblyAIError {
        var errorCode: String?
        var message: String?
        if let doc = try? JSONDocument(bytes: response.body), doc.root.isObject {
            let root = doc.root
            errorCode = root["error_code"]?.string
            if errorCode == nil, let title = root["title"]?.string, !title.isEmpty {
                errorCode = title.lowercased().replacingAll(" ", with: "_")
            }
            message = nonEmpty(root["detail"]?.string) ?? nonEmpty(root["message"]?.string) ?? nonEmpty(root["error"]?.string)
            // The LLM Gateway-style {"error": {"message"}} some proxies answer with.
            if message == nil { message = nonEmpty(root["error"]?["message"]?.string) }
        } else if !response.body.isEmpty {
            message = String(decoding: response.body.prefix(300), as: UTF8.self)
        }
        let what = api == .sync ? "sync transcription" : "dictation transcription"
        var text = "HTTP \(response.status) from POST \(api.name) \(AudioRequestAPI.transcribePath)"
        text += ": " + (message ?? "\(what) failed with status \(response.status)")
        if let errorCode { text += " (error_code \(errorCode))" }
        var error = AssemblyAIError(ErrorCode.forHTTPStatus(response.status), text, httpStatus: response.status, serverText: message)
        error.apiErrorCode = errorCode
        error.retryAfterSeconds = response.retryAfterMs.map { $0 / 1000 }
        return error
    }

    private static func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
}
