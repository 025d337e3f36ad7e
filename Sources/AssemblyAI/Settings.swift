import FoundationEssentials
import Glibc

/// Settings shared by every call made through a ``Client``.
public struct Settings: Sendable, Equatable {
    /// Sent as the `Authorization` header. Defaults to `$ASSEMBLYAI_API_KEY`.
    public var apiKey: String?
    /// The REST API's base URL, without a trailing slash.
    public var baseURL: String = "https://api.assemblyai.com"
    /// Time limit of one HTTP request in milliseconds (for uploads: connecting, and any stall).
    public var httpTimeoutMs: Int = 30_000
    /// Base URL of the LLM Gateway (its own host), without a trailing slash; nil derives it from
    /// ``baseURL`` (see ``resolvedLLMGatewayBaseURL``).
    public var llmGatewayBaseURL: String?
    /// The LLM Gateway's base URL in use: ``llmGatewayBaseURL`` when set; else the EU gateway
    /// (`https://llm-gateway.eu.assemblyai.com`, as the gateway's spec names it) for the EU REST
    /// host `https://api.eu.assemblyai.com`, so EU data stays in the EU; else the US gateway.
    public var resolvedLLMGatewayBaseURL: String {
        if let llmGatewayBaseURL { return llmGatewayBaseURL }
        if baseURL.lowercased() == "https://api.eu.assemblyai.com" { return "https://llm-gateway.eu.assemblyai.com" }
        return "https://llm-gateway.assemblyai.com"
    }
    /// Time limit of a LeMUR or LLM Gateway request: generation takes far longer than a REST
    /// call (the Java SDK's users hit socket timeouts here again and again).
    public var llmTimeoutMs: Int = 600_000
    /// How often a wait polls a transcript, in milliseconds.
    public var pollingIntervalMs: Int = 3_000
    /// Overall deadline of a wait in milliseconds; 0 waits as long as it takes.
    public var pollingTimeoutMs: Int = 0
    /// How many times a failed request that is safe to repeat is retried.
    public var maxRetries: Int = 3
    /// First retry delay in milliseconds; it doubles on each attempt, with jitter.
    public var retryBaseDelayMs: Int = 250
    /// Appended to the User-Agent (e.g. a binding's or an application's name and version).
    public var userAgentSuffix: String?
    /// Base URL of the Sync API (its own host), without a trailing slash. `$ASSEMBLYAI_SYNC_BASE_URL`.
    public var syncBaseURL: String = "https://sync.assemblyai.com"
    /// Time limit of each operation of a Sync API `warm` in ms (10 s at most). `$ASSEMBLYAI_SYNC_HTTP_TIMEOUT` (seconds).
    public var syncHttpTimeoutMs: Int = 60_000
    /// Per-operation time limit of a Sync API transcription in ms: connecting, and any stall of the
    /// connection; time spent waiting for the caller's audio is not counted. `$ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT` (seconds).
    public var syncLiveHttpTimeoutMs: Int = 180_000
    /// Base URL of the Dictation API, without a trailing slash. `$ASSEMBLYAI_DICTATION_BASE_URL`.
    public var dictationBaseURL: String = "https://dictation.assemblyai.com"
    /// Per-operation time limit of a Dictation API request in ms. `$ASSEMBLYAI_DICTATION_HTTP_TIMEOUT` (seconds).
    public var dictationHttpTimeoutMs: Int = 300_000
    /// Base WebSocket URL of Universal Streaming v3 (`wss://host[:port]`); nil derives it from
    /// ``baseURL`` (see ``StreamingOptions/defaultURL(for:settings:)``).
    public var streamingBaseURL: String?
    /// Base URL of the Text-to-Speech API (its own host), without a trailing slash:
    /// `https://tts.eu.assemblyai.com` keeps requests in the EU data zone. `$ASSEMBLYAI_TTS_BASE_URL`.
    public var ttsBaseURL: String = "https://tts.us.assemblyai.com"
    /// Text-to-Speech streams: the limit of each socket operation (connecting, the wait for the
    /// first audio, each read) in ms, as the official SDK's `tts_http_timeout` (30 s).
    public var ttsHTTPTimeoutMs: Int = 30_000
    /// Text-to-Speech `synthesize`: the wait for the whole clip in ms, as the official SDK's
    /// `tts_synthesize_http_timeout` (610 s, just over the API's 600-second limit on a request).
    public var ttsSynthesizeTimeoutMs: Int = 610_000

    /// The User-Agent header sent with every request.
    public var userAgent: String {
        guard let userAgentSuffix, !userAgentSuffix.isEmpty else { return LibraryVersion.userAgent }
        return LibraryVersion.userAgent + " " + userAgentSuffix
    }

