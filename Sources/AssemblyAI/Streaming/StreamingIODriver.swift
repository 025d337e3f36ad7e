// The streaming loop's side of one session (IODriver): connecting through libcurl's multi
// handle, the WebSocket handshake, reading until Begin, then writing the session's outgoing
// queue, reading and parsing the server's messages, pings and the close deadline. Runs only on
// the loop thread (StreamingLoop); the session (StreamingSession.swift) owns the state it
// reads and writes through the loop-facing members (takeOutgoing, loopConnected, ended, post).

import CCurl
import Glibc

/// One session's connection in the streaming loop: the state the session's own I/O thread kept
/// on its stack before the loop existed. Used only on the loop thread.
final class IODriver: LoopClient {
    private enum Phase {
        case connecting          // libcurl's multi handle opens the connection
        case handshake           // the upgrade request is out; reading the answer's head
        case refused(WebSocketHandshake.Response, bodyDeadline: Int)  // a non-101 answer: reading its body
        case begin               // upgraded; reading until SessionBegins / Begin
        case open
    }
    private let session: StreamingSession
    private var connection: WebSocketConnection?
    private let options: StreamingOptions
    private let p: StreamingProtocol
    private let keepAlive: Int
    private let what: String
    private var phase: Phase
    private var out: [UInt8] = []
    private var outOffset = 0
    private var lastActivity = monotonicMs()
    private var pingSentAt: Int?
    private var closeSent = false
    private var closeReceived: (code: UInt16, reason: String)?
    private var failure: AssemblyAIError?
    private var terminated = false
    private var eof = false
    private var stopped = false
    // Connecting through the loop.
    private var easy: UnsafeMutableRawPointer?
    /// The easy handle's own connection cache (WebSocketConnection.makeShare), the connection's once connected.
    private var share: UnsafeMutableRawPointer?
    private var errorBuffer: UnsafeMutablePointer<CChar>?
    private var connectDeadline = 0
    private var key = ""
    private var request: [UInt8] = []
    private var received: [UInt8] = []
    private var errorText: String?
    private var wsWhat = ""

    /// A connection opened by connect() on its own thread (AAI_STREAMING_BLOCKING_CONNECT).
    init(session: StreamingSession, connection: WebSocketConnection, options: StreamingOptions) {
        self.session = session
        self.connection = connection
        self.options = options
        self.p = options.protocolVersion
        self.keepAlive = options.keepAliveMs
        self.what = "\(options.protocolVersion.name) session"
        self.phase = .open
    }

    /// A connection the loop opens: libcurl's handle for its multi handle, then the handshake
    /// and the wait for Begin, all without blocking, before `deadlineMs`.
    init(session: StreamingSession, options: StreamingOptions, url: WebSocketURL, headers: [(String, String)],
         deadlineMs: Int) throws(AssemblyAIError) {
        self.session = session
        self.options = options
        self.p = options.protocolVersion
        self.keepAlive = options.keepAliveMs
        self.what = "\(options.protocolVersion.name) session"
        self.phase = .connecting
        self.connectDeadline = deadlineMs
        self.wsWhat = "WebSocket \(url.target.prefix { $0 != "?" })"
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer = buffer
        share = WebSocketConnection.makeShare()
        do {
            easy = try WebSocketConnection.makeEasy(url: url, deadlineMs: deadlineMs, errorBuffer: buffer, share: share)
        } catch {
            releaseCurl()
            throw error
        }
        key = WebSocketHandshake.makeKey()
        request = WebSocketHandshake.request(host: url.hostHeader, target: url.target, key: key, headers: headers)
    }

    deinit { releaseCurl() }

    /// Frees the libcurl handle of a connect that never produced a connection, and the error buffer.
    private func releaseCurl() {
        if let easy {
            if let multi = StreamingLoop.ifStarted?.multi { _ = curl_multi_remove_handle(multi, easy) }
            curl_easy_cleanup(easy)
            self.easy = nil
        }
        if let share {
            curl_share_cleanup(share)  // after the easy handle that used it
            self.share = nil
        }
        errorBuffer?.deallocate()
        errorBuffer = nil
    }

    var fd: Int32 { connection?.fd ?? -1 }
    var connectingHandle: UnsafeMutableRawPointer? { if case .connecting = phase { return easy } else { return nil } }

