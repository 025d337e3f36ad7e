// Only in ThreadSanitizer builds (-DAAI_TSAN_PTHREAD_MUTEX): the core's pthread-backed Mutex
// (Sources/AssemblyAI/Support/ThreadSanitizerMutex.swift, why there) serves this module too.
// Declared here, the alias shadows Synchronization.Mutex, which a `package` type from an
// imported module does not do in type position (there the two names are ambiguous).
#if AAI_TSAN_PTHREAD_MUTEX
import AssemblyAI

typealias Mutex<Value> = AssemblyAI.Mutex<Value>
#endif
