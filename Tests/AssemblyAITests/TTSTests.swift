import XCTest
@testable import AssemblyAI

/// The Text-to-Speech pieces that need no server: the SSE parser, base64, messages, options.
final class TTSTests: XCTestCase {
    private func feed(_ parser: inout SSEParser, _ text: String) throws -> [SSEEvent] {
        try parser.feed(Array(text.utf8))
    }

    func testSSEEventsAcrossArbitrarySplits() throws {
        let stream = "event: audio\ndata: {\"a\":1}\n\n: comment\r\nevent: word_boundaries\r\ndata: line1\r\ndata:line2\r\n\r\ndata: plain\rid: 7\r\r"
        let bytes = Array(stream.utf8)
        // Every split point gives the same events as one piece.
        var whole = SSEParser()
        let expected = try whole.feed(bytes)
        XCTAssertEqual(expected, [
            SSEEvent(event: "audio", data: "{\"a\":1}"),
            SSEEvent(event: "word_boundaries", data: "line1\nline2"),
            SSEEvent(event: "message", data: "plain", id: "7"),
        ])
        for split in 1..<bytes.count {
            var p = SSEParser()
            var got = try p.feed(Array(bytes[..<split]))
            got += try p.feed(Array(bytes[split...]))
            XCTAssertEqual(got, expected, "split at \(split)")
        }
    }

    func testSSEIgnoresEventsWithoutDataAndBOM() throws {
        var p = SSEParser()
        XCTAssertEqual(try feed(&p, "\u{FEFF}event: x\n\n"), [])
        XCTAssertEqual(try feed(&p, "data\n\n"), [SSEEvent(event: "message", data: "")])
        XCTAssertFalse(p.hasPartialEvent)
        _ = try feed(&p, "data: half")
        XCTAssertTrue(p.hasPartialEvent)
    }

    func testSSELimit() {
        var p = SSEParser(maxEventBytes: 16)
        XCTAssertThrowsError(try p.feed(Array(("data: " + String(repeating: "x", count: 40)).utf8)))
    }

    func testBase64() {
        XCTAssertEqual(decodeBase64("aGVsbG8="), Array("hello".utf8))
        XCTAssertEqual(decodeBase64("aGVsbG8"), Array("hello".utf8))
        XCTAssertEqual(decodeBase64(""), [])
        XCTAssertNil(decodeBase64("a"))
        XCTAssertNil(decodeBase64("aGV*"))
        XCTAssertNil(decodeBase64("aG=V"))
    }

    func testStreamMessages() throws {
        let audio = try TTSStreamMessage(sse: SSEEvent(event: "audio", data: "{\"type\":\"Audio\",\"audio\":\"AAEC\"}"))
        guard case .audio(let bytes) = audio else { return XCTFail("\(audio)") }
        XCTAssertEqual(bytes, [0, 1, 2])
        let words = try TTSStreamMessage(sse: SSEEvent(event: "word_boundaries", data:
            "{\"type\":\"WordBoundaries\",\"audio_start_ms\":0,\"words\":[{\"word\":\"Hi\",\"start\":0,\"end\":200,\"confidence\":1}]}"))
        guard case .words(let w, _) = words else { return XCTFail("\(words)") }
        XCTAssertEqual(w, [TTSWord(word: "Hi", start: 0, end: 200, confidence: 1)])
        XCTAssertThrowsError(try TTSStreamMessage(sse: SSEEvent(event: "audio", data: "{\"audio\":\"***\"}")))
        XCTAssertThrowsError(try TTSStreamMessage(sse: SSEEvent(event: "word_boundaries", data: "{\"words\":[{\"word\":1}]}")))
        XCTAssertThrowsError(try TTSStreamMessage(sse: SSEEvent(event: "done", data: "not json")))
    }

    func testConfigAndText() throws {
        var c = TTSConfig()
        c.voiceID = "aai-alba"
        c.sampleRate = 8000
        try c.merge(json: "{\"encoding\": \"pcm_mulaw\", \"sample_rate\": null}")
        XCTAssertEqual(c.voiceID, "aai-alba")
        XCTAssertNil(c.sampleRate)
        XCTAssertEqual(c.encoding, "pcm_mulaw")
        XCTAssertThrowsError(try c.merge(json: "{\"text\": \"x\"}"))
        XCTAssertThrowsError(try c.merge(json: "[]"))
        XCTAssertThrowsError(try TTSConfig.checkText(""))
        XCTAssertThrowsError(try TTSConfig.checkText(String(repeating: "é", count: 5001)))
        XCTAssertNoThrow(try TTSConfig.checkText(String(repeating: "é", count: 5000)))
        var session = TTSConfig()
        session.container = "wav"
        XCTAssertThrowsError(try session.checkForSession())
    }

    func testInfoFromHeaders() {
        let info = TTSResponseInfo(headers: ["x-tts-voice": "custom", "x-tts-sample-rate": "8000"], requestedVoice: "01a0")
        XCTAssertEqual(info.voiceID, "01a0")
        XCTAssertEqual(info.sampleRate, 8000)
        XCTAssertEqual(TTSResponseInfo(headers: ["x-tts-voice": "jane"], requestedVoice: nil).voiceID, "aai-jane")
    }

    func testEmptyTextIsRefusedBeforeSending() {
        var settings = Settings()
        settings.apiKey = "k"
        settings.ttsBaseURL = "http://127.0.0.1:1"  // nothing listens: a request would fail differently
        let tts = TextToSpeech(client: Client(settings: settings))
        XCTAssertThrowsError(try tts.synthesize("")) { error in
            XCTAssertEqual((error as? TTSError)?.error.code, .invalidArgument)
        }
    }
}
