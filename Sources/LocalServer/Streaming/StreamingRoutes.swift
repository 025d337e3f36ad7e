// HTTP routes of streaming: temporary tokens, and the harness's view of sessions.
//   POST /v2/realtime/token  {"expires_in": >= 60}                       -> {"token"}   (openapi.yml)
//   GET  /v3/token?expires_in_seconds=1..600[&max_session_duration_seconds=60..10800]
//                                                                        -> {"token", "expires_in_seconds"} (streaming-token.yml)
//   GET/DELETE /_local/streaming/sessions, GET/POST /_local/streaming/settings (no key; tests only)
// Auth (401) comes from the router's middleware; /v2/realtime/token's body is validated against
// openapi.yml by the validation middleware, /v3/token (not in those specs) here.

import Foundation
import Hummingbird

struct StreamingRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.post("/v2/realtime/token") { _, context in
            let body = try context.jsonBody()
            guard let seconds = body["expires_in"]?.intValue, seconds >= 60 else {
                throw APIError.badRequest("expires_in must be an integer of at least 60 seconds")
            }
            let token = StreamingState.shared.newToken(.v2, expiresInSeconds: seconds, maxSessionSeconds: nil)
            return jsonResponse(.object(["token": .string(token)]))
        }

        router.get("/v3/token") { request, _ in
            let query = parseQuery(request.uri.query)
            func value(_ name: String) -> String? { query.last { $0.0 == name }?.1 }
            guard let raw = value("expires_in_seconds") else {
                throw APIError.badRequest("expires_in_seconds is required")
            }
            guard let seconds = Int(raw), (1...600).contains(seconds) else {
                throw APIError.badRequest("expires_in_seconds must be an integer from 1 to 600")
            }
            var maxSession: Int?
            if let raw = value("max_session_duration_seconds") {
                guard let m = Int(raw), (60...10_800).contains(m) else {
                    throw APIError.badRequest("max_session_duration_seconds must be an integer from 60 to 10800")
                }
                maxSession = m
            }
            let token = StreamingState.shared.newToken(.v3, expiresInSeconds: seconds, maxSessionSeconds: maxSession)
            return jsonResponse(.object(["token": .string(token), "expires_in_seconds": .int(seconds)]))
        }

        router.get("/_local/streaming/sessions") { _, _ in
            jsonResponse(.array(StreamingState.shared.sessions.withLock { $0.map(\.json) }))
        }

        router.delete("/_local/streaming/sessions") { _, _ in
            StreamingState.shared.sessions.withLock { $0.removeAll() }
            return jsonResponse(.object(["ok": .bool(true)]))
        }

        router.get("/_local/streaming/settings") { _, _ in
            jsonResponse(StreamingState.shared.settings.withLock { $0.json })
        }

        // Partial updates: {"v2_idle_timeout_ms": 300, "v3_inactivity_unit_ms": 100, "max_session_ms": 2000,
        // "max_realtime_factor": 1.5, "heartbeat_interval_ms": 250}. Applies to sessions that begin afterwards.
        router.post("/_local/streaming/settings") { request, context in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            guard let body = try? JSON.parse(Array(buffer.readableBytesView)), body.objectValue != nil else {
                throw APIError.badRequest("expected a JSON object")
            }
            return try StreamingState.shared.settings.withLock { s -> Response in
                if let v = body["v2_idle_timeout_ms"] { guard let i = v.intValue, i > 0 else { throw APIError.badRequest("v2_idle_timeout_ms must be > 0") }; s.v2IdleTimeoutMs = i }
                if let v = body["v3_inactivity_unit_ms"] { guard let i = v.intValue, i > 0 else { throw APIError.badRequest("v3_inactivity_unit_ms must be > 0") }; s.v3InactivityUnitMs = i }
                if let v = body["max_session_ms"] { guard let i = v.intValue, i > 0 else { throw APIError.badRequest("max_session_ms must be > 0") }; s.maxSessionMs = i }
                if let v = body["max_realtime_factor"] { guard let d = v.doubleValue, d >= 0 else { throw APIError.badRequest("max_realtime_factor must be >= 0") }; s.maxRealtimeFactor = d }
                if let v = body["heartbeat_interval_ms"] { guard let i = v.intValue, i > 0 else { throw APIError.badRequest("heartbeat_interval_ms must be > 0") }; s.heartbeatIntervalMs = i }
                return jsonResponse(s.json)
            }
        }
    }
}
