// A streaming speech-to-text session (realtime v2 or Universal Streaming v3).
//
// Threads, and who owns what:
// - connect() runs on the caller's thread: it opens the connection, performs the handshake and
//   reads until SessionBegins/Begin (or fails, with no event delivered). It then hands the
//   connection to:
// - the process's streaming loop (StreamingLoop: one I/O thread for every session), which alone
//   owns the libcurl connection from then on: through this session's IODriver it writes the
//   outgoing queue (audio and control messages, in order), reads and parses the server's
//   messages, answers pings, sends keep-alive pings, and enforces the close deadline. It never
//   runs user code, so a slow callback cannot stall the audio.
// - the process's callback pool (CallbackPool), which delivers this session's events in order
//   to the handler, one at a time. CLOSED is always the last event.
// Any thread may send audio or control messages: they go to a bounded queue (`monitor`) and the
// loop is woken. shutdown() (the C ABI's free) asks the loop to drop the connection and waits
// until it did and until no callback of this session runs (except the one that called it).

import CCurl
import Glibc

public final class StreamingSession: @unchecked Sendable, CallbackTarget {  // mutable state is guarded by `monitor`
    public typealias EventHandler = @Sendable (StreamingEvent) -> Void
    /// Told about each failed connection attempt that will be retried, on the connecting thread.
    public typealias ConnectRetryHandler = @Sendable (ConnectRetry) -> Void

    /// A failed connection attempt of connect() that is retried after `delayMs`.
    public struct ConnectRetry: Sendable {
        /// The attempt that failed (1 is the first) and how many connect() makes at most.
        public var attempt: Int
        public var maxAttempts: Int
        public var error: AssemblyAIError
        /// The wait before the next attempt (the backoff, or the server's Retry-After when longer).
        public var delayMs: Int
    }

    private enum State { case idle, connecting, open, closing, closed }
    enum Outgoing {
        case audio([UInt8], padding: Int)  // padding: silence the framer added (not the application's audio)
        case json(String)
    }

    public let client: Client
    private let monitor = Monitor()

    // Guarded by `monitor`.
    private var opts: StreamingOptions
    private var handler: EventHandler?
    private var retryHandler: ConnectRetryHandler?
    /// Whether the last failed connection attempt got as far as the WebSocket upgrade.
    private var connectUpgraded = false
    private var state: State = .idle
    private var outgoing: [Outgoing] = []
    private var queuedAudioBytes = 0
    private var events: [StreamingEvent] = []
    private var closeDeadlineMs: Int?
    private var closeTimeoutMs = 0
    private var closedDelivered = false
    private var stopRequested = false
    private var endError: AssemblyAIError?
    /// The loop's id of this session (0 while not in the loop), and whether the loop is done with it.
    private var loopID = 0
    private var ioFinished = true
    /// The loop's answer to connect.
    private var connectOutcome: Result<Void, AssemblyAIError>?
    /// Events are queued on the callback pool (or being delivered).
    private var deliveryScheduled = false
    /// With 0 callback threads: events posted by another thread wait for the loop to deliver them.
    private var deliverOnLoop = false
    /// The thread running a callback of this session now, if one does.
    private var deliveringThread: pthread_t?
    private var microphone: MicrophoneCapture?
    private var sessionIDValue: String?
    private var closeCodeValue = 0
    private var closeReasonValue: String?
    private var audioBytesQueued = 0
    private var audioBytesWritten = 0
    /// Frames the application's audio into messages the API accepts (set at connect).
    private var framer: AudioFramer?

    public init(client: Client, protocol p: StreamingProtocol) throws(AssemblyAIError) {
        self.client = client
        self.opts = StreamingOptions(protocol: p)
    }

    public var protocolVersion: StreamingProtocol { opts.protocolVersion }
    private var what: String { "\(opts.protocolVersion.name) session" }

    // MARK: configuration

    /// The options (a copy).
    public var options: StreamingOptions { monitor.withLock { opts } }

    /// Changes the options; only before connect.
    public func configure(_ change: (inout StreamingOptions) throws(AssemblyAIError) -> Void) throws(AssemblyAIError) {
        try monitor.withLock { () throws(AssemblyAIError) in
            guard state == .idle else {
                throw AssemblyAIError(.state, "connection parameters can be set only before connect (the \(what) is \(stateName))")
            }
            var copy = opts
            try change(&copy)
            opts = copy
        }
    }

    /// Sets the event handler (nil removes it). May be called at any time; the callback
    /// thread reads it before each event.
    public func setHandler(_ handler: EventHandler?) {
        monitor.withLock { self.handler = handler }
    }

