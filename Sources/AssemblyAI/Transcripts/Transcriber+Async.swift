import Synchronization

/// A completion handler: runs once when the operation finished, on a worker thread of the
/// ``WorkerPool``. It may call anything in the SDK, including waiting for other operations.
public typealias CompletionHandler<Value: Sendable> = @Sendable (Future<Value>) -> Void

extension Transcriber {
    // MARK: Non-blocking calls

    /// Submits audio (uploading a file or bytes first) without blocking; the future's value is
    /// the transcript in its first state. Bad arguments (an empty URL, a config that fails
    /// ``TranscriptionConfig/validate()``) throw at once; everything else ends in the future.
    public func submitAsync(_ audio: AudioInput, config: TranscriptionConfig? = nil,
                            onComplete: CompletionHandler<Transcript>? = nil) throws(AssemblyAIError) -> Future<Transcript> {
        let config = try checked(audio, config)
        let operation = TranscriptOperation(transcriber: self, waits: false, onComplete: onComplete)
        operation.start("submitting \(audio.label)") { () throws(AssemblyAIError) in try self.submit(audio, config: config) }
        return operation.future
    }

    /// Transcribes audio without blocking: submits it, then polls as ``wait(id:)`` does, with
    /// the same outcomes (a failed transcript ends in ``ErrorCode/transcriptFailed``, the polling
    /// deadline in ``ErrorCode/timeout``, both with the transcript as the future's value).
    /// Between polls the operation holds no thread.
    public func transcribeAsync(_ audio: AudioInput, config: TranscriptionConfig? = nil,
                                onComplete: CompletionHandler<Transcript>? = nil) throws(AssemblyAIError) -> Future<Transcript> {
        let config = try checked(audio, config)
        let operation = TranscriptOperation(transcriber: self, waits: true, onComplete: onComplete)
        operation.start("transcribing \(audio.label)") { () throws(AssemblyAIError) in try self.submit(audio, config: config) }
        return operation.future
    }

    /// Waits for a transcript without blocking (see ``wait(id:)``).
    public func waitAsync(id: String, onComplete: CompletionHandler<Transcript>? = nil) throws(AssemblyAIError) -> Future<Transcript> {
        guard !id.isEmpty else { throw .invalidArgument("transcript id is empty") }
        let operation = TranscriptOperation(transcriber: self, waits: true, onComplete: onComplete)
        operation.start("waiting for transcript \(id)") { () throws(AssemblyAIError) in try self.get(id: id) }
        return operation.future
    }

    /// Waits for a transcript already at hand: polls only if it is not final yet.
    func waitAsync(for transcript: Transcript, onComplete: CompletionHandler<Transcript>? = nil) -> Future<Transcript> {
        let operation = TranscriptOperation(transcriber: self, waits: true, onComplete: onComplete)
        operation.startWaiting(for: transcript)
        return operation.future
    }

    /// Fetches a transcript without blocking (see ``get(id:)``).
    public func getAsync(id: String, onComplete: CompletionHandler<Transcript>? = nil) throws(AssemblyAIError) -> Future<Transcript> {
        guard !id.isEmpty else { throw .invalidArgument("transcript id is empty") }
        return runAsync("getting transcript \(id)", onComplete: onComplete) { () throws(AssemblyAIError) in try self.get(id: id) }
    }

    /// Lists one page of transcripts without blocking (see ``list(limit:status:createdOn:beforeId:afterId:throttledOnly:)``;
    /// its filters are checked when the operation runs).
    public func listAsync(limit: Int? = nil, status: String? = nil, createdOn: String? = nil, beforeId: String? = nil,
                          afterId: String? = nil, throttledOnly: Bool? = nil,
                          onComplete: CompletionHandler<TranscriptListPage>? = nil) -> Future<TranscriptListPage> {
        runAsync("listing transcripts", onComplete: onComplete) { () throws(AssemblyAIError) in
            TranscriptListPage(response: try self.list(limit: limit, status: status, createdOn: createdOn, beforeId: beforeId,
                                                       afterId: afterId, throttledOnly: throttledOnly))
        }
    }

    /// Runs any blocking call of the SDK as one job on the worker pool, with the future's token
    /// current, so its requests and sleeps obey ``FutureBase/cancel()``. Meant for calls that
    /// are one request or a few (get, delete, listing a page): the call holds a worker thread
    /// while it runs. A failure that carries a transcript hands it back as the value when
    /// `Value` is ``Transcript``.
    ///
    /// This is the hook for further non-blocking calls, as ``listAsync(limit:status:createdOn:beforeId:afterId:throttledOnly:onComplete:)``
    /// shows: a distinct value type per kind of result (the C layer tells futures apart by it).
    public func runAsync<Value: Sendable>(_ what: String, onComplete: CompletionHandler<Value>? = nil,
                                          _ body: @escaping @Sendable () throws(AssemblyAIError) -> Value) -> Future<Value> {
        let future = Future<Value>(onComplete: onComplete)
        future.onCancel { future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was cancelled")) }
        let job = WorkerPool.Job(token: future.token) {
            guard !future.isFinished else { return }
            do throws(AssemblyAIError) {
                let value = try body()
                future.finish(value, failure: nil)
            } catch {
                future.finish(error.transcript as? Value, failure: error)
            }
        }
        if !WorkerPool.shared.submit(job) {
            future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was not started: the process is exiting"))
        }
        return future
    }

    /// The config a call uses (a snapshot taken now), checked before anything is started.
    private func checked(_ audio: AudioInput, _ config: TranscriptionConfig?) throws(AssemblyAIError) -> TranscriptionConfig {
        switch audio {
        case .url(let url) where url.isEmpty: throw .invalidArgument("audio URL is empty")
        case .file(let path) where path.isEmpty: throw .invalidArgument("path is empty")
        case .bytes(let bytes) where bytes.isEmpty: throw .invalidArgument("data is empty (size 0)")
        default: break
        }
        let config = config ?? self.config
        try config.validate()
        return config
    }
}

/// One page of a transcript list, the value of ``Transcriber/listAsync(limit:status:createdOn:beforeId:afterId:throttledOnly:onComplete:)``.
public struct TranscriptListPage: Sendable {
    public let response: JSONResponse
}

/// Drives one transcript operation on the worker pool: a first step (submit, or get), then,
/// when it waits, one poll per polling interval. Each poll is a timer, so no thread is held
/// between polls. The outcomes are those of ``Transcriber/wait(id:)``.
final class TranscriptOperation: Sendable {
    let transcriber: Transcriber
    let future: Future<Transcript>
    private let waits: Bool
    private let state = Mutex<(last: Transcript?, deadline: Int?, timeoutMs: Int, deadlineSet: Bool)>((nil, nil, 0, false))

