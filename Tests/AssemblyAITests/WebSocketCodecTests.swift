import XCTest
@testable import AssemblyAI

/// The RFC 6455 codec on its own: framing, masking, lengths, fragmentation, control frames,
/// close codes and reasons, UTF-8, limits, and the handshake's pieces.
final class WebSocketCodecTests: XCTestCase {
    private func parse(_ bytes: [UInt8], masked: Bool = false, max: Int = 1 << 20) throws -> [WebSocketFrame] {
        var p = WebSocketFrameParser(maxFrameSize: max, expectMasked: masked)
        p.append(bytes)
        var out: [WebSocketFrame] = []
        while let f = try p.next() { out.append(f) }
        return out
    }

    private func protocolError(_ body: () throws -> Void) -> WebSocketProtocolError? {
        do { try body() } catch let e as WebSocketProtocolError { return e } catch { XCTFail("unexpected \(error)") }
        return nil
    }

    // MARK: RFC 6455 section 5.7 examples

    func testRFCExamples() throws {
        // A single-frame unmasked text message "Hello"
        XCTAssertEqual(WebSocketCodec.encode(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)), maskKey: nil),
                       [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f])
        // A single-frame masked text message "Hello" with key 37 fa 21 3d
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        XCTAssertEqual(WebSocketCodec.encode(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)), maskKey: 0x37fa_213d), masked)
        XCTAssertEqual(try parse(masked, masked: true), [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
        // A fragmented unmasked text message: "Hel" then "lo"
        let frames = try parse([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f])
        XCTAssertEqual(frames.map(\.fin), [false, true])
        XCTAssertEqual(frames.map(\.opcode), [.text, .continuation])
        var a = WebSocketMessageAssembler()
        XCTAssertNil(try a.push(frames[0]))
        XCTAssertEqual(try a.push(frames[1]), .text("Hello"))
        // Unmasked ping "Hello", and the masked pong answering it
        XCTAssertEqual(try parse([0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]), [WebSocketFrame(opcode: .ping, payload: Array("Hello".utf8))])
        XCTAssertEqual(try parse([0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], masked: true),
                       [WebSocketFrame(opcode: .pong, payload: Array("Hello".utf8))])
        // 256 bytes binary in a single unmasked frame: 16-bit length
        let b256 = WebSocketCodec.encode(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 256)), maskKey: nil)
        XCTAssertEqual(Array(b256.prefix(4)), [0x82, 0x7E, 0x01, 0x00])
        // 64 KiB binary: 64-bit length
        let b64k = WebSocketCodec.encode(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 65536)), maskKey: nil)
        XCTAssertEqual(Array(b64k.prefix(10)), [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    func testLengthBoundariesRoundTrip() throws {
        for n in [0, 1, 125, 126, 127, 65535, 65536, 70_000] {
            for key: UInt32? in [nil, 0xDEADBEEF] {
                let payload = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let bytes = WebSocketCodec.encode(WebSocketFrame(opcode: .binary, payload: payload), maskKey: key)
                let headerLength = (n < 126 ? 2 : n <= 65535 ? 4 : 10) + (key == nil ? 0 : 4)
                XCTAssertEqual(bytes.count, headerLength + n, "n=\(n)")
                XCTAssertEqual(try parse(bytes, masked: key != nil), [WebSocketFrame(opcode: .binary, payload: payload)], "n=\(n)")
            }
        }
    }

    func testIncrementalParsingByteByByte() throws {
        let frames = [WebSocketFrame(opcode: .text, payload: Array("héllo".utf8)),
                      WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 1, count: 300)),
                      WebSocketFrame(opcode: .ping, payload: [1, 2])]
        var stream: [UInt8] = []
        for f in frames { stream += WebSocketCodec.encode(f, maskKey: 0x01020304) }
        var p = WebSocketFrameParser(expectMasked: true)
        var got: [WebSocketFrame] = []
        for b in stream {
            p.append([b])
            while let f = try p.next() { got.append(f) }
        }
        XCTAssertEqual(got, frames)
        XCTAssertEqual(p.bufferedBytes, 0)
    }

    func testMaskingMatchesTheBytewiseDefinition() {
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 1000] {
            var data = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
            let expected = data.enumerated().map { $1 ^ key[$0 % 4] }
            data.withUnsafeMutableBufferPointer { WebSocketCodec.applyMask(key, to: $0) }
            XCTAssertEqual(data, expected, "n=\(n)")
        }
    }

    func testMaskKeyMustMatchTheSide() {
        let unmasked = WebSocketCodec.encode(WebSocketFrame(opcode: .text, payload: [0x61]), maskKey: nil)
        let masked = WebSocketCodec.encode(WebSocketFrame(opcode: .text, payload: [0x61]), maskKey: 1)
        XCTAssertEqual(protocolError { _ = try self.parse(masked, masked: false) }?.message, "server frame is masked")
        XCTAssertEqual(protocolError { _ = try self.parse(unmasked, masked: true) }?.message, "client frame is not masked")
    }

    func testProtocolViolations() {
        // reserved bits, unknown opcodes
        XCTAssertEqual(protocolError { _ = try self.parse([0xC1, 0x00]) }?.closeCode, 1002)
        XCTAssertEqual(protocolError { _ = try self.parse([0x83, 0x00]) }?.closeCode, 1002)
        XCTAssertEqual(protocolError { _ = try self.parse([0x8B, 0x00]) }?.closeCode, 1002)
        // control frames: fragmented, or longer than 125
        XCTAssertEqual(protocolError { _ = try self.parse([0x09, 0x00]) }?.message, "fragmented control frame")
        XCTAssertEqual(protocolError { _ = try self.parse([0x89, 0x7E, 0x00, 0x7E] + [UInt8](repeating: 0, count: 126)) }?.closeCode, 1002)
        // non-minimal lengths, 64-bit length with the top bit
        XCTAssertEqual(protocolError { _ = try self.parse([0x82, 0x7E, 0x00, 0x05]) }?.closeCode, 1002)
        XCTAssertEqual(protocolError { _ = try self.parse([0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0x01, 0x00]) }?.closeCode, 1002)
        XCTAssertEqual(protocolError { _ = try self.parse([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0]) }?.closeCode, 1002)
    }

    func testOversizeFramesAreRefusedBeforeTheirPayload() {
        // Only the header has arrived: the length alone is enough to refuse.
        let e = protocolError { _ = try self.parse([0x82, 0x7F, 0, 0, 0, 0, 0x40, 0, 0, 0], max: 1 << 20) }
        XCTAssertEqual(e?.closeCode, 1009)
        XCTAssertEqual(protocolError { _ = try self.parse([0x82, 0x7E, 0x04, 0x01], max: 1024) }?.closeCode, 1009)
        // A message assembled from fragments past the limit
        var a = WebSocketMessageAssembler(maxMessageSize: 10)
        XCTAssertNil(try? a.push(WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 0, count: 8))))
        XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(fin: true, opcode: .continuation, payload: [0, 0, 0])) }?.closeCode, 1009)
    }

    func testFragmentationRules() throws {
        var a = WebSocketMessageAssembler()
        // continuation without a start
        XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(fin: true, opcode: .continuation, payload: [1])) }?.closeCode, 1002)
        // control frames may come between fragments
        XCTAssertNil(try a.push(WebSocketFrame(fin: false, opcode: .binary, payload: [1, 2])))
        XCTAssertEqual(try a.push(WebSocketFrame(opcode: .ping, payload: [9])), .ping([9]))
        XCTAssertNil(try a.push(WebSocketFrame(fin: false, opcode: .continuation, payload: [3])))
        // a new data frame before the end
        var b = a
        XCTAssertEqual(protocolError { _ = try b.push(WebSocketFrame(opcode: .text, payload: [0x61])) }?.closeCode, 1002)
        XCTAssertEqual(try a.push(WebSocketFrame(fin: true, opcode: .continuation, payload: [4])), .binary([1, 2, 3, 4]))
        // empty fragments are fine
        XCTAssertNil(try a.push(WebSocketFrame(fin: false, opcode: .text, payload: [])))
        XCTAssertEqual(try a.push(WebSocketFrame(fin: true, opcode: .continuation, payload: [])), .text(""))
    }

    func testTextMustBeUTF8() throws {
        var a = WebSocketMessageAssembler()
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80] /* surrogate */, [0xC0, 0xAF] /* overlong */, [0xF4, 0x90, 0x80, 0x80]] {
            XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(opcode: .text, payload: bad)) }?.closeCode, 1007, "\(bad)")
        }
        // A character split across fragments is fine once whole.
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        XCTAssertNil(try a.push(WebSocketFrame(fin: false, opcode: .text, payload: Array(euro[0..<1]))))
        XCTAssertEqual(try a.push(WebSocketFrame(fin: true, opcode: .continuation, payload: Array(euro[1...]))), .text("€"))
        // Binary is never checked.
        XCTAssertEqual(try a.push(WebSocketFrame(opcode: .binary, payload: [0xFF])), .binary([0xFF]))
    }

    func testCloseFrames() throws {
        XCTAssertEqual(WebSocketCodec.closePayload(code: 4001, reason: "Not Authorized"), [0x0F, 0xA1] + Array("Not Authorized".utf8))
        XCTAssertEqual(WebSocketCodec.closePayload(code: nil, reason: "ignored"), [])
        // Reasons are cut to 123 bytes at a character boundary.
        let long = String(repeating: "é", count: 100)   // 200 bytes
        let p = WebSocketCodec.closePayload(code: 1000, reason: long)
        XCTAssertEqual(p.count, 2 + 122)
        XCTAssertNotNil(String(validating: p[2...], as: UTF8.self))
        var a = WebSocketMessageAssembler()
        XCTAssertEqual(try a.push(WebSocketFrame(opcode: .close, payload: [0x0F, 0xA1] + Array("Not Authorized".utf8))),
                       .close(code: 4001, reason: "Not Authorized"))
        XCTAssertEqual(try a.push(WebSocketFrame(opcode: .close, payload: [])), .close(code: 1005, reason: ""))
        XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(opcode: .close, payload: [0x03])) }?.closeCode, 1002)
        for bad: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(opcode: .close, payload: [UInt8(bad >> 8), UInt8(bad & 255)])) }?.closeCode,
                           1002, "code \(bad)")
        }
        for good: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3007, 4000, 4999] {
            XCTAssertEqual(try a.push(WebSocketFrame(opcode: .close, payload: [UInt8(good >> 8), UInt8(good & 255)])), .close(code: good, reason: ""))
        }
        XCTAssertEqual(protocolError { _ = try a.push(WebSocketFrame(opcode: .close, payload: [0x03, 0xE8, 0xFF])) }?.closeCode, 1007)
    }

    // MARK: handshake

    func testAcceptValueAndSHA1() {
        // RFC 6455 section 1.3
        XCTAssertEqual(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        XCTAssertEqual(SHA1.hash(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined(),
                       "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.hash([]).map { String(format: "%02x", $0) }.joined(), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).map { String(format: "%02x", $0) }.joined(),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(WebSocketHandshake.base64([]), "")
        XCTAssertEqual(WebSocketHandshake.base64(Array("f".utf8)), "Zg==")
        XCTAssertEqual(WebSocketHandshake.base64(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(WebSocketHandshake.base64(Array("foobar".utf8)), "Zm9vYmFy")
        let key = WebSocketHandshake.makeKey()
        XCTAssertEqual(key.count, 24)
        XCTAssertNotEqual(key, WebSocketHandshake.makeKey())
    }

    func testResponseParsing() throws {
        let key = "dGhlIHNhbXBsZSBub25jZQ=="
        let ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        let bytes = Array(ok.utf8) + [0x81, 0x00]
        XCTAssertNil(try WebSocketHandshake.parseResponse(Array(bytes.prefix(20))))
        let r = try XCTUnwrap(try WebSocketHandshake.parseResponse(bytes))
        XCTAssertEqual(r.status, 101)
        XCTAssertEqual(r.headLength, ok.utf8.count)
        XCTAssertNil(WebSocketHandshake.problem(with: r, key: key))
        XCTAssertEqual(WebSocketHandshake.problem(with: r, key: "AAAAAAAAAAAAAAAAAAAAAA=="), "wrong Sec-WebSocket-Accept in the 101 response")
        let denied = try XCTUnwrap(try WebSocketHandshake.parseResponse(Array("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".utf8)))
        XCTAssertEqual(WebSocketHandshake.problem(with: denied, key: key), "HTTP 401 Unauthorized")
        XCTAssertThrowsError(try WebSocketHandshake.parseResponse(Array("SSH-2.0-OpenSSH\r\n".utf8)))
        let request = String(decoding: WebSocketHandshake.request(host: "h:1", target: "/v3/ws?a=1", key: key, headers: [("Authorization", "k")]), as: UTF8.self)
        XCTAssertTrue(request.hasPrefix("GET /v3/ws?a=1 HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"))
        XCTAssertTrue(request.contains("Sec-WebSocket-Version: 13\r\n"))
        XCTAssertTrue(request.hasSuffix("Authorization: k\r\n\r\n"))
    }

    // MARK: URLs, options, events

    func testURLs() throws {
        let u = try WebSocketURL("wss://streaming.assemblyai.com/v3/ws?x=1")
        XCTAssertEqual([u.curlURL, u.hostHeader, u.target], ["https://streaming.assemblyai.com/", "streaming.assemblyai.com", "/v3/ws?x=1"])
        XCTAssertTrue(u.secure)
        XCTAssertEqual(try WebSocketURL("ws://127.0.0.1:8080").target, "/")
        XCTAssertThrowsError(try WebSocketURL("ws://example.com/v3/ws"))   // plain text off loopback
        XCTAssertThrowsError(try WebSocketURL("https://example.com"))
        var settings = Settings()
        settings.baseURL = "https://api.assemblyai.com"
        XCTAssertEqual(StreamingOptions.defaultURL(for: .v3, settings: settings), "wss://streaming.assemblyai.com")
        XCTAssertEqual(StreamingOptions.defaultURL(for: .v2, settings: settings), "wss://api.assemblyai.com")
        settings.baseURL = "https://api.eu.assemblyai.com"
        XCTAssertEqual(StreamingOptions.defaultURL(for: .v3, settings: settings), "wss://streaming.eu.assemblyai.com")
        settings.baseURL = "http://127.0.0.1:9"
        XCTAssertEqual(StreamingOptions.defaultURL(for: .v3, settings: settings), "ws://127.0.0.1:9")
        XCTAssertEqual(try StreamingOptions.validatedURL("https://x.example/"), "wss://x.example")
    }

    func testOptionsQuery() throws {
        var o = StreamingOptions(protocol: .v2)
        try o.setSampleRate(8000)
        try o.setEncoding("pcm_mulaw")
        try o.setList("word_boost", ["a b", "c\"d"], only: .v2, maxJSONLength: 2500)
        try o.setBool("disable_partial_transcripts", true, only: .v2)
        o.token = "t/k"
        var settings = Settings()
        settings.baseURL = "https://api.assemblyai.com"
        XCTAssertEqual(o.sessionURL(settings: settings),
                       "wss://api.assemblyai.com/v2/realtime/ws?sample_rate=8000&encoding=pcm_mulaw&word_boost=%5B%22a%20b%22%2C%22c%5C%22d%22%5D&disable_partial_transcripts=true&token=t%2Fk")
        XCTAssertThrowsError(try o.setBool("format_turns", true, only: .v3))
        XCTAssertThrowsError(try o.setList("word_boost", [String(repeating: "x", count: 2500)], only: .v2, maxJSONLength: 2500))
        var v3 = StreamingOptions(protocol: .v3)
        try v3.setDouble("vad_threshold", 0.25, range: 0...1, only: .v3)
        try v3.setParameter("sample_rate", "48000")
        XCTAssertEqual(v3.sessionURL(settings: settings), "wss://streaming.assemblyai.com/v3/ws?sample_rate=48000&vad_threshold=0.25")
    }

    func testEventsParse() {
        let begin = StreamingEvent.parse(Array(#"{"message_type":"SessionBegins","session_id":"abc","expires_at":"2023-11-04T16:51:38.316048"}"#.utf8), protocol: .v2)
        XCTAssertEqual(begin.kind, .opened)
        XCTAssertEqual(begin.sessionID, "abc")
        XCTAssertEqual(begin.expiresAt, 1_699_116_698)
        let final = StreamingEvent.parse(Array(#"{"message_type":"FinalTranscript","audio_start":0,"audio_end":1500,"confidence":0.9,"text":"Hi.","words":[{"start":0,"end":300,"confidence":1.0,"text":"Hi."}],"created":"x","punctuated":true,"text_formatted":true}"#.utf8), protocol: .v2)
        XCTAssertEqual(final.kind, .finalTranscript)
        XCTAssertEqual(final.words, [StreamingWord(text: "Hi.", start: 0, end: 300, confidence: 1.0, isFinal: true)])
        XCTAssertTrue(final.punctuated)
        let err = StreamingEvent.parse(Array(#"{"error":"Client sent audio too fast"}"#.utf8), protocol: .v2)
        XCTAssertEqual(err.kind, .error)
        XCTAssertEqual(err.text, "Client sent audio too fast")
        let turn = StreamingEvent.parse(Array(#"{"type":"Turn","turn_order":2,"turn_is_formatted":true,"end_of_turn":true,"transcript":"Hi.","end_of_turn_confidence":0.8,"words":[{"text":"Hi.","start":5,"end":9,"confidence":0.5,"word_is_final":true}]}"#.utf8), protocol: .v3)
        XCTAssertEqual(turn.kind, .turn)
        XCTAssertEqual(turn.turnOrder, 2)
        XCTAssertEqual(turn.audioStart, 5)
        XCTAssertEqual(turn.audioEnd, 9)
        XCTAssertEqual(StreamingEvent.parse(Array(#"{"type":"Termination","audio_duration_seconds":3,"session_duration_seconds":4}"#.utf8), protocol: .v3).audioDurationSeconds, 3)
        XCTAssertEqual(StreamingEvent.parse(Array(#"{"type":"SomethingNew"}"#.utf8), protocol: .v3).kind, .other)
        XCTAssertEqual(StreamingEvent.parse(Array("not json".utf8), protocol: .v3).kind, .other)
    }

    /// The v3 events of the official SDK 1.8.2 (models.py): Heartbeat, Silence, SpeakerRevision,
    /// LLMGatewayResponse, Begin's configuration, Word.speaker.
    func testV3EventsOf182Parse() {
        func v3(_ s: String) -> StreamingEvent { StreamingEvent.parse(Array(s.utf8), protocol: .v3) }
        let hb = v3(#"{"type":"Heartbeat","total_audio_received_ms":1500,"total_duration_ms":2000,"realtime_factor":0.75,"max_speech_probability":0.9}"#)
        XCTAssertEqual(hb.kind, .heartbeat)
        XCTAssertEqual(hb.totalAudioReceivedMs, 1500)
        XCTAssertEqual(hb.totalDurationMs, 2000)
        XCTAssertEqual(hb.realtimeFactor, 0.75)
        XCTAssertEqual(hb.maxSpeechProbability, 0.9)
        XCTAssertEqual(v3(#"{"type":"Heartbeat","total_audio_received_ms":1,"total_duration_ms":1,"realtime_factor":1}"#).maxSpeechProbability, 0)
        let silence = v3(#"{"type":"Silence","start_ms":1000,"end_ms":2000}"#)
        XCTAssertEqual(silence.kind, .silence)
        XCTAssertEqual(silence.audioStart, 1000)
        XCTAssertEqual(silence.audioEnd, 2000)
        let rev = v3(#"{"type":"SpeakerRevision","revisions":[{"turn_order":3,"speaker_label":"B","words":[{"text":"hi","start":1,"end":2,"confidence":0.5,"word_is_final":true,"speaker":"B"}]},7,{"turn_order":4}]}"#)
        XCTAssertEqual(rev.kind, .speakerRevision)
        XCTAssertEqual(rev.revisions.count, 2)  // the non-object entry is skipped
        XCTAssertEqual(rev.revisions[0], StreamingSpeakerRevision(turnOrder: 3, speakerLabel: "B", words: [
            StreamingWord(text: "hi", start: 1, end: 2, confidence: 0.5, isFinal: true, speaker: "B")]))
        XCTAssertEqual(rev.revisions[1], StreamingSpeakerRevision(turnOrder: 4, speakerLabel: nil, words: []))
        XCTAssertEqual(v3(#"{"type":"SpeakerRevision"}"#).revisions, [])
        let llm = v3(#"{"type":"LLMGatewayResponse","turn_order":2,"transcript":"hello","data":{"choices":[{"message":{"content":"hi"}}]}}"#)
        XCTAssertEqual(llm.kind, .llmGatewayResponse)
        XCTAssertEqual(llm.turnOrder, 2)
        XCTAssertEqual(llm.text, "hello")
        XCTAssertEqual(try llm.dataJSON.map { try JSONValue.parse($0) }, try JSONValue.parse(#"{"choices":[{"message":{"content":"hi"}}]}"#))
        XCTAssertNil(v3(#"{"type":"LLMGatewayResponse","turn_order":2,"transcript":"x"}"#).dataJSON)
        let begin = v3(#"{"type":"Begin","id":"s","expires_at":5,"configuration":{"model":"u3-rt-pro","mode":"balanced","api_version":"2025-05-12"}}"#)
        XCTAssertEqual(begin.model, "u3-rt-pro")
        XCTAssertEqual(begin.mode, "balanced")
        XCTAssertEqual(begin.apiVersion, "2025-05-12")
        XCTAssertNil(v3(#"{"type":"Begin","id":"s","expires_at":5}"#).model)
        let turn = v3(#"{"type":"Turn","turn_order":0,"transcript":"a b","words":[{"text":"a","speaker":"A"},{"text":"b"}]}"#)
        XCTAssertEqual(turn.words.map(\.speaker), ["A", nil])
        // Numbers out of Int64's range are 0, not a trap (found by fuzz/streaming_events).
        XCTAssertEqual(v3(#"{"type":"Heartbeat","total_audio_received_ms":1e615,"total_duration_ms":-1e300}"#).totalAudioReceivedMs, 0)
        XCTAssertEqual(v3(#"{"type":"Turn","turn_order":9.3e18}"#).turnOrder, 0)
        XCTAssertEqual(v3(#"{"type":"Turn","turn_order":2.7}"#).turnOrder, 2)
        // In v2 these types mean nothing.
        XCTAssertEqual(StreamingEvent.parse(Array(#"{"type":"Heartbeat"}"#.utf8), protocol: .v2).kind, .other)
    }

    func testCompressedEncodingsSentAsGiven() throws {
        var v3 = StreamingOptions(protocol: .v3)
        let settings = Settings()
        try v3.setEncoding("ogg_opus")
        XCTAssertEqual(v3.sessionURL(settings: settings), "wss://streaming.assemblyai.com/v3/ws?encoding=ogg_opus")
        try v3.setSampleRate(48_000)
        XCTAssertEqual(v3.sessionURL(settings: settings), "wss://streaming.assemblyai.com/v3/ws?sample_rate=48000&encoding=ogg_opus")
        XCTAssertThrowsError(try v3.setEncoding("flac"))
        var v2 = StreamingOptions(protocol: .v2)
        XCTAssertThrowsError(try v2.setEncoding("opus"))
        var framer = AudioFramer(protocol: .v3, encoding: "opus", sampleRate: 16_000)
        let packet: [UInt8] = [0x08, 1, 2, 3]
        XCTAssertEqual(packet.withUnsafeBytes { framer.push($0) }, [packet])
    }

    func testCloseCodeMeanings() {
        XCTAssertEqual(StreamingCloseCodes.meaning(of: 4001, protocol: .v2), "Not Authorized")
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 4001, protocol: .v2), .auth)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 1008, protocol: .v3), .auth)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 4031, protocol: .v2), .timeout)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 4008, protocol: .v2), .timeout)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 3008, protocol: .v3), .timeout)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 3007, protocol: .v3), .invalidArgument)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 3009, protocol: .v3), .rateLimited)
        XCTAssertEqual(StreamingCloseCodes.errorCode(for: 3005, protocol: .v3), .server)
        let e = StreamingCloseCodes.error(code: 4031, reason: "idle", protocol: .v2, during: "by the server")
        XCTAssertEqual(e.message, "realtime v2 session closed by the server with code 4031 (Session idle for too long): idle")
        XCTAssertEqual(parseISOTimeUTC("1970-01-01T00:00:00"), 0)
        XCTAssertEqual(parseISOTimeUTC("2000-03-01T00:00:01.5"), 951_868_801)
        XCTAssertNil(parseISOTimeUTC("2000-13-01T00:00:00"))
    }
}