    /// Sets the handler told about each connection attempt that failed and will be retried.
    public func setConnectRetryHandler(_ handler: ConnectRetryHandler?) {
        monitor.withLock { self.retryHandler = handler }
    }

    public var sessionID: String? { monitor.withLock { sessionIDValue } }
    /// The close code of the connection's end (0 while not closed), and its reason.
    public var closeCode: Int { monitor.withLock { closeCodeValue } }
    public var closeReason: String? { monitor.withLock { closeReasonValue } }
    /// Audio bytes accepted by send calls, and written to the connection.
    public var audioBytesSent: (queued: Int, written: Int) { monitor.withLock { (audioBytesQueued, audioBytesWritten) } }
    public var isOpen: Bool { monitor.withLock { state == .open } }

    private var stateName: String {
        switch state {
        case .idle: return "not connected"
        case .connecting: return "connecting"
        case .open: return "open"
        case .closing: return "closing"
        case .closed: return "closed"
        }
    }

    // MARK: connect

    /// Connects and returns once the server has begun the session (SessionBegins / Begin), or
    /// throws with the close code and reason when the server refused it. No event is delivered
    /// for a failed connect; the OPENED event comes first on the callback thread otherwise.
    public func connect() throws(AssemblyAIError) {
        if StreamingLoop.onLoopThread {  // it would wait for this very thread (callback threads 0)
            throw AssemblyAIError(.state, "connect cannot run on the streaming I/O thread (in a callback with 0 callback threads): "
                                  + "connect from another thread")
        }
        let options = try monitor.withLock { () throws(AssemblyAIError) -> StreamingOptions in
            guard state == .idle else { throw AssemblyAIError(.state, "connect on a \(what) that is \(stateName)") }
            guard !stopRequested else { throw AssemblyAIError(.state, "the \(what) is being freed") }
            state = .connecting
            closeCodeValue = 0
            closeReasonValue = nil
            return opts
        }
        // Handshake retries (the official SDK 1.8.2: max_connection_retries 2, connection_retry_delay
        // 0.5 s): an attempt that failed before the WebSocket upgrade completed, with a failure that
        // can pass (no connection, reset, timeout, HTTP 429 or 5xx), is made again after the delay
        // (times `connectRetryBackoff` per retry, at least the server's Retry-After, at most 60 s).
        // A refusal after the upgrade (a close code: bad key, bad parameters) is never retried.
        var attempt = 1
        var delayMs = Double(options.connectRetryDelayMs)
        while true {
            do throws(AssemblyAIError) {
                try connectAttempt(options)
                return
            } catch {
                let (retry, handler) = monitor.withLock { () -> (Bool, ConnectRetryHandler?) in
                    (!connectUpgraded && !stopRequested && error.isRetryable && error.code != .tls
                        && attempt <= options.connectRetries, retryHandler)
                }
                guard retry else { throw error }
                var wait = Int(delayMs.rounded())
                if let after = error.retryAfterSeconds { wait = max(wait, after * 1000) }
                wait = min(wait, 60_000)
                handler?(ConnectRetry(attempt: attempt, maxAttempts: options.connectRetries + 1, error: error, delayMs: wait))
                let freed = monitor.withLock { () -> Bool in
                    guard state == .idle else { return true }
                    state = .connecting  // no other connect starts meanwhile
                    let end = monotonicMs() + wait
                    while !stopRequested, monotonicMs() < end { _ = monitor.wait(untilMs: end) }
                    guard !stopRequested else { state = .idle; return true }
                    return false
                }
                if freed { throw AssemblyAIError(.state, "the \(what) was freed while connecting") }
                attempt += 1
                delayMs *= options.connectRetryBackoff
            }
        }
    }