    public init() {
        if let key = getenv("ASSEMBLYAI_API_KEY").map({ String(cString: $0) }), !key.isEmpty {
            apiKey = key
        }
    }

    /// Settings as ``init()`` makes them, then every variable of ``environment`` that is set
    /// (and not empty) applied on top: what `aai_client_new` and the CLI use, and what the
    /// official Python SDK's `Settings` reads. `env` replaces the process environment (tests).
    /// A variable with a bad value throws `.invalidArgument` naming the variable: a program
    /// pointed at the local server by `ASSEMBLYAI_BASE_URL` must never fall back to the real host.
    public static func fromEnvironment(_ env: [String: String]? = nil) throws(AssemblyAIError) -> Settings {
        let vars = env ?? processEnvironment()
        var settings = Settings()
        for row in environment {
            let name = environmentPrefix + row.name
            // Exact upper case first; the official SDK (pydantic-settings) also matches any case.
            let found = vars[name].map { (name, $0) } ?? vars.first { $0.key.uppercased() == name }.map { ($0.key, $0.value) }
            guard let (variable, value) = found, !value.isEmpty else { continue }
            try row.apply(&settings, variable, value)
        }
        return settings
    }

    /// The prefix of every variable in ``environment``.
    public static let environmentPrefix = "ASSEMBLYAI_"

    /// The variables ``fromEnvironment(_:)`` reads, one row each: the name without
    /// ``environmentPrefix``, the kind of value, and the setting it sets. To support a new
    /// variable, add a row here (and a line to the header's aai_client_new comment).
    /// Names follow the official Python SDK's `Settings` fields (upper-cased); times are in
    /// seconds there, so here too. Rows marked "libassemblyai" are ours alone.
    public static let environment: [EnvironmentSetting] = [
        .text("API_KEY") { $0.apiKey = $1 },
        .url("BASE_URL") { $0.baseURL = $1 },
        .seconds("HTTP_TIMEOUT") { $0.httpTimeoutMs = $1 },
        .seconds("POLLING_INTERVAL") { $0.pollingIntervalMs = $1 },
        .url("LLM_GATEWAY_BASE_URL") { $0.llmGatewayBaseURL = $1 },
        // One time limit serves LeMUR and the LLM Gateway (see llmTimeoutMs).
        .seconds("LLM_GATEWAY_HTTP_TIMEOUT") { $0.llmTimeoutMs = $1 },
        // libassemblyai: the v3 streaming host, the polling deadline and the retry count.
        .webSocketURL("STREAMING_BASE_URL") { $0.streamingBaseURL = $1 },
        .seconds("POLLING_TIMEOUT", allowZero: true) { $0.pollingTimeoutMs = $1 },
        .count("MAX_RETRIES", 0...100) { $0.maxRetries = $1 },
        // The Sync, Dictation and Text-to-Speech APIs' hosts and time limits (1.8.2's fields).
        .url("SYNC_BASE_URL") { $0.syncBaseURL = $1 },
        .seconds("SYNC_HTTP_TIMEOUT") { $0.syncHttpTimeoutMs = $1 },
        .seconds("SYNC_LIVE_HTTP_TIMEOUT") { $0.syncLiveHttpTimeoutMs = $1 },
        .url("DICTATION_BASE_URL") { $0.dictationBaseURL = $1 },
        .seconds("DICTATION_HTTP_TIMEOUT") { $0.dictationHttpTimeoutMs = $1 },
        .url("TTS_BASE_URL") { $0.ttsBaseURL = $1 },
        .seconds("TTS_HTTP_TIMEOUT") { $0.ttsHTTPTimeoutMs = $1 },
        .seconds("TTS_SYNTHESIZE_HTTP_TIMEOUT") { $0.ttsSynthesizeTimeoutMs = $1 },
    ]

    /// The process environment as a dictionary (only the `ASSEMBLYAI_` variables, any case).
    static func processEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if text.utf8.count > environmentPrefix.utf8.count,
               text.prefix(environmentPrefix.count).uppercased() == environmentPrefix,
               let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return out
    }

    /// Checks a base URL: https anywhere, plain http only for loopback hosts (the local server),
    /// so an API key never crosses a network in clear text by accident.
    public static func validatedBaseURL(_ url: String) throws(AssemblyAIError) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        let lower = url.lowercased()
        if lower.hasPrefix("https://"), lower.count > 8 { return url }
        if lower.hasPrefix("http://") {
            let host = hostOf(lower.dropFirst(7))
            if host == "localhost" || host == "[::1]" || isLoopbackIPv4(host) { return url }
            throw .invalidArgument("base URL \(url) uses plain http:// for a host that is not loopback; use https://")
        }
        throw .invalidArgument("base URL must start with https:// (or http:// for a loopback host), got '\(url)'")
    }

    /// 127.0.0.0/8 written as a dotted quad (not a name that merely starts with "127.").
    private static func isLoopbackIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && Int(p).map { $0 <= 255 } == true }
    }

    private static func hostOf(_ rest: Substring) -> String {
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        if hostPort.hasPrefix("[") { return String(hostPort.prefix { $0 != "]" }) + "]" }
        return String(hostPort.prefix { $0 != ":" })
    }
}

