import AssemblyAI
import CAssemblyAI
import Glibc

// Static strings for the C side: created once, never freed.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar> = strdup(LibraryVersion.string)!

@_cdecl("aai_version")
public func aai_version_impl() -> UnsafePointer<CChar>? { UnsafePointer(versionCString) }

@_cdecl("aai_version_number")
public func aai_version_number_impl() -> Int32 { Int32(LibraryVersion.number) }

private let statusNames: [UInt32: StaticString] = [
    0: "AAI_OK", 1: "AAI_ERR_INVALID_ARGUMENT", 2: "AAI_ERR_NOT_IMPLEMENTED", 3: "AAI_ERR_IO",
    4: "AAI_ERR_CONNECTION", 5: "AAI_ERR_TIMEOUT", 6: "AAI_ERR_TLS", 7: "AAI_ERR_HTTP", 8: "AAI_ERR_AUTH",
    9: "AAI_ERR_NOT_FOUND", 10: "AAI_ERR_RATE_LIMITED", 11: "AAI_ERR_SERVER", 12: "AAI_ERR_PROTOCOL",
    13: "AAI_ERR_TRANSCRIPT", 14: "AAI_ERR_CANCELLED", 15: "AAI_ERR_NO_MEMORY", 16: "AAI_ERR_STATE",
    99: "AAI_ERR_INTERNAL",
]

@_cdecl("aai_status_name")
public func aai_status_name_impl(_ status: aai_status) -> UnsafePointer<CChar>? {
    let name: StaticString = statusNames[status.rawValue] ?? "AAI_ERR_UNKNOWN"
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