    /// One connection attempt (the state is .connecting; back to .idle when it fails).
    private func connectAttempt(_ options: StreamingOptions) throws(AssemblyAIError) {
        monitor.withLock { connectUpgraded = false }
        do throws(AssemblyAIError) {
            guard let pool = CallbackPool.shared, let loop = StreamingLoop.shared else {  // the pool first: it fixes the settings
                throw AssemblyAIError(.internal, "could not start the streaming loop (epoll, eventfd or a thread refused)")
            }
            if StreamingSession.blockingConnect {
                // The connect of versions before the loop: on this thread, then handed over.
                let (connection, begin) = try open(options)
                try monitor.withLock { () throws(AssemblyAIError) in
                    guard !stopRequested else { throw AssemblyAIError(.state, "the \(what) was freed while connecting") }
                    ioFinished = false
                    opened(begin, options)
                    loopID = loop.register(IODriver(session: self, connection: connection, options: options))
                }
                scheduleDelivery(pool)
                return
            }
            // Through the loop: libcurl's multi handle connects (no thread blocks on the network),
            // the loop performs the handshake and reads until Begin; this thread waits.
            let (url, headers) = try target(options)
            let driver = try IODriver(session: self, options: options, url: url, headers: headers,
                                      deadlineMs: monotonicMs() + options.connectTimeoutMs)
            let failure = monitor.withLock { () -> AssemblyAIError? in
                connectOutcome = nil
                ioFinished = false
                loopID = loop.register(driver)
                while connectOutcome == nil { monitor.wait(untilMs: nil) }
                guard case .failure(let error)? = connectOutcome else { return nil }
                return error
            }
            if let failure { throw failure }
        } catch {
            monitor.withLock { if state == .connecting { state = .idle } }
            throw error.redacting(client.settings.apiKey).redacting(options.token)
        }
    }

    /// AAI_STREAMING_BLOCKING_CONNECT=1: connect on the calling thread (the path before the
    /// loop connected sessions itself), for comparison.
    static let blockingConnect: Bool = getenv("AAI_STREAMING_BLOCKING_CONNECT").map { String(cString: $0) == "1" } ?? false

    /// The session began (lock held): the state, the framer, the OPENED event, the v2 threshold.
    private func opened(_ begin: StreamingEvent, _ options: StreamingOptions) {
        state = .open
        framer = AudioFramer(protocol: options.protocolVersion, encoding: options.encoding, sampleRate: options.sampleRate)
        sessionIDValue = begin.sessionID
        events.append(begin)
        if options.protocolVersion == .v2, let threshold = options.endUtteranceSilenceThreshold {
            outgoing.append(.json("{\"end_utterance_silence_threshold\":\(threshold)}"))
        }
        deliveryScheduled = true
    }

    /// From the loop: the session began. False when it is being freed (the driver then ends it).
    func loopConnected(_ begin: StreamingEvent, _ options: StreamingOptions) -> Bool {
        let ok = monitor.withLock { () -> Bool in
            guard !stopRequested else {
                connectOutcome = .failure(AssemblyAIError(.state, "the \(what) was freed while connecting"))
                monitor.broadcast()
                return false
            }
            opened(begin, options)
            connectOutcome = .success(())
            monitor.broadcast()
            return true
        }
        if ok, let pool = CallbackPool.shared { scheduleDelivery(pool) }
        return ok
    }

    /// From the loop: connecting failed (the close code and reason if the server closed).
    func loopConnectFailed(_ error: AssemblyAIError, closeCode: Int?, closeReason: String?, upgraded: Bool = false) {
        monitor.withLock {
            connectUpgraded = upgraded
            if let closeCode {
                closeCodeValue = closeCode
                closeReasonValue = closeReason
            }
            ioFinished = true
            connectOutcome = .failure(error)
            monitor.broadcast()
        }
    }

    /// The URL and headers of the connection.
    private func target(_ options: StreamingOptions) throws(AssemblyAIError) -> (WebSocketURL, [(String, String)]) {
        let settings = client.settings
        var headers: [(String, String)] = [("User-Agent", settings.userAgent)]
        if options.token == nil {
            guard let key = settings.apiKey, !key.isEmpty else {
                throw AssemblyAIError(.auth, "no API key and no temporary token: set ASSEMBLYAI_API_KEY, give one to the client, or set a token")
            }
            headers.append(("Authorization", key))
        }
        return (try WebSocketURL(options.sessionURL(settings: settings)), headers)
    }

    private func open(_ options: StreamingOptions) throws(AssemblyAIError) -> (WebSocketConnection, StreamingEvent) {
        let settings = client.settings
        var headers: [(String, String)] = [("User-Agent", settings.userAgent)]
        if options.token == nil {
            guard let key = settings.apiKey, !key.isEmpty else {
                throw AssemblyAIError(.auth, "no API key and no temporary token: set ASSEMBLYAI_API_KEY, give one to the client, or set a token")
            }
            headers.append(("Authorization", key))
        }
        let url = try WebSocketURL(options.sessionURL(settings: settings))
        let deadline = monotonicMs() + options.connectTimeoutMs
        let connection = try WebSocketConnection.open(url: url, headers: headers, settings: settings, deadlineMs: deadline)
        monitor.withLock { connectUpgraded = true }
        let begin = try awaitBegin(connection, options, deadlineMs: deadline)
        return (connection, begin)
    }

