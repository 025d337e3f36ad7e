/// A stream the parser refuses (a line or event over the size limit). Self-contained (not an
/// ``AssemblyAIError``), so the parser compiles on its own for fuzz/tts_sse.swift.
public struct SSEError: Error, Sendable {
    public var message: String
}

/// One Server-Sent Event: its `event` name ("message" when the stream gave none) and its data
/// (the `data:` lines joined with "\n").
public struct SSEEvent: Sendable, Equatable {
    public var event: String
    public var data: String
    public var id: String?

    public init(event: String, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental parser of `text/event-stream` as the WHATWG HTML standard defines it: bytes in
/// any pieces (a line or a UTF-8 sequence may be split anywhere), lines ended by CRLF, LF or CR,
/// `field: value` with one optional space after the colon, `:` comments, a blank line dispatching
/// the event. An event with no data lines is not dispatched. A line or event over `maxEventBytes`
/// is a protocol error, so a broken server cannot make the client buffer without bound.
public struct SSEParser: Sendable {
    public let maxEventBytes: Int
    private var line: [UInt8] = []
    private var eventName = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastID: String?
    private var afterCR = false
    private var firstLine = true

    public init(maxEventBytes: Int = 16 << 20) { self.maxEventBytes = maxEventBytes }

    /// Feeds bytes; returns the events they completed, in order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(SSEError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            if byte == 0x0A || byte == 0x0D {
                afterCR = byte == 0x0D
                if let event = try endLine() { events.append(event) }
                continue
            }
            line.append(byte)
            if line.count > maxEventBytes {
                throw SSEError(message: "event stream line longer than \(maxEventBytes) bytes")
            }
        }
        return events
    }

    /// Feeds bytes from an array.
    public mutating func feed(_ bytes: [UInt8]) throws(SSEError) -> [SSEEvent] {
        var out: [SSEEvent] = []
        var failure: SSEError?
        bytes.withUnsafeBytes { raw in
            do throws(SSEError) { out = try self.feed(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// Whether a partial event is pending (the stream ended in the middle of one).
    public var hasPartialEvent: Bool { !line.isEmpty || hasData }

    private mutating func endLine() throws(SSEError) -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        // A UTF-8 byte order mark at the very start of the stream is ignored.
        if firstLine, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF { line.removeFirst(3) }
        firstLine = false
        if line.isEmpty {
            // Dispatch.
            defer { eventName = ""; data.removeAll(keepingCapacity: true); hasData = false }
            guard hasData else { return nil }
            return SSEEvent(event: eventName.isEmpty ? "message" : eventName,
                            data: String(decoding: data, as: UTF8.self), id: lastID)
        }
        if line[0] == UInt8(ascii: ":") { return nil }  // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: line[..<(colon ?? line.count)], as: UTF8.self)
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let value = line[valueStart...]
        switch field {
        case "event": eventName = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
            if data.count > maxEventBytes { throw SSEError(message: "event stream event larger than \(maxEventBytes) bytes") }
        case "id":
            if !value.contains(0) { lastID = String(decoding: value, as: UTF8.self) }
        default: break  // "retry" and unknown fields are ignored
        }
        return nil
    }
}

/// Base64 (RFC 4648, standard alphabet, padding optional) to bytes; nil for anything else.
public func decodeBase64(_ text: String) -> [UInt8]? {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = UInt8(i) }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var acc: UInt32 = 0
    var bits = 0
    var padding = 0
    for c in text.utf8 {
        if c == UInt8(ascii: "=") { padding += 1; continue }
        guard padding == 0 else { return nil }  // data after padding
        let v = table[Int(c)]
        guard v != 0xFF else { return nil }
        acc = (acc << 6) | UInt32(v)
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
        }
    }
    guard padding <= 2, bits < 6 else { return nil }
    return out
}
