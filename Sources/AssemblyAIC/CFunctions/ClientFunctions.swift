import AssemblyAI
import CAssemblyAI

@_cdecl("aai_client_new")
public func aai_client_new_impl(_ outClient: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outClient, "out")
        target.pointee = nil
        target.pointee = HandleTable.shared.insert(Client(settings: try Settings.fromEnvironment()))
    }
}

@_cdecl("aai_client_free")
public func aai_client_free_impl(_ client: OpaquePointer?) {
    HandleTable.shared.remove(client, as: Client.self)
}

/// Applies one settings change to a live client.
private func update(_ client: OpaquePointer?, _ change: (inout Settings) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try resolve(client, Client.self, "client").updateSettings(change)
    }
}

@_cdecl("aai_client_set_api_key")
public func aai_client_set_api_key_impl(_ client: OpaquePointer?, _ key: UnsafePointer<CChar>?) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in
        let key = try string(key, "api_key")
        guard !key.isEmpty else { throw AssemblyAIError(.invalidArgument, "api_key is empty") }
        s.apiKey = key
    }
}

@_cdecl("aai_client_set_base_url")
public func aai_client_set_base_url_impl(_ client: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in
        s.baseURL = try Settings.validatedBaseURL(try string(url, "base_url"))
    }
}

@_cdecl("aai_client_set_http_timeout_ms")
public func aai_client_set_http_timeout_ms_impl(_ client: OpaquePointer?, _ ms: Int) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in s.httpTimeoutMs = try positive(ms, "http_timeout_ms") }
}

@_cdecl("aai_client_set_polling_interval_ms")
public func aai_client_set_polling_interval_ms_impl(_ client: OpaquePointer?, _ ms: Int) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in s.pollingIntervalMs = try positive(ms, "polling_interval_ms") }
}

@_cdecl("aai_client_set_polling_timeout_ms")
public func aai_client_set_polling_timeout_ms_impl(_ client: OpaquePointer?, _ ms: Int) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in s.pollingTimeoutMs = try nonNegative(ms, "polling_timeout_ms") }
}

@_cdecl("aai_client_set_max_retries")
public func aai_client_set_max_retries_impl(_ client: OpaquePointer?, _ n: Int32) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in
        guard n >= 0, n <= 100 else { throw AssemblyAIError(.invalidArgument, "max_retries must be 0..100, got \(n)") }
        s.maxRetries = Int(n)
    }
}

@_cdecl("aai_client_set_user_agent_suffix")
public func aai_client_set_user_agent_suffix_impl(_ client: OpaquePointer?, _ suffix: UnsafePointer<CChar>?) -> aai_status {
    update(client) { (s: inout Settings) throws(AssemblyAIError) in
        let value = try optionalString(suffix, "suffix")
        guard value?.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) ?? true else {
            throw AssemblyAIError(.invalidArgument, "suffix must not contain control characters")
        }
        s.userAgentSuffix = value
    }
}