    init(transcriber: Transcriber, waits: Bool, onComplete: CompletionHandler<Transcript>?) {
        self.transcriber = transcriber
        self.waits = waits
        future = Future(onComplete: onComplete)
    }

    private var lastSeen: Transcript? { state.withLock { $0.last } }

    /// Starts with `first` as a job on a worker.
    func start(_ what: String, first: @escaping @Sendable () throws(AssemblyAIError) -> Transcript) {
        finishWhenCancelled(what)
        step(afterMs: nil) { () throws(AssemblyAIError) in
            let transcript = try first()
            self.record(transcript)
            if self.waits { try self.consider(transcript) } else { self.future.finish(transcript, failure: nil) }
        }
    }

    /// Starts waiting for a transcript at hand: the first poll comes one polling interval from
    /// now, as in a blocking wait (a final transcript finishes at once).
    func startWaiting(for transcript: Transcript) {
        finishWhenCancelled("waiting for transcript \(transcript.id)")
        record(transcript)
        step(afterMs: nil) { () throws(AssemblyAIError) in try self.consider(transcript) }
    }

    private func finishWhenCancelled(_ what: String) {
        future.onCancel { [self] in
            let last = lastSeen
            var message = "\(what) was cancelled"
            if let last { message += " (transcript \(last.id) was \(last.statusText ?? "pending"))" }
            future.finish(last, failure: AssemblyAIError(.cancelled, message, transcript: last))
        }
    }

    private func record(_ transcript: Transcript) { state.withLock { $0.last = transcript } }

    /// Runs `body` as a job (now, or as a timer), unless the operation finished meanwhile.
    private func step(afterMs: Int?, _ body: @escaping @Sendable () throws(AssemblyAIError) -> Void) {
        let job = WorkerPool.Job(token: future.token) { [self] in
            guard !future.isFinished else { return }
            do throws(AssemblyAIError) { try body() } catch { fail(error) }
        }
        let queued = afterMs.map { WorkerPool.shared.schedule(afterMs: $0, job) } ?? WorkerPool.shared.submit(job)
        if !queued {
            future.finish(lastSeen, failure: AssemblyAIError(.cancelled, "the process is exiting", transcript: lastSeen))
        }
    }

    private func fail(_ error: AssemblyAIError) {
        var error = error
        // Any failure once the transcript was seen (a cancel, a poll that failed) hands it back,
        // so its id is never lost, as in the blocking wait.
        if error.transcript == nil, let last = lastSeen {
            error.transcript = last
            if error.code != .cancelled {
                error.message = "waiting for transcript \(last.id) (\(last.statusText ?? "pending")) failed: " + error.message
            }
        }
        future.finish(error.transcript, failure: error)
    }

    /// Finishes on a final status; otherwise schedules the next poll (or gives up at the deadline).
    private func consider(_ transcript: Transcript) throws(AssemblyAIError) {
        if transcript.status.isFinal {
            if transcript.status == .error {
                let text = transcript.error ?? "unknown error"
                future.finish(transcript, failure: AssemblyAIError(.transcriptFailed, "transcript \(transcript.id) failed: \(text)",
                                                                   serverText: text, transcript: transcript))
            } else {
                future.finish(transcript, failure: nil)
            }
            return
        }
        let settings = transcriber.client.settings
        let now = monotonicMs()
        let (deadline, timeoutMs) = state.withLock { s -> (Int?, Int) in
            if !s.deadlineSet {
                s.deadlineSet = true
                s.timeoutMs = settings.pollingTimeoutMs
                s.deadline = settings.pollingTimeoutMs > 0 ? now + settings.pollingTimeoutMs : nil
            }
            return (s.deadline, s.timeoutMs)
        }
        if let deadline, now >= deadline {
            throw AssemblyAIError(.timeout,
                "transcript \(transcript.id) still \(transcript.statusText ?? "pending") after the polling timeout of \(timeoutMs) ms",
                transcript: transcript)
        }
        let delay = deadline.map { min(settings.pollingIntervalMs, $0 - now) } ?? settings.pollingIntervalMs
        let id = transcript.id
        step(afterMs: delay) { () throws(AssemblyAIError) in
            let next = try self.transcriber.get(id: id)
            self.record(next)
            try self.consider(next)
        }
    }
}
