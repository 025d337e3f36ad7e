import Glibc

/// A pthread mutex with a condition variable on the monotonic clock: what the worker pool,
/// futures and cancellation tokens wait on. (`Synchronization.Mutex` has no condition variable.)
final class ConditionLock: @unchecked Sendable {  // the pthread objects are the synchronisation
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() { initialize() }

    private func initialize() {
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    /// In the child of fork(): the parent's threads that waited here do not exist, but the
    /// condition variable still counts them (a broadcast would then wake nobody). Starts
    /// afresh, unlocked.
    func reinitializeInChild() { initialize() }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits for a broadcast; the lock must be held.
    func wait() { pthread_cond_wait(cond, mutex) }

    /// Waits for a broadcast or until `deadlineMs` on the monotonic clock (see `monotonicMs()`);
    /// the lock must be held. Returns false when the deadline passed.
    @discardableResult
    func wait(untilMs deadlineMs: Int) -> Bool {
        var ts = timespec(tv_sec: deadlineMs / 1000, tv_nsec: (deadlineMs % 1000) * 1_000_000)
        return pthread_cond_timedwait(cond, mutex, &ts) != ETIMEDOUT
    }

    func broadcast() { pthread_cond_broadcast(cond) }
}

/// A value stored per thread under a pthread key, unretained: whoever sets it keeps the object
/// alive for as long as it is set (the scopes below restore the previous value on exit).
struct ThreadLocalReference<T: AnyObject>: @unchecked Sendable {  // the key is immutable after creation
    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
    }

    var value: T? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<T>.fromOpaque(pointer).takeUnretainedValue()
    }

    func set(_ object: T?) {
        pthread_setspecific(key, object.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) })
    }
}

/// A value set once and awaited by any number of threads. The C layer uses it to hand a
/// future's handle to the future's completion handler, which may start before the call that
/// created the future has returned the handle.
public final class Latch<Value: Sendable>: @unchecked Sendable {  // guarded by `lock`
    private let lock = ConditionLock()
    private var value: Value?

    public init() {}

    /// Sets the value (the first call wins) and wakes every waiter.
    public func set(_ newValue: Value) {
        lock.withLock {
            if value == nil { value = newValue }
            lock.broadcast()
        }
    }

    /// Waits until the value is set, then returns it.
    public func wait() -> Value {
        lock.withLock {
            while true {
                if let value { return value }
                lock.wait()
            }
        }
    }
}
