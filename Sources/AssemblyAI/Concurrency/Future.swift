import Glibc

/// The state every ``Future`` shares, whatever its value type: whether the operation finished,
/// how it failed, its cancellation token and its completion handler.
///
/// An operation finishes exactly once: with a value, with a failure, or with a failure *and* a
/// partial value (a failed or cancelled wait still hands back the transcript as last seen, a
/// group that stopped early the items it has). Its completion handler then runs once, on a
/// worker thread of the ``WorkerPool``.
public class FutureBase: @unchecked Sendable {  // state guarded by `lock`
    /// Cancelling this token cancels the operation (see ``cancel()``).
    public let token = CancellationToken()

    let lock = ConditionLock()
    private var finished = false
    private var failureStorage: AssemblyAIError?
    private var handler: (@Sendable (FutureBase) -> Void)?
    private var handlerThread: pthread_t?
    private var handlerRunning = false
    private var handlerDetached = false
    private var cancelHandlerID: Int?

    init(handler: (@Sendable (FutureBase) -> Void)?) {
        self.handler = handler
    }

    /// Whether the operation finished (its completion handler may still be running).
    public var isFinished: Bool { lock.withLock { finished } }
    var isFinishedLocked: Bool { finished }
    var failureLocked: AssemblyAIError? { failureStorage }

    /// How the operation failed, once it finished; nil while it runs and after a success.
    public var failure: AssemblyAIError? { lock.withLock { failureStorage } }

    /// Waits until the operation finished and its completion handler returned, at most
    /// `timeoutMs` milliseconds (nil: without limit). Returns whether it finished. Called from
    /// the completion handler itself, it returns at once. On a worker thread (inside another
    /// operation's completion handler) it runs queued jobs while it waits, so waiting there
    /// cannot starve the pool.
    @discardableResult
    public func wait(timeoutMs: Int? = nil) -> Bool {
        let deadline = timeoutMs.map { monotonicMs() + max(0, $0) }
        if WorkerPool.isWorkerThread {
            return WorkerPool.shared.help(deadlineMs: deadline) { self.lock.withLock { self.doneForCallerLocked() } }
        }
        return lock.withLock {
            while !doneForCallerLocked() {
                if let deadline {
                    if monotonicMs() >= deadline { return false }
                    lock.wait(untilMs: deadline)
                } else {
                    lock.wait()
                }
            }
            return true
        }
    }

    private func doneForCallerLocked() -> Bool {
        guard finished else { return false }
        guard handlerRunning, let thread = handlerThread else { return true }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Asks the operation to stop. It finishes soon after with ``ErrorCode/cancelled`` (and
    /// what it had so far), on a worker thread, unless it finished already; then nothing
    /// changes. A transcript the server already created is not deleted.
    public func cancel() {
        token.cancel()
    }

    /// Makes sure the completion handler will not run, and is not running when this returns
    /// (it waits for a handler running on another thread; on the handler's own thread it
    /// returns at once).
    public func detachCompletionHandler() {
        lock.withLock {
            handlerDetached = true
            handler = nil
            while handlerRunning, let thread = handlerThread, pthread_equal(thread, pthread_self()) == 0 {
                lock.wait()
            }
        }
    }

    /// Registers what a cancelled operation finishes with: `make` runs on a worker thread as
    /// soon as the token is cancelled, unless the operation finished first.
    func onCancel(_ make: @escaping @Sendable () -> Void) {
        let id = token.onCancel {
            let job = WorkerPool.Job(token: nil, body: make)
            if !WorkerPool.shared.submit(job, urgent: true) { make() }
        }
        lock.withLock { cancelHandlerID = id }
    }

    /// Records the outcome (first call wins; later ones return false) and runs the completion
    /// handler on this thread. `store` saves the typed value under the lock.
    func finishBase(failure: AssemblyAIError?, store: () -> Void) -> Bool {
        let (accepted, run, cancelID): (Bool, (@Sendable (FutureBase) -> Void)?, Int?) = lock.withLock {
            guard !finished else { return (false, nil, nil) }
            finished = true
            failureStorage = failure
            store()
            let run = handlerDetached || WorkerPool.shared.isStopping ? nil : handler
            handler = nil
            if run != nil {
                handlerRunning = true
                handlerThread = pthread_self()
            }
            lock.broadcast()
            return (true, run, cancelHandlerID)
        }
        guard accepted else { return false }
        token.removeHandler(cancelID)
        WorkerPool.shared.wakeHelpers()
        if let run {
            CancellationToken.withoutCurrent { run(self) }
            lock.withLock {
                handlerRunning = false
                handlerThread = nil
                lock.broadcast()
            }
            WorkerPool.shared.wakeHelpers()
        }
        return true
    }
}

/// The result of an operation started by a non-blocking call, such as
/// ``Transcriber/transcribeAsync(_:config:onComplete:)``. Wait for it, cancel it, or pass a
/// completion handler when starting it.
public final class Future<Value: Sendable>: FutureBase, @unchecked Sendable {  // guarded by `lock`
    private var valueStorage: Value?

    /// Creates a future whose operation the caller drives: it ends with ``finish(_:failure:)``.
    init(onComplete: (@Sendable (Future<Value>) -> Void)? = nil) {
        if let onComplete {
            super.init(handler: { base in
                // The handler is only ever called with the future it was given to.
                if let future = base as? Future<Value> { onComplete(future) }
            })
        } else {
            super.init(handler: nil)
        }
    }

    /// The value, once finished: the result on success; on a failure, what the operation
    /// hands back with it (a transcript as last seen, a group as far as it got), if anything.
    public var value: Value? { lock.withLock { valueStorage } }

    /// The outcome, nil while the operation runs.
    public var result: Result<Value, AssemblyAIError>? { outcome() }

    private func outcome() -> Result<Value, AssemblyAIError>? {
        let (done, value, failure) = lock.withLock { (isFinishedLocked, valueStorage, failureLocked) }
        guard done else { return nil }
        if let failure { return .failure(failure) }
        guard let value else { return .failure(AssemblyAIError(.internal, "a finished operation has no value")) }
        return .success(value)
    }

    /// Waits without limit, then returns the value or throws the failure.
    public func get() throws(AssemblyAIError) -> Value {
        wait()
        switch outcome() {
        case .success(let value): return value
        case .failure(let error): throw error
        case nil: throw AssemblyAIError(.internal, "wait returned before the operation finished")
        }
    }

    /// Ends the operation (the first call wins) and runs its completion handler on this thread,
    /// which must be a worker thread of the pool.
    @discardableResult
    func finish(_ value: Value?, failure: AssemblyAIError?) -> Bool {
        finishBase(failure: failure) { valueStorage = value }
    }
}
