import Glibc
import Synchronization

/// Holds the settings and the HTTP connections that every call made through it shares.
/// Thread-safe: settings may change while calls run; each call takes a snapshot when it starts.
public final class Client: Sendable {
    let http = HTTPClient()
    private let state: Mutex<Settings>

    public init(settings: Settings = Settings()) {
        state = Mutex(settings)
    }

    /// The current settings (a copy).
    public var settings: Settings {
        get { state.withLock { $0 } }
    }

    /// Changes settings atomically.
    public func updateSettings(_ change: (inout Settings) throws(AssemblyAIError) -> Void) throws(AssemblyAIError) {
        try state.withLock { (s: inout Settings) throws(AssemblyAIError) in
            var copy = s
            try change(&copy)
            s = copy
        }
    }

    /// Sends a request with the current settings and returns the 2xx response.
    func send(_ request: HTTPRequest, retry: RetryClass) throws(AssemblyAIError) -> HTTPResponse {
        let settings = self.settings
        guard let key = settings.apiKey, !key.isEmpty else {
            throw AssemblyAIError(.auth, "no API key: set ASSEMBLYAI_API_KEY or give one to the client")
        }
        return try http.send(request, settings: settings, retry: retry)
    }

    /// Sends a request and parses its JSON answer.
    func sendJSON(_ request: HTTPRequest, retry: RetryClass) throws(AssemblyAIError) -> JSONDocument {
        var response = try send(request, retry: retry)
        response.body.append(0)  // kept after the document, so C callers get the text with no copy
        do {
            return try JSONDocument(nulTerminated: response.body)
        } catch {
            var message = "malformed JSON in the answer to \(request.method.rawValue) \(request.path): \(error)"
            if retry == .createOnce {
                message += " (the server received the request and may have acted on it: check before sending it again)"
            }
            throw AssemblyAIError(.proto, message, httpStatus: response.status)
        }
    }
}

/// Percent-encodes one path segment (an id the caller gave us) so it cannot change the path.
func escapePathSegment(_ segment: String) -> String {
    var out = ""
    for byte in segment.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF".utf8)
            out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
        }
    }
    return out
}

/// Nanoseconds on the monotonic clock (CLOCK_MONOTONIC, the clock every process shares), for
/// timestamps a caller compares with its own.
func monotonicNs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// Milliseconds on the monotonic clock, for deadlines.
func monotonicMs() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
}
