// A streaming speech-to-text session (realtime v2 or Universal Streaming v3).
//
// Threads, and who owns what:
// - connect() runs on the caller's thread: it opens the connection, performs the handshake and
//   reads until SessionBegins/Begin (or fails, with no event delivered). It then starts:
// - the I/O thread, which alone owns the libcurl connection from then on: it writes the
//   outgoing queue (audio and control messages, in order), reads and parses the server's
//   messages, answers pings, sends keep-alive pings, and enforces the close deadline. It never
//   runs user code, so a slow callback cannot stall the audio.
// - the callback thread, which delivers events in order to the handler. CLOSED is always the
//   last event; the thread then ends.
// Any thread may send audio or control messages: they go to a bounded queue (`monitor`).
// shutdown() (the C ABI's free) stops and joins both threads; from inside a callback it joins the
// I/O thread and lets the callback thread end once the callback returns. No callback runs after
// shutdown() returns, except the one that called it.

import Glibc

public final class StreamingSession: @unchecked Sendable {  // mutable state is guarded by `monitor`
    public typealias EventHandler = @Sendable (StreamingEvent) -> Void

    private enum State { case idle, connecting, open, closing, closed }
    private enum Outgoing {
        case audio([UInt8], padding: Int)  // padding: silence the framer added (not the application's audio)
        case json(String)
    }

    public let client: Client
    private let monitor = Monitor()
    private let wake: WakeUpFD

    // Guarded by `monitor`.
    private var opts: StreamingOptions
    private var handler: EventHandler?
    private var state: State = .idle
    private var outgoing: [Outgoing] = []
    private var queuedAudioBytes = 0
    private var events: [StreamingEvent] = []
    private var closeDeadlineMs: Int?
    private var closeTimeoutMs = 0
    private var closedDelivered = false
    private var stopRequested = false
    private var endError: AssemblyAIError?
    private var ioThread: NativeThread?
    private var eventThread: NativeThread?
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
        guard let wake = WakeUpFD() else { throw AssemblyAIError(.internal, "could not create an eventfd (errno \(errno))") }
        self.wake = wake
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
        let options = try monitor.withLock { () throws(AssemblyAIError) -> StreamingOptions in
            guard state == .idle else { throw AssemblyAIError(.state, "connect on a \(what) that is \(stateName)") }
            guard !stopRequested else { throw AssemblyAIError(.state, "the \(what) is being freed") }
            state = .connecting
            closeCodeValue = 0
            closeReasonValue = nil
            return opts
        }
        do {
            let (connection, begin) = try open(options)
            try monitor.withLock { () throws(AssemblyAIError) in
                guard !stopRequested else { throw AssemblyAIError(.state, "the \(what) was freed while connecting") }
                state = .open
                framer = AudioFramer(protocol: options.protocolVersion, encoding: options.encoding, sampleRate: options.sampleRate)
                sessionIDValue = begin.sessionID
                events.append(begin)
                if options.protocolVersion == .v2, let threshold = options.endUtteranceSilenceThreshold {
                    outgoing.append(.json("{\"end_utterance_silence_threshold\":\(threshold)}"))
                }
                guard let io = NativeThread.start(name: "aai-stream-io", { [self] in ioLoop(connection, options) }) else {
                    state = .idle
                    throw AssemblyAIError(.internal, "could not start the session's I/O thread")
                }
                ioThread = io
                guard let ev = NativeThread.start(name: "aai-stream-cb", { [self] in eventLoop() }) else {
                    // The I/O thread ends on stop; the session is unusable.
                    stopRequested = true
                    state = .closed
                    throw AssemblyAIError(.internal, "could not start the session's callback thread")
                }
                eventThread = ev
            }
        } catch {
            monitor.withLock { if state == .connecting { state = .idle } }
            throw error.redacting(client.settings.apiKey).redacting(options.token)
        }
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
        let deadline = wait.map { monotonicMs() + $0 }
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
        wake.signal()
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

