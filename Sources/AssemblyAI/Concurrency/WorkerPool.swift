import CCurl
import Glibc
import Synchronization

/// The library's worker threads: a fixed set of ``WorkerPool/threadCount`` pthreads, one pool for
/// the whole process (every client and transcriber shares it), started by the first
/// non-blocking call and stopped when the process exits.
///
/// A job is one short step of an operation: an HTTP request (or an upload), or a completion
/// handler. Waiting between polls holds no thread: the next poll is a timer that a worker
/// picks up when it is due. So the number of operations in flight is not bounded by the number
/// of threads; only requests that run at the same moment are.
///
/// Worker threads block every asynchronous signal (SIGINT, SIGTERM, SIGCHLD, ...) so that the
/// host application's signal handling keeps going to its own threads.
///
/// At exit (an `atexit` handler registered when the pool starts) the pool stops taking jobs,
/// drops queued ones and timers, cancels the jobs that are running and waits up to 2 seconds
/// for them to return. No completion handler starts after that point.
final class WorkerPool: @unchecked Sendable {  // state guarded by `lock`
    /// How many worker threads the pool runs.
    static let threadCount = 4

    static let shared = WorkerPool(threads: threadCount)

    /// One step of an operation, run with `token` as the thread's current cancellation token.
    struct Job: Sendable {
        let token: CancellationToken?
        let body: @Sendable () -> Void
    }

    private let lock = ConditionLock()
    private let threadTarget: Int
    private var queue: [Job] = []
    private var queueHead = 0
    private var urgent: [Job] = []
    /// Timers sorted by due time (then by insertion order).
    private var timers: [(due: Int, seq: Int, job: Job)] = []
    private var timerSeq = 0
    private var alive = 0
    private var started = false
    private var stopping = false
    /// `stopping`, readable without the lock (futures read it while holding their own lock).
    private let stoppingFlag = Atomic<Bool>(false)
    /// Threads inside ``help(deadlineMs:until:)``: completions wake them.
    private var helpers = 0
    /// Tokens of the jobs running now, cancelled at exit.
    private var runningTokens: [Int: CancellationToken] = [:]
    private var runningSeq = 0

    private static let workerKey = ThreadLocalReference<WorkerPool>()

    private init(threads: Int) { threadTarget = threads }

    /// Whether the calling thread is one of the pool's workers.
    static var isWorkerThread: Bool { workerKey.value != nil }

    /// Whether the process is exiting (no job starts and no completion handler runs any more).
    var isStopping: Bool { stoppingFlag.load(ordering: .acquiring) }

    // MARK: Submitting work

