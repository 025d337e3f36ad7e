import XCTest
@testable import AssemblyAI

/// The core's own rules: settings, config bodies, the transcript model, JSON pointers.
final class CoreTests: XCTestCase {
    func testBaseURLValidation() throws {
        XCTAssertEqual(try Settings.validatedBaseURL("https://api.assemblyai.com/"), "https://api.assemblyai.com")
        XCTAssertEqual(try Settings.validatedBaseURL("http://127.0.0.1:8080"), "http://127.0.0.1:8080")
        XCTAssertEqual(try Settings.validatedBaseURL("http://localhost"), "http://localhost")
        XCTAssertEqual(try Settings.validatedBaseURL("http://[::1]:80/"), "http://[::1]:80")
        for bad in ["http://example.com", "http://127.0.0.1.nip.io", "http://10.0.0.1", "ftp://x", "https://", ""] {
            XCTAssertThrowsError(try Settings.validatedBaseURL(bad), bad) { error in
                XCTAssertEqual((error as? AssemblyAIError)?.code, .invalidArgument)
            }
        }
    }

    func testPathSegmentsAreEscaped() {
        XCTAssertEqual(escapePathSegment("6rlr37h6tx-5c25-4a7c-ba47-7b2a9b1e93d6"), "6rlr37h6tx-5c25-4a7c-ba47-7b2a9b1e93d6")
        XCTAssertEqual(escapePathSegment("../x?y=1#z"), "..%2Fx%3Fy%3D1%23z")
        XCTAssertEqual(escapePathSegment("é"), "%C3%A9")
    }

    func testConfigBodyKeepsOrderAndMerges() throws {
        var config = TranscriptionConfig()
        config.speakerLabels = true
        config.languageCode = "de"
        try config.merge(json: #"{"language_code": "fr", "keyterms_prompt": ["a"], "speaker_labels": null}"#)
        XCTAssertEqual(config.requestBody(audioURL: "https://x/a.wav").serialized(),
                       #"{"audio_url":"https://x/a.wav","language_code":"fr","keyterms_prompt":["a"]}"#)
        XCTAssertThrowsError(try config.merge(json: "[]"))
        XCTAssertThrowsError(try config.merge(json: "{"))
    }

    func testTranscriptModel() throws {
        let json = #"{"id":"t1","status":"completed","text":"hi you","audio_duration":2,"confidence":0.75,"#
            + #""words":[{"text":"hi","start":0,"end":500,"confidence":0.5,"speaker":"A"},"#
            + #"{"text":"you","start":600,"end":900,"confidence":1,"speaker":"B","channel":"2"}]}"#
        let t = try Transcript(document: JSONDocument(string: json))
        XCTAssertEqual(t.id, "t1")
        XCTAssertEqual(t.status, .completed)
        XCTAssertEqual(t.text, "hi you")
        XCTAssertEqual(t.audioDuration, 2)
        XCTAssertEqual(t.words, [
            Word(text: "hi", start: 0, end: 500, confidence: 0.5, speaker: "A", channel: nil),
            Word(text: "you", start: 600, end: 900, confidence: 1, speaker: "B", channel: "2"),
        ])
        XCTAssertEqual(try t.json.resolve(jsonPointer: "/words/1/text")?.string, "you")
        XCTAssertNil(try t.json.resolve(jsonPointer: "/words/01/text"))
        XCTAssertNil(try t.json.resolve(jsonPointer: "/nope"))
        XCTAssertThrowsError(try t.json.resolve(jsonPointer: "words"))
        XCTAssertThrowsError(try Transcript(document: JSONDocument(string: #"{"status":"queued"}"#)))
        XCTAssertEqual(try Transcript(document: JSONDocument(string: #"{"id":"x","status":"new-state"}"#)).status,
                       .other("new-state"))
    }

    func testNulTerminatedDocument() throws {
        let doc = try JSONDocument(nulTerminated: Array(#"{"a": [1, "x"]}"#.utf8) + [0])
        XCTAssertTrue(doc.hasTrailingNUL)
        XCTAssertEqual(doc.length, 15)
        XCTAssertEqual(doc.root["a"]?[1]?.string, "x")
        XCTAssertEqual(doc.root.rawJSON, #"{"a": [1, "x"]}"#)
        XCTAssertThrowsError(try JSONDocument(nulTerminated: Array("{}".utf8)))          // no NUL
        XCTAssertThrowsError(try JSONDocument(nulTerminated: Array("{} x".utf8) + [0]))  // junk before it
        XCTAssertFalse(try JSONDocument(bytes: Array("{}".utf8)).hasTrailingNUL)
    }

    func testLocalWordKeys() {
        XCTAssertEqual(Transcript.key("(Hello,"), "hello")
        XCTAssertEqual(Transcript.key("don't"), "don't")
        XCTAssertEqual(Transcript.key("$5."), "$5")       // $ is a symbol, not punctuation
        XCTAssertEqual(Transcript.key("«Grüße»"), "grüße")
        XCTAssertEqual(Transcript.key("..."), "")
        XCTAssertTrue(Transcript.endsSentence("there!\""))
        XCTAssertFalse(Transcript.endsSentence("Dr."))
        XCTAssertEqual(Transcript.time(3_723_004, srt: true), "01:02:03,004")
        XCTAssertEqual(Transcript.time(63_004, srt: false), "01:03.004")
        XCTAssertEqual(Transcript.time(3_723_004, srt: false), "01:02:03.004")
    }

    func testErrorCodesMapHTTPStatuses() {
        XCTAssertEqual(ErrorCode.forHTTPStatus(401), .auth)
        XCTAssertEqual(ErrorCode.forHTTPStatus(404), .notFound)
        XCTAssertEqual(ErrorCode.forHTTPStatus(429), .rateLimited)
        XCTAssertEqual(ErrorCode.forHTTPStatus(503), .server)
        XCTAssertEqual(ErrorCode.forHTTPStatus(400), .http)
        XCTAssertTrue(ErrorCode.server.isRetryable)
        XCTAssertFalse(ErrorCode.auth.isRetryable)
    }
}
