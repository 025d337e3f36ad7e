import AssemblyAI
import CAssemblyAI
import Glibc

// Static strings for the C side: created once, never freed.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar> = strdup(LibraryVersion.string)!

@_cdecl("aai_version")
public func aai_version_impl() -> UnsafePointer<CChar>? { UnsafePointer(versionCString) }

@_cdecl("aai_version_number")
public func aai_version_number_impl() -> Int32 { Int32(LibraryVersion.number) }

@_cdecl("aai_status_name")
public func aai_status_name_impl(_ status: aai_status) -> UnsafePointer<CChar>? {
    let name = statusName(status.rawValue)
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("aai_last_error_status")
public func aai_last_error_status_impl() -> aai_status { currentErrorSlot().status }

@_cdecl("aai_last_error_message")
public func aai_last_error_message_impl() -> UnsafePointer<CChar>? { UnsafePointer(currentErrorSlot().message) }

@_cdecl("aai_last_error_http_status")
public func aai_last_error_http_status_impl() -> Int32 { currentErrorSlot().httpStatus }

@_cdecl("aai_last_error_server_text")
public func aai_last_error_server_text_impl() -> UnsafePointer<CChar>? {
    currentErrorSlot().serverText.map { UnsafePointer($0) }
}

@_cdecl("aai_last_error_retryable")
public func aai_last_error_retryable_impl() -> Int32 { currentErrorSlot().retryable }

@_cdecl("aai_string_free")
public func aai_string_free_impl(_ string: UnsafeMutablePointer<CChar>?) { free(string) }

/// A Swift string as a C string owned by the caller (released with aai_string_free).
func ownedCString(_ s: String) throws(AssemblyAIError) -> UnsafeMutablePointer<CChar> {
    guard let p = strdup(s) else { throw AssemblyAIError(.noMemory, "out of memory copying a string") }
    return p
}
