import CCurl
import Glibc

/// One HTTP request as the transport sees it.
struct HTTPRequest {
    enum Method: String { case get = "GET", post = "POST", delete = "DELETE" }
    enum Body { case none, json([UInt8]), upload(UploadSource) }

    var method: Method
    /// Path and query below the base URL, e.g. `/v2/transcript/ID`. Used in messages too.
    var path: String
    var body: Body = .none
    var progress: ProgressHandler?
    /// Another host than the REST API's (the LLM Gateway), or nil for the client's base URL.
    var baseURL: String? = nil
    /// A time limit other than the client's HTTP timeout (LLM calls take long), or nil.
    var timeoutMs: Int? = nil
    /// Extra header lines ("Name: value"), e.g. the Sync API's X-AAI-Model.
    var headers: [String] = []
    /// Content-Type of an upload body other than application/octet-stream (multipart), or nil.
    var contentType: String? = nil
}

/// What came back: a status and a body, or a failure before any answer.
struct HTTPResponse {
    var status: Int
    var body: [UInt8]
    /// The server's Retry-After, in milliseconds, when it sent one in seconds.
    var retryAfterMs: Int?
}

/// A transport failure (no HTTP answer), with whether the request can have reached the server.
struct TransportFailure: Error {
    var error: AssemblyAIError
    /// False only when the connection was never made (refused, name not resolved), so the server
    /// provably did not see the request.
    var mayHaveReachedServer: Bool
}

/// Per-transfer state handed to libcurl's C callbacks through their user-data pointer.
private final class TransferState {
    var body: [UInt8] = []
    var bodyLimit: Int
    var bodyTooLarge = false
    var retryAfterMs: Int?
    var reader: UploadReader?
    var progress: ProgressHandler?
    var total: UInt64 = 0
    var lastReported: UInt64 = .max
    var cancelled = false
    /// The thread's current cancellation token: cancelling it aborts the transfer.
    var cancel: CancellationToken?
    /// Uploads: the longest time in ms no byte may move either way (0: not checked), and when
    /// bytes last moved. curl's own low-speed check averages over ~5 s, so a server that takes the
    /// whole upload and then never answers would hold the call 5 s past its timeout.
    var stallLimitMs = 0
    var lastMovedMs = 0
    var lastUp = -1
    var lastDown = -1
    var stalled = false

    init(bodyLimit: Int) { self.bodyLimit = bodyLimit }
}

/// An owned libcurl easy handle. Not thread-safe: the ``CurlPool`` hands each to one call at a time.
/// Keeping the handle between requests keeps its connections open for reuse.
final class CurlEasy: @unchecked Sendable {  // one user at a time, via the pool
    let handle: UnsafeMutableRawPointer

    init?() {
        guard let h = curl_easy_init() else { return nil }
        handle = h
    }

    deinit { curl_easy_cleanup(handle) }

    /// Largest response body accepted: far above any transcript, low enough that a broken
    /// server cannot make the library allocate without bound.
    static let maxResponseBytes = 1 << 30
    /// Most memory reserved up front on a response's Content-Length.
    static let maxUpfrontReserve = 64 << 20

    /// `freshConnection`: open a new connection instead of reusing a kept-alive one. For requests
    /// that must not be sent twice: on a reused connection that dies before any answer, libcurl
    /// silently sends the request again on a new one (whatever the method), which would create a
    /// second transcript when the first was received; on a fresh connection it never does.
    func perform(_ request: HTTPRequest, settings: Settings, freshConnection: Bool = false)
        -> Result<HTTPResponse, TransportFailure>
    {
        curl_easy_reset(handle)
        let state = TransferState(bodyLimit: CurlEasy.maxResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headers) }
        func header(_ line: String) { headers = curl_slist_append(headers, line) }

