import Foundation
import XCTest
@testable import AssemblyAI

/// The WebSocket client (libcurl CONNECT_ONLY + our codec) against an independent
/// implementation: the Python `websockets` library (tests/streaming/ws_peer.py). Skipped when
/// python3 or the websockets package is missing.
final class WebSocketClientTests: XCTestCase {
    // Set once in class setUp, read by tests that XCTest runs one at a time.
    nonisolated(unsafe) private static var peer: Process?
    nonisolated(unsafe) private static var peerIn: Pipe?
    nonisolated(unsafe) private static var peerOut: Pipe?
    nonisolated(unsafe) private static var base = ""

    override class func setUp() {
        super.setUp()
        let file: String = #filePath
        let root = String(file[..<(file.range(of: "/Tests/")?.lowerBound ?? file.endIndex)])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root + "/tests/streaming/ws_peer.py"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "ws://") else { p.terminate(); return }
        base = String(text[range.lowerBound...].prefix { !$0.isWhitespace })
        peer = p
        peerIn = input
        peerOut = output
    }

    override class func tearDown() {
        try? peerIn?.fileHandleForWriting.close()
        peer?.terminate()
        peer?.waitUntilExit()
        super.tearDown()
    }

    override func setUpWithError() throws {
        if Self.peer == nil { throw XCTSkip("python3 with the websockets package is needed (pip install websockets)") }
    }

    /// The peer's log lines for finished sessions, read so far.
    nonisolated(unsafe) private static var logBuffer = ""  // tests run one at a time
    private func peerLog(path: String, timeoutMs: Int = 3000) throws -> [String: Any] {
        let deadline = monotonicMs() + timeoutMs
        while monotonicMs() < deadline {
            for line in Self.logBuffer.split(separator: "\n") {
                if let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], obj["path"] as? String == path {
                    Self.logBuffer = Self.logBuffer.replacingOccurrences(of: line + "\n", with: "")
                    return obj
                }
            }
            let fd = Self.peerOut!.fileHandleForReading.fileDescriptor
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 50) > 0 {
                let data = Self.peerOut!.fileHandleForReading.availableData
                Self.logBuffer += String(decoding: data, as: UTF8.self)
            }
        }
        XCTFail("no log line from the peer for \(path); have: \(Self.logBuffer)")
        return [:]
    }

    private func connect(_ path: String) throws -> WebSocketConnection {
        try WebSocketConnection.open(url: try WebSocketURL(Self.base + path), headers: [("User-Agent", "test")], settings: Settings(),
                                     deadlineMs: monotonicMs() + 5000)
    }

    private func send(_ c: WebSocketConnection, _ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) throws {
        var out: [UInt8] = []
        payload.withUnsafeBytes { WebSocketCodec.encode(fin: fin, opcode: opcode, payload: $0, maskKey: c.nextMaskKey(), into: &out) }
        try c.sendAll(out, deadlineMs: monotonicMs() + 5000, what: "test")
    }

    /// The next message (control frames included), within 5 s.
    private func receive(_ c: WebSocketConnection) throws -> WebSocketMessage {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = monotonicMs() + 5000
        while true {
            while let frame = try c.parser.next() {
                if let m = try c.assembler.push(frame) { return m }
            }
            switch try c.recv(into: &buffer, what: "test") {
            case .data(let n): buffer.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            case .again: try c.waitReadable(deadlineMs: deadline, what: "test")
            case .eof: throw AssemblyAIError(.connection, "eof")
            }
        }
    }

    func testEchoAllLengthClasses() throws {
        let c = try connect("/echo")
        // 7-bit, 16-bit and 64-bit lengths, both directions (the peer checks our masks).
        for n in [0, 1, 125, 126, 65535, 65536, 200_000] {
            let payload = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try send(c, .binary, payload)
            XCTAssertEqual(try receive(c), .binary(payload), "n=\(n)")
        }
        let text = "héllo wörld ✓ 😀"
        try send(c, .text, Array(text.utf8))
        XCTAssertEqual(try receive(c), .text(text))
        // Our own fragmented message, with a ping in the middle (the peer answers the ping).
        try send(c, .text, Array("frag".utf8), fin: false)
        try send(c, .ping, [1, 2, 3])
        try send(c, .continuation, Array("mented".utf8))
        XCTAssertEqual(try receive(c), .pong([1, 2, 3]))
        XCTAssertEqual(try receive(c), .text("fragmented"))
        try send(c, .close, WebSocketCodec.closePayload(code: 4321, reason: "bye ✓"))
        XCTAssertEqual(try receive(c), .close(code: 4321, reason: "bye ✓"))   // the peer echoes the code
        c.close()
        let log = try peerLog(path: "/echo")
        XCTAssertEqual(log["close_code"] as? Int, 4321)
        XCTAssertEqual(log["close_reason"] as? String, "bye ✓")
        XCTAssertEqual((log["received"] as? [Any])?.count, 9)
    }

    func testFragmentedMessagesFromThePeer() throws {
        let c = try connect("/fragments")
        XCTAssertEqual(try receive(c), .text("Hello wörld"))
        XCTAssertEqual(try receive(c), .binary([0, 1, 2]))
        try send(c, .close, WebSocketCodec.closePayload(code: 1000))
        XCTAssertEqual(try receive(c), .close(code: 1000, reason: ""))
    }

    func testPingFromThePeer() throws {
        let c = try connect("/ping")
        guard case .ping(let payload) = try receive(c) else { return XCTFail("expected a ping") }
        XCTAssertEqual(payload, Array("are you there".utf8))
        try send(c, .pong, payload)
        XCTAssertEqual(try receive(c), .text("pong ok"))
        try send(c, .close, WebSocketCodec.closePayload(code: 1000))
        _ = try receive(c)
    }

    func testCloseCodesAndReasonsFromThePeer() throws {
        for code: UInt16 in [1000, 1008, 3007, 4001, 4999] {
            let c = try connect("/close/\(code)")
            XCTAssertEqual(try receive(c), .close(code: code, reason: "reason for \(code) ✓"))
        }
    }

    func testOversizeMessageIsRefusedWith1009() throws {
        let c = try connect("/big/70000")
        c.parser.maxFrameSize = 65536
        XCTAssertThrowsError(try receive(c)) { error in
            XCTAssertEqual((error as? WebSocketProtocolError)?.closeCode, 1009)
        }
        try send(c, .close, WebSocketCodec.closePayload(code: 1009, reason: "too big"))
        c.close()
        let log = try peerLog(path: "/big/70000")
        XCTAssertEqual(log["close_code"] as? Int, 1009)
    }

    func testHTTPErrorInsteadOfUpgrade() throws {
        // websockets answers a plain GET (no upgrade headers) on a missing route... our upgrade on
        // a non-WebSocket port is covered by the C suite; here: a refused connection.
        XCTAssertThrowsError(try WebSocketConnection.open(url: try WebSocketURL("ws://127.0.0.1:1/"), headers: [], settings: Settings(),
                                                          deadlineMs: monotonicMs() + 2000)) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .connection)
        }
    }

    // MARK: sessions against the fake servers

    private func session(_ p: StreamingProtocol, path: String, collect events: Locked<[StreamingEvent]>) throws -> StreamingSession {
        let client = Client()
        try client.updateSettings { $0.apiKey = "k" }
        let s = try StreamingSession(client: client, protocol: p)
        try s.configure { (o: inout StreamingOptions) throws(AssemblyAIError) in o.url = Self.base }
        s.setHandler { e in events.withLock { $0.append(e) } }
        _ = path
        return s
    }

    func testV3SessionAgainstTheFake() throws {
        let events = Locked<[StreamingEvent]>([])
        let s = try session(.v3, path: "/v3/ws", collect: events)
        try s.connect()
        XCTAssertEqual(s.sessionID, "00000000-0000-4000-8000-000000000003")
        let chunk = [UInt8](repeating: 0, count: 3200)
        for _ in 0..<10 { try s.sendAudio(chunk) }
        try s.forceEndpoint()
        try s.close(timeoutMs: 5000)
        let kinds = events.withLock { $0.map(\.kind) }
        XCTAssertEqual(kinds, [.opened, .turn, .turn, .terminated, .closed])
        let texts = events.withLock { $0.filter { $0.kind == .turn }.map { $0.text ?? "" } }
        XCTAssertEqual(texts, ["32000 bytes", "32000 bytes"])
        let log = try peerLog(path: "/v3/ws?sample_rate=16000")
        let received = log["received"] as? [Any] ?? []
        XCTAssertEqual(received.count, 12)
        XCTAssertEqual(received[10] as? String, #"{"type":"ForceEndpoint"}"#)
        XCTAssertEqual(received[11] as? String, #"{"type":"Terminate"}"#)
        XCTAssertEqual(log["close_code"] as? Int, 1000)
    }

    func testV2ErrorMessageThenCloseCode() throws {
        let events = Locked<[StreamingEvent]>([])
        let s = try session(.v2, path: "/v2/realtime/ws", collect: events)
        try s.connect()
        try s.sendAudio([UInt8](repeating: 0, count: 1000))
        XCTAssertThrowsError(try s.close(timeoutMs: 5000)) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .timeout)   // 4008 session expired
            XCTAssertTrue(e?.message.contains("4008 (Session Expired)") ?? false, e?.message ?? "")
        }
        let kinds = events.withLock { $0.map(\.kind) }
        XCTAssertEqual(kinds, [.opened, .error, .error, .closed])
        XCTAssertEqual(events.withLock { $0[1].text }, "Session Expired")
        XCTAssertEqual(events.withLock { $0[2].closeCode }, 4008)
        XCTAssertEqual(s.closeCode, 4008)
    }

    func testRefusedBeforeBegin() throws {
        let events = Locked<[StreamingEvent]>([])
        let s = try session(.v3, path: "", collect: events)
        try s.configure { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setParameter("mode", "refuse") }
        XCTAssertThrowsError(try s.connect()) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .auth)
            XCTAssertEqual(e?.message, "Universal Streaming v3 session closed before the session began with code 1008 "
                           + "(Unauthorized Connection): Unauthorized Connection: Missing Authorization header")
        }
        XCTAssertEqual(s.closeCode, 1008)
        XCTAssertEqual(s.closeReason, "Unauthorized Connection: Missing Authorization header")
        usleep(100_000)
        XCTAssertEqual(events.withLock { $0.count }, 0)   // no callback for a failed connect
    }

    func testCloseTimeoutWhenTheServerNeverTerminates() throws {
        let events = Locked<[StreamingEvent]>([])
        let s = try session(.v3, path: "", collect: events)
        try s.configure { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setParameter("mode", "silent") }
        try s.connect()
        let start = monotonicMs()
        XCTAssertThrowsError(try s.close(timeoutMs: 300)) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .timeout)
            XCTAssertTrue((error as? AssemblyAIError)?.message.contains("no Termination within 300 ms") ?? false)
        }
        XCTAssertLessThan(monotonicMs() - start, 2000)
        XCTAssertEqual(events.withLock { $0.map(\.kind) }, [.opened, .error, .closed])
        XCTAssertThrowsError(try s.sendAudio([UInt8](repeating: 0, count: 3200))) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .state)
        }
    }

    func testKeepAlivePingsAnIdleConnection() throws {
        let events = Locked<[StreamingEvent]>([])
        let s = try session(.v3, path: "", collect: events)
        try s.configure { (o: inout StreamingOptions) throws(AssemblyAIError) in
            try o.setParameter("mode", "silent")
            o.keepAliveMs = 100
        }
        try s.connect()
        usleep(600_000)   // several pings answered by the peer: the session stays open
        XCTAssertTrue(s.isOpen)
        XCTAssertEqual(events.withLock { $0.map(\.kind) }, [.opened])
        s.shutdown()
    }
}

/// A value behind a lock, for events collected on the callback thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