    private func enqueue(_ item: Outgoing, audioBytes: Int, waitMs: Int?, flushAudio: Bool = false) throws(AssemblyAIError) {
        let deadline = waitMs.map { monotonicMs() + $0 }
        try monitor.withLock { () throws(AssemblyAIError) in
            try waitForRoom(audioBytes, deadline: deadline)
            if flushAudio { flushFramer() }
            outgoing.append(item)
            queuedAudioBytes += audioBytes
            audioBytesQueued += audioBytes
        }
        wake.signal()
    }

    // MARK: close and shutdown

    /// Terminates the session: sends what is queued, then Terminate / terminate_session, and
    /// waits until the server's SessionTerminated / Termination and its close have arrived and
    /// every event up to CLOSED has been delivered, or `timeoutMs` passed (then the connection
    /// is closed and this throws a timeout). Throws the error that ended the session, if one did.
    /// Called from a callback, it starts the termination and returns at once.
    public func close(timeoutMs: Int) throws(AssemblyAIError) {
        let onCallbackThread = monitor.withLock { eventThread?.isCurrent ?? false }
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
        wake.signal()
        if onCallbackThread { return }
        let error = monitor.withLock { () -> AssemblyAIError? in
            while !closedDelivered && !stopRequested { monitor.wait(untilMs: nil) }
            return endError
        }
        if let error { throw error }
    }

    /// Stops everything at once: the microphone, the I/O thread (which sends a close frame if
    /// the connection is open), the callback thread. Undelivered events are dropped. Returns once
    /// no thread of the session runs (except the calling callback, which finishes normally).
    public func shutdown() {
        let (mic, io, ev) = monitor.withLock { () -> (MicrophoneCapture?, NativeThread?, NativeThread?) in
            stopRequested = true
            monitor.broadcast()
            let m = microphone
            microphone = nil
            return (m, ioThread, eventThread)
        }
        wake.signal()
        mic?.stop()
        io?.join()
        if let ev {
            if ev.isCurrent { ev.detach() } else { ev.join() }
        }
        monitor.withLock {
            ioThread = nil
            eventThread = nil
            if state != .idle { state = .closed }
        }
    }

    // MARK: the callback thread

    private func eventLoop() {
        while true {
            monitor.lock()
            while events.isEmpty && !stopRequested { monitor.wait(untilMs: nil) }
            if stopRequested {
                monitor.unlock()
                return
            }
            let event = events.removeFirst()
            let h = handler
            monitor.unlock()
            h?(event)
            if event.kind == .closed {
                monitor.withLock {
                    closedDelivered = true
                    monitor.broadcast()
                }
                return
            }
        }
    }

    private func post(_ event: StreamingEvent) {
        monitor.withLock { events.append(event) }
        // After unlocking: a callback thread woken under the lock would at once block on it
        // again, and pay a second wake-up (two scheduler delays on a busy machine).
        monitor.broadcast()
    }

    // MARK: the I/O thread

