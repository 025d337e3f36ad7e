// A WebSocket connection over libcurl. Debian 12's libcurl (7.88) is built without WebSocket
// support, so libcurl only opens the connection (CURLOPT_CONNECT_ONLY: DNS, proxy CONNECT
// tunnel, TLS with verification) and then moves raw bytes (curl_easy_send / curl_easy_recv);
// the handshake and the framing are ours (WebSocketHandshake, WebSocketCodec).
//
// Not thread-safe: a libcurl easy handle must be used by one thread at a time. The streaming
// session gives the connection to its I/O thread once connected.

import CCurl
import Glibc

/// Where a WebSocket goes: ws:// or wss:// URL split for libcurl and for the request line.
struct WebSocketURL: Sendable, Equatable {
    /// http:// or https:// URL libcurl connects to (same host and port).
    var curlURL: String
    /// Host header value (host, and the port when not the scheme's default).
    var hostHeader: String
    /// Path and query.
    var target: String
    var secure: Bool

    /// Parses `ws://host[:port]/path?query` or `wss://...`. Plain ws:// only for loopback
    /// hosts, as for the REST base URL (an API key never crosses a network in clear text).
    init(_ url: String) throws(AssemblyAIError) {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("wss://") {
            secure = true
            rest = url.dropFirst(6)
        } else if lower.hasPrefix("ws://") {
            secure = false
            rest = url.dropFirst(5)
        } else {
            throw .invalidArgument("WebSocket URL must start with wss:// (or ws:// for a loopback host), got '\(url)'")
        }
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalidArgument("WebSocket URL has no host: '\(url)'") }
        var path = String(rest.dropFirst(authority.count))
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        let httpBase = (secure ? "https://" : "http://") + authority
        _ = try Settings.validatedBaseURL(httpBase)  // the loopback rule for plain text
        curlURL = httpBase + "/"
        hostHeader = authority
        target = path
    }
}

final class WebSocketConnection {
    private let easy: UnsafeMutableRawPointer
    let fd: Int32
    /// Bytes received after the handshake's head, not yet parsed.
    var parser = WebSocketFrameParser(maxFrameSize: 16 << 20, expectMasked: false)
    var assembler = WebSocketMessageAssembler(maxMessageSize: 16 << 20)
    /// When the last recv() that returned data did (monotonicNs): a message completed by the
    /// bytes of that read arrived then.
    private(set) var lastDataNs: Int64 = 0
    private var rng = SystemRandomNumberGenerator()

    enum RecvResult { case data(Int), again, eof }

    /// The multi handle the easy handle is in (the streaming loop's), or nil (its own).
    private let multi: UnsafeMutableRawPointer?
    /// The easy handle's connection cache of its own (see makeShare), released after it.
    private let share: UnsafeMutableRawPointer?

    private init(easy: UnsafeMutableRawPointer, fd: Int32, multi: UnsafeMutableRawPointer? = nil,
                 share: UnsafeMutableRawPointer? = nil) {
        self.easy = easy
        self.fd = fd
        self.multi = multi
        self.share = share
    }

    /// A connection libcurl opened through a multi handle (the streaming loop's): it stays in
    /// that multi handle (libcurl closes a CONNECT_ONLY connection removed from it) until close().
    /// `share` (from makeShare, set on `easy`) is released with it.
    static func opened(easy: UnsafeMutableRawPointer, fd: Int32, multi: UnsafeMutableRawPointer,
                       share: UnsafeMutableRawPointer?) -> WebSocketConnection {
        WebSocketConnection(easy: easy, fd: fd, multi: multi, share: share)
    }

