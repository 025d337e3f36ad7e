import Synchronization

/// One item of a ``TranscriptGroup``: a transcript, a failure, or both (a transcript that
/// failed, or a wait that stopped with the transcript as last seen).
public struct TranscriptGroupItem: Sendable {
    /// What the item was made from: the audio URL or path, or the transcript id.
    public let source: String
    /// The transcript, when one exists on the server (nil when, e.g., the upload failed).
    public let transcript: Transcript?
    /// Why the item did not complete, or nil.
    public let failure: AssemblyAIError?

    public init(source: String, transcript: Transcript?, failure: AssemblyAIError?) {
        self.source = source
        self.transcript = transcript
        self.failure = failure
    }
}

/// Several transcripts handled together: transcribed from many URLs or files with bounded
/// concurrency, or gathered from existing ids. Items keep the order they were given in.
/// Immutable: refreshing or waiting makes a new group.
public final class TranscriptGroup: Sendable {
    public let items: [TranscriptGroupItem]

    public init(items: [TranscriptGroupItem]) { self.items = items }

    /// The transcripts of the items that have one.
    public var transcripts: [Transcript] { items.compactMap(\.transcript) }

    /// The items that failed, with their positions.
    public var failures: [(index: Int, error: AssemblyAIError)] {
        items.enumerated().compactMap { i, item in item.failure.map { (i, $0) } }
    }

    /// The status of the whole group, as the official SDK's `TranscriptGroup.status`: `error` if
    /// any item failed or is in status error, else `queued` if any is queued, else `processing`
    /// if any is processing (or in a status this version does not know), else `completed`
    /// (also for an empty group).
    public var status: TranscriptStatus {
        var queued = false, processing = false
        for item in items {
            guard item.failure == nil, let transcript = item.transcript else { return .error }
            switch transcript.status {
            case .error: return .error
            case .queued: queued = true
            case .processing, .other: processing = true
            case .completed: break
            }
        }
        return queued ? .queued : processing ? .processing : .completed
    }
}

extension Transcriber {
    /// How many items of a group are uploaded and submitted at the same time by default.
    public static let defaultGroupConcurrency = 8

    /// Transcribes many URLs or files without blocking. At most `maxConcurrency` items are being
    /// uploaded and submitted at any moment (uploads also share the pool's worker threads);
    /// waiting for submitted transcripts is not limited, since polls hold no thread.
    ///
    /// With `returnFailures`, every item ends in the group whatever happened to it (its failure
    /// recorded in it) and the future fails only when cancelled. Without, the first item that
    /// fails (upload, submit, a transcript in status error, the polling deadline) stops the
    /// group: items not started are not started, running ones are cancelled, and the future
    /// fails with that item's error; its value is still the group as far as it got, so the ids
    /// of transcripts already created are not lost.
    public func transcribeGroupAsync(_ audio: [AudioInput], config: TranscriptionConfig? = nil,
                                     maxConcurrency: Int = Transcriber.defaultGroupConcurrency, returnFailures: Bool = false,
                                     onComplete: CompletionHandler<TranscriptGroup>? = nil) throws(AssemblyAIError) -> Future<TranscriptGroup> {
        try audioGroup(audio, config: config, maxConcurrency: maxConcurrency, returnFailures: returnFailures, wait: true,
                       onComplete: onComplete)
    }

    /// Uploads and submits many URLs or files without blocking and without waiting for the
    /// transcripts (the official SDK's `submit_group`): each item is its transcript in its first
    /// state. Concurrency and failures as in
    /// ``transcribeGroupAsync(_:config:maxConcurrency:returnFailures:onComplete:)``.
    public func submitGroupAsync(_ audio: [AudioInput], config: TranscriptionConfig? = nil,
                                 maxConcurrency: Int = Transcriber.defaultGroupConcurrency, returnFailures: Bool = false,
                                 onComplete: CompletionHandler<TranscriptGroup>? = nil) throws(AssemblyAIError) -> Future<TranscriptGroup> {
        try audioGroup(audio, config: config, maxConcurrency: maxConcurrency, returnFailures: returnFailures, wait: false,
                       onComplete: onComplete)
    }