    private func ioLoop(_ c: WebSocketConnection, _ options: StreamingOptions) {
        var out: [UInt8] = []
        var outOffset = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var lastActivity = monotonicMs()
        var pingSentAt: Int?
        var closeSent = false
        var closeReceived: (code: UInt16, reason: String)?
        var failure: AssemblyAIError?
        var terminated = false
        var eof = false
        var stopped = false
        let keepAlive = options.keepAliveMs
        let p = options.protocolVersion

        func sendClose(_ code: UInt16, _ reason: String) {
            guard !closeSent else { return }
            closeSent = true
            c.encode(.close, WebSocketCodec.closePayload(code: code, reason: reason), into: &out)
        }

        func flush() throws(AssemblyAIError) {
            while outOffset < out.count {
                let n = try out.withBytes { (raw) throws(AssemblyAIError) -> Int in
                    try c.send(UnsafeRawBufferPointer(rebasing: raw[outOffset...]), what: what)
                }
                if n == 0 { break }
                outOffset += n
                lastActivity = monotonicMs()
            }
            if outOffset == out.count {
                out.removeAll(keepingCapacity: out.capacity <= 1 << 20)
                outOffset = 0
            }
        }

        do {
            loop: while true {
                // 1. Take what other threads queued.
                // Only while little is waiting for the socket: the queue's bound stays the bound
                // of what is buffered, so a slow connection pushes back on the senders.
                var taken: [Outgoing] = []
                var deadline: Int?
                var moreQueued = false
                monitor.withLock {
                    stopped = stopRequested
                    deadline = closeDeadlineMs
                    guard !closeSent else { return }
                    var room = StreamingSession.maxPendingWrite - (out.count - outOffset)
                    var n = 0
                    while n < outgoing.count, room > 0 {
                        if case .audio(let bytes, let padding) = outgoing[n] {
                            queuedAudioBytes -= bytes.count
                            audioBytesWritten += bytes.count - padding
                            room -= bytes.count
                        }
                        n += 1
                    }
                    if n > 0 {
                        taken = Array(outgoing[0..<n])
                        outgoing.removeFirst(n)
                        monitor.broadcast()
                    }
                    moreQueued = !outgoing.isEmpty
                }
                if stopped {
                    sendClose(WebSocketCloseCode.normal, "")
                    try? flush()
                    break loop
                }
                for item in taken {
                    switch item {
                    case .audio(let bytes, _): c.encode(.binary, bytes, into: &out)
                    case .json(let text): c.encode(.text, Array(text.utf8), into: &out)
                    }
                }
                // 2. The close deadline.
                let now = monotonicMs()
                if let deadline, now >= deadline {
                    if !terminated {
                        let expected = p == .v2 ? "SessionTerminated" : "Termination"
                        failure = AssemblyAIError(.timeout, "\(what): no \(expected) within \(closeTimeoutMsSnapshot()) ms of close; the connection was closed")
                    }
                    sendClose(WebSocketCloseCode.normal, "")
                    try? flush()
                    break loop
                }
                // 3. Write.
                try flush()
                // 4. Read everything available (frames already buffered first: the handshake or
                // connect may have read past what they needed).
                var pendingFrames = c.parser.bufferedBytes > 0
                reading: while true {
                    if !pendingFrames {
                        switch try c.recv(into: &buffer, what: what) {
                        case .data(let n):
                            buffer.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                            lastActivity = monotonicMs()
                            pingSentAt = nil
                        case .again:
                            break reading
                        case .eof:
                            eof = true
                            break reading
                        }
                    }
                    pendingFrames = false
                    do {
                        while let frame = try c.parser.next() {
                            guard let message = try c.assembler.push(frame) else { continue }
                            switch message {
                            case .text(let text):
                                var event = StreamingEvent.parse(Array(text.utf8), protocol: p)
                                event.receivedNs = c.lastDataNs
                                if event.kind == .terminated { terminated = true }
                                post(event)
                            case .binary:
                                break  // both protocols send JSON only
                            case .ping(let payload):
                                if !closeSent { c.encode(.pong, payload, into: &out) }
                            case .pong:
                                break
                            case .close(let code, let reason):
                                closeReceived = (code, reason)
                                sendClose(code == WebSocketCloseCode.noStatus ? WebSocketCloseCode.normal : code, "")
                                break reading
                            }
                        }
                    }
                }
                if closeReceived != nil || eof {
                    try? flush()
                    break loop
                }
                // 5. Keep-alive.
                var timeout = 1000
                if keepAlive > 0 {
                    let t = monotonicMs()
                    if let sent = pingSentAt {
                        if t - sent >= keepAlive {
                            failure = AssemblyAIError(.connection, "\(what): no answer to a keep-alive ping within \(keepAlive) ms; the connection is considered lost")
                            sendClose(WebSocketCloseCode.goingAway, "")
                            try? flush()
                            break loop
                        }
                        timeout = min(timeout, sent + keepAlive - t)
                    } else if t - lastActivity >= keepAlive {
                        var stamp = UInt64(t).bigEndian
                        let payload = withUnsafeBytes(of: &stamp) { Array($0) }
                        c.encode(.ping, payload, into: &out)
                        pingSentAt = t
                        try flush()
                        timeout = min(timeout, keepAlive)
                    } else {
                        timeout = min(timeout, lastActivity + keepAlive - t)
                    }
                }
                if let deadline { timeout = min(timeout, max(0, deadline - monotonicMs())) }
                if moreQueued && outOffset == out.count { timeout = 0 }  // the queue has more to take now
                // 6. Wait for the socket or a wake-up.
                var fds = [pollfd(fd: c.fd, events: Int16(POLLIN) | (outOffset < out.count ? Int16(POLLOUT) : 0), revents: 0),
                           pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
                let rc = poll(&fds, 2, Int32(max(0, timeout)))
                if rc > 0, fds[1].revents != 0 { wake.drain() }
            }
        } catch let error as WebSocketProtocolError {
            failure = AssemblyAIError(.proto, "\(what): the server broke the WebSocket protocol: \(error.message)")
            sendClose(error.closeCode, String(error.message.prefix(100)))
            try? flush()
        } catch let error as AssemblyAIError {
            failure = error
            // A send that failed (a reset met while writing audio) must not lose what the
            // server sent before: those bytes are still in the socket. Deliver them first.
            if !stopped, closeReceived == nil, let close = deliverReceived(c, p, buffer: &buffer) {
                closeReceived = close  // the server's close explains the end better (see below)
                failure = nil
            }
        } catch {
            failure = AssemblyAIError(.internal, "\(what): \(error)")
        }

        c.close()  // the server sees the TCP close now, not when the session is freed
        // The end: report it (unless the session is being freed) and let waiters go.
        let closeCode: Int
        let closeReason: String
        if let (code, reason) = closeReceived {
            closeCode = Int(code)
            closeReason = reason
            if failure == nil, !StreamingCloseCodes.isNormal(closeCode) {
                failure = StreamingCloseCodes.error(code: closeCode, reason: reason, protocol: p, during: "by the server")
            }
        } else if eof {
            closeCode = Int(WebSocketCloseCode.abnormal)
            closeReason = ""
            if failure == nil {
                failure = AssemblyAIError(.connection, "\(what): the connection closed without a close frame"
                                          + (terminated ? " (after the session terminated)" : ""))
                if terminated { failure = nil }
            }
        } else {
            closeCode = failure == nil ? Int(WebSocketCloseCode.normal) : Int(WebSocketCloseCode.abnormal)
            closeReason = ""
        }
        failure = failure.map { $0.redacting(client.settings.apiKey).redacting(options.token) }
        monitor.withLock {
            closeCodeValue = closeCode
            closeReasonValue = closeReason
            endError = failure
            state = .closed
            monitor.broadcast()
        }
        if stopped { return }
        if let failure {
            var e = StreamingEvent(kind: .error, protocolVersion: p)
            e.text = failure.message
            e.error = failure
            e.closeCode = closeReceived == nil ? 0 : closeCode
            e.closeReason = closeReceived == nil ? nil : closeReason
            post(e)
        }
        var closed = StreamingEvent(kind: .closed, protocolVersion: p)
        closed.closeCode = closeCode
        closed.closeReason = closeReason
        closed.error = failure
        post(closed)
    }

    private func closeTimeoutMsSnapshot() -> Int { monitor.withLock { closeTimeoutMs } }

    /// After the connection failed: reads what is left in the socket and posts the messages in
    /// it, up to a close frame (returned) or anything unreadable.
    private func deliverReceived(_ c: WebSocketConnection, _ p: StreamingProtocol,
                                 buffer: inout [UInt8]) -> (code: UInt16, reason: String)? {
        var reads = 0
        while reads < 256, case .data(let n)? = try? c.recv(into: &buffer, what: what) {  // up to EOF, at most 16 MiB
            buffer.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            reads += 1
        }
        while let frame = try? c.parser.next() {  // nil: incomplete, or a protocol error
            let pushed: WebSocketMessage?
            do { pushed = try c.assembler.push(frame) } catch { break }
            guard let message = pushed else { continue }  // a fragment
            switch message {
            case .text(let text): post(StreamingEvent.parse(Array(text.utf8), protocol: p))
            case .close(let code, let reason): return (code, reason)
            case .binary, .ping, .pong: break
            }
        }
        return nil
    }

    /// Encoded bytes the I/O thread keeps waiting for the socket before it takes more from the queue.
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