    /// A libcurl share handle holding only a connection cache, for one easy handle in a shared
    /// multi handle. libcurl 7.88 finds a CONNECT_ONLY connection again on every curl_easy_send
    /// and curl_easy_recv by walking its cache's list of connections: in the streaming loop's
    /// multi handle, that is every session's connection (with 1000 sessions, 15% of the process's
    /// CPU went there). With a cache of its own, the walk is one connection long. nil if libcurl
    /// refused one (the connection then lives in the multi handle's cache, as before).
    static func makeShare() -> UnsafeMutableRawPointer? {
        guard let share = curl_share_init() else { return nil }
        guard aai_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_CONNECT.rawValue)) == CURLSHE_OK else {
            curl_share_cleanup(share)
            return nil
        }
        return share
    }

    private var closed = false

    deinit { close() }

    /// Closes the socket (and releases libcurl's handle). Idempotent; nothing works afterwards.
    func close() {
        guard !closed else { return }
        closed = true
        if let multi { _ = curl_multi_remove_handle(multi, easy) }
        curl_easy_cleanup(easy)
        if let share { curl_share_cleanup(share) }
    }

    /// A libcurl handle set up to open the connection to `url` (CONNECT_ONLY: DNS, proxy tunnel,
    /// TLS with verification), for curl_easy_perform or a multi handle. `errorBuffer` must hold
    /// CURL_ERROR_SIZE bytes and live as long as the transfer.
    static func makeEasy(url: WebSocketURL, deadlineMs: Int, errorBuffer: UnsafeMutablePointer<CChar>?,
                         share: UnsafeMutableRawPointer? = nil) throws(AssemblyAIError) -> UnsafeMutableRawPointer {
        _ = curlGlobalInit
        guard let easy = curl_easy_init() else { throw AssemblyAIError(.noMemory, "could not create a libcurl handle") }
        if let share { _ = aai_curl_setopt_ptr(easy, CURLOPT_SHARE, share) }
        _ = aai_curl_setopt_str(easy, CURLOPT_URL, url.curlURL)
        _ = aai_curl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        _ = aai_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        // Through an HTTP proxy, tunnel (CONNECT) even for plain ws://: we speak our own protocol.
        _ = aai_curl_setopt_long(easy, CURLOPT_HTTPPROXYTUNNEL, 1)
        // TLS: HTTP/1.1 only in ALPN, since the upgrade is an HTTP/1.1 mechanism.
        _ = aai_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        _ = aai_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, deadlineMs - monotonicMs()))
        // In a shared multi handle, libcurl would close a connection idle (to its eyes) for
        // longer than this when another one opens: a streaming session is never idle to us.
        _ = aai_curl_setopt_long(easy, CURLOPT_MAXAGE_CONN, 100 * 365 * 86400)
        if let errorBuffer {
            errorBuffer.pointee = 0
            _ = aai_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        }
        return easy
    }

    /// The error for a failed connect (libcurl's code and its error buffer's text).
    static func connectError(_ code: CURLcode, detail: String, what: String) -> AssemblyAIError {
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return AssemblyAIError(.timeout, "\(what): connecting timed out: \(reason)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return AssemblyAIError(.tls, "\(what): TLS failed: \(reason)")
        default:
            return AssemblyAIError(.connection, "\(what): could not connect: \(reason)")
        }
    }

    /// The error for an upgrade the server refused (HTTP status `head.status`, `body` as read).
    static func refusal(_ head: WebSocketHandshake.Response, body rest: [UInt8], what: String) -> AssemblyAIError {
        let length = head.header("Content-Length").flatMap { Int($0) } ?? 64 * 1024
        let body = String(decoding: rest.prefix(length), as: UTF8.self)
        var serverText: String? = nil
        if let value = try? JSONValue.parse(body), let text = value["error"]?.stringValue { serverText = text }
        let code = ErrorCode.forHTTPStatus(head.status)
        let detail = serverText ?? (body.isEmpty ? head.reason : String(body.prefix(300)))
        var error = AssemblyAIError(code, "\(what): the server refused the WebSocket upgrade with HTTP \(head.status): \(detail)",
                                    httpStatus: head.status, serverText: serverText)
        // Retry-After in seconds (429 / 503), for connect's retries.
        error.retryAfterSeconds = head.header("Retry-After").flatMap { Int(String($0.filter { $0 != " " })) }.map { max(0, $0) }
        return error
    }

    /// How many body bytes to wait for after a refusal's head.
    static func refusalBodyLength(_ head: WebSocketHandshake.Response) -> Int {
        min(head.header("Content-Length").flatMap { Int($0) } ?? 64 * 1024, 64 * 1024)
    }

    /// Opens the connection and performs the opening handshake. Returns once the server
    /// answered 101; bytes after the head (early frames) are already in `parser`.
    /// A non-101 answer becomes an error carrying the HTTP status and the body's text.
    static func open(url: WebSocketURL, headers: [(String, String)], settings: Settings,
                     deadlineMs: Int) throws(AssemblyAIError) -> WebSocketConnection {
        _ = curlGlobalInit
        guard let easy = curl_easy_init() else { throw AssemblyAIError(.noMemory, "could not create a libcurl handle") }
        let what = "WebSocket \(url.target.prefix { $0 != "?" })"
        _ = aai_curl_setopt_str(easy, CURLOPT_URL, url.curlURL)
        _ = aai_curl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = aai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        _ = aai_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        // Through an HTTP proxy, tunnel (CONNECT) even for plain ws://: we speak our own protocol.
        _ = aai_curl_setopt_long(easy, CURLOPT_HTTPPROXYTUNNEL, 1)
        // TLS: HTTP/1.1 only in ALPN, since the upgrade is an HTTP/1.1 mechanism.
        _ = aai_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        _ = aai_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, deadlineMs - monotonicMs()))
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = errorBuffer.withUnsafeMutableBufferPointer { eb -> CURLcode in
            _ = aai_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(eb.baseAddress))
            let rc = curl_easy_perform(easy)
            _ = aai_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            curl_easy_cleanup(easy)
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                throw AssemblyAIError(.timeout, "\(what): connecting timed out: \(reason)")
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
                 CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
                throw AssemblyAIError(.tls, "\(what): TLS failed: \(reason)")
            default:
                throw AssemblyAIError(.connection, "\(what): could not connect: \(reason)")
            }
        }
        var socket: curl_socket_t = -1
        _ = aai_curl_getinfo_socket(easy, &socket)
        guard socket >= 0 else {
            curl_easy_cleanup(easy)
            throw AssemblyAIError(.connection, "\(what): libcurl gave no socket")
        }
        let connection = WebSocketConnection(easy: easy, fd: Int32(socket))
        try connection.handshake(url: url, headers: headers, what: what, deadlineMs: deadlineMs)
        return connection
    }

    static let curlGlobalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private func handshake(url: WebSocketURL, headers: [(String, String)], what: String, deadlineMs: Int) throws(AssemblyAIError) {
        let key = WebSocketHandshake.makeKey()
        let request = WebSocketHandshake.request(host: url.hostHeader, target: url.target, key: key, headers: headers)
        try sendAll(request, deadlineMs: deadlineMs, what: what)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var head: WebSocketHandshake.Response?
        while head == nil {
            switch try recv(into: &buffer, what: what) {
            case .data(let n): received += buffer[0..<n]
            case .again: try waitReadable(deadlineMs: deadlineMs, what: "\(what): waiting for the handshake answer")
            case .eof: throw AssemblyAIError(.connection, "\(what): the server closed the connection during the handshake")
            }
            do {
                head = try WebSocketHandshake.parseResponse(received)
            } catch {
                throw AssemblyAIError(.proto, "\(what): \(error.message)")
            }
        }
        guard let head else { return }
        var rest = Array(received[head.headLength...])
        if head.status != 101 {
            // Read what the body holds (bounded by Content-Length, 64 KiB and a short time) for the message.
            let length = head.header("Content-Length").flatMap { Int($0) } ?? 64 * 1024
            let bodyDeadline = min(deadlineMs, monotonicMs() + 1000)
            while rest.count < min(length, 64 * 1024) {
                guard let r = try? recv(into: &buffer, what: what) else { break }
                if case .data(let n) = r { rest += buffer[0..<n]; continue }
                if case .eof = r { break }
                guard (try? waitReadable(deadlineMs: bodyDeadline, what: what)) != nil else { break }
            }
            let body = String(decoding: rest.prefix(length), as: UTF8.self)
            var serverText: String? = nil
            if let value = try? JSONValue.parse(body), let text = value["error"]?.stringValue { serverText = text }
            let code = ErrorCode.forHTTPStatus(head.status)
            let detail = serverText ?? (body.isEmpty ? head.reason : String(body.prefix(300)))
            throw AssemblyAIError(code, "\(what): the server refused the WebSocket upgrade with HTTP \(head.status): \(detail)",
                                  httpStatus: head.status, serverText: serverText)
        }
        if let problem = WebSocketHandshake.problem(with: head, key: key) {
            throw AssemblyAIError(.proto, "\(what): \(problem)")
        }
        if !rest.isEmpty { parser.append(rest); rest = [] }
    }

    // MARK: raw I/O

    /// Sends as much of `bytes` as the socket takes now; returns the count (0 when it would block).
    func send(_ bytes: UnsafeRawBufferPointer, what: String) throws(AssemblyAIError) -> Int {
        guard bytes.count > 0 else { return 0 }
        var sent = 0
        let rc = curl_easy_send(easy, bytes.baseAddress, bytes.count, &sent)
        switch rc {
        case CURLE_OK: return sent
        case CURLE_AGAIN: return 0
        default:
            throw AssemblyAIError(.connection, "\(what): sending failed: \(String(cString: curl_easy_strerror(rc)))")
        }
    }

    func sendAll(_ bytes: [UInt8], deadlineMs: Int, what: String) throws(AssemblyAIError) {
        var offset = 0
        while offset < bytes.count {
            let n = try bytes.withBytes { (raw) throws(AssemblyAIError) -> Int in
                try send(UnsafeRawBufferPointer(rebasing: raw[offset...]), what: what)
            }
            offset += n
            if n == 0 { try waitWritable(deadlineMs: deadlineMs, what: what) }
        }
    }

    func recv(into buffer: inout [UInt8], what: String) throws(AssemblyAIError) -> RecvResult {
        var got = 0
        let rc = buffer.withUnsafeMutableBytes { curl_easy_recv(easy, $0.baseAddress, $0.count, &got) }
        switch rc {
        case CURLE_OK:
            if got > 0 { lastDataNs = monotonicNs() }
            return got == 0 ? .eof : .data(got)
        case CURLE_AGAIN: return .again
        default:
            throw AssemblyAIError(.connection, "\(what): receiving failed: \(String(cString: curl_easy_strerror(rc)))")
        }
    }

    func waitReadable(deadlineMs: Int, what: String) throws(AssemblyAIError) {
        try waitFor(Int16(POLLIN), deadlineMs: deadlineMs, what: what)
    }

    func waitWritable(deadlineMs: Int, what: String) throws(AssemblyAIError) {
        try waitFor(Int16(POLLOUT), deadlineMs: deadlineMs, what: what)
    }

    private func waitFor(_ events: Int16, deadlineMs: Int, what: String) throws(AssemblyAIError) {
        while true {
            let left = deadlineMs - monotonicMs()
            guard left > 0 else { throw AssemblyAIError(.timeout, "\(what): timed out") }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(left, 60_000)))
            if rc > 0 { return }
            if rc < 0, errno != EINTR { throw AssemblyAIError(.connection, "\(what): poll failed (errno \(errno))") }
        }
    }

    // MARK: frames

    /// A fresh masking key for each client frame (RFC 6455 5.3).
    func nextMaskKey() -> UInt32 { UInt32.random(in: 0...UInt32.max, using: &rng) }

    /// Encodes a client frame (masked) and appends it to `out`.
    func encode(_ opcode: WebSocketOpcode, _ payload: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        WebSocketCodec.encode(opcode: opcode, payload: payload, maskKey: nextMaskKey(), into: &out)
    }

    func encode(_ opcode: WebSocketOpcode, _ payload: [UInt8], into out: inout [UInt8]) {
        payload.withUnsafeBytes { encode(opcode, $0, into: &out) }
    }
}

extension Array where Element == UInt8 {
    /// withUnsafeBytes for a body with typed throws (the standard one rethrows `any Error`).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(AssemblyAIError) -> R) throws(AssemblyAIError) -> R {
        var result: Result<R, AssemblyAIError>?
        withUnsafeBytes { raw in result = Result { () throws(AssemblyAIError) -> R in try body(raw) } }
        return try result!.get()
    }
}