    private func audioGroup(_ audio: [AudioInput], config: TranscriptionConfig?, maxConcurrency: Int, returnFailures: Bool,
                            wait: Bool, onComplete: CompletionHandler<TranscriptGroup>?) throws(AssemblyAIError) -> Future<TranscriptGroup> {
        guard maxConcurrency >= 1 else { throw .invalidArgument("max_concurrency must be at least 1, got \(maxConcurrency)") }
        let config = config ?? self.config
        try config.validate()
        let plan = audio.map { input in
            GroupOperation.Plan(source: input.label, kind: .run(thenWait: wait, failOnErrorStatus: false) { done throws(AssemblyAIError) in
                try self.submitAsync(input, config: config, onComplete: done)
            })
        }
        return GroupOperation(transcriber: self, plan: plan, maxConcurrency: maxConcurrency,
                              returnFailures: returnFailures, onComplete: onComplete).start()
    }

    /// Fetches existing transcripts by id without blocking (one request each, at most
    /// ``defaultGroupConcurrency`` at a time), whatever their status; wait for them with
    /// ``waitAsync(for:returnFailures:onComplete:)``. A transcript in status error, or an id the
    /// server does not know, is a failing item (see ``transcribeGroupAsync(_:config:maxConcurrency:returnFailures:onComplete:)``).
    public func groupAsync(ids: [String], returnFailures: Bool = false,
                           onComplete: CompletionHandler<TranscriptGroup>? = nil) -> Future<TranscriptGroup> {
        let plan = ids.map { id in
            GroupOperation.Plan(source: id, kind: .run(thenWait: false, failOnErrorStatus: true) { done throws(AssemblyAIError) in
                try self.getAsync(id: id, onComplete: done)
            })
        }
        return GroupOperation(transcriber: self, plan: plan, maxConcurrency: Transcriber.defaultGroupConcurrency,
                              returnFailures: returnFailures, onComplete: onComplete).start()
    }

    /// Fetches every transcript of a group again without blocking. Items without a transcript
    /// (their upload or submission failed) stay as they are.
    public func refreshAsync(_ group: TranscriptGroup, returnFailures: Bool = false,
                             onComplete: CompletionHandler<TranscriptGroup>? = nil) -> Future<TranscriptGroup> {
        let plan = group.items.map { item in
            guard let id = item.transcript?.id else { return GroupOperation.Plan(source: item.source, kind: .done(item)) }
            return GroupOperation.Plan(source: item.source, kind: .run(thenWait: false, failOnErrorStatus: true) { done throws(AssemblyAIError) in
                try self.getAsync(id: id, onComplete: done)
            })
        }
        return GroupOperation(transcriber: self, plan: plan, maxConcurrency: Transcriber.defaultGroupConcurrency,
                              returnFailures: returnFailures, onComplete: onComplete).start()
    }

    /// Waits for every transcript of a group that is not final yet, without blocking (all at
    /// once: polls hold no thread). Items without a transcript stay as they are.
    public func waitAsync(for group: TranscriptGroup, returnFailures: Bool = false,
                          onComplete: CompletionHandler<TranscriptGroup>? = nil) -> Future<TranscriptGroup> {
        let plan = group.items.map { item in
            guard let transcript = item.transcript else { return GroupOperation.Plan(source: item.source, kind: .done(item)) }
            if transcript.status.isFinal {
                return GroupOperation.Plan(source: item.source, kind: .done(GroupOperation.evaluated(item.source, transcript)))
            }
            return GroupOperation.Plan(source: item.source, kind: .run(thenWait: false, failOnErrorStatus: true) { done in
                self.waitAsync(for: transcript, onComplete: done)
            })
        }
        return GroupOperation(transcriber: self, plan: plan, maxConcurrency: Int.max,
                              returnFailures: returnFailures, onComplete: onComplete).start()
    }

    // MARK: Blocking forms (the failure is thrown; the partial group is the future's value)

    /// Transcribes many URLs or files and waits for all of them (see
    /// ``transcribeGroupAsync(_:config:maxConcurrency:returnFailures:onComplete:)``).
    public func transcribeGroup(_ audio: [AudioInput], config: TranscriptionConfig? = nil,
                                maxConcurrency: Int = Transcriber.defaultGroupConcurrency,
                                returnFailures: Bool = false) throws(AssemblyAIError) -> TranscriptGroup {
        try blocking(try transcribeGroupAsync(audio, config: config, maxConcurrency: maxConcurrency, returnFailures: returnFailures))
    }

    /// Uploads and submits many URLs or files without waiting for the transcripts (see
    /// ``submitGroupAsync(_:config:maxConcurrency:returnFailures:onComplete:)``).
    public func submitGroup(_ audio: [AudioInput], config: TranscriptionConfig? = nil,
                            maxConcurrency: Int = Transcriber.defaultGroupConcurrency,
                            returnFailures: Bool = false) throws(AssemblyAIError) -> TranscriptGroup {
        try blocking(try submitGroupAsync(audio, config: config, maxConcurrency: maxConcurrency, returnFailures: returnFailures))
    }

