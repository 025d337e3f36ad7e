import AssemblyAI
import Synchronization

/// Every handle given to C is a token, never a pointer into Swift memory: tokens are looked up in
/// this table, so NULL, freed and foreign handles are detected instead of dereferenced. Tokens are
/// never reused (a 64-bit counter), so a stale handle cannot alias a newer object.
final class HandleTable: Sendable {
    static let shared = HandleTable()
    private let state = Mutex<(next: UInt, objects: [UInt: any AnyObject & Sendable])>((0x1000, [:]))

    /// Registers an object and returns its token as the opaque C pointer.
    func insert(_ object: any AnyObject & Sendable) -> OpaquePointer {
        let token = state.withLock { s -> UInt in
            s.next += 0x10  // aligned like a real pointer, for tools that look at handles
            s.objects[s.next] = object
            return s.next
        }
        return OpaquePointer(bitPattern: token)!
    }

    /// The object behind a token if it is alive and of the expected type.
    func get<T: AnyObject & Sendable>(_ handle: OpaquePointer?, as type: T.Type) -> T? {
        guard let handle else { return nil }
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        return state.withLock { $0.objects[key] } as? T
    }

    /// Removes a token if it names an object of the expected type; a call running on another thread
    /// keeps its own reference, so the object lives until that call returns.
    @discardableResult
    func remove<T: AnyObject & Sendable>(_ handle: OpaquePointer?, as type: T.Type) -> T? {
        guard let handle else { return nil }
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        return state.withLock { s -> T? in
            guard let object = s.objects[key] as? T else { return nil }
            s.objects[key] = nil
            return object
        }
    }
}

/// Looks up a handle or throws the ABI's invalid-argument error naming what was wrong.
func resolve<T: AnyObject & Sendable>(_ handle: OpaquePointer?, _ type: T.Type, _ what: String) throws(AssemblyAIError) -> T {
    guard handle != nil else { throw AssemblyAIError(.invalidArgument, "\(what) is NULL") }
    guard let object = HandleTable.shared.get(handle, as: type) else {
        throw AssemblyAIError(.invalidArgument, "\(what) is not a live \(what) handle (freed, or of another type)")
    }
    return object
}

/// `resolve` for getters, which have no status to return: nil, with the error recorded.
func resolveInGetter<T: AnyObject & Sendable>(_ handle: OpaquePointer?, _ type: T.Type, _ what: String) -> T? {
    do { return try resolve(handle, type, what) } catch {
        recordGetterError(error)
        return nil
    }
}

/// A C string argument as a Swift string, or an invalid-argument error naming it.
func string(_ pointer: UnsafePointer<CChar>?, _ what: String) throws(AssemblyAIError) -> String {
    guard let pointer else { throw AssemblyAIError(.invalidArgument, "\(what) is NULL") }
    guard let value = String(validatingCString: pointer) else {
        throw AssemblyAIError(.invalidArgument, "\(what) is not valid UTF-8")
    }
    return value
}

/// A C string argument that may be NULL (meaning "unset").
func optionalString(_ pointer: UnsafePointer<CChar>?, _ what: String) throws(AssemblyAIError) -> String? {
    guard let pointer else { return nil }
    return try string(pointer, what)
}

/// Checks an out-parameter pointer.
func out<T>(_ pointer: UnsafeMutablePointer<T>?, _ what: String) throws(AssemblyAIError) -> UnsafeMutablePointer<T> {
    guard let pointer else { throw AssemblyAIError(.invalidArgument, "\(what) (out-parameter) is NULL") }
    return pointer
}

/// An integer argument that must be > 0, or an invalid-argument error naming it.
func positive<T: BinaryInteger>(_ value: T, _ what: String) throws(AssemblyAIError) -> T {
    guard value > 0 else { throw AssemblyAIError(.invalidArgument, "\(what) must be > 0, got \(value)") }
    return value
}

/// An integer argument that must be >= 0, or an invalid-argument error naming it.
func nonNegative<T: BinaryInteger>(_ value: T, _ what: String) throws(AssemblyAIError) -> T {
    guard value >= 0 else { throw AssemblyAIError(.invalidArgument, "\(what) must be >= 0, got \(value)") }
    return value
}
