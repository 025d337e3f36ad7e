import Foundation
import XCTest
@testable import AssemblyAI

/// Cancellation, the worker pool, futures, groups and webhook parsing in the core.
final class AsyncTests: XCTestCase {
    nonisolated(unsafe) static var server: LocalServerProcess?

    override class func tearDown() { server?.stop() }

    private func transcriber(pollingMs: Int = 20) throws -> Transcriber {
        if Self.server == nil { Self.server = try LocalServerProcess() }
        var settings = Settings()
        settings.apiKey = LocalServerProcess.apiKey
        settings.baseURL = Self.server!.baseURL
        settings.pollingIntervalMs = pollingMs
        return Transcriber(client: Client(settings: settings))
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

    private func cancel(_ token: CancellationToken, afterMs ms: Int) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) { token.cancel() }
    }

    // MARK: Cancellation token

    func testTokenSleepEndsWhenCancelled() {
        let token = CancellationToken()
        XCTAssertTrue(token.sleep(milliseconds: 10))
        let start = now()
        cancel(token, afterMs: 50)
        XCTAssertFalse(token.sleep(milliseconds: 10_000))
        XCTAssertLessThan(now() - start, 3_000)
        XCTAssertTrue(token.isCancelled)
        XCTAssertFalse(token.sleep(milliseconds: 10_000), "a cancelled token does not sleep")
    }

    func testTokenHandlersRunOnceAndCurrentIsScoped() {
        let token = CancellationToken()
        final class Count: @unchecked Sendable { var n = 0 }
        let count = Count()
        let removed = token.onCancel { count.n += 100 }
        token.removeHandler(removed)
        token.onCancel { count.n += 1 }
        XCTAssertNil(CancellationToken.current)
        token.run { XCTAssertTrue(CancellationToken.current === token) }
        XCTAssertNil(CancellationToken.current)
        token.cancel()
        token.cancel()
        XCTAssertEqual(count.n, 1)
        XCTAssertNil(token.onCancel { count.n += 10 }, "runs at once on a cancelled token")
        XCTAssertEqual(count.n, 11)
        XCTAssertThrowsError(try token.run { () throws(AssemblyAIError) in try CancellationToken.checkCurrent("x") }) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .cancelled)
        }
    }

    /// The hook in Transcriber.wait: a blocking wait under a token stops during its sleep, and
    /// still hands back the transcript as last seen.
    func testBlockingWaitIsCancellable() throws {
        let t = try transcriber(pollingMs: 10_000)
        let wav = makeTestWAV(text: "cancel me please")
        let submitted = try wav.withUnsafeBytes { try t.submit(.memory($0)) }
        let token = CancellationToken()
        cancel(token, afterMs: 200)
        let start = now()
        XCTAssertThrowsError(try token.run { () throws(AssemblyAIError) in try t.wait(id: submitted.id) }) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .cancelled)
            XCTAssertEqual(e?.transcript?.id, submitted.id)
        }
        XCTAssertLessThan(now() - start, 3_000)
    }

    /// The hook in the transfer: a request the server never answers is aborted by the token
    /// (libcurl's progress function), well before the HTTP timeout.
    func testRequestInFlightIsAborted() throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        var settings = Settings()
        settings.apiKey = "k"
        settings.baseURL = "http://127.0.0.1:\(silent.port)"
        settings.httpTimeoutMs = 30_000
        settings.maxRetries = 0
        let t = Transcriber(client: Client(settings: settings))
        let token = CancellationToken()
        cancel(token, afterMs: 300)
        let start = now()
        XCTAssertThrowsError(try token.run { () throws(AssemblyAIError) in try t.get(id: "x") }) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .cancelled)
            XCTAssertEqual(e?.message.hasSuffix(": cancelled"), true, e?.message ?? "")
        }
        let took = now() - start
        XCTAssertLessThan(took, 5_000, "aborted by the token, not by the 30 s timeout")
        XCTAssertGreaterThanOrEqual(took, 250)
    }

    // MARK: Futures

    func testTranscribeAsyncHandlerRunsOnceOnAWorker() throws {
        let t = try transcriber()
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var calls = 0
            var onWorker = false
        }
        let seen = Seen()
        let future = try t.transcribeAsync(.bytes(makeTestWAV(text: "one two three"))) { f in
            seen.lock.withLock {
                seen.calls += 1
                seen.onWorker = WorkerPool.isWorkerThread && f.isFinished
            }
        }
        XCTAssertTrue(future.wait(timeoutMs: 20_000))
        XCTAssertEqual(seen.lock.withLock { seen.calls }, 1)
        XCTAssertTrue(seen.lock.withLock { seen.onWorker })
        XCTAssertEqual(try future.get().text, "one two three")
        future.cancel()  // finished: changes nothing
        XCTAssertNil(future.failure)
    }

    func testWaitTimesOutThenCompletes() throws {
        let t = try transcriber(pollingMs: 300)
        let future = try t.transcribeAsync(.bytes(makeTestWAV(text: "slow enough")))
        XCTAssertFalse(future.wait(timeoutMs: 30))
        XCTAssertNil(future.result)
        XCTAssertTrue(future.wait(timeoutMs: 20_000))
        XCTAssertEqual(try future.get().status, .completed)
    }

    func testCancelDuringPollingIsPrompt() throws {
        let t = try transcriber(pollingMs: 10_000)
        let future = try t.transcribeAsync(.bytes(makeTestWAV(text: "never waited for")))
        XCTAssertFalse(future.wait(timeoutMs: 300))
        let start = now()
        future.cancel()
        XCTAssertTrue(future.wait(timeoutMs: 5_000))
        XCTAssertLessThan(now() - start, 2_000)
        XCTAssertEqual(future.failure?.code, .cancelled)
        XCTAssertNotNil(future.value?.id, "the transcript as last seen")
    }

    func testBadArgumentsThrowAtOnce() throws {
        let t = try transcriber()
        XCTAssertThrowsError(try t.transcribeAsync(.url("")))
        XCTAssertThrowsError(try t.waitAsync(id: ""))
        XCTAssertThrowsError(try t.submitAsync(.bytes([])))
        var bad = TranscriptionConfig()
        try bad.merge(json: #"{"audio_start_from": 5000, "audio_end_at": 1000}"#)
        XCTAssertThrowsError(try t.transcribeAsync(.url("http://x"), config: bad))
        XCTAssertThrowsError(try t.transcribeGroupAsync([.url("http://x")], maxConcurrency: 0))
    }

    // MARK: Groups

    func testGroupStatusFollowsTheOfficialRule() throws {
        func transcript(_ status: String) throws -> Transcript {
            try Transcript(document: JSONDocument(string: #"{"id": "id-\#(status)", "status": "\#(status)"}"#))
        }
        func group(_ statuses: [String], failed: Bool = false) throws -> TranscriptGroup {
            var items = try statuses.map { TranscriptGroupItem(source: $0, transcript: try transcript($0), failure: nil) }
            if failed { items.append(TranscriptGroupItem(source: "x", transcript: nil, failure: AssemblyAIError(.io, "x"))) }
            return TranscriptGroup(items: items)
        }
        XCTAssertEqual(try group([]).status, .completed)
        XCTAssertEqual(try group(["completed", "completed"]).status, .completed)
        XCTAssertEqual(try group(["completed", "processing"]).status, .processing)
        XCTAssertEqual(try group(["processing", "queued", "completed"]).status, .queued)
        XCTAssertEqual(try group(["queued", "error", "processing"]).status, .error)
        XCTAssertEqual(try group(["completed"], failed: true).status, .error)
        XCTAssertEqual(try group(["completed", "error"]).failures.count, 0, "failures are items with a failure")
    }

    func testGroupKeepsOrderAndReturnsFailures() throws {
        let t = try transcriber()
        let dir = FileManager.default.temporaryDirectory.path
        let a = dir + "/aai-async-\(getpid())-a.wav", b = dir + "/aai-async-\(getpid())-b.wav"
        try Data(makeTestWAV(text: "first file")).write(to: URL(fileURLWithPath: a))
        try Data(makeTestWAV(text: "second file")).write(to: URL(fileURLWithPath: b))
        defer { unlink(a); unlink(b) }
        let audio: [AudioInput] = [.file(path: a), .file(path: dir + "/no-such-\(getpid()).wav"), .bytes(makeTestWAV(text: "third")), .file(path: b)]
        let group = try t.transcribeGroup(audio, maxConcurrency: 2, returnFailures: true)
        XCTAssertEqual(group.items.map { $0.transcript?.text }, ["first file", nil, "third", "second file"])
        XCTAssertEqual(group.failures.map(\.index), [1])
        XCTAssertEqual(group.failures.first?.error.code, .io)
        XCTAssertEqual(group.status, .error)

        XCTAssertThrowsError(try t.transcribeGroup(audio, maxConcurrency: 1)) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .io)
            XCTAssertTrue((error as? AssemblyAIError)?.message.hasPrefix("item 1 (") ?? false)
        }

        let ids = group.transcripts.map(\.id)
        let fetched = try t.group(ids: ids)
        XCTAssertEqual(fetched.transcripts.map(\.id), ids)
        XCTAssertEqual(fetched.status, .completed)
        let waited = try t.wait(for: fetched)
        XCTAssertEqual(waited.status, .completed)
    }

    // MARK: Webhooks

    func testWebhookParsing() throws {
        let body = Array(#"{"transcript_id": "9ea68fd3-f953-42c1-9742-976c447fb463", "status": "error"}"#.utf8)
        let n = try Webhook.parseTranscriptReady(body, receivedAuth: Array("v".utf8), expectedAuth: Array("v".utf8))
        XCTAssertEqual(n, TranscriptReadyNotification(transcriptID: "9ea68fd3-f953-42c1-9742-976c447fb463", status: .error))
        XCTAssertThrowsError(try Webhook.parseTranscriptReady(body, receivedAuth: Array("w".utf8), expectedAuth: Array("v".utf8))) {
            XCTAssertEqual(($0 as? AssemblyAIError)?.code, .auth)
        }
        XCTAssertThrowsError(try Webhook.parseTranscriptReady(Array(#"{"transcript_id": "a", "status": "completed", "x": 1}"#.utf8),
                                                              receivedAuth: nil, expectedAuth: nil)) {
            XCTAssertEqual(($0 as? AssemblyAIError)?.code, .proto)
        }
        let redacted = Array(#"{"status": "redacted_audio_ready", "redacted_audio_url": "https://a/b"}"#.utf8)
        XCTAssertEqual(try Webhook.parseRedactedAudio(redacted, receivedAuth: nil, expectedAuth: nil).redactedAudioURL, "https://a/b")
        XCTAssertTrue(Webhook.constantTimeEquals([], []))
        XCTAssertTrue(Webhook.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        XCTAssertFalse(Webhook.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        XCTAssertFalse(Webhook.constantTimeEquals(Array("abc".utf8), Array("abc\0".utf8)))
        XCTAssertFalse(Webhook.constantTimeEquals([], Array("a".utf8)))
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never answers.
final class SilentServer: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private var clients: [Int32] = []
    private let lock = NSLock()
    private var thread: Thread?

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        guard bound == 0, listen(listener, 8) == 0 else { throw XCTSkip("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        fd = listener
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [weak self] in
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                self?.lock.withLock { self?.clients.append(c) }
            }
        }
        thread.start()
        self.thread = thread
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        lock.withLock { for c in clients { close(c) } }
    }
}
