// Temporary streaming tokens: a server with the API key makes them, a client without it
// connects with one (sent as the `token` query parameter).
//   realtime v2:  POST /v2/realtime/token {"expires_in": seconds >= 60}  -> {"token"}  (REST host)
//   v3:           GET  /v3/token?expires_in_seconds=1..600[&max_session_duration_seconds=60..10800]
//                 -> {"token", "expires_in_seconds"}  (on the streaming host)

public struct StreamingToken: Sendable, Equatable {
    public var token: String
    /// Seconds the token stays valid, as the server said (v3), or as requested (v2).
    public var expiresInSeconds: Int
}

public enum StreamingTokens {
    /// Creates a realtime v2 token through the client's REST base URL.
    public static func createV2(client: Client, expiresInSeconds: Int) throws(AssemblyAIError) -> StreamingToken {
        guard expiresInSeconds >= 60 else {
            throw AssemblyAIError(.invalidArgument, "expires_in must be at least 60 seconds for a realtime v2 token, got \(expiresInSeconds)")
        }
        let body = JSONValue.object(["expires_in": .int(Int64(expiresInSeconds))]).serializedBytes()
        let doc = try client.sendJSON(HTTPRequest(method: .post, path: "/v2/realtime/token", body: .json(body)), retry: .createOnce)
        guard let token = doc.root["token"]?.string, !token.isEmpty else {
            throw AssemblyAIError(.proto, "POST /v2/realtime/token: the answer has no token")
        }
        return StreamingToken(token: token, expiresInSeconds: expiresInSeconds)
    }

    /// Creates a v3 token on the streaming host: `streamingURL` (ws(s):// or http(s)://), or
    /// the default v3 host for the client's settings.
    public static func createV3(client: Client, streamingURL: String?, expiresInSeconds: Int,
                                maxSessionDurationSeconds: Int?) throws(AssemblyAIError) -> StreamingToken {
        guard (1...600).contains(expiresInSeconds) else {
            throw AssemblyAIError(.invalidArgument, "expires_in_seconds must be 1..600, got \(expiresInSeconds)")
        }
        if let m = maxSessionDurationSeconds, !(60...10_800).contains(m) {
            throw AssemblyAIError(.invalidArgument, "max_session_duration_seconds must be 60..10800, got \(m)")
        }
        var settings = client.settings
        guard let key = settings.apiKey, !key.isEmpty else {
            throw AssemblyAIError(.auth, "no API key: set ASSEMBLYAI_API_KEY or give one to the client")
        }
        let ws = try streamingURL.map { (u) throws(AssemblyAIError) in try StreamingOptions.validatedURL(u) }
            ?? StreamingOptions.defaultURL(for: .v3, settings: settings)
        settings.baseURL = try Settings.validatedBaseURL(StreamingOptions.httpURL(fromWebSocket: ws))
        var path = "/v3/token?expires_in_seconds=\(expiresInSeconds)"
        if let m = maxSessionDurationSeconds { path += "&max_session_duration_seconds=\(m)" }
        let response = try client.http.send(HTTPRequest(method: .get, path: path), settings: settings, retry: .idempotent)
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: response.body) } catch {
            throw AssemblyAIError(.proto, "malformed JSON in the answer to GET /v3/token: \(error)", httpStatus: response.status)
        }
        guard let token = doc.root["token"]?.string, !token.isEmpty else {
            throw AssemblyAIError(.proto, "GET /v3/token: the answer has no token")
        }
        return StreamingToken(token: token, expiresInSeconds: doc.root["expires_in_seconds"]?.int ?? expiresInSeconds)
    }
}
