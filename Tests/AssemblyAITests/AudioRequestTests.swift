import XCTest
@testable import AssemblyAI

/// The Sync and Dictation APIs' codecs and checks in the core (no network): config
/// normalisation, the multipart framing, the WAV header reader, answers and error bodies.
final class AudioRequestTests: XCTestCase {
    private func wav(samples: Int, rate: Int = 16000, dataSize: UInt32? = nil) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        let data = [UInt8](repeating: 0, count: samples * 2)
        var out = Array("RIFF".utf8) + le32(36 + data.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        out += le32(rate) + le32(rate * 2) + le16(2) + le16(16) + Array("data".utf8)
        out += le32(Int(dataSize ?? UInt32(data.count)))
        return out + data
    }

    func testSyncConfigNormalisedAndOrderedAs182() throws {
        var c = AudioRequestConfig()
        c.set("timestamps", .bool(true))
        c.set("keyterms_prompt", .array([.string(" a "), .string(""), .string("b")]))
        c.set("conversation_context", .string("  hi "))
        c.set("prompt", .string("é \"q\""))
        XCTAssertEqual(try c.partJSON(for: .sync),
                       #"{"prompt": "\u00e9 \"q\"", "keyterms_prompt": ["a", "b"], "conversation_context": ["hi"], "timestamps": true}"#)
        c.set("prompt", .string(String(repeating: "x", count: 6001)))
        XCTAssertThrowsError(try c.partJSON(for: .sync))
    }

    func testConversationContextTrimmedOldestFirst() throws {
        var c = AudioRequestConfig()
        c.set("conversation_context", .array((0..<502).map { .string("t\($0)") }))
        let part = try c.partJSON(for: .sync)
        XCTAssertFalse(part.contains("\"t0\"") || part.contains("\"t1\""))
        XCTAssertTrue(part.contains("\"t2\"") && part.contains("\"t501\""))
    }

    func testDictationTakesExactlyItsFields() throws {
        var c = AudioRequestConfig()
        c.set("llm_instruction", .string("fix"))
        c.set("rewrite_mode", .string("smart"))
        XCTAssertEqual(try c.partJSON(for: .dictation), #"{"llm_instruction": "fix", "rewrite_mode": "smart"}"#)
        c.set("timestamps", .bool(true))
        XCTAssertThrowsError(try c.partJSON(for: .dictation)) { e in
            XCTAssertEqual((e as? AssemblyAIError)?.code, .invalidArgument)
        }
    }

    func testFormatAsOfficialSDK() throws {
        var pcm = AudioRequestConfig()
        pcm.set("sample_rate", .int(16000))
        XCTAssertThrowsError(try AudioRequestAudio.format(api: .sync, filename: nil, config: pcm))
        pcm.set("channels", .int(1))
        XCTAssertEqual(try AudioRequestAudio.format(api: .sync, filename: nil, config: pcm),
                       AudioPartFormat(filename: "audio.pcm", contentType: "audio/pcm", isPCM: true))
        XCTAssertEqual(try AudioRequestAudio.format(api: .sync, filename: "x.mp3", config: AudioRequestConfig()).contentType, "audio/wav")
        XCTAssertEqual(try AudioRequestAudio.format(api: .dictation, filename: "x.mp3", config: AudioRequestConfig()).contentType, "audio/mpeg")
        XCTAssertThrowsError(try AudioRequestAudio.format(api: .sync, filename: "x.RAW", config: AudioRequestConfig()))
    }

    func testWAVHeaderAndLimit() throws {
        let ok = wav(samples: 16000)
        XCTAssertEqual(ok.withUnsafeBytes { AudioRequestAudio.wavHeader($0) }, .init(byteRate: 32000, dataBytes: 32000, dataOffset: 44))
        let streamed = wav(samples: 100, dataSize: 0xFFFF_FFFF)
        XCTAssertEqual(streamed.withUnsafeBytes { AudioRequestAudio.wavHeader($0)?.dataBytes }, 200)
        let format = AudioPartFormat(filename: "a.wav", contentType: "audio/wav", isPCM: false)
        XCTAssertNoThrow(try ok.withUnsafeBytes { b in try AudioRequestAudio.check(b, format: format, config: .init(), api: .sync) })
        let long = wav(samples: 8000 * 121, rate: 8000)
        XCTAssertThrowsError(try long.withUnsafeBytes { b in try AudioRequestAudio.check(b, format: format, config: .init(), api: .sync) })
        let mp3 = Array("ID3\u{3}\0\0\0\0\0\0abc".utf8)
        XCTAssertThrowsError(try mp3.withUnsafeBytes { b in try AudioRequestAudio.check(b, format: format, config: .init(), api: .sync) }) { e in
            XCTAssertTrue((e as? AssemblyAIError)?.message.contains("MP3") == true)
        }
    }

    func testMultipartFraming() {
        let f = MultipartFraming(boundary: "B")
        XCTAssertEqual(f.contentType, "multipart/form-data; boundary=B")
        let head = String(decoding: f.head(config: ["a": .int(1)], filename: "we\"ird\n.wav", audioContentType: "audio/wav"), as: UTF8.self)
        XCTAssertEqual(head, "--B\r\nContent-Disposition: form-data; name=\"config\"\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}\r\n"
                       + "--B\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"we%22ird%0A.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
        XCTAssertEqual(String(decoding: f.closing, as: UTF8.self), "\r\n--B--\r\n")
        XCTAssertEqual(MultipartFraming().boundary.count, 32)
    }

    func testAnswersAndErrors() throws {
        let body = Array(#"{"text":"hi","words":[{"text":"hi","confidence":0.9,"start":0,"end":10}],"confidence":0.9,"audio_duration_ms":100,"session_id":"s","llm_response":"HI"}"#.utf8)
        let sync = try AudioRequestResult(body: body, api: .sync)
        XCTAssertEqual(sync.words, [AudioRequestWord(text: "hi", start: 0, end: 10, confidence: 0.9)])
        XCTAssertNil(sync.llmResponse)
        XCTAssertEqual(try AudioRequestResult(body: body, api: .dictation).finalText, "HI")
        XCTAssertThrowsError(try AudioRequestResult(body: Array(#"{"text":"hi"}"#.utf8), api: .sync))
        let problem = HTTPResponse(status: 413, body: Array(#"{"status":413,"title":"Audio Too Large","detail":"too long"}"#.utf8), retryAfterMs: nil)
        let e = AudioRequestErrors.from(problem, api: .sync)
        XCTAssertEqual(e.code, .http)
        XCTAssertEqual(e.apiErrorCode, "audio_too_large")
        XCTAssertEqual(e.serverText, "too long")
        let limited = HTTPResponse(status: 429, body: Array(#"{"error_code":"capacity_exceeded","message":"busy"}"#.utf8), retryAfterMs: 3000)
        let l = AudioRequestErrors.from(limited, api: .dictation)
        XCTAssertEqual(l.code, .rateLimited)
        XCTAssertEqual(l.apiErrorCode, "capacity_exceeded")
        XCTAssertEqual(l.retryAfterSeconds, 3)
        let bare = AudioRequestErrors.from(HTTPResponse(status: 502, body: [], retryAfterMs: nil), api: .sync)
        XCTAssertNil(bare.apiErrorCode)
        XCTAssertTrue(bare.message.contains("sync transcription failed with status 502"))
    }
}
