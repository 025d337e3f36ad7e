import AssemblyAI
import CAssemblyAI

// Universal Streaming v3 connection parameters by name, typed and checked against the official
// SDK 1.8.2's StreamingParameters (StreamingParameters.swift in the core).

@_cdecl("aai_streaming_set_bool_param")
public func aai_streaming_set_bool_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        guard value == 0 || value == 1 else { throw AssemblyAIError(.invalidArgument, "value must be 1 or 0, got \(value)") }
        try o.setTypedBool(try string(name, "name"), value == 1)
    }
}

@_cdecl("aai_streaming_set_int_param")
public func aai_streaming_set_int_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Int64) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setTypedInt(try string(name, "name"), value) }
}

@_cdecl("aai_streaming_set_double_param")
public func aai_streaming_set_double_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Double) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setTypedDouble(try string(name, "name"), value) }
}

@_cdecl("aai_streaming_set_string_param")
public func aai_streaming_set_string_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        let n = try string(name, "name")
        try o.setTypedString(n, try optionalString(value, n))
    }
}

@_cdecl("aai_streaming_set_strings_param")
public func aai_streaming_set_strings_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                                 _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        let n = try string(name, "name")
        try o.setTypedStrings(n, try strings(values, count, n))
    }
}

@_cdecl("aai_streaming_set_json_param")
public func aai_streaming_set_json_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ json: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        let n = try string(name, "name")
        try o.setTypedJSON(n, try optionalString(json, n))
    }
}
