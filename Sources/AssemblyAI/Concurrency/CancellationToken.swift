/// Asks a running operation to stop. The operation checks it between its steps, sleeps on it
/// (a cancelled token ends a polling or retry sleep at once) and has libcurl abort a transfer
/// in flight (the transfer's progress callback looks at it, at least once a second). A stopped
/// operation fails with ``ErrorCode/cancelled``.
///
/// An operation sees the token that is *current* on its thread: run blocking calls inside
/// ``run(_:)`` to make them cancellable from another thread:
///
/// ```swift
/// let token = CancellationToken()
/// // on another thread, later: token.cancel()
/// let transcript = try token.run { () throws(AssemblyAIError) in try transcriber.wait(id: id) }
/// ```
///
/// Operations started through the non-blocking calls (``Future``) each carry their own token.
public final class CancellationToken: @unchecked Sendable {  // state guarded by `lock`
    private let lock = ConditionLock()
    private var cancelled = false
    private var handlers: [Int: @Sendable () -> Void] = [:]
    private var nextHandler = 0

    public init() {}

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Cancels: wakes every sleep on the token and runs the handlers registered with
    /// ``onCancel(_:)`` once, on this thread. Calling it again does nothing.
    public func cancel() {
        let run: [@Sendable () -> Void] = lock.withLock {
            guard !cancelled else { return [] }
            cancelled = true
            lock.broadcast()
            defer { handlers = [:] }
            return handlers.sorted { $0.key < $1.key }.map(\.value)
        }
        for handler in run { handler() }
    }

    /// Runs `handler` when the token is cancelled (at once, on this thread, if it already is).
    /// Returns an id for ``removeHandler(_:)``, or nil when the handler already ran.
    @discardableResult
    public func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id: Int? = lock.withLock {
            guard !cancelled else { return nil }
            nextHandler += 1
            handlers[nextHandler] = handler
            return nextHandler
        }
        if id == nil { handler() }
        return id
    }

    /// Forgets a handler that is no longer needed (its operation finished).
    public func removeHandler(_ id: Int?) {
        guard let id else { return }
        lock.withLock { _ = handlers.removeValue(forKey: id) }
    }

    /// Sleeps for up to `milliseconds`; returns false at once when the token is or becomes
    /// cancelled, true when the time passed.
    @discardableResult
    public func sleep(milliseconds: Int) -> Bool {
        let deadline = monotonicMs() + max(0, milliseconds)
        return lock.withLock {
            while !cancelled {
                if monotonicMs() >= deadline { return true }
                lock.wait(untilMs: deadline)
            }
            return false
        }
    }

    /// Throws ``ErrorCode/cancelled`` when the token is cancelled.
    public func check(_ what: @autoclosure () -> String = "the operation") throws(AssemblyAIError) {
        if isCancelled { throw AssemblyAIError(.cancelled, "\(what()) was cancelled") }
    }

    // MARK: The current token of a thread

    private static let currentKey = ThreadLocalReference<CancellationToken>()

    /// The token the operation running on this thread obeys, if any.
    public static var current: CancellationToken? { currentKey.value }

    /// Runs `body` with this token current on the calling thread (restoring the previous one
    /// afterwards), so the requests, polling and retry sleeps inside it obey the token.
    public func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let previous = CancellationToken.current
        CancellationToken.currentKey.set(self)
        defer { CancellationToken.currentKey.set(previous) }
        return try body()
    }

    /// Runs `body` with no current token (a completion handler must not inherit the token of
    /// the operation that just finished, which may be cancelled).
    static func withoutCurrent<T>(_ body: () -> T) -> T {
        let previous = CancellationToken.current
        CancellationToken.currentKey.set(nil)
        defer { CancellationToken.currentKey.set(previous) }
        return body()
    }

    /// Throws ``ErrorCode/cancelled`` when this thread's current token is cancelled.
    static func checkCurrent(_ what: @autoclosure () -> String = "the operation") throws(AssemblyAIError) {
        try current?.check(what())
    }
}
