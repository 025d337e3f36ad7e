import Glibc

/// Text in, speech out: the Text-to-Speech HTTP API, one text per request.
///
/// ``synthesize(_:config:)`` returns the complete audio; ``stream(_:config:onAudio:)`` hands the
/// audio to a callback as the API generates it, so playback can start long before the sentence
/// ends; ``streamEvents(_:config:onAudio:onWords:)`` adds the word timings (the API's
/// Server-Sent Events route). Requests go to the client's ``Settings/ttsBaseURL``
/// (`https://tts.us.assemblyai.com` by default; `https://tts.eu.assemblyai.com` keeps them in the
/// EU data zone).
///
/// Thread-safe: calls may run on several threads at once. Callbacks run on the calling thread.
/// A call runs under the calling thread's ``CancellationToken``, so another thread can stop it.
public final class TextToSpeech: Sendable {
    /// The route of a speech request.
    public static let speechPath = "/v1/speech"
    /// The route of a speech request answered as Server-Sent Events with word timings.
    public static let eventsPath = "/v1/speech/events"

    public let client: Client
    /// The default options; a per-call config replaces it whole.
    public let config: TTSConfig

    public init(client: Client, config: TTSConfig = TTSConfig()) {
        self.client = client
        self.config = config
    }

    /// Speaks `text` and returns the complete audio (`"stream": false`): nothing arrives until
    /// the audio is complete, so a refusal is always an error status, never a cut response. The
    /// wait is bounded by ``Settings/ttsSynthesizeTimeoutMs``.
    public func synthesize(_ text: String, config: TTSConfig? = nil) throws(TTSError) -> TTSResponse {
        var audio: [UInt8] = []
        var response = try run(text, config: config ?? self.config, path: TextToSpeech.speechPath, stream: false,
                                readTimeoutMs: client.settings.ttsSynthesizeTimeoutMs, accept: "*/*",
                                onHead: { _ in true }, onBody: { piece in audio.append(contentsOf: piece); return true })
        response.audio = audio
        return response
    }

    /// Speaks `text` and hands the audio to `onAudio` as it arrives (`"stream": true`). The
    /// first call of `onAudio` comes with the first audio, before the clip is finished; it
    /// receives the response headers too. Chunks are not aligned to samples. Return false to
    /// stop (the call then fails with ``ErrorCode/cancelled``). A body cut after the first audio
    /// fails with ``ErrorCode/connection`` (HTTP status 200, retryable): retry the whole request;
    /// a partial clip is never presented as complete.
    public func stream(_ text: String, config: TTSConfig? = nil,
                       onAudio: @escaping (TTSResponseInfo, UnsafeRawBufferPointer) -> Bool) throws(TTSError) -> TTSResponse {
        var info = TTSResponseInfo()
        return try run(text, config: config ?? self.config, path: TextToSpeech.speechPath, stream: true,
                       readTimeoutMs: client.settings.ttsHTTPTimeoutMs, accept: "*/*",
                       onHead: { head in info = head; return true },
                       onBody: { piece in onAudio(info, piece) })
    }

    /// Speaks `text` over the events route: audio and word timings as Server-Sent Events.
    /// `onAudio` receives decoded audio pieces as they arrive, `onWords` each batch of word
    /// timings (ms from the start of the audio) as soon as the server knows them. Either returns
    /// false to stop. The response holds every word; its ``TTSResponseInfo/audioDurationMs`` is
    /// the `done` event's. A stream that ends before its `done` event is an error.
    public func streamEvents(_ text: String, config: TTSConfig? = nil,
                             onAudio: @escaping (TTSResponseInfo, UnsafeRawBufferPointer) -> Bool,
                             onWords: @escaping ([TTSWord]) -> Bool) throws(TTSError) -> TTSResponse {
        do {
                var info = TTSResponseInfo()
                var parser = SSEParser()
                var words: [TTSWord] = []
                var finished = false
                var failure: AssemblyAIError?
                var envelope: String?
                func handle(_ event: SSEEvent) -> Bool {
                    guard let message = try? TTSStreamMessage(sse: event) else {
                        failure = AssemblyAIError(.proto, "unreadable \(event.event) event from the events route")
                        return false
                    }
                    switch message {
                    case .audio(let bytes):
                        return bytes.withUnsafeBytes { onAudio(info, $0) }
                    case .words(let batch, _):
                        words += batch
                        return onWords(batch)
                    case .done(let ms, let billed):
                        info.audioDurationMs = ms
                        if let billed { info.billedCharacters = billed }
                        finished = true
                        return true
                    case .error(let json, let message):
                        envelope = json
                        failure = AssemblyAIError(.server, message, httpStatus: 200, serverText: message)
                        return false
                    case .other:
                        return true
                    }
                }
                var response: TTSResponse
                do throws(TTSError) {
                    response = try run(text, config: config ?? self.config, path: TextToSpeech.eventsPath, stream: nil,
                                       readTimeoutMs: client.settings.ttsHTTPTimeoutMs, accept: "text/event-stream",
                                       onHead: { head in info = head; return true },
                                       onBody: { piece in
                                           let events: [SSEEvent]
                                           do throws(SSEError) { events = try parser.feed(piece) } catch {
                                               failure = AssemblyAIError(.proto, "POST \(TextToSpeech.eventsPath): \(error.message)")
                                               return false
                                           }
                                           for event in events where !handle(event) { return false }
                                           return true
                                       })
                } catch {
                    var e = error
                    if let failure { e.error = failure.redacting(client.settings.apiKey) }
                    e.response.info = info
                    e.response.words = words
                    if let envelope { e.response.errorJSON = envelope }
                    throw e
                }
                guard finished else {
                    response.info = info
                    response.words = words
                    throw TTSError(AssemblyAIError(.connection, "The event stream ended before its done event. Retry the request.",
                                                   httpStatus: 200), response: response)
                }
                response.info = info
                response.words = words
                return response
        }
    }