    func connected(result: CURLcode, multi: UnsafeMutableRawPointer) -> Int32 {
        guard let easy else { return -1 }
        let detail = errorBuffer.map { String(cString: $0) } ?? ""
        _ = aai_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, nil)
        guard result == CURLE_OK else {
            failure = WebSocketConnection.connectError(result, detail: detail, what: wsWhat)
            return -1
        }
        var socket: curl_socket_t = -1
        _ = aai_curl_getinfo_socket(easy, &socket)
        guard socket >= 0 else {
            failure = AssemblyAIError(.connection, "\(wsWhat): libcurl gave no socket")
            return -1
        }
        connection = WebSocketConnection.opened(easy: easy, fd: Int32(socket), multi: multi, share: share)
        self.easy = nil  // the connection's now
        share = nil
        errorBuffer?.deallocate()
        errorBuffer = nil
        phase = .handshake
        out = request
        outOffset = 0
        request = []
        return Int32(socket)
    }

    private func sendClose(_ code: UInt16, _ reason: String) {
        guard !closeSent, let c = connection else { return }
        closeSent = true
        c.encode(.close, WebSocketCodec.closePayload(code: code, reason: reason), into: &out)
    }

    private func flush() throws(AssemblyAIError) {
        guard let c = connection else { return }
        while outOffset < out.count {
            let n = try out.withBytes { (raw) throws(AssemblyAIError) -> Int in
                try c.send(UnsafeRawBufferPointer(rebasing: raw[outOffset...]), what: what)
            }
            if n == 0 { break }
            outOffset += n
            lastActivity = monotonicMs()
        }
        if outOffset == out.count {
            out.removeAll(keepingCapacity: out.capacity <= 64 * 1024)
            outOffset = 0
        }
    }

    func service(readable: Bool, nowMs: Int, buffer: inout [UInt8]) -> LoopVerdict {
        session.deliverPostedOnLoop()  // 0 callback threads: what other threads posted
        switch phase {
        case .open: return serviceOpen(readable: readable, nowMs: nowMs, buffer: &buffer)
        case .connecting:
            if session.stopRequestedNow().0 {
                failure = AssemblyAIError(.state, "the \(what) was freed while connecting")
                return .done
            }
            if nowMs >= connectDeadline {
                failure = AssemblyAIError(.timeout, "\(wsWhat): connecting timed out after \(options.connectTimeoutMs) ms")
                return .done
            }
            return .keep(wantWrite: false, deadlineMs: connectDeadline, again: false)
        default:
            return serviceConnecting(readable: readable, nowMs: nowMs, buffer: &buffer)
        }
    }

    private func serviceOpen(readable: Bool, nowMs: Int, buffer: inout [UInt8]) -> LoopVerdict {
        guard let c = connection else { return .done }
        do {
            // 1. Take what other threads queued.
            var deadline: Int?
            var moreQueued = false
            if closeSent {
                (stopped, deadline) = session.stopRequestedNow()
            } else {
                let t = session.takeOutgoing(room: StreamingSession.maxPendingWrite - (out.count - outOffset))
                stopped = t.stopped
                deadline = t.deadline
                moreQueued = t.more
                if !stopped {
                    for item in t.items {
                        switch item {
                        case .audio(let bytes, _): c.encode(.binary, bytes, into: &out)
                        case .json(let text): c.encode(.text, Array(text.utf8), into: &out)
                        }
                    }
                }
            }
            if stopped {
                sendClose(WebSocketCloseCode.normal, "")
                try? flush()
                return .done
            }
            // 2. The close deadline.
            if let deadline, nowMs >= deadline {
                if !terminated {
                    let expected = p == .v2 ? "SessionTerminated" : "Termination"
                    failure = AssemblyAIError(.timeout, "\(what): no \(expected) within \(session.closeTimeoutMsSnapshot()) ms of close; the connection was closed")
                }
                sendClose(WebSocketCloseCode.normal, "")
                try? flush()
                return .done
            }
            // 3. Write.
            try flush()
            // 4. Read everything available (frames already buffered first: the handshake or
            // connect may have read past what they needed).
            if readable || c.parser.bufferedBytes > 0 {
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
                    while let frame = try c.parser.next() {
                        guard let message = try c.assembler.push(frame) else { continue }
                        switch message {
                        case .text(let text):
                            var event = StreamingEvent.parse(Array(text.utf8), protocol: p)
                            event.receivedNs = c.lastDataNs
                            if event.kind == .terminated { terminated = true }
                            session.post(event)
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
                if closeReceived != nil || eof {
                    try? flush()
                    return .done
                }
                try flush()  // pongs
            }
            // 5. Keep-alive.
            var next: Int? = deadline
            if keepAlive > 0 {
                let t = monotonicMs()
                if let sent = pingSentAt {
                    if t - sent >= keepAlive {
                        failure = AssemblyAIError(.connection, "\(what): no answer to a keep-alive ping within \(keepAlive) ms; the connection is considered lost")
                        sendClose(WebSocketCloseCode.goingAway, "")
                        try? flush()
                        return .done
                    }
                    next = min(next ?? Int.max, sent + keepAlive)
                } else if t - lastActivity >= keepAlive {
                    var stamp = UInt64(t).bigEndian
                    let payload = withUnsafeBytes(of: &stamp) { Array($0) }
                    c.encode(.ping, payload, into: &out)
                    pingSentAt = t
                    try flush()
                    next = min(next ?? Int.max, t + keepAlive)
                } else {
                    next = min(next ?? Int.max, lastActivity + keepAlive)
                }
            }
            return .keep(wantWrite: outOffset < out.count, deadlineMs: next, again: moreQueued && outOffset == out.count)
        } catch let error as WebSocketProtocolError {
            failure = AssemblyAIError(.proto, "\(what): the server broke the WebSocket protocol: \(error.message)")
            sendClose(error.closeCode, String(error.message.prefix(100)))
            try? flush()
            return .done
        } catch let error as AssemblyAIError {
            failure = error
            // A send that failed (a reset met while writing audio) must not lose what the
            // server sent before: those bytes are still in the socket. Deliver them first.
            if !stopped, closeReceived == nil, let close = deliverReceived(buffer: &buffer) {
                closeReceived = close  // the server's close explains the end better (see finish)
                failure = nil
            }
            return .done
        } catch {
            failure = AssemblyAIError(.internal, "\(what): \(error)")
            return .done
        }
    }

    private var isBeginPhase: Bool { if case .begin = phase { return true } else { return false } }

    /// The handshake and the wait for Begin, as connect() did them on its own thread: every
    /// failure becomes connect's error, with no event.
    private func serviceConnecting(readable: Bool, nowMs: Int, buffer: inout [UInt8]) -> LoopVerdict {
        guard let c = connection else { return .done }
        let expected = p == .v2 ? "SessionBegins" : "Begin"
        /// A close frame before the connection ends (in the Begin phase), as connect() sent.
        func fail(_ code: UInt16, _ reason: String) {
            sendClose(code, reason)
            try? flush()
        }
        do {
            if session.stopRequestedNow().0 {
                failure = AssemblyAIError(.state, "the \(what) was freed while connecting")
                if isBeginPhase { fail(WebSocketCloseCode.normal, "") }
                return .done
            }
            try flush()
            var first = true
            reading: while true {
                // First the frames already buffered (the handshake may have read past its head)
                // when the socket has nothing new; then read until the socket has no more.
                let parseOnly = first && !readable
                if parseOnly && !(isBeginPhase && c.parser.bufferedBytes > 0) { break }
                first = false
                var gotEOF = false
                if !parseOnly {
                    switch try c.recv(into: &buffer, what: wsWhat) {
                    case .data(let n):
                        if isBeginPhase {
                            buffer.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                        } else {
                            received += buffer[0..<n]
                        }
                    case .again: break reading
                    case .eof: gotEOF = true
                    }
                }
                switch phase {
                case .handshake:
                    let head: WebSocketHandshake.Response?
                    do { head = try WebSocketHandshake.parseResponse(received) } catch {
                        throw AssemblyAIError(.proto, "\(wsWhat): \(error.message)")
                    }
                    if let head {
                        let rest = Array(received[head.headLength...])
                        received = []
                        if head.status != 101 {
                            received = rest
                            phase = .refused(head, bodyDeadline: min(connectDeadline, monotonicMs() + 1000))
                            if received.count >= WebSocketConnection.refusalBodyLength(head) || gotEOF {
                                throw WebSocketConnection.refusal(head, body: received, what: wsWhat)
                            }
                        } else {
                            if let problem = WebSocketHandshake.problem(with: head, key: key) {
                                throw AssemblyAIError(.proto, "\(wsWhat): \(problem)")
                            }
                            if !rest.isEmpty { c.parser.append(rest) }
                            phase = .begin
                        }
                    }
                    if gotEOF, case .handshake = phase {
                        throw AssemblyAIError(.connection, "\(wsWhat): the server closed the connection during the handshake")
                    }
                case .refused(let head, _):
                    if received.count >= WebSocketConnection.refusalBodyLength(head) || gotEOF {
                        throw WebSocketConnection.refusal(head, body: received, what: wsWhat)
                    }
                case .begin, .connecting, .open:
                    break
                }
                if isBeginPhase {
                    while let frame = try c.parser.next() {
                        guard let message = try c.assembler.push(frame) else { continue }
                        switch message {
                        case .text(let text):
                            var event = StreamingEvent.parse(Array(text.utf8), protocol: p)
                            event.receivedNs = c.lastDataNs
                            switch event.kind {
                            case .opened:
                                phase = .open
                                lastActivity = monotonicMs()
                                guard session.loopConnected(event, options) else {
                                    stopped = true
                                    return serviceOpen(readable: false, nowMs: nowMs, buffer: &buffer)
                                }
                                return serviceOpen(readable: readable, nowMs: nowMs, buffer: &buffer)
                            case .error: errorText = event.text
                            default: break
                            }
                        case .binary, .pong: break
                        case .ping(let payload):
                            c.encode(.pong, payload, into: &out)
                            try flush()
                        case .close(let code, let reason):
                            fail(code == WebSocketCloseCode.noStatus ? WebSocketCloseCode.normal : code, "")
                            closeReceived = (code, reason)
                            var error = StreamingCloseCodes.error(code: Int(code), reason: reason, protocol: p, during: "before the session began")
                            if StreamingCloseCodes.isNormal(Int(code)) { error.code = .connection }
                            if let errorText {
                                error.message += " (server error message: \(errorText))"
                                error.serverText = error.serverText ?? errorText
                            }
                            failure = error
                            return .done
                        }
                    }
                    if gotEOF {
                        eof = true
                        throw AssemblyAIError(.connection, "\(what): the server closed the connection before the session began"
                                              + (errorText.map { " (server error message: \($0))" } ?? ""), serverText: errorText)
                    }
                }
                if gotEOF { break reading }
            }
            // Deadlines.
            let now = monotonicMs()
            switch phase {
            case .refused(let head, let bodyDeadline):
                if now >= bodyDeadline { throw WebSocketConnection.refusal(head, body: received, what: wsWhat) }
                return .keep(wantWrite: outOffset < out.count, deadlineMs: bodyDeadline, again: false)
            case .handshake:
                if now >= connectDeadline {
                    throw AssemblyAIError(.timeout, "\(wsWhat): waiting for the handshake answer: timed out")
                }
            case .begin:
                if now >= connectDeadline {
                    fail(WebSocketCloseCode.normal, "")
                    throw AssemblyAIError(.timeout, "\(what): no \(expected) message within \(options.connectTimeoutMs) ms")
                }
            default: break
            }
            return .keep(wantWrite: outOffset < out.count, deadlineMs: connectDeadline, again: false)
        } catch let error as WebSocketProtocolError {
            fail(error.closeCode, String(error.message.prefix(100)))
            failure = AssemblyAIError(.proto, "\(what): the server broke the WebSocket protocol: \(error.message)")
            return .done
        } catch let error as AssemblyAIError {
            failure = error
            return .done
        } catch {
            failure = AssemblyAIError(.internal, "\(what): \(error)")
            return .done
        }
    }

    func finish(buffer: inout [UInt8]) {
        if case .open = phase {} else {
            // connect failed (or the session was freed while connecting): no event, connect's error.
            connection?.close()
            releaseCurl()
            session.loopConnectFailed(failure ?? AssemblyAIError(.internal, "\(what): connect ended without a reason"),
                                      closeCode: closeReceived.map { Int($0.code) } ?? (eof && isBeginPhase ? Int(WebSocketCloseCode.abnormal) : nil),
                                      closeReason: closeReceived?.reason,
                                      upgraded: isBeginPhase)  // v3 helper: handshake retries only before the upgrade
            return
        }
        guard let c = connection else { return }
        c.close()  // the server sees the TCP close now, not when the session is freed
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
        session.ended(closeCode: closeCode, closeReason: closeReason, failure: failure,
                      closeFrameReceived: closeReceived != nil, stopped: stopped)
        session.deliverPostedOnLoop()  // 0 callback threads: the loop will not service it again
    }

    /// After the connection failed: reads what is left in the socket and posts the messages in
    /// it, up to a close frame (returned) or anything unreadable.
    private func deliverReceived(buffer: inout [UInt8]) -> (code: UInt16, reason: String)? {
        guard let c = connection else { return nil }
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
            case .text(let text): session.post(StreamingEvent.parse(Array(text.utf8), protocol: p))
            case .close(let code, let reason): return (code, reason)
            case .binary, .ping, .pong: break
            }
        }
        return nil
    }
}
