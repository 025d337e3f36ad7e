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
    /// Base URL of the LLM Gateway (its own host), without a trailing slash.
    public var llmGatewayBaseURL: String = "https://llm-gateway.assemblyai.com"
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
        readTTSEnvironment()
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

extension LibraryVersion {
    /// The User-Agent of every request (the version itself comes from the header: LibraryVersion.swift).
    public static var userAgent: String { "libassemblyai/\(string) AssemblyAI/1.0 (sdk=C/\(string))" }
}
