import CCurl
import Glibc
import Synchronization

/// Which failures of a request may be repeated without risk of doing something twice.
enum RetryClass {
    /// GET, DELETE, uploads: repeat on any transient failure.
    case idempotent
    /// Requests that create something (a transcript) and carry no idempotency key: repeat only
    /// when the server provably never saw the request, or refused it with 429.
    case createOnce
}

/// HTTP over libcurl: a pool of easy handles (each keeps its connections alive), retries with
/// exponential backoff and jitter that honour Retry-After, and errors that carry the server's text.
final class HTTPClient: Sendable {
    private let idle = Mutex<[CurlEasy]>([])
    private static let maxIdleHandles = 16

    init() { _ = HTTPClient.globalInit }

    /// curl_global_init must run once before any other call; a Swift static is initialised once,
    /// thread-safely.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private func take() throws(AssemblyAIError) -> CurlEasy {
        if let easy = idle.withLock({ $0.popLast() }) { return easy }
        guard let easy = CurlEasy() else { throw AssemblyAIError(.noMemory, "could not create a libcurl handle") }
        return easy
    }

    private func give(_ easy: CurlEasy) {
        idle.withLock { if $0.count < HTTPClient.maxIdleHandles { $0.append(easy) } }
    }

    /// Sends a request, retrying as `retry` allows, and returns a 2xx response or throws (an
    /// error that never holds the API key, even when the server quoted it back).
    func send(_ request: HTTPRequest, settings: Settings, retry: RetryClass) throws(AssemblyAIError) -> HTTPResponse {
        do {
            return try sendAttempts(request, settings: settings, retry: retry)
        } catch {
            throw error.redacting(settings.apiKey)
        }
    }

    private func sendAttempts(_ request: HTTPRequest, settings: Settings, retry: RetryClass) throws(AssemblyAIError) -> HTTPResponse {
        var attempt = 0
        // A request that must not be sent twice gets a new connection, so libcurl never re-sends
        // it by itself (see CurlEasy.perform).
        let fresh = retry == .createOnce || !HTTPClient.canRepeat(request)
        var earlierAttemptMayHaveArrived = false
        while true {
            // A cancelled operation (the thread's current token) sends nothing more.
            try CancellationToken.checkCurrent("\(request.method.rawValue) \(request.path)")
            let easy = try take()
            let outcome = easy.perform(request, settings: settings, freshConnection: fresh)
            give(easy)
            let canRetry = attempt < settings.maxRetries
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response
            case .success(let response):
                var error = HTTPClient.httpError(response, request: request)
                let retryable = response.status == 429
                    || (retry == .idempotent && [500, 502, 503, 504].contains(response.status))
                guard canRetry, retryable, HTTPClient.canRepeat(request) else {
                    if retry == .createOnce, response.status >= 500 {
                        // A 5xx may come after the work was done (or from a gateway in front of it).
                        error.message += " (the server may have received the request: check before sending it again)"
                    } else if request.method == .delete, response.status == 404, earlierAttemptMayHaveArrived {
                        error.message += " (an earlier attempt, whose answer was lost, may already have deleted it)"
                    }
                    throw error
                }
                HTTPClient.backoff(attempt: attempt, settings: settings, retryAfterMs: response.retryAfterMs)
            case .failure(let failure):
                earlierAttemptMayHaveArrived = earlierAttemptMayHaveArrived || failure.mayHaveReachedServer
                let transient = failure.error.code == .connection || failure.error.code == .timeout
                let safe = retry == .idempotent || !failure.mayHaveReachedServer
                guard canRetry, transient, safe, HTTPClient.canRepeat(request) else {
                    if retry == .createOnce, failure.mayHaveReachedServer, transient {
                        var e = failure.error
                        e.message += " (the server may have received the request: check before sending it again)"
                        throw e
                    }
                    throw failure.error
                }
                HTTPClient.backoff(attempt: attempt, settings: settings, retryAfterMs: nil)
            }
            attempt += 1
        }
    }

    /// Sends a request once, on a pooled handle (so a connection opened earlier, e.g. by a warm-up,
    /// is reused), and returns whatever answer came, of any status. No retries: the Sync and
    /// Dictation APIs' requests carry audio that is gone once read.
    func sendOnce(_ request: HTTPRequest, settings: Settings) -> Result<HTTPResponse, AssemblyAIError> {
        let easy: CurlEasy
        do { easy = try take() } catch { return .failure(error) }
        let outcome = easy.perform(request, settings: settings, freshConnection: false)
        give(easy)
        switch outcome {
        case .success(let response): return .success(response)
        case .failure(let failure): return .failure(failure.error.redacting(settings.apiKey))
        }
    }

    /// A stream upload can be repeated only if the failed attempt took nothing from it; the
    /// transfer layer opens files and memory anew on each attempt.
    private static func canRepeat(_ request: HTTPRequest) -> Bool {
        if case .upload(.stream) = request.body { return false }
        return true
    }

    /// Sleeps before the next attempt: base * 2^attempt with full jitter in [50%, 100%], or the
    /// server's Retry-After when it is longer.
    static func backoff(attempt: Int, settings: Settings, retryAfterMs: Int?) {
        let exp = settings.retryBaseDelayMs << min(attempt, 10)
        let capped = min(exp, 30_000)
        var delay = capped / 2 + Int.random(in: 0...max(1, capped / 2))
        if let retryAfterMs { delay = max(delay, min(retryAfterMs, 120_000)) }
        sleepMs(delay)
    }

    static func sleepMs(_ ms: Int) {
        guard ms > 0 else { return }
        // Under a cancellation token the sleep ends as soon as the token is cancelled.
        if let token = CancellationToken.current { token.sleep(milliseconds: ms); return }
        var ts = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        var rest = timespec()
        while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
    }

    /// An error for a non-2xx answer, with the server's `error` text when the body has one.
    static func httpError(_ response: HTTPResponse, request: HTTPRequest) -> AssemblyAIError {
        let what = "\(request.method.rawValue) \(request.path)"
        var serverText: String? = nil
        let doc = try? JSONDocument(bytes: response.body)
        // The REST API answers {"error": "text"}; the LLM Gateway {"error": {"code", "message"}}.
        if let error = doc?.root["error"], let text = error.string ?? error["message"]?.string {
            serverText = text
        } else if !response.body.isEmpty {
            serverText = String(decoding: response.body.prefix(300), as: UTF8.self)
        }
        let code = ErrorCode.forHTTPStatus(response.status)
        var message = "HTTP \(response.status) from \(what)"
        if let serverText { message += ": \(serverText)" }
        return AssemblyAIError(code, message, httpStatus: response.status, serverText: serverText)
    }
}
