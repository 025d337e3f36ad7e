// Only in ThreadSanitizer builds (scripts/sanitize thread passes -DAAI_TSAN_PTHREAD_MUTEX): a
// pthread-backed stand-in for Synchronization.Mutex, with the same API as the library uses it.
// Declared in this module, it shadows the imported Mutex, so no other file changes; it is
// `package` so that AssemblyAIC uses it too (Sources/AssemblyAIC/ThreadSanitizerMutex.swift).
//
// Why: on Linux, Synchronization.Mutex waits with futex(FUTEX_LOCK_PI), where the kernel hands
// the lock over, and the standard library is not built with TSan, so ThreadSanitizer never sees
// the lock being taken and reports every contended critical section as a data race. pthread
// mutexes are intercepted by TSan, so with this stand-in its reports are real ones.
#if AAI_TSAN_PTHREAD_MUTEX
import Glibc

package final class Mutex<Value>: @unchecked Sendable {  // every access to `value` holds `mutex`
    // Both on the heap, not stored `var`s: `&storedVar` is a Swift inout (exclusive) access of
    // the object's storage, which TSan instruments apart from the pthread lock that orders it.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let value = UnsafeMutablePointer<Value>.allocate(capacity: 1)

    package init(_ initialValue: Value) {
        value.initialize(to: initialValue)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    package func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
#endif
