// The RFC 6455 codec: frames in and out, pure code (no I/O), so every rule is unit-tested on
// its own. The WebSocket client (WebSocketConnection.swift) feeds it the bytes libcurl moves.
//
// Scope: no extensions (RSV bits must be zero), so no permessage-deflate. Limits: a frame's
// payload and a reassembled message are both bounded (`maxFrameSize`, `maxMessageSize`); a
// larger one is refused with close code 1009 before its payload is buffered.

/// A WebSocket opcode (RFC 6455 section 5.2).
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes of payload, never fragmented.
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// One frame as it travels on the wire (unmasked payload).
public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }
}

/// A violation of RFC 6455 by the peer, with the close code to answer it with
/// (1002 protocol error, 1007 invalid payload data, 1009 message too big).
public struct WebSocketProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var closeCode: UInt16
    public var message: String

    public init(_ closeCode: UInt16, _ message: String) {
        self.closeCode = closeCode
        self.message = message
    }

    public var description: String { "\(message) (close code \(closeCode))" }
}

/// Standard close codes used by the library itself.
public enum WebSocketCloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    /// Never sent: reported when a close frame carried no code.
    public static let noStatus: UInt16 = 1005
    /// Never sent: reported when the connection closed without a close frame.
    public static let abnormal: UInt16 = 1006
    public static let invalidPayload: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let messageTooBig: UInt16 = 1009
    public static let internalError: UInt16 = 1011

    /// Whether `code` may appear in a close frame (RFC 6455 7.4.1 and the IANA registry):
    /// 1000-1003, 1007-1014 and the application range 3000-4999. 1004-1006 and 1015 are
    /// reserved and never sent.
    public static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}

public enum WebSocketCodec {
    /// Longest close reason: a control frame holds 125 bytes, 2 of them the code.
    public static let maxCloseReasonBytes = 123

    /// Appends one frame to `out`. `maskKey` must be given by a client (RFC 6455 5.3: every
    /// client frame is masked with a fresh unpredictable key) and nil on a server.
    public static func encode(fin: Bool = true, opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer,
                              maskKey: UInt32?, into out: inout [UInt8]) {
        let count = payload.count
        out.reserveCapacity(out.count + count + 14)
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        if count < 126 {
            out.append(maskBit | UInt8(count))
        } else if count <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(count >> 8))
            out.append(UInt8(count & 0xFF))
        } else {
            out.append(maskBit | 127)
            let n = UInt64(count)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((n >> UInt64(shift)) & 0xFF)) }
        }
        guard let maskKey else {
            out.append(contentsOf: payload)
            return
        }
        let key: [UInt8] = [UInt8(maskKey >> 24), UInt8((maskKey >> 16) & 0xFF), UInt8((maskKey >> 8) & 0xFF), UInt8(maskKey & 0xFF)]
        out.append(contentsOf: key)
        let start = out.count
        out.append(contentsOf: payload)
        out.withUnsafeMutableBufferPointer { buf in
            applyMask(key, to: UnsafeMutableBufferPointer(rebasing: buf[start...]))
        }
    }

    /// Encodes one frame into a new array.
    public static func encode(_ frame: WebSocketFrame, maskKey: UInt32?) -> [UInt8] {
        var out: [UInt8] = []
        frame.payload.withUnsafeBytes { encode(fin: frame.fin, opcode: frame.opcode, payload: $0, maskKey: maskKey, into: &out) }
        return out
    }

    /// XORs `bytes` with the 4-byte key, starting at key offset 0 (masking and unmasking are
    /// the same operation).
    public static func applyMask(_ key: [UInt8], to bytes: UnsafeMutableBufferPointer<UInt8>) {
        guard bytes.count > 0, key.count == 4 else { return }
        // Eight bytes at a time, then the tail.
        let k32 = UInt64(key[0]) | UInt64(key[1]) << 8 | UInt64(key[2]) << 16 | UInt64(key[3]) << 24
        let k64 = k32 | k32 << 32
        let base = UnsafeMutableRawPointer(bytes.baseAddress!)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let v = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            base.storeBytes(of: v ^ k64.littleEndian, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            bytes[i] ^= key[i & 3]
            i += 1
        }
    }

    /// The payload of a close frame: the code (big-endian) and the reason, cut to 123 bytes at
    /// a character boundary. A nil code gives an empty payload (and no reason).
    public static func closePayload(code: UInt16?, reason: String = "") -> [UInt8] {
        guard let code else { return [] }
        var out: [UInt8] = [UInt8(code >> 8), UInt8(code & 0xFF)]
        var reasonBytes: [UInt8] = []
        for ch in reason.unicodeScalars {
            let enc = Array(String(ch).utf8)
            if reasonBytes.count + enc.count > maxCloseReasonBytes { break }
            reasonBytes += enc
        }
        out += reasonBytes
        return out
    }

    /// Reads a close frame's payload: no code (empty payload, reported as 1005), or a valid
    /// code and a UTF-8 reason.
    public static func parseClosePayload(_ payload: [UInt8]) throws(WebSocketProtocolError) -> (code: UInt16, reason: String) {
        if payload.isEmpty { return (WebSocketCloseCode.noStatus, "") }
        guard payload.count >= 2 else { throw WebSocketProtocolError(1002, "close frame with a 1-byte payload") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard WebSocketCloseCode.isSendable(code) else {
            throw WebSocketProtocolError(1002, "close frame with the invalid code \(code)")
        }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else {
            throw WebSocketProtocolError(1007, "close reason is not valid UTF-8")
        }
        return (code, reason)
    }
}

