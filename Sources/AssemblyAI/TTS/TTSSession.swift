import CCurl
import Glibc
import Synchronization

/// The `Begin` frame: the session is open and configured.
public struct TTSBegin: Sendable {
    /// The session id: quote it in support requests.
    public var id: String
    /// Unix time in seconds at which the session's maximum duration ends.
    public var expiresAt: Int
    /// The session as created (effective parameters, limits, ...) as JSON text.
    public var configurationJSON: String
    /// Characters one `Generate` frame may carry (`limits.max_generate_text_length`; 0: no limit).
    public var maxGenerateChars: Int
    /// The whole `Begin` frame as JSON text.
    public var frameJSON: String
}

/// The `Termination` summary of a session that ended cleanly.
public struct TTSTermination: Sendable {
    public var sessionDurationSeconds: Int
    /// The billed characters.
    public var totalInputCharLength: Int
    public var audioDurationSeconds: Double
    public var voiceExpiresAt: Int?
}

/// One server frame of a session (or the failure that ended it).
public enum TTSSessionEvent: Sendable {
    case begin(TTSBegin)
    /// A piece of request `flushID`'s audio: raw codec bytes.
    case audio(flushID: Int, bytes: [UInt8])
    /// Request `flushID`'s audio has all been delivered.
    case flushDone(flushID: Int, audioDurationMs: Int)
    /// Word timings of a request, on the session's audio timeline (subtract `audioStartMs`).
    case wordBoundaries(flushID: Int, audioStartMs: Int, words: [TTSWord])
    /// The answer to a `Cancel`: audio streamed for the cancelled request before it stopped.
    case cancelled(audioDurationSeconds: Double)
    case termination(TTSTermination)
    /// The session failed: the error, the close code (1006 when the connection ended without
    /// one) and the `Error` frame as JSON text when the server sent one.
    case error(AssemblyAIError, closeCode: Int, frameJSON: String?)
}

/// A Text-to-Speech WebSocket session (`GET /v1/ws` on the TTS host): text in as it is written,
/// audio out as it is generated, as the official SDK 1.8.2's `TTSSession` speaks it.
///
/// ``connect()`` opens the socket and waits for `Begin`; ``generate(_:)`` appends text to the
/// current request, ``flush()`` concludes it (every flush and every cancel takes the next
/// `flush_id`), ``cancel()`` is the barge-in, ``terminate(timeoutMs:)`` ends cleanly after the
/// text already sent is spoken. Server frames go to `onEvent` on the session's reader thread
/// (one pthread per open session), in arrival order; it may call the sending methods, and
/// ``close()``, but must not block for long.
///
/// Thread-safe. The socket is used by one thread at a time (each libcurl send or receive holds
/// the connection's lock; waiting happens outside it).
public final class TTSSession: @unchecked Sendable {  // mutable state guarded by `state`
    /// The route, after the host and any path prefix of the TTS base URL.
    public static let path = "/v1/ws"

    public struct Options: Sendable {
        public var config = TTSConfig()
        /// A temporary token instead of the API key (sent as the `token` query parameter).
        public var token: String?
        /// Whether the server sends word timings (the official SDK's default: off).
        public var wordBoundaries = false
        /// Seconds (5 to 120) with no frame either way after which the API closes the session.
        public var inactivityTimeoutSeconds: Int?
        public var connectTimeoutMs = 10_000
        public init() {}
    }

    public let client: Client
    public let options: Options
    private let onEvent: @Sendable (TTSSessionEvent) -> Void

    /// The connection, shared with the reader thread: every libcurl call on it holds `io`.
    private final class Connection: @unchecked Sendable {
        let socket: WebSocketConnection
        init(_ socket: WebSocketConnection) { self.socket = socket }
    }

    private struct State {
        var connection: Connection?
        var reader: pthread_t?
        var begin: TTSBegin?
        var termination: TTSTermination?
        var failure: AssemblyAIError?
        var nextFlushID = 0
        var stopping = false
        var ended = false
    }
    private let state = Mutex(State())
    /// Held around every libcurl call on the socket.
    private let io = Mutex(())
    private let signal = ConditionLock()