    /// Fetches transcripts by id (see ``groupAsync(ids:returnFailures:onComplete:)``).
    public func group(ids: [String], returnFailures: Bool = false) throws(AssemblyAIError) -> TranscriptGroup {
        try blocking(groupAsync(ids: ids, returnFailures: returnFailures))
    }

    /// Fetches every transcript of a group again.
    public func refresh(_ group: TranscriptGroup, returnFailures: Bool = false) throws(AssemblyAIError) -> TranscriptGroup {
        try blocking(refreshAsync(group, returnFailures: returnFailures))
    }

    /// Waits until every transcript of a group is final.
    public func wait(for group: TranscriptGroup, returnFailures: Bool = false) throws(AssemblyAIError) -> TranscriptGroup {
        try blocking(waitAsync(for: group, returnFailures: returnFailures))
    }

    /// Waits for a future on the calling thread; the thread's current cancellation token (see
    /// ``CancellationToken/run(_:)``) cancels it.
    func blocking<Value>(_ future: Future<Value>) throws(AssemblyAIError) -> Value {
        let current = CancellationToken.current
        let id = current?.onCancel { future.cancel() }
        defer { current?.removeHandler(id) }
        return try future.get()
    }
}

/// Drives a group: starts items in order, at most `maxConcurrency` in their first phase at a
/// time, continues submitted ones with a wait (not limited), and stops early on the first
/// failure unless failures are returned.
final class GroupOperation: Sendable {
    typealias Start = @Sendable (@escaping CompletionHandler<Transcript>) throws(AssemblyAIError) -> Future<Transcript>

    struct Plan: Sendable {
        enum Kind: Sendable {
            /// Known already.
            case done(TranscriptGroupItem)
            /// Started with `start`; then, with `thenWait`, waited for. With `failOnErrorStatus`
            /// a transcript in status error is a failure (waits make it one themselves).
            case run(thenWait: Bool, failOnErrorStatus: Bool, start: Start)
        }
        let source: String
        let kind: Kind
    }

    private struct State {
        var results: [TranscriptGroupItem?]
        var children: [Int: Future<Transcript>] = [:]
        var next = 0
        var limited = 0       // items in their first (limited) phase
        var open = 0          // items started and not finished
        var stopped = false
        var cancelled = false
        var finished = false
        var firstFailure: (index: Int, error: AssemblyAIError)?
    }

    private let transcriber: Transcriber
    private let plan: [Plan]
    private let maxConcurrency: Int
    private let returnFailures: Bool
    let future: Future<TranscriptGroup>
    private let state: Mutex<State>

    init(transcriber: Transcriber, plan: [Plan], maxConcurrency: Int, returnFailures: Bool,
         onComplete: CompletionHandler<TranscriptGroup>?) {
        self.transcriber = transcriber
        self.plan = plan
        self.maxConcurrency = maxConcurrency
        self.returnFailures = returnFailures
        future = Future(onComplete: onComplete)
        state = Mutex(State(results: Array(repeating: nil, count: plan.count)))
    }

    /// A final transcript as an item: status error is a failure.
    static func evaluated(_ source: String, _ transcript: Transcript) -> TranscriptGroupItem {
        guard transcript.status == .error else { return TranscriptGroupItem(source: source, transcript: transcript, failure: nil) }
        let text = transcript.error ?? "unknown error"
        return TranscriptGroupItem(source: source, transcript: transcript,
                                   failure: AssemblyAIError(.transcriptFailed, "transcript \(transcript.id) failed: \(text)",
                                                            serverText: text, transcript: transcript))
    }

    func start() -> Future<TranscriptGroup> {
        future.onCancel { [self] in
            let children = state.withLock { s -> [Future<Transcript>] in
                s.cancelled = true
                s.stopped = true
                return Array(s.children.values)
            }
            for child in children { child.cancel() }
            finishIfDone()
        }
        // The first launch runs on a worker, so that a group that needs no request still
        // finishes (and calls its handler) on a worker thread.
        let job = WorkerPool.Job(token: nil) { [self] in launch() }
        if !WorkerPool.shared.submit(job) {
            future.finish(nil, failure: AssemblyAIError(.cancelled, "the group was not started: the process is exiting"))
        }
        return future
    }

