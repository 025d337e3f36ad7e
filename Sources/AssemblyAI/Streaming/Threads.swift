// Threads, a lock with condition variables, and a wake-up file descriptor, on pthreads and
// a self-pipe. FoundationEssentials has no Thread and no NSCondition; streaming sessions need
// real threads (an I/O thread that owns the connection, a callback thread) whose lifetime the
// C ABI controls exactly (joined on free).

import CCurl
import Glibc

/// A pthread mutex with condition variables on the monotonic clock.
final class Monitor: @unchecked Sendable {  // all access goes through the pthread mutex
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(&cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }

    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Wakes every waiter. Call with the lock held, or just after changing (under the lock)
    /// what the waiters check: a waiter woken while the lock is still held only blocks on it again.
    func broadcast() { pthread_cond_broadcast(&cond) }

    /// Wakes one waiter (see broadcast()).
    func signal() { pthread_cond_signal(&cond) }

    /// Waits (lock held) until woken or until `deadlineMs` on the monotonic clock (nil: no
    /// deadline). Returns false when the deadline passed.
    @discardableResult
    func wait(untilMs deadlineMs: Int?) -> Bool {
        guard let deadlineMs else {
            pthread_cond_wait(&cond, &mutex)
            return true
        }
        let now = monotonicMs()
        if now >= deadlineMs { return false }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let add = deadlineMs - now
        ts.tv_sec += add / 1000
        ts.tv_nsec += (add % 1000) * 1_000_000
        if ts.tv_nsec >= 1_000_000_000 { ts.tv_sec += 1; ts.tv_nsec -= 1_000_000_000 }
        return pthread_cond_timedwait(&cond, &mutex, &ts) != ETIMEDOUT || monotonicMs() < deadlineMs
    }
}

/// A joinable pthread running a closure.
final class NativeThread: @unchecked Sendable {  // fields set once before the thread starts
    private(set) var handle = pthread_t()
    private let body: () -> Void

    private let name: String

    private init(name: String, body: @escaping () -> Void) {
        self.name = name
        self.body = body
    }

    /// Starts a thread named `name` (at most 15 bytes: what top -H, ps and gdb show); nil if
    /// the system refused one.
    static func start(name: String, _ body: @escaping () -> Void) -> NativeThread? {
        let thread = NativeThread(name: name, body: body)
        let context = Unmanaged.passRetained(thread).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 512 * 1024)
        let rc = pthread_create(&thread.handle, &attr, { raw in
            let t = Unmanaged<NativeThread>.fromOpaque(raw!).takeRetainedValue()
            aai_thread_set_name(t.name)
            t.body()
            return nil
        }, context)
        pthread_attr_destroy(&attr)
        guard rc == 0 else {
            Unmanaged<NativeThread>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    var isCurrent: Bool { pthread_equal(pthread_self(), handle) != 0 }

    func join() { pthread_join(handle, nil) }
    func detach() { pthread_detach(handle) }
}

/// A self-pipe another thread writes to wake a poll() loop.
final class WakeUpFD: @unchecked Sendable {  // file descriptors; pipe reads and writes are atomic
    let fd: Int32
    private let writeFD: Int32

    init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for f in fds {
            _ = fcntl(f, F_SETFL, fcntl(f, F_GETFL) | O_NONBLOCK)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
        fd = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(fd)
        close(writeFD)
    }

    func signal() {
        var one: UInt8 = 1
        _ = write(writeFD, &one, 1)  // a full pipe already wakes the reader
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(fd, &buffer, 256) > 0 {}
    }
}