/// One environment variable that ``Settings/fromEnvironment(_:)`` reads: its name without the
/// `ASSEMBLYAI_` prefix and how its text becomes a setting (checked; a bad value throws).
public struct EnvironmentSetting: Sendable {
    /// The name without ``Settings/environmentPrefix``, e.g. `BASE_URL`.
    public let name: String
    /// What the value must be, for documentation and messages (e.g. "a number of seconds > 0").
    public let expects: String
    let apply: @Sendable (inout Settings, _ variable: String, _ value: String) throws(AssemblyAIError) -> Void

    /// Any non-empty text (an API key: never echoed in a message).
    public static func text(_ name: String, _ set: @escaping @Sendable (inout Settings, String) -> Void) -> EnvironmentSetting {
        EnvironmentSetting(name: name, expects: "text") { s, _, value throws(AssemblyAIError) in set(&s, value) }
    }

    /// An https:// URL (http:// for a loopback host), checked as `aai_client_set_base_url` checks it.
    public static func url(_ name: String, _ set: @escaping @Sendable (inout Settings, String) -> Void) -> EnvironmentSetting {
        EnvironmentSetting(name: name, expects: "an https:// URL (http:// for a loopback host)") { s, variable, value throws(AssemblyAIError) in
            do throws(AssemblyAIError) { set(&s, try Settings.validatedBaseURL(value)) } catch { throw .invalidArgument("$\(variable): \(error.message)") }
        }
    }

    /// A WebSocket base URL (wss://, ws:// or their http forms), checked as a session's URL is.
    public static func webSocketURL(_ name: String, _ set: @escaping @Sendable (inout Settings, String) -> Void) -> EnvironmentSetting {
        EnvironmentSetting(name: name, expects: "a wss:// URL (ws:// for a loopback host)") { s, variable, value throws(AssemblyAIError) in
            do throws(AssemblyAIError) { set(&s, try StreamingOptions.validatedURL(value)) } catch { throw .invalidArgument("$\(variable): \(error.message)") }
        }
    }

    /// A number of seconds ("30", "0.5"), stored in milliseconds: > 0, or >= 0 with `allowZero`.
    public static func seconds(_ name: String, allowZero: Bool = false, _ set: @escaping @Sendable (inout Settings, Int) -> Void) -> EnvironmentSetting {
        let expects = allowZero ? "a number of seconds >= 0" : "a number of seconds > 0"
        return EnvironmentSetting(name: name, expects: expects) { s, variable, value throws(AssemblyAIError) in
            let trimmed = trimmedBlanks(value)
            guard let seconds = Double(trimmed), seconds.isFinite, allowZero ? seconds >= 0 : seconds > 0,
                  seconds <= Double(Int32.max) / 1000 else {
                throw .invalidArgument("$\(variable) must be \(expects), got '\(value)'")
            }
            set(&s, seconds == 0 ? 0 : max(1, Int((seconds * 1000).rounded())))
        }
    }

    /// A whole number in `range`.
    public static func count(_ name: String, _ range: ClosedRange<Int>, _ set: @escaping @Sendable (inout Settings, Int) -> Void) -> EnvironmentSetting {
        let expects = "a whole number \(range.lowerBound)..\(range.upperBound)"
        return EnvironmentSetting(name: name, expects: expects) { s, variable, value throws(AssemblyAIError) in
            guard let n = Int(trimmedBlanks(value)), range.contains(n) else {
                throw .invalidArgument("$\(variable) must be \(expects), got '\(value)'")
            }
            set(&s, n)
        }
    }
}

/// The text without leading and trailing spaces and tabs.
private func trimmedBlanks(_ text: String) -> String {
    var s = Substring(text)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
}

extension LibraryVersion {
    /// The User-Agent of every request (the version itself comes from the header: LibraryVersion.swift).
    public static var userAgent: String { "libassemblyai/\(string) AssemblyAI/1.0 (sdk=C/\(string))" }
}