    public init(client: Client, options: Options = Options(), onEvent: @escaping @Sendable (TTSSessionEvent) -> Void) {
        self.client = client
        self.options = options
        self.onEvent = onEvent
    }

    deinit { close() }

    /// Whether the calling thread is this session's reader (which runs `onEvent`).
    public var isReaderThread: Bool {
        guard let reader = state.withLock({ $0.reader }) else { return false }
        return pthread_equal(reader, pthread_self()) != 0
    }

    /// The `Begin` frame, once connected.
    public var begin: TTSBegin? { state.withLock { $0.begin } }
    /// The `Termination` summary, once the session ended cleanly.
    public var termination: TTSTermination? { state.withLock { $0.termination } }
    /// The failure that ended the session, if one did.
    public var failure: AssemblyAIError? { state.withLock { $0.failure } }

    /// The session URL: the TTS base URL with ws(s):// and `/v1/ws`, and the options as the query.
    func url() throws(AssemblyAIError) -> String {
        try options.config.checkForSession()
        let settings = client.settings
        let base = try Settings.validatedBaseURL(settings.ttsBaseURL)
        let wsBase = base.lowercased().hasPrefix("https://") ? "wss://" + base.dropFirst(8) : "ws://" + base.dropFirst(7)
        var query: [(String, String)] = []
        for (key, value) in options.config.fields {
            switch value {
            case .string(let s): query.append((key, s))
            case .bool(let b): query.append((key, b ? "true" : "false"))
            default: query.append((key, value.serialized()))
            }
        }
        query.append(("word_boundaries", options.wordBoundaries ? "true" : "false"))
        if let t = options.inactivityTimeoutSeconds { query.append(("inactivity_timeout", String(t))) }
        if let token = options.token { query.append(("token", token)) }
        let encoded = query.map { escapeQuery($0.0) + "=" + escapeQuery($0.1) }.joined(separator: "&")
        return wsBase + TTSSession.path + "?" + encoded
    }

    /// Opens the socket and waits for `Begin` (at most ``Options/connectTimeoutMs``). A refusal
    /// (an `Error` frame, a close, an HTTP answer to the upgrade) is thrown with the server's text.
    @discardableResult
    public func connect(timeoutMs: Int? = nil) throws(AssemblyAIError) -> TTSBegin {
        let connectTimeoutMs = timeoutMs ?? options.connectTimeoutMs
        if state.withLock({ $0.connection != nil && !$0.ended }) { throw AssemblyAIError(.state, "the session is already connected") }
        close()  // a previous connection's reader
        let settings = client.settings
        if options.token == nil, (settings.apiKey ?? "").isEmpty {
            throw AssemblyAIError(.auth, "no API key: set ASSEMBLYAI_API_KEY, give one to the client, or use a token")
        }
        let target = try WebSocketURL(try url())
        var headers: [(String, String)] = [("User-Agent", settings.userAgent)]
        if options.token == nil, let key = settings.apiKey { headers.append(("Authorization", key)) }
        let deadline = monotonicMs() + connectTimeoutMs
        let connection: WebSocketConnection
        do throws(AssemblyAIError) {
            connection = try WebSocketConnection.open(url: target, headers: headers, settings: settings, deadlineMs: deadline)
        } catch {
            throw error.redacting(settings.apiKey)
        }
        let shared = Connection(connection)
        state.withLock { s in
            s = State()
            s.connection = shared
        }
        startReader()
        // Wait for Begin, a failure, or the deadline.
        let outcome: Result<TTSBegin, AssemblyAIError>? = signal.withLock {
            while true {
                let (begin, failure, ended) = state.withLock { ($0.begin, $0.failure, $0.ended) }
                if let begin { return .success(begin) }
                if let failure { return .failure(failure) }
                if ended { return .failure(AssemblyAIError(.connection, "WebSocket \(TTSSession.path): the session closed before it began")) }
                if monotonicMs() >= deadline { return nil }
                signal.wait(untilMs: deadline)
            }
        }
        switch outcome {
        case .success(let begin): return begin
        case .failure(let error):
            close()
            throw error
        case nil:
            close()
            throw AssemblyAIError(.timeout, "WebSocket \(TTSSession.path): the session did not begin within \(connectTimeoutMs) ms")
        }
    }

