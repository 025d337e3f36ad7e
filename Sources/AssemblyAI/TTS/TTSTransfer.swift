import CCurl
import Glibc
import Synchronization

/// One streamed POST to the Text-to-Speech API over libcurl: the response headers are read as
/// they arrive, and a 200's body is handed to `onBody` piece by piece as libcurl receives it
/// (nothing is buffered); any other status's body is kept for the error envelope.
///
/// Timeouts follow the official SDK's per-operation model: `connectTimeoutMs` bounds connecting,
/// `readTimeoutMs` the longest time no byte moves (a stall timer in the progress function, which
/// libcurl calls at least once a second: checked to about a second).
/// A cancellation token current on the calling thread aborts the transfer (checked for every
/// piece, and by the progress function at least once a second while nothing arrives).
final class TTSTransfer {
    /// Easy handles kept between calls (their settings and buffers; each request opens a new
    /// connection, see FRESH_CONNECT below).
    private static let idle = Mutex<[CurlEasy]>([])

    struct Outcome {
        var status = 0
        var headers: [String: String] = [:]
        /// The body of a non-200 answer.
        var errorBody: [UInt8] = []
        /// Whether any of a 200's body reached `onBody`.
        var bodyStarted = false
    }

    fileprivate final class State {
        var outcome = Outcome()
        var headersDone = false
        var onHead: (Outcome) -> Bool
        var onBody: (UnsafeRawBufferPointer) -> Bool
        var stoppedByCallback = false
        var checkHead: ((Outcome) -> AssemblyAIError?)?
        var refusal: AssemblyAIError?
        var cancel: CancellationToken?
        /// The stall timer: the longest time in ms no byte may move (libcurl's own low-speed check
        /// averages over seconds, so a server that takes the request and never answers would
        /// hold the call well past its timeout), and when bytes last moved.
        var stallLimitMs = 0
        var lastMovedMs = monotonicMs()
        var lastDown = -1
        var lastUp = -1
        var stalled = false
        init(onHead: @escaping (Outcome) -> Bool, onBody: @escaping (UnsafeRawBufferPointer) -> Bool) {
            self.onHead = onHead
            self.onBody = onBody
        }
    }

