extension ErrorCode {
    /// Whether repeating the same call could succeed without any change by the caller.
    public var isRetryable: Bool {
        switch self {
        case .connection, .timeout, .rateLimited, .server: return true
        default: return false
        }
    }

    /// The HTTP status classes the API uses, mapped to codes.
    public static func forHTTPStatus(_ status: Int) -> ErrorCode {
        switch status {
        case 401, 403: return .auth
        case 404: return .notFound
        case 429: return .rateLimited
        case 500...599: return .server
        default: return .http
        }
    }
}

/// Every failure of the SDK: a code, a message that says what failed, and where there is one,
/// the HTTP status and the server's own error text.
///
/// Messages never contain the API key.
public struct AssemblyAIError: Error, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// HTTP status of the answer that caused the failure, or `nil`.
    public var httpStatus: Int?
    /// The `error` text of the server's JSON body (or of a failed transcript), or `nil`.
    public var serverText: String?
    /// A transcript that goes with the failure (a transcript in status `error`, or the last state
    /// seen when a wait gave up), so its id is never lost.
    public var transcript: Transcript?
    /// The Sync and Dictation APIs' machine-readable error code (`audio_too_large`, ...), or `nil`.
    public var apiErrorCode: String? = nil
    /// The server's Retry-After in seconds (429/503 answers of the Sync and Dictation APIs), or `nil`.
    public var retryAfterSeconds: Int? = nil

    public init(_ code: ErrorCode, _ message: String, httpStatus: Int? = nil, serverText: String? = nil,
                transcript: Transcript? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.serverText = serverText
        self.transcript = transcript
    }

    public var isRetryable: Bool { code.isRetryable }

    /// The error with every occurrence of `secret` (the API key, a token) in its message and
    /// server text replaced by "***". The library never puts the key into a message itself, but
    /// a server or proxy may quote it back in an error body or close reason.
    public func redacting(_ secret: String?) -> AssemblyAIError {
        guard let secret, secret.utf8.count >= 4 else { return self }
        var e = self
        if e.message.contains(secret) { e.message = e.message.replacingAll(secret, with: "***") }
        if let t = e.serverText, t.contains(secret) { e.serverText = t.replacingAll(secret, with: "***") }
        return e
    }
    public var description: String { message }

    static func invalidArgument(_ message: String) -> AssemblyAIError { .init(.invalidArgument, message) }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (byte-wise on UTF-8).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let hay = Array(utf8), needle = Array(target.utf8)
        guard !needle.isEmpty, hay.count >= needle.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0
        while i < hay.count {
            if i + needle.count <= hay.count, hay[i] == needle[0], Array(hay[i..<(i + needle.count)]) == needle {
                out += replacement.utf8
                i += needle.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
