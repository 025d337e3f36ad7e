// The record of API requests (`GET /_local/requests`), so tests can assert what a client sent:
// method, path, raw query, every header and the parsed JSON body.

import Foundation
import Hummingbird

final class RequestRecorder: Sendable {
    private struct Entry {
        let seq: Int
        var value: [String: JSON]
    }

    private let state = Locked<(next: Int, entries: [Entry])>((0, []))

    /// Adds an entry; returns its sequence number for `setBodySize`.
    func record(_ value: [String: JSON]) -> Int {
        state.withLock { s in
            let seq = s.next
            s.next += 1
            s.entries.append(Entry(seq: seq, value: value))
            return seq
        }
    }

    /// Streamed bodies (uploads) learn their size only at the end.
    func setBodySize(_ size: Int, for seq: Int) {
        state.withLock { s in
            if let i = s.entries.lastIndex(where: { $0.seq == seq }) { s.entries[i].value["body_size"] = .int(size) }
        }
    }

    /// Adds a field to an entry once the route learned it (the parts of a streamed multipart body).
    func setField(_ key: String, _ value: JSON, for seq: Int) {
        state.withLock { s in
            if let i = s.entries.lastIndex(where: { $0.seq == seq }) { s.entries[i].value[key] = value }
        }
    }

    func clear() { state.withLock { $0.entries.removeAll() } }

    var all: JSON { state.withLock { .array($0.entries.map { .object($0.value) }) } }
}

/// Reads the body of every API request (except streamed uploads), parses it as JSON for the
/// routes, and records the request. `/_local` routes are the harness's own and are skipped.
struct RecordingMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let recorder: RequestRecorder
    /// Requests whose body the route streams itself; only their size is recorded.
    let streamsBody: @Sendable (Request) -> Bool

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/_local") else { return try await next(request, context) }
        var request = request
        var context = context
        var size = 0
        var bodyValue = JSON.null
        if streamsBody(request) {
            context.body = .streamed
        } else {
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            size = buffer.readableBytes
            if size == 0 {
                context.body = .empty
            } else {
                do {
                    bodyValue = try JSON.parse(Array(buffer.readableBytesView))
                    context.body = .json(bodyValue)
                } catch {
                    context.body = .invalid("\(error)")
                }
            }
        }
        var headers: [String: JSON] = [:]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            // A repeated header is recorded as the comma-joined list, as HTTP defines it.
            headers[name] = .string(headers[name]?.stringValue.map { "\($0), \(field.value)" } ?? field.value)
        }
        context.recordSeq = recorder.record([
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "query": .string(request.uri.query ?? ""),
            "headers": .object(headers),
            "body": bodyValue,
            "body_size": .int(size),
        ])
        return try await next(request, context)
    }
}