    /// Sends `body` to `url` and streams the answer. Returns the outcome (any status), or throws a
    /// transport failure. `onHead` runs once, when the first byte of a 200's body arrives (the
    /// API commits to 200 with the first audio); returning false from either callback stops the
    /// transfer with ``ErrorCode/cancelled``.
    static func post(url: String, what: String, body: [UInt8], settings: Settings, accept: String,
                     connectTimeoutMs: Int, readTimeoutMs: Int, cutNote: String? = nil,
                     checkHead: ((Outcome) -> AssemblyAIError?)? = nil,
                     onHead: @escaping (Outcome) -> Bool,
                     onBody: @escaping (UnsafeRawBufferPointer) -> Bool) throws(AssemblyAIError) -> Outcome {
        _ = HTTPClient()  // curl_global_init
        let easy: CurlEasy
        if let e = idle.withLock({ $0.popLast() }) { easy = e } else {
            guard let e = CurlEasy() else { throw AssemblyAIError(.noMemory, "could not create a libcurl handle") }
            easy = e
        }
        let h = easy.handle
        curl_easy_reset(h)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headers) }
        if let key = settings.apiKey { headers = curl_slist_append(headers, "Authorization: \(key)") }
        headers = curl_slist_append(headers, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Accept: \(accept)")
        headers = curl_slist_append(headers, "Expect:")
        _ = aai_curl_setopt_str(h, CURLOPT_URL, url)
        _ = aai_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_str(h, CURLOPT_USERAGENT, settings.userAgent)
        _ = aai_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        _ = aai_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = aai_curl_setopt_long(h, CURLOPT_POST, 1)
        _ = aai_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        body.withUnsafeBufferPointer { buf in
            _ = aai_curl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
        }
        _ = aai_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, max(1, connectTimeoutMs))
        // A speech request must not be sent twice (it is billed): a new connection each time, so
        // libcurl never re-sends it by itself on a kept-alive connection that died (as HTTPClient
        // does for requests that create something).
        _ = aai_curl_setopt_long(h, CURLOPT_FRESH_CONNECT, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_FORBID_REUSE, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        _ = aai_curl_setopt_xferinfo_cb(h, ttsProgress)
        _ = aai_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        _ = aai_curl_setopt_data_cb(h, CURLOPT_WRITEFUNCTION, ttsWrite)
        _ = aai_curl_setopt_data_cb(h, CURLOPT_HEADERFUNCTION, ttsHeader)

        let state = State(onHead: onHead, onBody: onBody)
        state.checkHead = checkHead
        state.stallLimitMs = max(1, readTimeoutMs)
        state.cancel = CancellationToken.current
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = withExtendedLifetime(state) {
            let ctx = Unmanaged.passUnretained(state).toOpaque()
            for opt in [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_XFERINFODATA] { _ = aai_curl_setopt_ptr(h, opt, ctx) }
            return errorBuffer.withUnsafeMutableBufferPointer { eb in
                _ = aai_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(eb.baseAddress))
                let rc = curl_easy_perform(h)
                _ = aai_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)
                return rc
            }
        }
        if code == CURLE_OK {
            idle.withLock { if $0.count < 8 { $0.append(easy) } }
        }
        var outcome = state.outcome
        if code == CURLE_OK {
            if !state.headersDone { state.headersDone = true }
            var status = 0
            _ = aai_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
            outcome.status = status
            return outcome
        }
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if let refusal = state.refusal { throw refusal.redacting(settings.apiKey) }
        var error: AssemblyAIError
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where state.stalled:
            error = AssemblyAIError(.timeout, "\(what): timed out: no data for \(readTimeoutMs) ms")
        case CURLE_ABORTED_BY_CALLBACK,
             CURLE_WRITE_ERROR where state.stoppedByCallback || state.cancel?.isCancelled == true:
            let by = state.cancel?.isCancelled == true ? "cancelled" : "stopped by the callback"
            error = AssemblyAIError(.cancelled, "\(what): \(by)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            error = AssemblyAIError(.connection, "\(what): could not connect: \(reason)")
        case CURLE_OPERATION_TIMEDOUT:
            error = AssemblyAIError(.timeout, "\(what): timed out: \(reason)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            error = AssemblyAIError(.invalidArgument, "\(what): bad URL: \(reason)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            error = AssemblyAIError(.tls, "\(what): TLS failed: \(reason)")
        default:
            error = AssemblyAIError(.connection, "\(what): connection failed: \(reason)")
        }
        if outcome.bodyStarted, error.code != .cancelled {
            // The API commits to 200 with the first audio, so a failure after it cuts the body.
            let kind = error.code == .timeout ? "timed out" : "connection lost"
            error = AssemblyAIError(error.code == .timeout ? .timeout : .connection,
                                    "\(what): \(kind): " + (cutNote ?? "the response was cut before the audio was complete")
                                        + " (\(reason)). Retry the request.",
                                    httpStatus: 200)
        }
        outcome.status = outcome.bodyStarted ? 200 : outcome.status
        throw error.redacting(settings.apiKey)
    }

    fileprivate static func state(_ p: UnsafeMutableRawPointer?) -> State {
        Unmanaged<State>.fromOpaque(p!).takeUnretainedValue()
    }

    fileprivate static func write(_ ptr: UnsafeMutablePointer<CChar>?, _ n: Int, _ user: UnsafeMutableRawPointer?) -> Int {
        let s = state(user)
        if s.cancel?.isCancelled == true { return 0 }
        guard let ptr, n > 0 else { return n }
        if s.outcome.status != 200 {
            if s.outcome.errorBody.count < 1 << 20 {
                s.outcome.errorBody.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
            }
            return n
        }
        if !s.outcome.bodyStarted {
            s.outcome.bodyStarted = true
            if let refusal = s.checkHead?(s.outcome) { s.refusal = refusal; return 0 }
            if !s.onHead(s.outcome) { s.stoppedByCallback = true; return 0 }
        }
        if !s.onBody(UnsafeRawBufferPointer(start: ptr, count: n)) { s.stoppedByCallback = true; return 0 }
        return n
    }

    fileprivate static func header(_ ptr: UnsafeMutablePointer<CChar>?, _ n: Int, _ user: UnsafeMutableRawPointer?) -> Int {
        guard let ptr else { return n }
        let s = state(user)
        let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self).trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            // A status line: a new response (after a 100 Continue or a redirect) starts afresh.
            let parts = line.split(separator: " ")
            s.outcome.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            s.outcome.headers = [:]
            return n
        }
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            s.outcome.headers[name] = value
        }
        return n
    }
}

private let ttsWrite: aai_curl_data_cb = { ptr, size, count, user in TTSTransfer.write(ptr, size * count, user) }
private let ttsHeader: aai_curl_data_cb = { ptr, size, count, user in TTSTransfer.header(ptr, size * count, user) }
private let ttsProgress: aai_curl_xferinfo_cb = { user, _, downloaded, _, uploaded in
    let s = TTSTransfer.state(user)
    if s.cancel?.isCancelled == true { return 1 }
    let now = monotonicMs()
    if downloaded != s.lastDown || uploaded != s.lastUp {
        s.lastDown = downloaded
        s.lastUp = uploaded
        s.lastMovedMs = now
    } else if now - s.lastMovedMs >= s.stallLimitMs {
        s.stalled = true
        return 1
    }
    return 0
}
