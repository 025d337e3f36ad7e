import CCurl
import Glibc

extension Client {
    /// Downloads a URL (e.g. a redacted audio file on a storage host) to `path` atomically. No
    /// Authorization header is sent: the URL is not the API's, and the key must not leave it.
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
        let failure: AssemblyAIError? = CurlEasy.fetch(url: url, into: file, timeoutMs: settings.httpTimeoutMs, userAgent: settings.userAgent)
        let closed = fclose(file) == 0
        if let failure { throw failure }
        guard closed else { throw AssemblyAIError(.io, "writing '\(path)' failed: \(String(cString: strerror(errno)))") }
        guard rename(temp, path) == 0 else {
            throw AssemblyAIError(.io, "cannot move the download into '\(path)': \(String(cString: strerror(errno)))")
        }
        renamed = true
    }
}

private let writeToFile: aai_curl_data_cb = { ptr, size, count, user in
    fwrite(ptr, size, count, user!.assumingMemoryBound(to: FILE.self))
}

extension CurlEasy {
    /// A plain GET streamed into a file, with stall-bounded timeouts; returns nil on success.
    static func fetch(url: String, into file: UnsafeMutablePointer<FILE>, timeoutMs: Int, userAgent: String) -> AssemblyAIError? {
        guard let easy = CurlEasy() else { return AssemblyAIError(.noMemory, "could not create a libcurl handle") }
        let h = easy.handle
        _ = aai_curl_setopt_str(h, CURLOPT_URL, url)
        _ = aai_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_MAXREDIRS, 5)
        _ = aai_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = aai_curl_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "https")
        _ = aai_curl_setopt_long(h, CURLOPT_FAILONERROR, 1)
        _ = aai_curl_setopt_str(h, CURLOPT_USERAGENT, userAgent)
        _ = aai_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, max(1, timeoutMs))
        _ = aai_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = aai_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, timeoutMs / 1000))
        _ = aai_curl_setopt_data_cb(h, CURLOPT_WRITEFUNCTION, writeToFile)
        _ = aai_curl_setopt_ptr(h, CURLOPT_WRITEDATA, UnsafeMutableRawPointer(file))
        let code = curl_easy_perform(h)
        guard code != CURLE_OK else { return nil }
        var status = 0
        _ = aai_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        let reason = String(cString: curl_easy_strerror(code))
        if code == CURLE_HTTP_RETURNED_ERROR {
            return AssemblyAIError(ErrorCode.forHTTPStatus(status), "downloading \(url): HTTP \(status)", httpStatus: status)
        }
        return AssemblyAIError(code == CURLE_OPERATION_TIMEDOUT ? .timeout : .connection, "downloading \(url): \(reason)")
    }
}
