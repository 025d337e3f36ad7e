import Foundation
import XCTest
@testable import AssemblyAI

/// The transcription flow end to end through the core, against the local server.
final class TranscriberTests: XCTestCase {
    nonisolated(unsafe) static var server: LocalServerProcess?

    override class func tearDown() { server?.stop() }

    private func transcriber() throws -> Transcriber {
        if Self.server == nil { Self.server = try LocalServerProcess() }
        var settings = Settings()
        settings.apiKey = LocalServerProcess.apiKey
        settings.baseURL = Self.server!.baseURL
        settings.pollingIntervalMs = 20
        return Transcriber(client: Client(settings: settings))
    }

    func testTranscribeBytesFromMemory() throws {
        let t = try transcriber()
        let wav = makeTestWAV(text: "the quick brown fox")
        final class Reports: @unchecked Sendable {  // written by the upload, read after it
            let lock = NSLock()
            var sent: [UInt64] = []
        }
        let reports = Reports()
        let size = UInt64(wav.count)
        t.progress = { sent, total in
            reports.lock.withLock { reports.sent.append(sent) }
            return total == size
        }
        let transcript = try wav.withUnsafeBytes { try t.transcribe(.memory($0)) }
        XCTAssertEqual(transcript.status, .completed)
        XCTAssertEqual(transcript.text, "the quick brown fox")
        XCTAssertEqual(transcript.words.map(\.text), ["the", "quick", "brown", "fox"])
        XCTAssertEqual(transcript.audioDuration, 2)
        XCTAssertEqual(reports.sent.last, size)
        XCTAssertEqual(reports.sent, reports.sent.sorted())
    }

    func testSubmitThenWaitAndDelete() throws {
        let t = try transcriber()
        let wav = makeTestWAV(text: "hello again")
        let url = try wav.withUnsafeBytes { try t.upload(.memory($0)) }
        let submitted = try t.submit(audioURL: url)
        XCTAssertEqual(submitted.status, .queued)
        let done = try t.wait(id: submitted.id)
        XCTAssertEqual(done.id, submitted.id)
        XCTAssertEqual(done.text, "hello again")
        _ = try t.delete(id: done.id)
    }

    func testFailedTranscriptCarriesItsId() throws {
        let t = try transcriber()
        let notAudio = Array("this is not audio at all".utf8)
        XCTAssertThrowsError(try notAudio.withUnsafeBytes { try t.transcribe(.memory($0)) }) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .transcriptFailed)
            XCTAssertEqual(e?.transcript?.status, .error)
            XCTAssertNotNil(e?.serverText)
            XCTAssertEqual(e?.serverText, e?.transcript?.error)
        }
    }

    func testWrongKeyAndUnknownId() throws {
        let t = try transcriber()
        XCTAssertThrowsError(try t.get(id: "00000000-0000-0000-0000-000000000000")) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .notFound)
            XCTAssertEqual((error as? AssemblyAIError)?.httpStatus, 404)
        }
        try t.client.updateSettings { $0.apiKey = "wrong" }
        XCTAssertThrowsError(try t.get(id: "x")) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .auth)
            XCTAssertEqual(e?.httpStatus, 401)
            XCTAssertFalse(e?.message.contains("wrong") ?? true, "the key must not appear in messages")
        }
    }

    func testPollingDeadlineKeepsTheTranscript() throws {
        let t = try transcriber()
        try t.client.updateSettings { $0.pollingTimeoutMs = 1 }
        let wav = makeTestWAV(text: "slow one")
        XCTAssertThrowsError(try wav.withUnsafeBytes { try t.transcribe(.memory($0)) }) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .timeout)
            XCTAssertNotNil(e?.transcript?.id)
        }
    }
}
