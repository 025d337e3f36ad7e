// The opening handshake of RFC 6455 section 4, client side: the HTTP/1.1 Upgrade request, and
// the checks on the server's answer (101, Upgrade, Connection, Sec-WebSocket-Accept). Pure code.

public enum WebSocketHandshake {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// A fresh Sec-WebSocket-Key: 16 random bytes, base64.
    public static func makeKey() -> String {
        var rng = SystemRandomNumberGenerator()
        return base64((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// The Sec-WebSocket-Accept a server must answer to `key`.
    public static func acceptValue(forKey key: String) -> String {
        base64(SHA1.hash(Array((key + guid).utf8)))
    }

    /// The GET request that asks for the upgrade. `target` is the path and query.
    public static func request(host: String, target: String, key: String, headers: [(String, String)]) -> [UInt8] {
        var text = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        text += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The head of an HTTP response.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var reason: String
        public var headers: [(name: String, value: String)]
        /// Bytes taken by the head, up to and including the blank line.
        public var headLength: Int

        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name.lowercased() == lower }?.value
        }

        public static func == (a: Response, b: Response) -> Bool {
            a.status == b.status && a.reason == b.reason && a.headLength == b.headLength
                && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
        }
    }

    public struct HandshakeError: Error, Sendable, Equatable {
        public var message: String
    }

    /// Parses a response head from the start of `bytes`: nil while the blank line has not
    /// arrived yet; an error for something that is not HTTP/1.x.
    public static func parseResponse(_ bytes: [UInt8], maxHeadBytes: Int = 64 * 1024) throws(HandshakeError) -> Response? {
        guard let end = headEnd(bytes) else {
            if bytes.count > maxHeadBytes { throw HandshakeError(message: "HTTP response head larger than \(maxHeadBytes) bytes") }
            if bytes.count >= 5, !bytes.starts(with: Array("HTTP/".utf8)) {
                throw HandshakeError(message: "the server did not answer with HTTP")
            }
            return nil
        }
        let text = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.") else {
            throw HandshakeError(message: "the server did not answer with HTTP/1.x")
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, let status = Int(parts[1]), (100...599).contains(status) else {
            throw HandshakeError(message: "malformed HTTP status line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw HandshakeError(message: "malformed HTTP header line") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name, value))
        }
        return Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, headLength: end + 4)
    }

    /// Checks a response to a request made with `key`; nil when the upgrade succeeded,
    /// else what is wrong (a non-101 status is the caller's to report with its body).
    public static func problem(with response: Response, key: String) -> String? {
        guard response.status == 101 else { return "HTTP \(response.status) \(response.reason)" }
        guard response.header("Upgrade")?.lowercased() == "websocket" else {
            return "101 response without Upgrade: websocket"
        }
        let connection = response.header("Connection")?.lowercased() ?? ""
        guard connection.split(separator: ",").contains(where: { $0.trimmingSpaces() == "upgrade" }) else {
            return "101 response without Connection: Upgrade"
        }
        guard response.header("Sec-WebSocket-Accept") == acceptValue(forKey: key) else {
            return "wrong Sec-WebSocket-Accept in the 101 response"
        }
        if let ext = response.header("Sec-WebSocket-Extensions"), !ext.isEmpty {
            return "the server chose an extension that was not offered (\(ext))"
        }
        return nil
    }

    private static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Standard base64 with padding.
    public static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)], table[Int((v >> 6) & 63)], table[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)], table[Int((v >> 6) & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// SHA-1 (FIPS 180-4), only for Sec-WebSocket-Accept: FoundationEssentials has no crypto.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8((bitLength >> UInt64(shift)) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
                default: f = b ^ c ^ d; k = 0xCA62C1D6
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = b << 30 | b >> 2; b = a; a = t
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
        }
        return h.flatMap { v in [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    }
}
