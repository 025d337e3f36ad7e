// Connection parameters of a streaming session, for both protocols: realtime v2
// (`/v2/realtime/ws`, asyncapi.yml) and Universal Streaming v3 (`/v3/ws`, usm-streaming.yml and
// usm-streaming-u3-pro.yml). Typed setters check values against the specs; `setParameter` is the
// escape hatch for parameters this version does not know (sent as given).

/// Which streaming API a session speaks.
public enum StreamingProtocol: Int32, Sendable {
    /// Realtime v2: `wss://api.assemblyai.com/v2/realtime/ws`.
    case v2 = 2
    /// Universal Streaming v3: `wss://streaming.assemblyai.com/v3/ws`.
    case v3 = 3

    public var path: String { self == .v2 ? "/v2/realtime/ws" : "/v3/ws" }
    public var name: String { self == .v2 ? "realtime v2" : "Universal Streaming v3" }
}

/// The connection parameters and local behaviour of one streaming session.
public struct StreamingOptions: Sendable {
    public let protocolVersion: StreamingProtocol
    /// Base WebSocket URL (`wss://host[:port]`); nil uses the default (see ``defaultURL(for:settings:)``).
    public var url: String?
    /// A temporary token: sent as the `token` query parameter instead of the API key.
    public var token: String?
    /// Sample rate of the audio in Hz (sent, except for a v3 compressed encoding when never set:
    /// those streams describe themselves; v2 requires it, v3 defaults to 16000).
    public var sampleRate: Int = 16_000
    /// Whether the sample rate was set (a compressed v3 session then sends it too).
    public private(set) var sampleRateSet = false
    /// Query parameters in the order they were set (typed setters and raw ones alike).
    public private(set) var parameters: [(name: String, value: String)] = []
    /// v2: the end-of-utterance silence threshold sent right after the session begins.
    public var endUtteranceSilenceThreshold: Int?
    /// Time limit of each connection attempt of connect (TCP, TLS, upgrade, until SessionBegins/Begin), in ms.
    public var connectTimeoutMs = 10_000
    /// Handshake retries, as the official SDK 1.8.2 (max_connection_retries 2, connection_retry_delay
    /// 0.5 s, a constant delay): further attempts after a failure before the upgrade completed.
    public var connectRetries = 2
    public var connectRetryDelayMs = 500
    /// The delay is multiplied by this after each retry (1: constant, as 1.8.2).
    public var connectRetryBackoff = 1.0
    /// Ping interval when the connection is idle in both directions; a pong must come back
    /// within the same time. 0 disables keep-alive.
    public var keepAliveMs = 15_000
    /// Bytes of audio that may wait to be sent before send calls wait or fail.
    public var queueCapacityBytes = 4 << 20
    /// How long a send call waits for room in a full queue before failing, in ms.
    public var sendTimeoutMs = 1_000

    public init(protocol: StreamingProtocol) {
        protocolVersion = `protocol`
    }

    /// The encoding that will be used: the `encoding` parameter, else `pcm_s16le`.
    public var encoding: String { parameter("encoding") ?? "pcm_s16le" }

    public func parameter(_ name: String) -> String? { parameters.last { $0.name == name }?.value }