    /// Reads until the session begins. Everything before it is part of connect: an error
    /// message, a close frame, a timeout all become connect's error.
    private func awaitBegin(_ c: WebSocketConnection, _ options: StreamingOptions, deadlineMs: Int) throws(AssemblyAIError) -> StreamingEvent {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var errorText: String?
        let p = options.protocolVersion
        func fail(_ code: UInt16, _ reason: String) {
            var frame: [UInt8] = []
            c.encode(.close, WebSocketCodec.closePayload(code: code, reason: reason), into: &frame)
            try? c.sendAll(frame, deadlineMs: min(deadlineMs, monotonicMs() + 1000), what: what)
        }
        do {
            while true {
                while let frame = try c.parser.next() {
                    guard let message = try c.assembler.push(frame) else { continue }
                    switch message {
                    case .text(let text):
                        var event = StreamingEvent.parse(Array(text.utf8), protocol: p)
                        event.receivedNs = c.lastDataNs
                        switch event.kind {
                        case .opened: return event
                        case .error: errorText = event.text
                        default: break
                        }
                    case .binary: break
                    case .ping(let payload):
                        var frame: [UInt8] = []
                        c.encode(.pong, payload, into: &frame)
                        try c.sendAll(frame, deadlineMs: deadlineMs, what: what)
                    case .pong: break
                    case .close(let code, let reason):
                        fail(code == WebSocketCloseCode.noStatus ? WebSocketCloseCode.normal : code, "")
                        monitor.withLock {
                            closeCodeValue = Int(code)
                            closeReasonValue = reason
                        }
                        var error = StreamingCloseCodes.error(code: Int(code), reason: reason, protocol: p, during: "before the session began")
                        if StreamingCloseCodes.isNormal(Int(code)) { error.code = .connection }
                        if let errorText {
                            error.message += " (server error message: \(errorText))"
                            error.serverText = error.serverText ?? errorText
                        }
                        throw error
                    }
                }
                switch try c.recv(into: &buffer, what: what) {
                case .data(let n): buffer.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                case .again:
                    do {
                        try c.waitReadable(deadlineMs: deadlineMs, what: what)
                    } catch {
                        fail(WebSocketCloseCode.normal, "")
                        let expected = p == .v2 ? "SessionBegins" : "Begin"
                        throw AssemblyAIError(.timeout, "\(what): no \(expected) message within \(options.connectTimeoutMs) ms")
                    }
                case .eof:
                    monitor.withLock { closeCodeValue = Int(WebSocketCloseCode.abnormal) }
                    throw AssemblyAIError(.connection, "\(what): the server closed the connection before the session began"
                                          + (errorText.map { " (server error message: \($0))" } ?? ""), serverText: errorText)
                }
            }
        } catch let error as WebSocketProtocolError {
            fail(error.closeCode, String(error.message.prefix(100)))
            throw AssemblyAIError(.proto, "\(what): the server broke the WebSocket protocol: \(error.message)")
        } catch let error as AssemblyAIError {
            throw error
        } catch {
            throw AssemblyAIError(.internal, "\(what): \(error)")
        }
    }

    // MARK: sending

    /// Queues audio (copied), of any size: the session frames it into messages the API accepts
    /// (AudioFramer says how). Waits up to `waitMs` (default: the options' send timeout; nil
    /// waits until there is room or the session ends) when the queue is full.
    public func sendAudio(_ bytes: UnsafeRawBufferPointer, waitMs: Int? = -1) throws(AssemblyAIError) {
        guard bytes.count > 0 else { throw AssemblyAIError(.invalidArgument, "audio is empty (size 0)") }
        let wait = waitMs == -1 ? monitor.withLock { opts.sendTimeoutMs } : waitMs
        let deadline = sendDeadline(wait)
        try monitor.withLock { () throws(AssemblyAIError) in
            try waitForRoom(bytes.count, deadline: deadline)
            guard var f = framer else { return }
            let messages = f.push(bytes)
            framer = f
            for m in messages {
                outgoing.append(.audio(m, padding: 0))
                queuedAudioBytes += m.count
            }
            audioBytesQueued += bytes.count
        }
        wakeLoop()
    }