    /// Queues a job; `urgent` jobs (finishing a cancelled operation) go before the others.
    /// Returns false when the pool is stopping (the process is exiting): the job will never run.
    @discardableResult
    func submit(_ job: Job, urgent isUrgent: Bool = false) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            startIfNeeded()
            if isUrgent { urgent.append(job) } else { queue.append(job) }
            lock.broadcast()
            return true
        }
    }

    /// Queues a job to run `delayMs` from now. Returns false when the pool is stopping.
    @discardableResult
    func schedule(afterMs delayMs: Int, _ job: Job) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            startIfNeeded()
            timerSeq += 1
            let entry = (due: monotonicMs() + max(0, delayMs), seq: timerSeq, job: job)
            var low = 0, high = timers.count
            while low < high {
                let mid = (low + high) / 2
                if timers[mid].due <= entry.due { low = mid + 1 } else { high = mid }
            }
            timers.insert(entry, at: low)
            lock.broadcast()
            return true
        }
    }

    // MARK: Waiting on a worker thread

    /// Blocks a worker thread until `until()` holds or the deadline passes, running queued jobs
    /// meanwhile, so that a completion handler that waits for another operation cannot starve
    /// the pool. Returns `until()`. `until` must not take the pool's lock.
    func help(deadlineMs: Int?, until: () -> Bool) -> Bool {
        lock.lock()
        helpers += 1
        defer {
            helpers -= 1
            lock.unlock()
        }
        while true {
            if until() { return true }
            let now = monotonicMs()
            if let deadlineMs, now >= deadlineMs { return false }
            if let job = nextJobLocked(now: now) {
                runUnlocked(job)
                continue
            }
            var wakeAt = deadlineMs
            if let due = timers.first?.due { wakeAt = min(wakeAt ?? due, due) }
            if let wakeAt { lock.wait(untilMs: wakeAt) } else { lock.wait() }
        }
    }

    /// Wakes threads blocked in ``help(deadlineMs:until:)`` after an operation's state changed.
    func wakeHelpers() {
        lock.withLock { if helpers > 0 { lock.broadcast() } }
    }

    // MARK: Threads

    private func startIfNeeded() {  // lock held
        guard !started else { return }
        started = true
        if !WorkerPool.hooksInstalled {
            WorkerPool.hooksInstalled = true
            atexit { WorkerPool.shared.shutdown() }
            // A child made by fork() has none of the parent's threads: it starts its own on
            // first use. The lock is held across fork() so the child gets it in a known state.
            pthread_atfork({ WorkerPool.shared.lock.lock() },
                           { WorkerPool.shared.lock.unlock() },
                           { WorkerPool.shared.resetInChild() })
        }
        // The workers inherit this signal mask: block every signal that is not a fault.
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        for fault in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS] { sigdelset(&all, fault) }
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        for _ in 0..<threadTarget {
            var thread = pthread_t()
            let arg = Unmanaged.passRetained(self).toOpaque()
            let rc = pthread_create(&thread, nil, { arg in
                guard let arg else { return nil }
                aai_thread_set_name("aai-worker")
                Unmanaged<WorkerPool>.fromOpaque(arg).takeRetainedValue().workerMain()
                return nil
            }, arg)
            if rc == 0 {
                pthread_detach(thread)
                alive += 1
            } else {
                Unmanaged<WorkerPool>.fromOpaque(arg).release()
            }
        }
    }

    private func workerMain() {
        WorkerPool.workerKey.set(self)
        lock.lock()
        while true {
            if let job = nextJobLocked(now: monotonicMs()) {
                runUnlocked(job)
                continue
            }
            if stopping { break }
            if let due = timers.first?.due { lock.wait(untilMs: due) } else { lock.wait() }
        }
        alive -= 1
        lock.broadcast()
        lock.unlock()
    }

    /// The next job to run: urgent ones, then timers that are due, then the queue.
    private func nextJobLocked(now: Int) -> Job? {  // lock held
        guard !stopping else { return nil }
        if !urgent.isEmpty { return urgent.removeFirst() }
        if let first = timers.first, first.due <= now {
            timers.removeFirst()
            return first.job
        }
        guard queueHead < queue.count else { return nil }
        let job = queue[queueHead]
        queueHead += 1
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return job
    }

    /// Runs a job with the lock released, its token current and registered for exit.
    private func runUnlocked(_ job: Job) {  // lock held on entry and on return
        runningSeq += 1
        let slot = runningSeq
        if let token = job.token { runningTokens[slot] = token }
        lock.unlock()
        if let token = job.token { token.run { job.body() } } else { job.body() }
        lock.lock()
        runningTokens[slot] = nil
    }

    nonisolated(unsafe) private static var hooksInstalled = false  // written under `lock`

    /// In the child of fork(): the parent's workers do not exist here. Queued work belonged to
    /// the parent's operations and is dropped; the next job starts new workers.
    private func resetInChild() {  // lock held (taken before fork); left unlocked
        queue.removeAll()
        queueHead = 0
        urgent.removeAll()
        timers.removeAll()
        runningTokens.removeAll()
        helpers = 0
        alive = 0
        started = false
        lock.reinitializeInChild()
    }

    /// Stops the pool at process exit (see the type's comment).
    func shutdown() {
        // The dropped jobs are released after the lock: releasing one may run deinitialisers.
        let (tokens, dropped): ([CancellationToken], [Job]) = lock.withLock {
            guard started, !stopping else { return ([], []) }
            stopping = true
            stoppingFlag.store(true, ordering: .releasing)
            let dropped = Array(queue[queueHead...]) + urgent + timers.map(\.job)
            queue.removeAll()
            queueHead = 0
            urgent.removeAll()
            timers.removeAll()
            lock.broadcast()
            return (Array(runningTokens.values), dropped)
        }
        withExtendedLifetime(dropped) {}
        for token in tokens { token.cancel() }
        let me = WorkerPool.isWorkerThread ? 1 : 0
        let deadline = monotonicMs() + 2000
        lock.withLock {
            while alive > me && monotonicMs() < deadline { lock.wait(untilMs: deadline) }
        }
    }
}