    /// Sends one request and streams its body; a non-200 becomes a ``TTSError`` with the envelope.
    private func run(_ text: String, config: TTSConfig, path: String, stream: Bool?, readTimeoutMs: Int, accept: String,
                     onHead: @escaping (TTSResponseInfo) -> Bool,
                     onBody: @escaping (UnsafeRawBufferPointer) -> Bool) throws(TTSError) -> TTSResponse {
        do throws(AssemblyAIError) { try TTSConfig.checkText(text) } catch { throw TTSError(error) }
        let settings = client.settings
        guard let key = settings.apiKey, !key.isEmpty else {
            throw TTSError(AssemblyAIError(.auth, "no API key: set ASSEMBLYAI_API_KEY or give one to the client"))
        }
        let base: String
        do throws(AssemblyAIError) { base = try Settings.validatedBaseURL(settings.ttsBaseURL) } catch { throw TTSError(error) }
        var body = config.body(text: text, stream: stream ?? false)
        if stream == nil {
            // The events route streams by nature: no `stream` member.
            var object = config.fields
            _ = object.updateValue(.string(text), forKey: "text")
            body = JSONValue.object(object).serializedBytes()
        }
        let voice = config.voiceID
        var response = TTSResponse()
        let outcome: TTSTransfer.Outcome
        do throws(AssemblyAIError) {
            outcome = try TTSTransfer.post(
                url: base + path, what: "POST \(path)", body: body, settings: settings, accept: accept,
                connectTimeoutMs: settings.ttsHTTPTimeoutMs, readTimeoutMs: readTimeoutMs,
                checkHead: { head in TextToSpeech.checkContentType(head, path: path, events: stream == nil) },
                onHead: { head in
                    response.info = TTSResponseInfo(headers: head.headers, requestedVoice: voice)
                    response.httpStatus = head.status
                    return onHead(response.info)
                },
                onBody: onBody)
        } catch {
            throw TTSError(error, response: response)
        }
        response.httpStatus = outcome.status
        response.info = TTSResponseInfo(headers: outcome.headers, requestedVoice: voice)
        guard outcome.status == 200 else {
            throw TextToSpeech.refusal(outcome, path: path, response: response, apiKey: settings.apiKey)
        }
        return response
    }

    /// A 200 whose body is not what the route sends (JSON or text instead of audio, anything but
    /// an event stream on the events route) is a protocol error: never handed over as audio.
    static func checkContentType(_ head: TTSTransfer.Outcome, path: String, events: Bool) -> AssemblyAIError? {
        let type = (head.headers["content-type"] ?? "").lowercased()
        let ok = events ? type.hasPrefix("text/event-stream") : !(type.hasPrefix("application/json") || type.hasPrefix("text/"))
        guard !ok else { return nil }
        return AssemblyAIError(.proto, "POST \(path): a 200 answer of type '\(type)' instead of \(events ? "an event stream" : "audio") "
                               + "(malformed JSON or an error without its status)", httpStatus: 200)
    }

    /// The error of a non-200 answer: the API's envelope (`code`, `message`, ...), or for an
    /// answer without one (a proxy's 502), its status and text.
    static func refusal(_ outcome: TTSTransfer.Outcome, path: String, response: TTSResponse, apiKey: String?) -> TTSError {
        var response = response
        let status = outcome.status
        var message = "text-to-speech request failed with status \(status)"
        var serverText: String?
        var code = ErrorCode.forHTTPStatus(status)
        if case .object(let o)? = try? JSONValue.parse(outcome.errorBody) {
            let text = o["message"]?.stringValue ?? o["error"]?.stringValue ?? o["error"]?["message"]?.stringValue
            if let text {
                serverText = text
                message = "HTTP \(status) from POST \(path): \(text)"
                if let apiCode = o["code"]?.stringValue { message += " (\(apiCode))" }
            }
            response.errorJSON = JSONValue.object(o).serialized()
            if response.info.requestID == nil { response.info.requestID = o["request_id"]?.stringValue }
        } else if !outcome.errorBody.isEmpty {
            serverText = String(decoding: outcome.errorBody.prefix(200), as: UTF8.self).trimmingWhitespace()
            message += ": \(serverText!)"
        }
        if status == 422 || status == 400 { code = .http }
        let error = AssemblyAIError(code, message, httpStatus: status, serverText: serverText).redacting(apiKey)
        return TTSError(error, response: response)
    }
}

