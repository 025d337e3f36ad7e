// State the streaming endpoints share: temporary tokens, the record of sessions (for tests, at
// /_local/streaming/sessions), and test settings (/_local/streaming/settings). One server per
// process, so one shared instance.

import Foundation

struct StreamingToken: Sendable {
    let protocolVersion: StreamProtocol
    /// Monotonic-ish wall time (seconds since 1970) after which the token can no longer start a session.
    let expiresAt: Double
    /// v3: the longest session it may start, in seconds.
    let maxSessionSeconds: Int?
    var used = false
}

/// Settings tests may change at run time (POST /_local/streaming/settings).
struct StreamingSettings: Sendable {
    /// v2: close 4031 after this long without audio.
    var v2IdleTimeoutMs = 30_000
    /// v3: how long one second of `inactivity_timeout` lasts (1000; tests shorten it).
    var v3InactivityUnitMs = 1_000
    /// v2 session length before 4008, and the v3 default maximum before 3008 (3 h).
    var maxSessionMs = 10_800_000
    /// When > 0, audio faster than this multiple of real time (after a 2 s burst) is refused:
    /// v2 4029, v3 3007. 0 (the default) accepts any speed.
    var maxRealtimeFactor = 0.0
    /// v3 session_heartbeat: a Heartbeat every this many ms of session time.
    var heartbeatIntervalMs = 1_000

    var json: JSON {
        .object(["v2_idle_timeout_ms": .int(v2IdleTimeoutMs), "v3_inactivity_unit_ms": .int(v3InactivityUnitMs),
                 "max_session_ms": .int(maxSessionMs), "max_realtime_factor": .double(maxRealtimeFactor),
                 "heartbeat_interval_ms": .int(heartbeatIntervalMs)])
    }
}

/// What a session did, for GET /_local/streaming/sessions.
struct StreamingSessionRecord: Sendable {
    var id: String
    var protocolVersion: StreamProtocol
    var path: String
    var query: String
    var headers: [String: JSON]
    var began = false
    var textMessages: [String] = []
    var audioChunkBytes: [Int] = []
    var sent: [String] = []
    var sentNs: [Int64] = []
    var closeCode: Int?
    var closeReason: String?
    var decodedText: String?
    /// The WebSocket fault that fired in this session: id, kind, after_messages.
    var fault: JSON?
    /// The close frame the client sent (1005: one without a code), nil while none came.
    var clientCloseCode: Int?
    var clientCloseReason: String?

    var json: JSON {
        var o: [String: JSON] = [
            "id": .string(id), "protocol": .string(protocolVersion.rawValue), "path": .string(path), "query": .string(query),
            "headers": .object(headers), "began": .bool(began),
            "text_messages": .array(textMessages.map { .string($0) }),
            "audio_messages": .int(audioChunkBytes.count), "audio_bytes": .int(audioChunkBytes.reduce(0, +)),
            "audio_chunk_bytes": .array(audioChunkBytes.map { .int($0) }),
            "sent": .array(sent.map { .string($0) }),
            "sent_ns": .array(sentNs.map { .int(Int($0)) }),
        ]
        o["close_code"] = closeCode.map { .int($0) } ?? .null
        o["close_reason"] = closeReason.map { .string($0) } ?? .null
        o["decoded_text"] = decodedText.map { .string($0) } ?? .null
        o["fault"] = fault ?? .null
        o["client_close_code"] = clientCloseCode.map { .int($0) } ?? .null
        o["client_close_reason"] = clientCloseReason.map { .string($0) } ?? .null
        return .object(o)
    }
}

/// The record of sessions in the order they opened, with each id's place in it: a session
/// updates its record on every message (audio in, messages out), and with thousands of sessions
/// at once a search through the list on each update was most of the server's CPU.
struct StreamingSessionRecords: Sendable {
    private var all: [StreamingSessionRecord] = []
    private var position: [String: Int] = [:]

    mutating func append(_ r: StreamingSessionRecord) {
        position[r.id] = all.count  // the newest record of an id is the one updated
        all.append(r)
    }

    mutating func update(_ id: String, _ change: (inout StreamingSessionRecord) -> Void) {
        if let i = position[id] { change(&all[i]) }
    }

    mutating func removeAll() {
        all.removeAll()
        position.removeAll()
    }

    func map<T>(_ transform: (StreamingSessionRecord) throws -> T) rethrows -> [T] { try all.map(transform) }
}

final class StreamingState: Sendable {
    static let shared = StreamingState()

    let tokens = Locked<[String: StreamingToken]>([:])
    let sessions = Locked(StreamingSessionRecords())
    let settings = Locked(StreamingSettings())

    func newToken(_ protocolVersion: StreamProtocol, expiresInSeconds: Int, maxSessionSeconds: Int?) -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = (protocolVersion == .v2 ? "v2tok_" : "v3tok_") + bytes.map { String(format: "%02x", $0) }.joined()
        tokens.withLock {
            $0[token] = StreamingToken(protocolVersion: protocolVersion, expiresAt: Date().timeIntervalSince1970 + Double(expiresInSeconds),
                                       maxSessionSeconds: maxSessionSeconds)
        }
        return token
    }

    /// Checks a token for a new session; v3 tokens are single-use (consumed here).
    func useToken(_ token: String, for protocolVersion: StreamProtocol) -> StreamingToken? {
        tokens.withLock { all in
            guard var t = all[token], t.protocolVersion == protocolVersion, t.expiresAt > Date().timeIntervalSince1970 else { return nil }
            if protocolVersion == .v3 {
                guard !t.used else { return nil }
                t.used = true
                all[token] = t
            }
            return t
        }
    }

    func record(_ r: StreamingSessionRecord) {
        sessions.withLock { $0.append(r) }
    }

    func update(_ id: String, _ change: (inout StreamingSessionRecord) -> Void) {
        sessions.withLock { $0.update(id, change) }
    }
}