    /// Sets (or with nil removes) a query parameter without checking it.
    public mutating func setParameter(_ name: String, _ value: String?) throws(AssemblyAIError) {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidArgument("parameter name must be non-empty without spaces or control characters")
        }
        if name == "token" {
            token = value
            return
        }
        guard name != "sample_rate" else {
            guard let value, let rate = Int(value) else { throw .invalidArgument("sample_rate must be an integer") }
            try setSampleRate(rate)
            return
        }
        parameters.removeAll { $0.name == name }
        if let value { parameters.append((name, value)) }
    }

    // MARK: typed parameters (checked against the specs)

    public mutating func setSampleRate(_ hz: Int) throws(AssemblyAIError) {
        guard hz > 0, hz <= 192_000 else { throw .invalidArgument("sample_rate must be 1..192000 Hz, got \(hz)") }
        sampleRate = hz
        sampleRateSet = true
    }

    /// The compressed encodings of Universal Streaming v3 (the official SDK 1.8.2's Encoding):
    /// sent as given, one message per send call (AudioFramer).
    public static let compressedEncodings: Set<String> = ["opus", "ogg_opus", "aac"]

    /// Whether the encoding is a compressed one (its bytes are sent as given).
    public var isCompressed: Bool { StreamingOptions.compressedEncodings.contains(encoding) }

    public mutating func setEncoding(_ encoding: String?) throws(AssemblyAIError) {
        if let encoding, !["pcm_s16le", "pcm_mulaw"].contains(encoding) {
            guard protocolVersion == .v3, StreamingOptions.compressedEncodings.contains(encoding) else {
                throw .invalidArgument(protocolVersion == .v3
                    ? "encoding must be pcm_s16le, pcm_mulaw, opus, ogg_opus or aac, got '\(encoding)'"
                    : "encoding must be pcm_s16le or pcm_mulaw for realtime v2, got '\(encoding)' (use the raw parameter setter for others)")
            }
        }
        try setParameter("encoding", encoding)
    }

    public mutating func setBool(_ name: String, _ value: Bool, only: StreamingProtocol? = nil) throws(AssemblyAIError) {
        try require(only, name)
        try setParameter(name, value ? "true" : "false")
    }

    public mutating func setInt(_ name: String, _ value: Int, range: ClosedRange<Int>, only: StreamingProtocol? = nil) throws(AssemblyAIError) {
        try require(only, name)
        guard range.contains(value) else {
            throw .invalidArgument("\(name) must be \(range.lowerBound)..\(range.upperBound), got \(value)")
        }
        try setParameter(name, String(value))
    }

    public mutating func setDouble(_ name: String, _ value: Double, range: ClosedRange<Double>, only: StreamingProtocol? = nil) throws(AssemblyAIError) {
        try require(only, name)
        guard value.isFinite, range.contains(value) else {
            throw .invalidArgument("\(name) must be \(range.lowerBound)..\(range.upperBound), got \(value)")
        }
        var out: [UInt8] = []
        JSONWriter.appendDouble(value, to: &out)
        try setParameter(name, String(decoding: out, as: UTF8.self))
    }

    public mutating func setString(_ name: String, _ value: String?, only: StreamingProtocol? = nil) throws(AssemblyAIError) {
        try require(only, name)
        try setParameter(name, value)
    }

    /// A list parameter (v2 word_boost, v3 keyterms_prompt), sent as a JSON array as the
    /// official SDKs do. An empty list removes it.
    public mutating func setList(_ name: String, _ values: [String], only: StreamingProtocol? = nil, maxJSONLength: Int? = nil) throws(AssemblyAIError) {
        try require(only, name)
        guard !values.isEmpty else { try setParameter(name, nil); return }
        let json = JSONValue.array(values.map { .string($0) }).serialized()
        if let maxJSONLength, json.utf8.count > maxJSONLength {
            throw .invalidArgument("\(name) is \(json.utf8.count) characters as JSON (max \(maxJSONLength))")
        }
        try setParameter(name, json)
    }

    private func require(_ only: StreamingProtocol?, _ name: String) throws(AssemblyAIError) {
        if let only, only != protocolVersion {
            throw .invalidArgument("\(name) is a \(only.name) parameter; this session speaks \(protocolVersion.name)")
        }
    }

    // MARK: URL

    /// The default base URL: v2 uses the REST base URL's host; v3 uses the streaming host
    /// (`wss://streaming.assemblyai.com`, or `streaming.eu.assemblyai.com` for the EU REST host),
    /// unless the REST base URL points elsewhere (a proxy or the local server), whose host then
    /// serves v3 too. ``Settings/streamingBaseURL`` (`$ASSEMBLYAI_STREAMING_BASE_URL`), when set,
    /// is v3's base URL.
    public static func defaultURL(for protocolVersion: StreamingProtocol, settings: Settings) -> String {
        let base = settings.baseURL
        if protocolVersion == .v3, let streaming = settings.streamingBaseURL { return streaming }
        if protocolVersion == .v3 {
            if base == "https://api.assemblyai.com" { return "wss://streaming.assemblyai.com" }
            if base == "https://api.eu.assemblyai.com" { return "wss://streaming.eu.assemblyai.com" }
        }
        return webSocketURL(fromHTTP: base)
    }

    static func webSocketURL(fromHTTP url: String) -> String {
        if url.lowercased().hasPrefix("https://") { return "wss://" + url.dropFirst(8) }
        if url.lowercased().hasPrefix("http://") { return "ws://" + url.dropFirst(7) }
        return url
    }

    static func httpURL(fromWebSocket url: String) -> String {
        if url.lowercased().hasPrefix("wss://") { return "https://" + url.dropFirst(6) }
        if url.lowercased().hasPrefix("ws://") { return "http://" + url.dropFirst(5) }
        return url
    }

    /// The base URL in use (set or default), without a trailing slash.
    public func baseURL(settings: Settings) -> String {
        var base = url ?? StreamingOptions.defaultURL(for: protocolVersion, settings: settings)
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The full URL of the session: base, path, and the query (sample_rate first, then the
    /// parameters in the order set, then token).
    public func sessionURL(settings: Settings, maskingToken: Bool = false) -> String {
        var query = ""
        if protocolVersion == .v2 || !isCompressed || sampleRateSet { query = "sample_rate=\(sampleRate)" }
        for (name, value) in parameters where name != "token" {
            query += (query.isEmpty ? "" : "&") + percentEncode(name) + "=" + percentEncode(value)
        }
        if let token { query += (query.isEmpty ? "" : "&") + "token=" + (maskingToken ? "***" : percentEncode(token)) }
        return baseURL(settings: settings) + protocolVersion.path + "?" + query
    }

    /// Checks a base URL given by the user (ws://, wss://, http:// or https://; the http forms
    /// are converted) and returns it as a WebSocket URL.
    public static func validatedURL(_ url: String) throws(AssemblyAIError) -> String {
        var ws = webSocketURL(fromHTTP: url)
        while ws.hasSuffix("/") { ws.removeLast() }
        let parsed = try WebSocketURL(ws)
        guard parsed.target == "/" else {
            throw .invalidArgument("streaming URL must be a base URL without a path (e.g. wss://streaming.assemblyai.com), got '\(url)'")
        }
        return ws
    }
}

/// RFC 3986 percent-encoding of a query component (unreserved characters kept).
func percentEncode(_ s: String) -> String {
    var out = ""
    let hex = Array("0123456789ABCDEF".utf8)
    for byte in s.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
        }
    }
    return out
}