    /// Appends `text` to the current request (joined exactly as sent: include the spaces). A text
    /// over the `Begin` limit of one frame (2,000 characters by default) is refused: split it.
    public func generate(_ text: String) throws(AssemblyAIError) {
        let limit = begin?.maxGenerateChars ?? 2000
        let count = text.unicodeScalars.count
        if limit > 0, count > limit {
            throw .invalidArgument("text is \(count) characters, over the \(limit)-character limit of one Generate frame; split it across several generate() calls")
        }
        try send(.object(["type": .string("Generate"), "text": .string(text)]))
    }

    /// Concludes the current request; returns its `flush_id`.
    @discardableResult
    public func flush() throws(AssemblyAIError) -> Int {
        try sendNumbered("Flush")
    }

    /// Barge-in: stops the request in flight, drops queued requests and unflushed text. Takes a
    /// `flush_id` like a flush; returns it.
    @discardableResult
    public func cancel() throws(AssemblyAIError) -> Int {
        try sendNumbered("Cancel")
    }

    /// Restarts the API's idle timer.
    public func keepAlive() throws(AssemblyAIError) {
        try send(.object(["type": .string("KeepAlive")]))
    }

    /// Sends `Terminate` and waits (at most `timeoutMs`) for `Termination`; text sent and not
    /// flushed is spoken first. Returns the summary, or nil when the session had ended or the
    /// wait timed out. Then closes the socket. Not from `onEvent` (it waits for the reader).
    @discardableResult
    public func terminate(timeoutMs: Int = 10_000) -> TTSTermination? {
        guard state.withLock({ $0.connection != nil }) else { return nil }
        if !state.withLock({ $0.ended }) {
            try? send(.object(["type": .string("Terminate")]))
            let deadline = monotonicMs() + max(0, timeoutMs)
            signal.withLock {
                while !state.withLock({ $0.ended }) && monotonicMs() < deadline { signal.wait(untilMs: deadline) }
            }
        }
        close()
        return termination
    }

    /// Closes the socket without `Terminate` (audio in flight is dropped) and waits for the
    /// reader thread, unless called from it. Idempotent.
    public func close() {
        let (reader, shared) = state.withLock { s -> (pthread_t?, Connection?) in
            s.stopping = true
            let r = s.reader
            s.reader = nil
            return (r, s.connection)
        }
        let connection = shared?.socket
        if let reader {
            if pthread_equal(reader, pthread_self()) != 0 {
                pthread_detach(reader)
            } else {
                pthread_join(reader, nil)
            }
        }
        if let connection {
            io.withLock { _ in
                var out: [UInt8] = []
                let payload = WebSocketCodec.closePayload(code: 1000)
                connection.encode(.close, payload, into: &out)
                _ = try? out.withBytes { (raw) throws(AssemblyAIError) in _ = try connection.send(raw, what: "close") }
                connection.close()
            }
        }
        state.withLock { s in
            s.connection = nil
            s.ended = true
        }
        signal.withLock { signal.broadcast() }
    }

    // MARK: sending

    private func sendNumbered(_ type: String) throws(AssemblyAIError) -> Int {
        // The id is taken under the same lock as the frame is written, so ids follow wire order.
        try io.withLock { (_) throws(AssemblyAIError) -> Int in
            let id = state.withLock { s -> Int in
                let id = s.nextFlushID
                s.nextFlushID += 1
                return id
            }
            try sendLocked(.object(["type": .string(type)]))
            return id
        }
    }

    private func send(_ frame: JSONValue) throws(AssemblyAIError) {
        try io.withLock { (_) throws(AssemblyAIError) in try sendLocked(frame) }
    }

