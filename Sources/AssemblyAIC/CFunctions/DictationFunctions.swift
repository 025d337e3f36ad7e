// The "Dictation API" section of assemblyai.h. Dictation shares the Sync API's types and calls
// (SyncFunctions.swift); only its host, timeout, transcriber and LLM fields are its own.

import AssemblyAI
import CAssemblyAI

@_cdecl("aai_client_set_dictation_base_url")
public func aai_client_set_dictation_base_url_impl(_ client: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    updateSettings(client) { (s: inout Settings) throws(AssemblyAIError) in
        s.dictationBaseURL = try Settings.validatedBaseURL(try string(url, "base_url"))
    }
}

@_cdecl("aai_client_set_dictation_timeout_ms")
public func aai_client_set_dictation_timeout_ms_impl(_ client: OpaquePointer?, _ ms: Int) -> aai_status {
    updateSettings(client) { (s: inout Settings) throws(AssemblyAIError) in s.dictationHttpTimeoutMs = try positive(ms, "timeout_ms") }
}

@_cdecl("aai_dictation_transcriber_new")
public func aai_dictation_transcriber_new_impl(_ client: OpaquePointer?, _ outT: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    newAudioRequestTranscriber(.dictation, client, outT)
}

@_cdecl("aai_dictation_result_final_text")
public func aai_dictation_result_final_text_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    resultBox(r)?.finalText.map { UnsafePointer($0) }
}

@_cdecl("aai_dictation_result_llm_response")
public func aai_dictation_result_llm_response_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    resultBox(r)?.llmResponse.map { UnsafePointer($0) }
}

@_cdecl("aai_dictation_result_llm_error")
public func aai_dictation_result_llm_error_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    resultBox(r)?.llmError.map { UnsafePointer($0) }
}