        let apiKey = settings.apiKey
        let url = (request.baseURL ?? settings.baseURL) + request.path
        _ = aai_curl_setopt_str(handle, CURLOPT_URL, url)
        _ = aai_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_str(handle, CURLOPT_USERAGENT, settings.userAgent)
        _ = aai_curl_setopt_str(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = aai_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        _ = aai_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        _ = aai_curl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        if freshConnection {
            // ...and closed after it, so no connection of this request lingers half-used.
            _ = aai_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)
            _ = aai_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)
        }
        if let apiKey { header("Authorization: \(apiKey)") }
        header("Accept: application/json")
        // curl would otherwise send "Expect: 100-continue" and stall a second on servers that
        // do not answer it; the official SDKs send no Expect either.
        header("Expect:")
        for line in request.headers { header(line) }

        let timeout = max(1, request.timeoutMs ?? settings.httpTimeoutMs)
        _ = aai_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout)

        var reader: UploadReader? = nil
        switch request.body {
        case .none:
            if request.method == .delete { _ = aai_curl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, "DELETE") }
            _ = aai_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout)
        case .json(let bytes):
            header("Content-Type: application/json")
            _ = aai_curl_setopt_long(handle, CURLOPT_POST, 1)
            _ = aai_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            bytes.withUnsafeBufferPointer { buf in
                _ = aai_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS,
                                        UnsafeMutableRawPointer(mutating: buf.baseAddress))
            }
            _ = aai_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout)
        case .upload(let source):
            do {
                let size = try source.knownSize()
                reader = try UploadReader(source, expectedSize: size)
                state.total = size ?? 0
                header("Content-Type: \(request.contentType ?? "application/octet-stream")")
                _ = aai_curl_setopt_long(handle, CURLOPT_POST, 1)
                if let size {
                    // Large files in reads of up to 1 MiB instead of curl's 64 KiB (a sixteenth of
                    // the read and progress calls; faster on 1 GiB in scripts/bench), never above
                    // 1/128 of the size, so progress is still reported at least once per 1%.
                    let piece = min(1 << 20, max(64 << 10, Int(size / 128)))
                    _ = aai_curl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, piece)
                    _ = aai_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(size))
                } else {
                    header("Transfer-Encoding: chunked")
                }
            } catch {
                return .failure(TransportFailure(error: error, mayHaveReachedServer: false))
            }
            // A large upload may take long: bound stalls, not the total.
            _ = aai_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = aai_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, timeout / 1000))
            _ = aai_curl_setopt_data_cb(handle, CURLOPT_READFUNCTION, curlRead)
            _ = aai_curl_setopt_seek_cb(handle, curlSeek)
            state.reader = reader
            state.progress = request.progress
            // The stall timer (the low-speed limit above stays as a backstop, and makes libcurl
            // call the progress function at least once a second while nothing moves).
            state.stallLimitMs = timeout
            state.lastMovedMs = monotonicMs()
            _ = aai_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = aai_curl_setopt_xferinfo_cb(handle, curlProgress)
        }
        // Under a cancellation token the progress function aborts the transfer once the token is
        // cancelled (libcurl calls it at least once a second, also while it waits for an answer).
        state.cancel = CancellationToken.current
        if state.cancel != nil {
            _ = aai_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = aai_curl_setopt_xferinfo_cb(handle, curlProgress)
        }
        _ = aai_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        _ = aai_curl_setopt_data_cb(handle, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = aai_curl_setopt_data_cb(handle, CURLOPT_HEADERFUNCTION, curlHeader)

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = withExtendedLifetime(state) {
            let ctx = Unmanaged.passUnretained(state).toOpaque()
            for opt in [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_READDATA, CURLOPT_SEEKDATA, CURLOPT_XFERINFODATA] {
                _ = aai_curl_setopt_ptr(handle, opt, ctx)
            }
            return errorBuffer.withUnsafeMutableBufferPointer { eb in
                _ = aai_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(eb.baseAddress))
                let rc = curl_easy_perform(handle)
                _ = aai_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, nil)
                return rc
            }
        }

        let what = "\(request.method.rawValue) \(request.path)"
        if code == CURLE_OK {
            if request.progress != nil, state.total > 0 || reader != nil {
                // Always end with a final report of the full count.
                let sent = reader?.bytesRead ?? 0
                if state.lastReported != sent { _ = request.progress?(sent, state.total) }
            }
            var status = 0
            _ = aai_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status, body: state.body, retryAfterMs: state.retryAfterMs))
        }
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return .failure(CurlEasy.failure(code, what: what, reason: reason, state: state, reader: reader, timeoutMs: timeout))
    }

    private static func failure(_ code: CURLcode, what: String, reason: String, state: TransferState,
                                reader: UploadReader?, timeoutMs: Int) -> TransportFailure {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .init(error: .init(.connection, "\(what): could not connect: \(reason)"), mayHaveReachedServer: false)
        case CURLE_OPERATION_TIMEDOUT:
            return .init(error: .init(.timeout, "\(what): timed out after \(timeoutMs) ms: \(reason)"), mayHaveReachedServer: true)
        case CURLE_ABORTED_BY_CALLBACK where state.stalled:
            return .init(error: .init(.timeout, "\(what): timed out: no byte moved for \(timeoutMs) ms"), mayHaveReachedServer: true)
        case CURLE_READ_ERROR,
             CURLE_ABORTED_BY_CALLBACK where reader?.failure != nil:
            // Our read callback aborts (libcurl reports that as an abort) when the source failed
            // or broke its announced length: the reader knows why.
            let err = reader?.failure ?? AssemblyAIError(.io, "\(what): reading the upload failed")
            return .init(error: err, mayHaveReachedServer: true)
        case CURLE_ABORTED_BY_CALLBACK:
            let by = state.cancel?.isCancelled == true ? "cancelled" : "cancelled by the progress callback"
            return .init(error: .init(.cancelled, "\(what): \(by)"), mayHaveReachedServer: true)
        case CURLE_SEND_FAIL_REWIND:
            return .init(error: .init(.connection, "\(what): connection failed after the upload stream was read, and a stream cannot be read again"),
                         mayHaveReachedServer: true)
        case CURLE_WRITE_ERROR where state.bodyTooLarge:
            return .init(error: .init(.proto, "\(what): response larger than \(CurlEasy.maxResponseBytes) bytes"), mayHaveReachedServer: true)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .init(error: .init(.tls, "\(what): TLS failed: \(reason)"), mayHaveReachedServer: false)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .init(error: .init(.invalidArgument, "\(what): bad URL: \(reason)"), mayHaveReachedServer: false)
        case CURLE_OUT_OF_MEMORY:
            return .init(error: .init(.noMemory, "\(what): out of memory"), mayHaveReachedServer: true)
        default:
            // Sent or received part of the exchange, then the connection broke.
            return .init(error: .init(.connection, "\(what): connection failed: \(reason)"), mayHaveReachedServer: true)
        }
    }
}

