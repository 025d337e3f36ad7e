import CCurl
import Glibc

extension Client {
    /// Downloads a URL (e.g. a redacted audio file on a storage host) to `path` atomically. No
    /// Authorization header is sent: the URL is not the API's, and the key must not leave it.
    /// A GET is safe to repeat, so transient failures (connection, stall, 429, 5xx) are retried
    /// as the client's retry policy says, each attempt into the emptied temporary file.
    func download(url: String, to path: String) throws(AssemblyAIError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || (lower.hasPrefix("http://") && (try? Settings.validatedBaseURL(url)) != nil) else {
            throw AssemblyAIError(.invalidArgument, "refusing to download '\(url)': only https (or http on loopback) is allowed")
        }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var template = ((dir.isEmpty ? "" : dir) + "/.aai-download-XXXXXX").utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mode 0600
        guard fd >= 0 else { throw AssemblyAIError(.io, "cannot create a temporary file in '\(dir)': \(String(cString: strerror(errno)))") }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer { if !renamed { unlink(temp) } }
        guard let file = fdopen(fd, "wb") else { close(fd); throw AssemblyAIError(.io, "cannot open '\(temp)'") }
        let settings = self.settings
        var attempt = 0
        var failure: AssemblyAIError?
        while true {
            let outcome = CurlEasy.fetch(url: url, into: file, timeoutMs: settings.httpTimeoutMs, userAgent: settings.userAgent)
            failure = outcome.error
            guard let error = outcome.error, attempt < settings.maxRetries, outcome.retryable else { break }
            // Start the next attempt from an empty file.
            fflush(file)
            guard ftruncate(fd, 0) == 0, fseeko(file, 0, SEEK_SET) == 0 else {
                failure = AssemblyAIError(.io, "cannot rewind '\(temp)' for another attempt after: \(error.message)")
                break
            }
            HTTPClient.backoff(attempt: attempt, settings: settings, retryAfterMs: outcome.retryAfterMs)
            attempt += 1
        }
        let closed = fclose(file) == 0
        if let failure { throw failure }
        guard closed else { throw AssemblyAIError(.io, "writing '\(path)' failed: \(String(cString: strerror(errno)))") }
        guard rename(temp, path) == 0 else {
            throw AssemblyAIError(.io, "cannot move the download into '\(path)': \(String(cString: strerror(errno)))")
        }
        renamed = true
    }
}

/// State of one download attempt, for libcurl's callbacks.
private final class FetchState {
    let file: UnsafeMutablePointer<FILE>
    let stallLimitMs: Int
    var lastMovedMs = monotonicMs()
    var lastDown = -1
    var stalled = false
    var writeFailed = false
    var retryAfterMs: Int?

    init(file: UnsafeMutablePointer<FILE>, stallLimitMs: Int) {
        self.file = file
        self.stallLimitMs = stallLimitMs
    }
}

private func fetchState(_ p: UnsafeMutableRawPointer?) -> FetchState {
    Unmanaged<FetchState>.fromOpaque(p!).takeUnretainedValue()
}

private let writeToFile: aai_curl_data_cb = { ptr, size, count, user in
    let s = fetchState(user)
    let n = fwrite(ptr, size, count, s.file)
    if n != count { s.writeFailed = true }
    return n * size
}

private let fetchHeader: aai_curl_data_cb = { ptr, size, count, user in
    let n = size * count
    guard let ptr else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self).lowercased()
    if line.hasPrefix("retry-after:") {
        let value = String(line.dropFirst(12)).trimmingCharacters(in: " \t\r\n")
        if let seconds = Int(value), seconds >= 0, seconds < 86_400 { fetchState(user).retryAfterMs = seconds * 1000 }
    }
    return n
}

private let fetchProgress: aai_curl_xferinfo_cb = { user, _, downloaded, _, _ in
    let s = fetchState(user)
    let now = monotonicMs()
    if downloaded != s.lastDown {
        s.lastDown = downloaded
        s.lastMovedMs = now
    } else if now - s.lastMovedMs >= s.stallLimitMs {
        s.stalled = true
        return 1
    }
    return 0
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension CurlEasy {
    /// The outcome of one download attempt: nil error on success; whether the failure is
    /// transient (worth another attempt); the server's Retry-After.
    struct FetchOutcome {
        var error: AssemblyAIError?
        var retryable = false
        var retryAfterMs: Int?
    }

    /// A plain GET streamed into a file, bounded by a stall timer (no byte for `timeoutMs`).
    static func fetch(url: String, into file: UnsafeMutablePointer<FILE>, timeoutMs: Int, userAgent: String) -> FetchOutcome {
        guard let easy = CurlEasy() else { return FetchOutcome(error: AssemblyAIError(.noMemory, "could not create a libcurl handle")) }
        let h = easy.handle
        let timeout = max(1, timeoutMs)
        let state = FetchState(file: file, stallLimitMs: timeout)
        _ = aai_curl_setopt_str(h, CURLOPT_URL, url)
        _ = aai_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_MAXREDIRS, 5)
        _ = aai_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = aai_curl_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "https")
        _ = aai_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        _ = aai_curl_setopt_long(h, CURLOPT_FAILONERROR, 1)
        _ = aai_curl_setopt_str(h, CURLOPT_USERAGENT, userAgent)
        _ = aai_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, timeout)
        // A backstop (libcurl averages it over seconds); the stall timer below is the real bound,
        // and the low-speed check makes libcurl call it at least once a second.
        _ = aai_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, timeout / 1000))
        _ = aai_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        _ = aai_curl_setopt_xferinfo_cb(h, fetchProgress)
        _ = aai_curl_setopt_data_cb(h, CURLOPT_WRITEFUNCTION, writeToFile)
        _ = aai_curl_setopt_data_cb(h, CURLOPT_HEADERFUNCTION, fetchHeader)
        let code: CURLcode = withExtendedLifetime(state) {
            let ctx = Unmanaged.passUnretained(state).toOpaque()
            for opt in [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_XFERINFODATA] { _ = aai_curl_setopt_ptr(h, opt, ctx) }
            return curl_easy_perform(h)
        }
        guard code != CURLE_OK else { return FetchOutcome() }
        var status = 0
        _ = aai_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        let what = "downloading \(url)"
        if state.writeFailed {
            return FetchOutcome(error: AssemblyAIError(.io, "\(what): writing the file failed: \(String(cString: strerror(errno)))"))
        }
        let reason = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_HTTP_RETURNED_ERROR:
            let error = AssemblyAIError(ErrorCode.forHTTPStatus(status), "\(what): HTTP \(status)", httpStatus: status)
            return FetchOutcome(error: error, retryable: status == 429 || [500, 502, 503, 504].contains(status),
                                retryAfterMs: state.retryAfterMs)
        case CURLE_ABORTED_BY_CALLBACK where state.stalled, CURLE_OPERATION_TIMEDOUT:
            return FetchOutcome(error: AssemblyAIError(.timeout, "\(what): timed out: no byte arrived for \(timeout) ms"), retryable: true)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return FetchOutcome(error: AssemblyAIError(.tls, "\(what): TLS failed: \(reason)"))
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_TOO_MANY_REDIRECTS:
            return FetchOutcome(error: AssemblyAIError(.invalidArgument, "\(what): \(reason)"))
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return FetchOutcome(error: AssemblyAIError(.connection, "\(what): could not connect: \(reason)"), retryable: true)
        default:
            return FetchOutcome(error: AssemblyAIError(.connection, "\(what): connection failed: \(reason)"), retryable: true)
        }
    }
}