/// Splits a byte stream into frames. Incremental: append what the socket gave, then take
/// frames until it returns nil (incomplete).
public struct WebSocketFrameParser: Sendable {
    /// Largest payload accepted in one frame.
    public var maxFrameSize: Int
    /// True on a server (client frames must be masked), false on a client (server frames must not be).
    public var expectMasked: Bool

    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxFrameSize: Int = 16 << 20, expectMasked: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.expectMasked = expectMasked
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedBytes: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete frame, nil when more bytes are needed, or an error for a frame that
    /// breaks the protocol (the connection must then be failed with the error's close code).
    public mutating func next() throws(WebSocketProtocolError) -> WebSocketFrame? {
        let available = buffer.count - start
        guard available >= 2 else { return nil }
        let b0 = buffer[start], b1 = buffer[start + 1]
        guard b0 & 0x70 == 0 else { throw WebSocketProtocolError(1002, "reserved bits set without a negotiated extension") }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
            throw WebSocketProtocolError(1002, "unknown opcode 0x\(String(b0 & 0x0F, radix: 16))")
        }
        let fin = b0 & 0x80 != 0
        let masked = b1 & 0x80 != 0
        if masked != expectMasked {
            throw WebSocketProtocolError(1002, expectMasked ? "client frame is not masked" : "server frame is masked")
        }
        var length = UInt64(b1 & 0x7F)
        var header = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
            header = 4
            guard length >= 126 else { throw WebSocketProtocolError(1002, "16-bit length \(length) not in minimal form") }
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(buffer[start + 2 + i]) }
            header = 10
            guard length >> 63 == 0 else { throw WebSocketProtocolError(1002, "64-bit length with the most significant bit set") }
            guard length > 0xFFFF else { throw WebSocketProtocolError(1002, "64-bit length \(length) not in minimal form") }
        }
        if opcode.isControl {
            guard fin else { throw WebSocketProtocolError(1002, "fragmented control frame") }
            guard length <= 125 else { throw WebSocketProtocolError(1002, "control frame payload of \(length) bytes (max 125)") }
        }
        guard length <= UInt64(maxFrameSize) else {
            throw WebSocketProtocolError(1009, "frame of \(length) bytes exceeds the limit of \(maxFrameSize) bytes")
        }
        var key: [UInt8] = []
        if masked {
            guard available >= header + 4 else { return nil }
            key = Array(buffer[(start + header)..<(start + header + 4)])
            header += 4
        }
        let total = header + Int(length)
        guard available >= total else { return nil }
        var payload = Array(buffer[(start + header)..<(start + total)])
        if masked { payload.withUnsafeMutableBufferPointer { WebSocketCodec.applyMask(key, to: $0) } }
        start += total
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        }
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}

/// A complete message, or a control frame, after reassembly.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case close(code: UInt16, reason: String)
}

/// Reassembles fragmented messages (control frames may come between fragments) and checks
/// that text messages are valid UTF-8.
public struct WebSocketMessageAssembler: Sendable {
    public var maxMessageSize: Int
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketOpcode?

    public init(maxMessageSize: Int = 16 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    /// Feeds one frame; returns a message when one is complete.
    public mutating func push(_ frame: WebSocketFrame) throws(WebSocketProtocolError) -> WebSocketMessage? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close:
            let parsed = try WebSocketCodec.parseClosePayload(frame.payload)
            return .close(code: parsed.code, reason: parsed.reason)
        case .text, .binary:
            guard fragmentOpcode == nil else {
                throw WebSocketProtocolError(1002, "new data frame while a fragmented message is unfinished")
            }
            guard frame.fin else {
                guard frame.payload.count <= maxMessageSize else { throw tooBig(frame.payload.count) }
                fragmentOpcode = frame.opcode
                fragments = frame.payload
                return nil
            }
            return try message(frame.opcode, frame.payload)
        case .continuation:
            guard let opcode = fragmentOpcode else {
                throw WebSocketProtocolError(1002, "continuation frame without a message to continue")
            }
            guard fragments.count + frame.payload.count <= maxMessageSize else {
                throw tooBig(fragments.count + frame.payload.count)
            }
            fragments += frame.payload
            guard frame.fin else { return nil }
            let whole = fragments
            fragments = []
            fragmentOpcode = nil
            return try message(opcode, whole)
        }
    }

    private func tooBig(_ n: Int) -> WebSocketProtocolError {
        WebSocketProtocolError(1009, "message of more than \(maxMessageSize) bytes (\(n) so far)")
    }

    private func message(_ opcode: WebSocketOpcode, _ payload: [UInt8]) throws(WebSocketProtocolError) -> WebSocketMessage {
        guard opcode == .text else { return .binary(payload) }
        guard let text = String(validating: payload, as: UTF8.self) else {
            throw WebSocketProtocolError(1007, "text message is not valid UTF-8")
        }
        return .text(text)
    }
}