// MARK: - libcurl callbacks (C function pointers: no captures, state comes through user data)

private func state(_ p: UnsafeMutableRawPointer?) -> TransferState {
    Unmanaged<TransferState>.fromOpaque(p!).takeUnretainedValue()
}

private let curlWrite: aai_curl_data_cb = { ptr, size, count, user in
    let s = state(user)
    let n = size * count
    guard s.body.count + n <= s.bodyLimit else { s.bodyTooLarge = true; return 0 }
    if let ptr { s.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n)) }
    return n
}

private let curlHeader: aai_curl_data_cb = { ptr, size, count, user in
    let n = size * count
    guard let ptr else { return n }
    let line = UnsafeRawBufferPointer(start: ptr, count: n)
    // Size the body buffer once (plus the NUL the JSON layer keeps after it), so a 20 MB answer is
    // not copied through ever larger buffers and does not end up in one twice its size.
    let lengthPrefix = Array("content-length:".utf8)
    if n > lengthPrefix.count, zip(line.prefix(lengthPrefix.count), lengthPrefix).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
        let digits = line.dropFirst(lengthPrefix.count).filter { $0 >= 0x30 && $0 <= 0x39 }
        let s = state(user)
        if let length = Int(String(decoding: digits, as: UTF8.self)), length < s.bodyLimit, s.body.isEmpty {
            // The length is the server's word, not yet backed by bytes: reserve at most 64 MiB on
            // it (a larger body grows as it arrives), so a lying header cannot make us allocate 1 GiB.
            s.body.reserveCapacity(min(length, CurlEasy.maxUpfrontReserve) + 1)
        }
    }
    let prefix = Array("retry-after:".utf8)
    if n > prefix.count, zip(line.prefix(prefix.count), prefix).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
        let value = line.dropFirst(prefix.count).filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
        // Seconds only; an HTTP-date falls back to the computed backoff.
        if let seconds = Int(String(decoding: value, as: UTF8.self)), seconds >= 0, seconds < 86_400 {
            state(user).retryAfterMs = seconds * 1000
        }
    }
    return n
}

private let curlRead: aai_curl_data_cb = { ptr, size, count, user in
    let s = state(user)
    guard let reader = s.reader, let ptr else { return 0 }
    guard let n = reader.read(into: UnsafeMutableRawBufferPointer(start: ptr, count: size * count)) else {
        return Int(CURL_READFUNC_ABORT)
    }
    return n
}

private let curlSeek: aai_curl_seek_cb = { user, offset, origin in
    guard origin == SEEK_SET, let reader = state(user).reader else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    return reader.seek(to: Int64(offset)) ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_CANTSEEK)
}

private let curlProgress: aai_curl_xferinfo_cb = { user, _, downloaded, _, uploaded in
    let s = state(user)
    if s.cancel?.isCancelled == true { s.cancelled = true; return 1 }
    if s.stallLimitMs > 0 {
        let now = monotonicMs()
        if uploaded != s.lastUp || downloaded != s.lastDown {
            s.lastUp = uploaded
            s.lastDown = downloaded
            s.lastMovedMs = now
        } else if now - s.lastMovedMs >= s.stallLimitMs {
            s.stalled = true
            return 1
        }
    }
    guard let progress = s.progress else { return 0 }
    let sent = UInt64(max(0, uploaded))
    if sent != s.lastReported {
        s.lastReported = sent
        if !progress(sent, s.total) { s.cancelled = true; return 1 }
    }
    return 0
}