    /// Waits (lock held) while the queue has no room for `count` more bytes; throws when the
    /// session is not open or the deadline passed.
    private func waitForRoom(_ count: Int, deadline: Int?) throws(AssemblyAIError) {
        while true {
            guard state == .open, !stopRequested else {
                let why = state == .closing ? "closing" : stateName
                throw AssemblyAIError(.state, "cannot send on a \(what) that is \(why)")
            }
            let capacity = opts.queueCapacityBytes
            if count == 0 || queuedAudioBytes == 0 || queuedAudioBytes + count <= capacity { return }
            if !monitor.wait(untilMs: deadline) {
                throw AssemblyAIError(.timeout, "\(what): the audio queue is full (\(queuedAudioBytes) bytes waiting, capacity \(capacity)): "
                                      + "the connection is not keeping up with the audio")
            }
        }
    }

    /// Queues the framer's pending tail, completed with silence (lock held).
    private func flushFramer() {
        guard var f = framer, let (message, padding) = f.flush() else { return }
        framer = f
        outgoing.append(.audio(message, padding: padding))
        queuedAudioBytes += message.count
    }

    public func sendAudio(_ bytes: [UInt8], waitMs: Int? = -1) throws(AssemblyAIError) {
        try bytes.withBytes { (raw) throws(AssemblyAIError) in try sendAudio(raw, waitMs: waitMs) }
    }

    /// Sends a JSON text message as given (the escape hatch for messages this version does not know).
    public func sendJSON(_ text: String) throws(AssemblyAIError) {
        guard let value = try? JSONValue.parse(text), case .object = value else {
            throw AssemblyAIError(.invalidArgument, "message must be a JSON object")
        }
        try enqueue(.json(text), audioBytes: 0, waitMs: 0)
    }

    /// v2 `force_end_utterance`, v3 `ForceEndpoint`.
    public func forceEndpoint() throws(AssemblyAIError) {
        try enqueue(.json(protocolVersion == .v2 ? "{\"force_end_utterance\":true}" : "{\"type\":\"ForceEndpoint\"}"), audioBytes: 0, waitMs: 0,
                    flushAudio: true)
    }

    /// v3 `UpdateConfiguration` with the fields of `fields` (a JSON object; `type` is added).
    /// Known fields are checked: min_turn_silence and max_turn_silence (integers >= 0),
    /// end_of_turn_confidence_threshold and vad_threshold (0..1), prompt (string),
    /// keyterms_prompt (array of strings); null is allowed for each.
    public func updateConfiguration(_ fields: JSONObject) throws(AssemblyAIError) {
        guard protocolVersion == .v3 else {
            throw AssemblyAIError(.invalidArgument, "UpdateConfiguration is a Universal Streaming v3 message; on v2 set the end-of-utterance silence threshold")
        }
        var message = JSONObject()
        _ = message.updateValue(.string("UpdateConfiguration"), forKey: "type")
        for (key, value) in fields where key != "type" {
            try StreamingSession.checkUpdateField(key, value)
            _ = message.updateValue(value, forKey: key)
        }
        guard message.count > 1 else { throw AssemblyAIError(.invalidArgument, "UpdateConfiguration needs at least one field") }
        try enqueue(.json(JSONValue.object(message).serialized()), audioBytes: 0, waitMs: 0)
    }

