import AssemblyAI
import CAssemblyAI
import Glibc

/// The details of the last failure on one thread. Strings are malloc'ed and kept until the next
/// failure on the same thread replaces them, which is the lifetime the header promises.
final class ErrorSlot {
    var status: aai_status = AAI_OK
    var message: UnsafeMutablePointer<CChar> = strdup("")
    var serverText: UnsafeMutablePointer<CChar>? = nil
    var httpStatus: Int32 = 0
    var retryable: Int32 = 0
    /// The Sync and Dictation APIs' error code and Retry-After (seconds, -1: none).
    var apiCode: UnsafeMutablePointer<CChar>? = nil
    var retryAfter: Int = -1

    func set(_ error: AssemblyAIError) {
        status = aai_status(rawValue: UInt32(bitPattern: error.code.rawValue))
        free(message)
        message = strdup(error.message) ?? strdup("")
        free(serverText)
        serverText = error.serverText.flatMap { strdup($0) }
        httpStatus = Int32(error.httpStatus ?? 0)
        retryable = error.isRetryable ? 1 : 0
        free(apiCode)
        apiCode = error.apiErrorCode.flatMap { strdup($0) }
        retryAfter = error.retryAfterSeconds ?? -1
    }

    deinit {
        free(message)
        free(serverText)
        free(apiCode)
    }
}

/// One slot per thread through a pthread key; the key's destructor releases the slot when the
/// thread exits.
private let errorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
        if let pointer { Unmanaged<ErrorSlot>.fromOpaque(pointer).release() }
    }
    return key
}()

func currentErrorSlot() -> ErrorSlot {
    if let pointer = pthread_getspecific(errorKey) {
        return Unmanaged<ErrorSlot>.fromOpaque(pointer).takeUnretainedValue()
    }
    let slot = ErrorSlot()
    pthread_setspecific(errorKey, Unmanaged.passRetained(slot).toOpaque())
    return slot
}

/// Runs the body of an exported function: success is AAI_OK, a thrown error is recorded for this
/// thread and returned as its status.
func abiCall(_ body: () throws(AssemblyAIError) -> Void) -> aai_status {
    do {
        try body()
        return AAI_OK
    } catch {
        currentErrorSlot().set(error)
        return aai_status(rawValue: UInt32(bitPattern: error.code.rawValue))
    }
}

/// Records an error from a getter that has no status to return (it returns a fallback value).
func recordGetterError(_ error: AssemblyAIError) {
    currentErrorSlot().set(error)
}
