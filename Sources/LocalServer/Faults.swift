// Fault injection: armed from the command line (--fault JSON) or POST /_local/faults, each
// fault hits the next N requests that match its method and path, so client libraries can be
// tested against rate limits, server errors, broken connections, bad JSON, slow and silent
// servers; the ws_* kinds break streaming sessions instead (StreamingFaults.swift).
// docs/local-server.md ("Fault injection") documents every field.

import Foundation
import Hummingbird
import NIOCore

struct Fault: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case status, reset, truncate, malformedJSON = "malformed_json", delay, hang
        /// An event stream cut at `at_byte`, the cut event closed with a blank line, then a clean end.
        case malformedEvent = "malformed_event"
        case wsClose = "ws_close", wsDrop = "ws_drop", wsReset = "ws_reset", wsMalformedFrame = "ws_malformed_frame"
        case wsOversizedFrame = "ws_oversized_frame", wsInvalidUTF8 = "ws_invalid_utf8", wsStopReading = "ws_stop_reading"
        /// The WebSocket upgrade is refused with `status` (a handshake failure, for clients' retries).
        case wsRefuse = "ws_refuse"

        /// WebSocket kinds hit streaming sessions only; the others HTTP requests only.
        var isWebSocket: Bool { rawValue.hasPrefix("ws_") }
    }

    /// ws_malformed_frame variants.
    static let frameVariants = ["rsv", "opcode", "masked", "control"]

    var id = 0
    var method: String?
    var path = "/"
    var pathRegex: String?
    var count = 1
    var skip = 0
    var kind: Kind
    var status = 500
    var retryAfter: Int?
    var message: String?
    var delayMs: Int?
    var after = false
    var atByte: Int?
    // WebSocket kinds: the fault fires once the session has sent this many messages.
    var afterMessages = 1
    var closeCode = 1011
    var reason = ""
    var frame = "rsv"
    /// ws_oversized_frame: one byte over libassemblyai's 16 MiB frame limit by default.
    var frameBytes = (16 << 20) + 1

    /// Reads a fault from its JSON form; the error says which field is wrong.
    init(json: JSON) throws {
        guard let o = json.objectValue else { throw APIError.badRequest("a fault must be an Object") }
        let known: Set = ["method", "path", "path_regex", "count", "skip", "kind", "status", "retry_after", "message",
                          "delay_ms", "phase", "at_byte", "after_messages", "close_code", "reason", "frame", "frame_bytes"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest("fault field \(unknown) is not allowed (unknown property)")
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let v = o[key] else { return nil }
            guard let i = v.intValue, range.contains(i) else {
                throw APIError.badRequest("fault field \(key) must be an Integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return i
        }
        func string(_ key: String) throws -> String? {
            guard let v = o[key] else { return nil }
            guard let s = v.stringValue else { throw APIError.badRequest("fault field \(key) must be a String") }
            return s
        }
        guard let kindName = try string("kind") else { throw APIError.badRequest("fault field kind is required") }
        guard let kind = Kind(rawValue: kindName) else {
            throw APIError.badRequest("fault field kind must be one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.kind = kind
        method = try string("method")?.uppercased()
        path = try string("path") ?? "/"
        pathRegex = try string("path_regex")
        if let p = pathRegex, (try? NSRegularExpression(pattern: p)) == nil {
            throw APIError.badRequest("fault field path_regex is not a valid regular expression")
        }
        count = try int("count", -1...1_000_000) ?? 1
        if count == 0 { throw APIError.badRequest("fault field count must not be 0 (use -1 for every request)") }
        skip = try int("skip", 0...1_000_000) ?? 0
        status = try int("status", 400...599) ?? 500
        retryAfter = try int("retry_after", 0...86_400)
        message = try string("message")
        delayMs = try int("delay_ms", 0...86_400_000)
        atByte = try int("at_byte", 0...Int(Int32.max))
        switch try string("phase") ?? "before" {
        case "before": after = false
        case "after": after = true
        default: throw APIError.badRequest("fault field phase must be one of: before, after")
        }
        if kind == .delay, delayMs == nil { throw APIError.badRequest("fault field delay_ms is required for kind delay") }
        afterMessages = try int("after_messages", 0...1_000_000) ?? 1
        closeCode = try int("close_code", 0...65_535) ?? 1011
        reason = try string("reason") ?? ""
        if reason.utf8.count > 123 { throw APIError.badRequest("fault field reason must be at most 123 bytes (a close frame's limit)") }
        frameBytes = try int("frame_bytes", 0...(256 << 20)) ?? frameBytes
        frame = try string("frame") ?? "rsv"
        if !Self.frameVariants.contains(frame) {
            throw APIError.badRequest("fault field frame must be one of: \(Self.frameVariants.joined(separator: ", "))")
        }
    }

    func matches(method m: String, path p: String) -> Bool {
        if let method, method != m { return false }
        guard p.hasPrefix(path) else { return false }
        if let pathRegex { return SchemaValidator.matchesPattern(p, pathRegex) }
        return true
    }

    var json: JSON {
        var o: [String: JSON] = ["id": .int(id), "kind": .string(kind.rawValue), "path": .string(path),
                                 "count": .int(count), "skip": .int(skip), "phase": .string(after ? "after" : "before")]
        if let method { o["method"] = .string(method) }
        if let pathRegex { o["path_regex"] = .string(pathRegex) }
        if kind == .status || kind == .wsRefuse {
            o["status"] = .int(status)
            if let r = effectiveRetryAfter { o["retry_after"] = .int(r) }
            o["message"] = .string(errorMessage)
        }
        if let delayMs { o["delay_ms"] = .int(delayMs) }
        if let atByte { o["at_byte"] = .int(atByte) }
        if kind.isWebSocket {
            if kind != .wsRefuse { o["after_messages"] = .int(afterMessages) }
            o.removeValue(forKey: "phase")
        }
        switch kind {
        case .wsClose: o["close_code"] = .int(closeCode); o["reason"] = .string(reason)
        case .wsMalformedFrame: o["frame"] = .string(frame)
        case .wsOversizedFrame: o["frame_bytes"] = .int(frameBytes)
        default: break
        }
        return .object(o)
    }

    var effectiveRetryAfter: Int? { retryAfter ?? (status == 429 ? 1 : nil) }

    var errorMessage: String {
        if let message { return message }
        switch status {
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return HTTPResponse.Status(code: status).reasonPhrase
        }
    }
}

final class FaultInjector: Sendable {
    private let state = Locked<(next: Int, armed: [Fault], fired: [JSON])>((1, [], []))

    /// Adds faults (in order); returns them with their ids.
    @discardableResult
    func arm(_ faults: [Fault]) -> [Fault] {
        state.withLock { s in
            faults.map { f in
                var f = f
                f.id = s.next
                s.next += 1
                s.armed.append(f)
                return f
            }
        }
    }

    func clear() { state.withLock { $0.armed.removeAll(); $0.fired.removeAll() } }

    var report: JSON {
        state.withLock { .object(["armed": .array($0.armed.map(\.json)), "fired": .array($0.fired)]) }
    }

    /// The fault this request triggers, if any: the first armed fault that matches and has
    /// no requests left to skip. Matching faults with `skip` left count one down instead.
    /// An HTTP fault is recorded as fired here; a WebSocket one (taken when the session opens)
    /// when it fires (`recordFired`).
    func take(method: String, path: String, webSocket: Bool = false) -> Fault? {
        state.withLock { s in
            for i in s.armed.indices where s.armed[i].kind.isWebSocket == webSocket && s.armed[i].matches(method: method, path: path) {
                if s.armed[i].skip > 0 { s.armed[i].skip -= 1; continue }
                let fault = s.armed[i]
                if fault.count > 0 {
                    s.armed[i].count -= 1
                    if s.armed[i].count == 0 { s.armed.remove(at: i) }
                }
                if !webSocket { s.fired.append(Self.firedRecord(fault, method: method, path: path)) }
                return fault
            }
            return nil
        }
    }

    func recordFired(_ fault: Fault, method: String, path: String, extra: [String: JSON]) {
        var record = Self.firedRecord(fault, method: method, path: path)
        if case .object(var o) = record {
            o.merge(extra) { a, _ in a }
            record = .object(o)
        }
        state.withLock { $0.fired.append(record) }
    }

    private static func firedRecord(_ fault: Fault, method: String, path: String) -> JSON {
        .object(["id": .int(fault.id), "kind": .string(fault.kind.rawValue), "method": .string(method),
                 "path": .string(path), "at": .string(TranscriptStore.timestamp(Date()))])
    }

    /// Faults never hit the harness's own admin routes.
    static func applies(to path: String) -> Bool {
        !path.hasPrefix("/_local/") || path.hasPrefix("/_local/uploads/") || path.hasPrefix("/_local/redacted-audio/")
            || path.hasPrefix("/_local/synthetic")
    }
}

/// Set when SIGTERM or SIGINT arrives, so hanging requests let the server stop.
enum ShutdownFlag {
    private static let flag = Locked(false)
    static var isSet: Bool { flag.withLock { $0 } }
    static func set() { flag.withLock { $0 = true } }
}

struct FaultMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let faults: FaultInjector

    private struct Closed: Error {}

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard FaultInjector.applies(to: path), let fault = faults.take(method: request.method.rawValue, path: path) else {
            return try await next(request, context)
        }
        switch fault.kind {
        case .wsClose, .wsDrop, .wsReset, .wsMalformedFrame, .wsOversizedFrame, .wsInvalidUTF8, .wsStopReading, .wsRefuse:
            return try await next(request, context)  // never taken for HTTP requests
        case .status:
            try await runOrDrain(fault, request, context, next)
            var headers = HTTPFields()
            if let r = fault.effectiveRetryAfter { headers[.retryAfter] = String(r) }
            throw APIError(status: HTTPResponse.Status(code: fault.status), message: fault.errorMessage, headers: headers)
        case .delay:
            let ms = fault.delayMs ?? 0
            if !fault.after { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
            let response = try await next(request, context)
            if fault.after { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
            return response
        case .hang:
            try await runOrDrain(fault, request, context, next)
            let deadline = Date().addingTimeInterval(Double(fault.delayMs ?? 600_000) / 1000)
            while Date() < deadline, context.channel?.isActive ?? true, !ShutdownFlag.isSet {
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            try? await context.channel?.close()
            throw APIError.serverError
        case .reset, .truncate, .malformedJSON, .malformedEvent:
            let response: Response
            do {
                response = try await next(request, context)
            } catch let error as APIError {
                response = try error.response(from: request, context: context)
            }
            let box = BodyBox()
            try await response.body.write(CollectingWriter(box: box))
            let full = box.buffer
            let cut = full.getSlice(at: full.readerIndex, length: min(full.readableBytes, fault.atByte ?? full.readableBytes / 2)) ?? ByteBuffer()
            if fault.kind == .malformedEvent {
                // An event stream: the events up to at_byte, the one cut there ended by a blank
                // line (so a client reads its data as a complete event with broken JSON), and a
                // clean end of the stream without the rest (and without its data: [DONE]).
                var body = cut
                let text = String(buffer: cut)
                if !text.isEmpty, !text.hasSuffix("\n\n") { body.writeString("\n\n") }
                var headers = response.headers
                headers[.contentLength] = String(body.readableBytes)
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
            }
            if fault.kind == .malformedJSON {
                var headers = response.headers
                headers[.contentType] = "application/json"
                headers[.contentLength] = String(cut.readableBytes)
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: cut))
            }
            let channel = context.channel
            let reset = fault.kind == .reset
            // The head promises the whole body; part of it is sent, then the connection closes.
            return Response(status: response.status, headers: response.headers, body: ResponseBody(contentLength: full.readableBytes) { writer in
                if cut.readableBytes > 0 { try await writer.write(cut) }
                try await Task.sleep(nanoseconds: 50_000_000)  // let the client read what was sent
                if let channel {
                    if reset, let options = channel as? SocketOptionProvider {
                        // SO_LINGER 0: close() sends RST instead of FIN.
                        try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                    }
                    try? await channel.close()
                }
                throw Closed()
            })
        }
    }

    /// phase after: the request is handled (its effects happen) and the answer dropped;
    /// phase before: the body is read and the request is not handled.
    private func runOrDrain(_ fault: Fault, _ request: Request, _ context: ServerContext,
                            _ next: (Request, ServerContext) async throws -> Response) async throws {
        if fault.after {
            if let response = try? await next(request, context) {
                try? await response.body.write(CollectingWriter(box: BodyBox()))
            }
        } else if case .streamed = context.body {
            for try await _ in request.body {}
        }
    }
}

private final class BodyBox: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let box: BodyBox
    mutating func write(_ buffer: ByteBuffer) async throws {
        var b = buffer
        box.buffer.writeBuffer(&b)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