/// One message of the events route (or a WebSocket session), parsed.
enum TTSStreamMessage {
    case audio([UInt8])
    case words([TTSWord], audioStartMs: Int)
    case done(audioDurationMs: Int, billedCharacters: Int?)
    /// The error envelope as JSON text, and its message.
    case error(String, String)
    case other

    struct Unreadable: Error {}

    /// Parses an SSE event of the events route; throws for a known event that is malformed.
    init(sse event: SSEEvent) throws(AssemblyAIError) {
        let value: JSONValue
        do { value = try JSONValue.parse(event.data) } catch {
            throw AssemblyAIError(.proto, "event \(event.event) carries no JSON: \(error)")
        }
        let type = value["type"]?.stringValue ?? event.event
        switch type {
        case "Audio", "audio":
            guard let text = value["audio"]?.stringValue, let bytes = decodeBase64(text) else {
                throw AssemblyAIError(.proto, "audio event without valid base64 audio")
            }
            self = .audio(bytes)
        case "WordBoundaries", "word_boundaries":
            self = .words(try TTSStreamMessage.words(value), audioStartMs: Int(value["audio_start_ms"]?.int64Value ?? 0))
        case "Done", "done":
            guard let ms = value["audio_duration_ms"]?.int64Value else { throw AssemblyAIError(.proto, "done event without audio_duration_ms") }
            self = .done(audioDurationMs: Int(ms), billedCharacters: value["billed_characters"]?.int64Value.map { Int($0) })
        case "Error", "error":
            let message = value["message"]?.stringValue ?? value["error"]?.stringValue ?? "text-to-speech stream failed"
            self = .error(value.serialized(), message)
        default:
            self = .other
        }
    }

    static func words(_ value: JSONValue) throws(AssemblyAIError) -> [TTSWord] {
        guard let array = value["words"]?.arrayValue else { throw AssemblyAIError(.proto, "word timings without a words array") }
        var out: [TTSWord] = []
        out.reserveCapacity(array.count)
        for w in array {
            guard let word = w["word"]?.stringValue, let start = w["start"]?.int64Value, let end = w["end"]?.int64Value else {
                throw AssemblyAIError(.proto, "a word timing without word, start or end")
            }
            out.append(TTSWord(word: word, start: Int(start), end: Int(end), confidence: w["confidence"]?.doubleValue ?? 0))
        }
        return out
    }
}

/// Which route and mode a non-blocking Text-to-Speech call uses.
public enum TTSMode: Sendable {
    /// ``TextToSpeech/synthesize(_:config:)``: the complete audio in the response.
    case synthesize
    /// ``TextToSpeech/stream(_:config:onAudio:)``: audio to the callback as it arrives.
    case stream
    /// ``TextToSpeech/streamEvents(_:config:onAudio:onWords:)``: audio and word timings.
    case events
}

extension TextToSpeech {
    /// Runs a Text-to-Speech call as one job on the library's worker pool and returns at once.
    /// The callbacks and `onComplete` run on the worker thread; ``FutureBase/cancel()`` stops the
    /// call (within about a second when no data arrives, at the next piece otherwise) and returns
    /// at once. The future's value is the response, also on a failure (what had arrived: headers,
    /// the error envelope). An empty or over-long text is refused here, before anything starts.
    public func startAsync(_ mode: TTSMode, _ text: String, config: TTSConfig? = nil,
                           onAudio: (@Sendable (TTSResponseInfo, UnsafeRawBufferPointer) -> Bool)? = nil,
                           onWords: (@Sendable ([TTSWord]) -> Bool)? = nil,
                           onComplete: CompletionHandler<TTSResponse>? = nil) throws(AssemblyAIError) -> Future<TTSResponse> {
        try TTSConfig.checkText(text)
        let config = config ?? self.config
        let future = Future<TTSResponse>(onComplete: onComplete)
        let what = mode == .events ? "POST \(TextToSpeech.eventsPath)" : "POST \(TextToSpeech.speechPath)"
        future.onCancel { future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was cancelled")) }
        let job = WorkerPool.Job(token: future.token) { [self] in
            guard !future.isFinished else { return }
            do throws(TTSError) {
                let response: TTSResponse
                switch mode {
                case .synthesize: response = try synthesize(text, config: config)
                case .stream: response = try stream(text, config: config) { info, piece in onAudio?(info, piece) ?? true }
                case .events:
                    response = try streamEvents(text, config: config,
                                                onAudio: { info, piece in onAudio?(info, piece) ?? true },
                                                onWords: { words in onWords?(words) ?? true })
                }
                future.finish(response, failure: nil)
            } catch {
                future.finish(error.response, failure: error.error)
            }
        }
        if !WorkerPool.shared.submit(job) {
            future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was not started: the process is exiting"))
        }
        return future
    }
}