    static func checkUpdateField(_ key: String, _ value: JSONValue) throws(AssemblyAIError) {
        if value.isNull { return }
        switch key {
        case "min_turn_silence", "max_turn_silence":
            guard let v = value.int64Value, v >= 0, v <= 3_600_000 else {
                throw AssemblyAIError(.invalidArgument, "\(key) must be an integer number of ms (0..3600000)")
            }
        case "end_of_turn_confidence_threshold", "vad_threshold":
            guard let v = value.doubleValue, v >= 0, v <= 1 else { throw AssemblyAIError(.invalidArgument, "\(key) must be a number from 0 to 1") }
        case "prompt":
            guard value.stringValue != nil else { throw AssemblyAIError(.invalidArgument, "prompt must be a string") }
        case "keyterms_prompt":
            guard let a = value.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                throw AssemblyAIError(.invalidArgument, "keyterms_prompt must be an array of strings")
            }
        default:
            break
        }
    }

    /// v2: sets the end-of-utterance silence threshold (0..20000 ms): before connect it is sent
    /// once the session begins, during the session at once.
    public func setEndUtteranceSilenceThreshold(_ ms: Int) throws(AssemblyAIError) {
        guard protocolVersion == .v2 else {
            throw AssemblyAIError(.invalidArgument, "end_utterance_silence_threshold is a realtime v2 setting; on v3 use min_turn_silence / max_turn_silence")
        }
        guard (0...20_000).contains(ms) else {
            throw AssemblyAIError(.invalidArgument, "end_utterance_silence_threshold must be 0..20000 ms, got \(ms)")
        }
        let idle = monitor.withLock { () -> Bool in
            if state == .idle { opts.endUtteranceSilenceThreshold = ms; return true }
            return false
        }
        if !idle { try enqueue(.json("{\"end_utterance_silence_threshold\":\(ms)}"), audioBytes: 0, waitMs: 0) }
    }

    /// A v3 turn-detection parameter: a query parameter before connect, an UpdateConfiguration
    /// message during the session.
    public func setTurnParameter(_ name: String, _ value: JSONValue) throws(AssemblyAIError) {
        guard protocolVersion == .v3 else { throw AssemblyAIError(.invalidArgument, "\(name) is a Universal Streaming v3 parameter") }
        try StreamingSession.checkUpdateField(name, value)
        let idle = try monitor.withLock { () throws(AssemblyAIError) -> Bool in
            guard state == .idle else { return false }
            var copy = opts
            switch value {
            case .int(let v): try copy.setParameter(name, String(v))
            case .double(let v):
                var out: [UInt8] = []
                JSONWriter.appendDouble(v, to: &out)
                try copy.setParameter(name, String(decoding: out, as: UTF8.self))
            case .null: try copy.setParameter(name, nil)
            default: try copy.setParameter(name, value.serialized())
            }
            opts = copy
            return true
        }
        if !idle { try updateConfiguration([name: value]) }
    }

    /// Throws what a send would throw when the session is not open (AAI_ERR_STATE), for audio
    /// sources that check before they read (a WAV file with no samples would otherwise succeed
    /// on a session that is not connected).
    func checkOpenForSending() throws(AssemblyAIError) {
        try monitor.withLock { () throws(AssemblyAIError) in
            guard state == .open, !stopRequested else {
                let why = state == .closing ? "closing" : stateName
                throw AssemblyAIError(.state, "cannot send on a \(what) that is \(why)")
            }
        }
    }

    /// When a send waiting for room gives up: after `waitMs` (nil: never), or at once on the
    /// I/O thread (a callback with 0 callback threads), which is the thread that makes room.
    private func sendDeadline(_ waitMs: Int?) -> Int? {
        if StreamingLoop.onLoopThread { return monotonicMs() }
        return waitMs.map { monotonicMs() + $0 }
    }

    private func enqueue(_ item: Outgoing, audioBytes: Int, waitMs: Int?, flushAudio: Bool = false) throws(AssemblyAIError) {
        let deadline = sendDeadline(waitMs)
        try monitor.withLock { () throws(AssemblyAIError) in
            try waitForRoom(audioBytes, deadline: deadline)
            if flushAudio { flushFramer() }
            outgoing.append(item)
            queuedAudioBytes += audioBytes
            audioBytesQueued += audioBytes
        }
        wakeLoop()
    }

    /// Asks the loop to look at this session's queue.
    private func wakeLoop() {
        let id = monitor.withLock { loopID }
        if id != 0 { StreamingLoop.shared?.wake(id) }
    }

    /// Whether the calling thread is running one of this session's callbacks.
    private var inOwnCallback: Bool {
        monitor.withLock { deliveringThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    // MARK: close and shutdown

    /// Terminates the session: sends what is queued, then Terminate / terminate_session, and
    /// waits until the server's SessionTerminated / Termination and its close have arrived and
    /// every event up to CLOSED has been delivered, or `timeoutMs` passed (then the connection
    /// is closed and this throws a timeout). Throws the error that ended the session, if one did.
    /// Called from a callback, it starts the termination and returns at once.
    /// On the I/O thread (a callback with 0 callback threads) it returns at once for any session.
    public func close(timeoutMs: Int) throws(AssemblyAIError) {
        let onCallbackThread = inOwnCallback || StreamingLoop.onLoopThread
        stopMicrophone()  // its last audio goes before the termination message
        try monitor.withLock { () throws(AssemblyAIError) in
            switch state {
            case .idle:
                state = .closed
                closedDelivered = true
                return
            case .connecting:
                throw AssemblyAIError(.state, "close while connect is running on another thread")
            case .open:
                state = .closing
                closeTimeoutMs = timeoutMs
                closeDeadlineMs = monotonicMs() + timeoutMs
                flushFramer()  // the last audio, completed with silence to the minimum
                outgoing.append(.json(protocolVersion == .v2 ? "{\"terminate_session\":true}" : "{\"type\":\"Terminate\"}"))
                monitor.broadcast()  // senders waiting for room now fail
            case .closing, .closed:
                break
            }
        }
        wakeLoop()
        if onCallbackThread { return }
        let wait = { () -> AssemblyAIError? in
            self.monitor.withLock { () -> AssemblyAIError? in
                while !self.closedDelivered && !self.stopRequested { self.monitor.wait(untilMs: nil) }
                return self.endError
            }
        }
        // In another session's callback: the pool makes sure a worker is free to deliver ours.
        let pool = CallbackPool.shared
        let error = pool?.isWorker == true ? pool!.blocking(wait) : wait()
        if let error { throw error }
    }

    /// Stops everything at once: the microphone, the I/O thread (which sends a close frame if
    /// the connection is open), the callback thread. Undelivered events are dropped. Returns once
    /// no thread of the session runs (except the calling callback, which finishes normally).
    /// On the I/O thread (a callback with 0 callback threads) it cannot wait for the I/O: it
    /// returns at once, and the loop closes the connection once the running callback returned;
    /// no callback of the session runs after this returns either way.
    public func shutdown() {
        let own = inOwnCallback
        let onLoop = StreamingLoop.onLoopThread
        let mic = monitor.withLock { () -> MicrophoneCapture? in
            stopRequested = true
            monitor.broadcast()
            let m = microphone
            microphone = nil
            return m
        }
        wakeLoop()
        mic?.stop()
        monitor.withLock {
            while !ioFinished && !onLoop { monitor.wait(untilMs: nil) }
            if !own && !onLoop { while deliveringThread != nil { monitor.wait(untilMs: nil) } }
            events.removeAll()
            if state != .idle { state = .closed }
        }
    }

    // MARK: delivery (on the callback pool)

    /// Delivers up to `limit` events in order; true when more are waiting.
    func deliverSome(limit: Int) -> Bool {
        for _ in 0..<limit {
            monitor.lock()
            if stopRequested || events.isEmpty {
                if stopRequested { events.removeAll() }
                deliveryScheduled = false
                monitor.unlock()
                return false
            }
            let event = events.removeFirst()
            let h = handler
            deliveringThread = pthread_self()
            monitor.unlock()
            h?(event)
            monitor.lock()
            deliveringThread = nil
            if event.kind == .closed {
                closedDelivered = true
                events.removeAll()
                deliveryScheduled = false
            }
            monitor.broadcast()
            let done = event.kind == .closed
            monitor.unlock()
            if done { return false }
        }
        return true
    }

    func post(_ event: StreamingEvent) {
        let schedule = monitor.withLock { () -> Bool in
            events.append(event)
            guard !deliveryScheduled, !stopRequested else { return false }
            deliveryScheduled = true
            return true
        }
        if schedule, let pool = CallbackPool.shared { scheduleDelivery(pool) }
    }

    /// Has this session's queued events delivered (deliveryScheduled was just set): by the pool,
    /// or with 0 callback threads by the I/O thread itself: now when this is it, else as soon as
    /// the loop services the session (deliverOnLoop).
    private func scheduleDelivery(_ pool: CallbackPool) {
        let onLoop = StreamingLoop.onLoopThread
        guard pool.deliversOnLoop else {
            pool.schedule(self, handOff: onLoop)
            return
        }
        if onLoop {
            _ = deliverSome(limit: Int.max)  // returns only once none is left
            return
        }
        monitor.withLock { deliverOnLoop = true }
        wakeLoop()
    }

    /// From the loop (0 callback threads): delivers the events another thread posted.
    func deliverPostedOnLoop() {
        let due = monitor.withLock { () -> Bool in
            guard deliverOnLoop else { return false }
            deliverOnLoop = false
            return true
        }
        if due { _ = deliverSome(limit: Int.max) }  // returns only once none is left
    }

    // MARK: the I/O (on the streaming loop's thread)

    /// Takes what other threads queued, while little waits for the socket (the queue's bound
    /// stays the bound of what is buffered, so a slow connection pushes back on the senders).
    /// Returns the items, whether the session is being freed, the close deadline, and whether
    /// more is queued.
    func takeOutgoing(room: Int) -> (items: [Outgoing], stopped: Bool, deadline: Int?, more: Bool) {
        monitor.withLock {
            var room = room
            var n = 0
            while n < outgoing.count, room > 0 {
                if case .audio(let bytes, let padding) = outgoing[n] {
                    queuedAudioBytes -= bytes.count
                    audioBytesWritten += bytes.count - padding
                    room -= bytes.count
                }
                n += 1
            }
            var taken: [Outgoing] = []
            if n > 0 {
                taken = Array(outgoing[0..<n])
                outgoing.removeFirst(n)
                monitor.broadcast()
            }
            return (taken, stopRequested, closeDeadlineMs, !outgoing.isEmpty)
        }
    }

    func stopRequestedNow() -> (Bool, Int?) { monitor.withLock { (stopRequested, closeDeadlineMs) } }

    /// The end of the connection (from the loop): records it, lets waiters go, and posts
    /// ERROR (if any) and CLOSED unless the session is being freed.
    func ended(closeCode: Int, closeReason: String, failure: AssemblyAIError?, closeFrameReceived: Bool, stopped: Bool) {
        let p = protocolVersion
        let failure = failure.map { $0.redacting(client.settings.apiKey).redacting(monitor.withLock { opts.token }) }
        let stop = monitor.withLock { () -> Bool in
            closeCodeValue = closeCode
            closeReasonValue = closeReason
            endError = failure
            state = .closed
            ioFinished = true
            monitor.broadcast()
            return stopped || stopRequested
        }
        if stop { return }
        if let failure {
            var e = StreamingEvent(kind: .error, protocolVersion: p)
            e.text = failure.message
            e.error = failure
            e.closeCode = closeFrameReceived ? closeCode : 0
            e.closeReason = closeFrameReceived ? closeReason : nil
            post(e)
        }
        var closed = StreamingEvent(kind: .closed, protocolVersion: p)
        closed.closeCode = closeCode
        closed.closeReason = closeReason
        closed.error = failure
        post(closed)
    }

    func closeTimeoutMsSnapshot() -> Int { monitor.withLock { closeTimeoutMs } }

    /// Encoded bytes the loop keeps waiting for the socket before it takes more from the queue.
    static let maxPendingWrite = 256 * 1024

    // MARK: microphone (see MicrophoneCapture)

    func attachMicrophone(_ mic: MicrophoneCapture) throws(AssemblyAIError) {
        try monitor.withLock { () throws(AssemblyAIError) in
            guard state == .open, !stopRequested else { throw AssemblyAIError(.state, "the microphone needs an open session (the \(what) is \(stateName))") }
            guard microphone == nil else { throw AssemblyAIError(.state, "the microphone is already capturing for this session") }
            microphone = mic
        }
    }

    func detachMicrophone() -> MicrophoneCapture? {
        monitor.withLock {
            let m = microphone
            microphone = nil
            return m
        }
    }

    /// Reports a problem of an audio source as an error event (the session goes on).
    func postSourceError(_ error: AssemblyAIError) {
        var e = StreamingEvent(kind: .error, protocolVersion: protocolVersion)
        e.text = error.message
        e.error = error
        let deliver = monitor.withLock { state == .open || state == .closing }
        if deliver { post(e) }
    }
}

extension StreamingSession {
    /// Sets the number of callback threads shared by every session of the process (1...64,
    /// default 8). Only before the first session connects (the pool then starts).
    public static func setCallbackThreads(_ n: Int) throws(AssemblyAIError) {
        guard (0...CallbackPool.maxThreads).contains(n) else {
            throw AssemblyAIError(.invalidArgument, "callback threads must be 0..\(CallbackPool.maxThreads), got \(n)")
        }
        guard CallbackPool.configure(threads: n) else {
            throw AssemblyAIError(.state, "the callback threads can be set only before the first streaming session connects "
                                  + "(the pool runs \(CallbackPool.configuredThreads))")
        }
    }

    /// Turns low-latency scheduling of the streaming threads on or off (default on; see
    /// CallbackPool.configure(lowLatency:)). Only before the first session connects.
    public static func setLowLatency(_ on: Bool) throws(AssemblyAIError) {
        guard CallbackPool.configure(lowLatency: on) else {
            throw AssemblyAIError(.state, "the streaming scheduling can be set only before the first streaming session connects "
                                  + "(low latency is \(CallbackPool.configuredLowLatency ? "on" : "off"))")
        }
    }

    /// The streaming threads of the process now: the I/O loop's (0 or 1), the callback pool's,
    /// and the sessions in the loop.
    public static var processThreads: (io: Int, callbacks: Int, sessions: Int) {
        let loop = StreamingLoop.ifStarted
        return (loop == nil ? 0 : 1, CallbackPool.ifStarted?.threadCount ?? 0, loop?.clientCount ?? 0)
    }
}