    /// Writes one text frame; `io` is held. Waiting for the socket happens with it held too, but
    /// only the reader contends for it and it never waits while holding it.
    private func sendLocked(_ frame: JSONValue) throws(AssemblyAIError) {
        let (shared, failure, ended) = state.withLock { ($0.connection, $0.failure, $0.ended) }
        if let failure { throw failure }
        guard let connection = shared?.socket, !ended else { throw AssemblyAIError(.state, "the session is not open: connect() first") }
        var out: [UInt8] = []
        connection.encode(.text, frame.serializedBytes(), into: &out)
        try connection.sendAll(out, deadlineMs: monotonicMs() + client.settings.ttsHTTPTimeoutMs,
                               what: "WebSocket \(TTSSession.path)")
    }

    // MARK: the reader thread

    private final class Box { let session: TTSSession; init(_ s: TTSSession) { session = s } }

    private func startReader() {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(self)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            aai_thread_set_name("aai-tts-read")
            box.session.readLoop()
            return nil
        }, box)
        if rc == 0 {
            state.withLock { $0.reader = thread }
        } else {
            Unmanaged<Box>.fromOpaque(box).release()
            finish(AssemblyAIError(.internal, "could not start the session's reader thread"), closeCode: 1006, frame: nil)
        }
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let what = "WebSocket \(TTSSession.path)"
        while true {
            let (shared, stopping) = state.withLock { ($0.connection, $0.stopping) }
            guard let connection = shared?.socket, !stopping else { return }
            // Frames first: the handshake may have read some already (an Error right after 101).
            while true {
                let message: WebSocketMessage?
                do throws(WebSocketProtocolError) {
                    guard let frame = try connection.parser.next() else { break }
                    message = try connection.assembler.push(frame)
                } catch {
                    finish(AssemblyAIError(.proto, "\(what): \(error.message)"), closeCode: Int(error.closeCode), frame: nil)
                    return
                }
                guard let message else { continue }
                if !handle(message, connection: connection) { return }
            }
            let result: WebSocketConnection.RecvResult
            do throws(AssemblyAIError) {
                result = try io.withLock { (_) throws(AssemblyAIError) in try connection.recv(into: &buffer, what: what) }
            } catch {
                finish(error, closeCode: 1006, frame: nil)
                return
            }
            switch result {
            case .again:
                var p = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, 100)
            case .eof:
                finish(AssemblyAIError(.connection, "\(what): the connection closed without a close frame (code 1006)"),
                       closeCode: 1006, frame: nil)
                return
            case .data(let n):
                connection.parser.append(Array(buffer[0..<n]))
            }
        }
    }

    /// Handles one message; false when the session ended.
    private func handle(_ message: WebSocketMessage, connection: WebSocketConnection) -> Bool {
        switch message {
        case .ping(let payload):
            try? io.withLock { (_) throws(AssemblyAIError) in
                var out: [UInt8] = []
                connection.encode(.pong, payload, into: &out)
                try connection.sendAll(out, deadlineMs: monotonicMs() + 1000, what: "pong")
            }
            return true
        case .pong, .binary:
            return true
        case .close(let code, let reason):
            let clean = state.withLock { $0.termination != nil } || code == 1000
            if clean {
                finish(nil, closeCode: Int(code), frame: nil)
            } else {
                var text = "Connection closed (code=\(code))"
                if !reason.isEmpty { text += ": \(reason)" }
                finish(AssemblyAIError(TTSSession.errorCode(forClose: Int(code)), text), closeCode: Int(code), frame: nil)
            }
            return false
        case .text(let text):
            guard let value = try? JSONValue.parse(text), let type = value["type"]?.stringValue else { return true }
            do throws(AssemblyAIError) {
                switch type {
                case "Error":
                    let message = value["error"]?.stringValue ?? "text-to-speech session failed"
                    let code = Int(value["error_code"]?.int64Value ?? 1011)
                    var error = AssemblyAIError(TTSSession.errorCode(forClose: code), "WebSocket \(TTSSession.path): \(message)",
                                                serverText: message)
                    if let t = value["error_type"]?.stringValue { error.message += " (\(t))" }
                    finish(error, closeCode: code, frame: text)
                    return false
                case "Begin":
                    let configuration = value["configuration"] ?? .object([:])
                    let limit = configuration["limits"]?["max_generate_text_length"]?.int64Value.map { Int($0) } ?? 2000
                    let begin = TTSBegin(id: value["id"]?.stringValue ?? "", expiresAt: Int(value["expires_at"]?.int64Value ?? 0),
                                         configurationJSON: configuration.serialized(), maxGenerateChars: max(0, limit),
                                         frameJSON: text)
                    // The event first: connect() returns once the callback has seen Begin.
                    onEvent(.begin(begin))
                    state.withLock { $0.begin = begin }
                    signal.withLock { signal.broadcast() }
                case "Audio":
                    guard let b64 = value["audio"]?.stringValue, let bytes = decodeBase64(b64),
                          let id = value["flush_id"]?.int64Value else { throw AssemblyAIError(.proto, "an Audio frame without flush_id or base64 audio") }
                    onEvent(.audio(flushID: Int(id), bytes: bytes))
                case "FlushDone":
                    guard let id = value["flush_id"]?.int64Value else { throw AssemblyAIError(.proto, "a FlushDone frame without flush_id") }
                    onEvent(.flushDone(flushID: Int(id), audioDurationMs: Int(value["audio_duration_ms"]?.int64Value ?? 0)))
                case "WordBoundaries":
                    guard let id = value["flush_id"]?.int64Value else { throw AssemblyAIError(.proto, "a WordBoundaries frame without flush_id") }
                    onEvent(.wordBoundaries(flushID: Int(id), audioStartMs: Int(value["audio_start_ms"]?.int64Value ?? 0),
                                            words: try TTSStreamMessage.words(value)))
                case "Cancelled":
                    onEvent(.cancelled(audioDurationSeconds: value["audio_duration_seconds"]?.doubleValue ?? 0))
                case "Termination":
                    let t = TTSTermination(sessionDurationSeconds: Int(value["session_duration_seconds"]?.int64Value ?? 0),
                                           totalInputCharLength: Int(value["total_input_char_length"]?.int64Value ?? 0),
                                           audioDurationSeconds: value["audio_duration_seconds"]?.doubleValue ?? 0,
                                           voiceExpiresAt: value["voice_expires_at"]?.int64Value.map { Int($0) })
                    state.withLock { $0.termination = t }
                    onEvent(.termination(t))
                default:
                    break  // a frame this release does not know
                }
            } catch {
                finish(AssemblyAIError(.proto, "WebSocket \(TTSSession.path): unreadable frame from the API: \(error.message)"),
                       closeCode: 1006, frame: nil)
                return false
            }
            return true
        }
    }

    /// Ends the session: records the failure (if any), wakes the waiters, reports the error.
    private func finish(_ error: AssemblyAIError?, closeCode: Int, frame: String?) {
        let first = state.withLock { s -> Bool in
            guard !s.ended else { return false }
            s.ended = true
            if let error, s.failure == nil, !s.stopping { s.failure = error.redacting(client.settings.apiKey) }
            return true
        }
        signal.withLock { signal.broadcast() }
        if first, let failure = state.withLock({ $0.failure }) {
            onEvent(.error(failure, closeCode: closeCode, frameJSON: frame))
        }
    }

    /// The status of a close code: auth refusals, retryable ones (the official SDK's list), others.
    static func errorCode(forClose code: Int) -> ErrorCode {
        switch code {
        case 1008, 3001, 3003, 3006: return .auth
        case 1006, 1011, 1012, 3005, 3008, 3009: return .connection
        case 3004: return .notFound
        default: return .http
        }
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
func escapeQuery(_ s: String) -> String { escapePathSegment(s) }