    /// Starts items while the limit allows; items known already are recorded on the way.
    private func launch() {
        while true {
            let pick = state.withLock { s -> Int? in
                guard !s.stopped, s.next < plan.count, s.limited < maxConcurrency else { return nil }
                let i = s.next
                s.next += 1
                s.open += 1
                if case .run = plan[i].kind { s.limited += 1 }
                return i
            }
            guard let i = pick else { break }
            let source = plan[i].source
            switch plan[i].kind {
            case .done(let item):
                record(i, item, limited: false)
            case .run(let thenWait, let failOnErrorStatus, let start):
                do throws(AssemblyAIError) {
                    let child = try start { [self] child in
                        firstPhaseDone(i, child, thenWait: thenWait, failOnErrorStatus: failOnErrorStatus)
                    }
                    adopt(i, child)
                } catch {
                    record(i, TranscriptGroupItem(source: source, transcript: nil, failure: error), limited: true)
                }
            }
        }
        finishIfDone()
    }

    /// Keeps a running child so that a stop can cancel it (unless it finished already).
    private func adopt(_ i: Int, _ child: Future<Transcript>) {
        let cancelNow = state.withLock { s -> Bool in
            guard s.results[i] == nil, !child.isFinished else { return false }
            s.children[i] = child
            return s.stopped
        }
        if cancelNow { child.cancel() }
    }

    private func firstPhaseDone(_ i: Int, _ child: Future<Transcript>, thenWait: Bool, failOnErrorStatus: Bool) {
        let source = plan[i].source
        let transcript = child.value
        if let failure = child.failure {
            record(i, TranscriptGroupItem(source: source, transcript: transcript ?? failure.transcript, failure: failure), limited: true)
        } else if let transcript, thenWait, !transcript.status.isFinal {
            // Submitted: free the slot, then wait without a limit.
            let stopped = state.withLock { s -> Bool in
                s.limited -= 1
                s.children[i] = nil
                return s.stopped
            }
            if stopped {
                record(i, TranscriptGroupItem(source: source, transcript: transcript,
                                              failure: AssemblyAIError(.cancelled, "waiting for transcript \(transcript.id) was cancelled", transcript: transcript)),
                       limited: false)
            } else {
                let waiter = transcriber.waitAsync(for: transcript) { [self] waited in
                    let value = waited.value ?? transcript
                    record(i, TranscriptGroupItem(source: source, transcript: value, failure: waited.failure), limited: false)
                    launch()
                }
                adopt(i, waiter)
            }
        } else if let transcript {
            let item = thenWait || failOnErrorStatus
                ? GroupOperation.evaluated(source, transcript)
                : TranscriptGroupItem(source: source, transcript: transcript, failure: nil)
            record(i, item, limited: true)
        } else {
            record(i, TranscriptGroupItem(source: source, transcript: nil,
                                          failure: AssemblyAIError(.internal, "item \(i) finished without a transcript")), limited: true)
        }
        launch()
    }

    /// Records an item's outcome; the first failure stops the group unless failures are returned.
    private func record(_ i: Int, _ item: TranscriptGroupItem, limited: Bool) {
        let toCancel = state.withLock { s -> [Future<Transcript>] in
            guard s.results[i] == nil else { return [] }
            s.results[i] = item
            s.open -= 1
            if limited { s.limited -= 1 }
            s.children[i] = nil
            guard let failure = item.failure, !returnFailures, !s.stopped else { return [] }
            s.stopped = true
            s.firstFailure = (i, failure)
            return Array(s.children.values)
        }
        for child in toCancel { child.cancel() }
    }

    private func finishIfDone() {
        let outcome = state.withLock { s -> (TranscriptGroup, AssemblyAIError?)? in
            guard !s.finished, s.open == 0, s.stopped || s.next == plan.count else { return nil }
            s.finished = true
            let why = s.cancelled ? "the group was cancelled" : "item \(s.firstFailure?.index ?? 0) failed first"
            let items = s.results.enumerated().map { i, item in
                item ?? TranscriptGroupItem(source: plan[i].source, transcript: nil,
                                            failure: AssemblyAIError(.cancelled, "not started: \(why)"))
            }
            var failure: AssemblyAIError? = nil
            if s.cancelled {
                failure = AssemblyAIError(.cancelled, "the group was cancelled")
            } else if let (i, e) = s.firstFailure {
                failure = AssemblyAIError(e.code, "item \(i) (\(plan[i].source)): \(e.message)", httpStatus: e.httpStatus,
                                          serverText: e.serverText, transcript: e.transcript)
            }
            return (TranscriptGroup(items: items), failure)
        }
        if let (group, failure) = outcome { future.finish(group, failure: failure) }
    }
}
