// The "Sync API" section of assemblyai.h: configs, transcribers, results and live sessions.
// The Dictation API's few own functions are in DictationFunctions.swift; they share these types.

import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

// MARK: Errors

@_cdecl("aai_last_error_api_code")
public func aai_last_error_api_code_impl() -> UnsafePointer<CChar>? { currentErrorSlot().apiCode.map { UnsafePointer($0) } }

@_cdecl("aai_last_error_retry_after")
public func aai_last_error_retry_after_impl() -> Int { currentErrorSlot().retryAfter }

// MARK: Client settings

func updateSettings(_ client: OpaquePointer?, _ change: (inout Settings) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try resolve(client, Client.self, "client").updateSettings(change)
    }
}

@_cdecl("aai_client_set_sync_base_url")
public func aai_client_set_sync_base_url_impl(_ client: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    updateSettings(client) { (s: inout Settings) throws(AssemblyAIError) in
        s.syncBaseURL = try Settings.validatedBaseURL(try string(url, "base_url"))
    }
}

@_cdecl("aai_client_set_sync_timeouts_ms")
public func aai_client_set_sync_timeouts_ms_impl(_ client: OpaquePointer?, _ http: Int, _ live: Int) -> aai_status {
    updateSettings(client) { (s: inout Settings) throws(AssemblyAIError) in
        let h = try positive(http, "http_timeout_ms"), l = try positive(live, "live_http_timeout_ms")
        s.syncHttpTimeoutMs = h
        s.syncLiveHttpTimeoutMs = l
    }
}

// MARK: Config

/// The config handle: a config behind a lock.
final class SyncConfigBox: Sendable {
    let state = Mutex(AudioRequestConfig())
    var snapshot: AudioRequestConfig { state.withLock { $0 } }
}

func syncConfigSnapshot(_ handle: OpaquePointer?) throws(AssemblyAIError) -> AudioRequestConfig {
    guard handle != nil else { return AudioRequestConfig() }
    return try resolve(handle, SyncConfigBox.self, "config").snapshot
}

private func withConfig(_ handle: OpaquePointer?, _ change: (inout AudioRequestConfig) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let box = try resolve(handle, SyncConfigBox.self, "config")
        try box.state.withLock { (c: inout AudioRequestConfig) throws(AssemblyAIError) in
            var copy = c
            try change(&copy)
            c = copy
        }
    }
}

@_cdecl("aai_sync_config_new")
public func aai_sync_config_new_impl(_ outConfig: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try out(outConfig, "out").pointee = HandleTable.shared.insert(SyncConfigBox())
    }
}

@_cdecl("aai_sync_config_free")
public func aai_sync_config_free_impl(_ c: OpaquePointer?) { HandleTable.shared.remove(c, as: SyncConfigBox.self) }

@_cdecl("aai_sync_config_set_json")
public func aai_sync_config_set_json_impl(_ c: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        let text = try string(json, "json_object")
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw AssemblyAIError(.invalidArgument, "json_object is not valid JSON: \(error)") }
        guard case .object(let object) = value else { throw AssemblyAIError(.invalidArgument, "json_object is not a JSON object") }
        for (key, v) in object { config.set(key, v) }
    }
}

@_cdecl("aai_sync_config_to_json")
public func aai_sync_config_to_json_impl(_ c: OpaquePointer?, _ dictation: Int32,
                                         _ outJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outJSON, "out")
        let config = try resolve(c, SyncConfigBox.self, "config").snapshot
        target.pointee = try ownedCString(try config.partJSON(for: dictation != 0 ? .dictation : .sync))
    }
}

@_cdecl("aai_sync_config_set_string")
public func aai_sync_config_set_string_impl(_ c: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        let name = try string(field, "field")
        config.set(name, try optionalString(value, "value").map { JSONValue.string($0) })
    }
}

@_cdecl("aai_sync_config_set_strings")
public func aai_sync_config_set_strings_impl(_ c: OpaquePointer?, _ field: UnsafePointer<CChar>?,
                                             _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        let name = try string(field, "field")
        guard count >= 0, count <= 100_000 else { throw AssemblyAIError(.invalidArgument, "count is out of range") }
        if count == 0 { config.set(name, nil); return }
        guard let values else { throw AssemblyAIError(.invalidArgument, "values is NULL") }
        var items: [JSONValue] = []
        for i in 0..<count { items.append(.string(try string(values[i], "values[\(i)]"))) }
        config.set(name, .array(items))
    }
}

@_cdecl("aai_sync_config_set_int")
public func aai_sync_config_set_int_impl(_ c: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ value: Int64) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        config.set(try string(field, "field"), value < 0 ? nil : .int(value))
    }
}

@_cdecl("aai_sync_config_set_bool")
public func aai_sync_config_set_bool_impl(_ c: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ value: Int32) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        config.set(try string(field, "field"), value < 0 ? nil : .bool(value != 0))
    }
}

@_cdecl("aai_sync_config_set_model")
public func aai_sync_config_set_model_impl(_ c: OpaquePointer?, _ model: UnsafePointer<CChar>?) -> aai_status {
    withConfig(c) { (config: inout AudioRequestConfig) throws(AssemblyAIError) in
        let m = try optionalString(model, "model")
        if let m, m.isEmpty || m.contains(where: { $0.isNewline }) { throw AssemblyAIError(.invalidArgument, "model must be a non-empty single line") }
        config.model = m
    }
}

// MARK: Results

/// A result with the C strings its borrowed getters hand out, made once.
final class SyncResultBox: @unchecked Sendable {  // immutable after init
    let result: AudioRequestResult
    let text: UnsafeMutablePointer<CChar>?
    let json: UnsafeMutablePointer<CChar>?
    let sessionID: UnsafeMutablePointer<CChar>?
    let finalText: UnsafeMutablePointer<CChar>?
    let llmResponse: UnsafeMutablePointer<CChar>?
    let llmError: UnsafeMutablePointer<CChar>?
    let wordTexts: [UnsafeMutablePointer<CChar>?]

    init(_ result: AudioRequestResult) {
        self.result = result
        text = strdup(result.text)
        json = strdup(result.json)
        sessionID = strdup(result.sessionId)
        finalText = strdup(result.finalText)
        llmResponse = result.llmResponse.flatMap { strdup($0) }
        llmError = result.llmError.flatMap { strdup($0) }
        wordTexts = result.words.map { strdup($0.text) }
    }

    deinit {
        for p in [text, json, sessionID, finalText, llmResponse, llmError] + wordTexts { free(p) }
    }
}

func handOut(_ result: AudioRequestResult, to target: UnsafeMutablePointer<OpaquePointer?>) {
    target.pointee = HandleTable.shared.insert(SyncResultBox(result))
}

@_cdecl("aai_sync_result_free")
public func aai_sync_result_free_impl(_ r: OpaquePointer?) { HandleTable.shared.remove(r, as: SyncResultBox.self) }

func resultBox(_ r: OpaquePointer?) -> SyncResultBox? { resolveInGetter(r, SyncResultBox.self, "result") }

@_cdecl("aai_sync_result_text")
public func aai_sync_result_text_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { resultBox(r)?.text.map { UnsafePointer($0) } }

@_cdecl("aai_sync_result_json")
public func aai_sync_result_json_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { resultBox(r)?.json.map { UnsafePointer($0) } }

@_cdecl("aai_sync_result_session_id")
public func aai_sync_result_session_id_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { resultBox(r)?.sessionID.map { UnsafePointer($0) } }

@_cdecl("aai_sync_result_confidence")
public func aai_sync_result_confidence_impl(_ r: OpaquePointer?) -> Double { resultBox(r)?.result.confidence ?? -1 }

@_cdecl("aai_sync_result_audio_duration_ms")
public func aai_sync_result_audio_duration_ms_impl(_ r: OpaquePointer?) -> Int64 { resultBox(r).map { Int64($0.result.audioDurationMs) } ?? -1 }

@_cdecl("aai_sync_result_request_time_ms")
public func aai_sync_result_request_time_ms_impl(_ r: OpaquePointer?) -> Double { resultBox(r)?.result.requestTimeMs ?? -1 }

@_cdecl("aai_sync_result_word_count")
public func aai_sync_result_word_count_impl(_ r: OpaquePointer?) -> Int { resultBox(r)?.result.words.count ?? 0 }

@_cdecl("aai_sync_result_word")
public func aai_sync_result_word_impl(_ r: OpaquePointer?, _ index: Int, _ outWord: UnsafeMutablePointer<aai_sync_word>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outWord, "out")
        let box = try resolve(r, SyncResultBox.self, "result")
        guard index >= 0, index < box.result.words.count else {
            throw AssemblyAIError(.invalidArgument, "index \(index) is out of range (the result has \(box.result.words.count) words)")
        }
        let w = box.result.words[index]
        target.pointee = aai_sync_word(text: box.wordTexts[index].map { UnsafePointer($0) }, start_ms: Int64(w.start ?? -1),
                                       end_ms: Int64(w.end ?? -1), confidence: w.confidence)
    }
}

// MARK: Transcribers

@_cdecl("aai_sync_transcriber_new")
public func aai_sync_transcriber_new_impl(_ client: OpaquePointer?, _ outT: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    newAudioRequestTranscriber(.sync, client, outT)
}

func newAudioRequestTranscriber(_ api: AudioRequestAPI, _ client: OpaquePointer?, _ outT: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outT, "out")
        let client = try resolve(client, Client.self, "client")
        target.pointee = HandleTable.shared.insert(AudioRequestTranscriber(api: api, client: client))
    }
}

@_cdecl("aai_sync_transcriber_free")
public func aai_sync_transcriber_free_impl(_ t: OpaquePointer?) { HandleTable.shared.remove(t, as: AudioRequestTranscriber.self) }

private func transcribe(_ t: OpaquePointer?, _ c: OpaquePointer?, _ outR: UnsafeMutablePointer<OpaquePointer?>?,
                        _ body: (AudioRequestTranscriber, AudioRequestConfig) throws(AssemblyAIError) -> AudioRequestResult) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outR, "out")
        let transcriber = try resolve(t, AudioRequestTranscriber.self, "transcriber")
        let config = try syncConfigSnapshot(c)
        handOut(try body(transcriber, config), to: target)
    }
}

private func bytes(_ data: UnsafeRawPointer?, _ size: Int) throws(AssemblyAIError) -> [UInt8] {
    guard size >= 0 else { throw AssemblyAIError(.invalidArgument, "size is out of range") }
    guard size > 0 else { throw AssemblyAIError(.invalidArgument, "the audio is empty (size 0)") }
    guard let data else { throw AssemblyAIError(.invalidArgument, "data is NULL") }
    return Array(UnsafeRawBufferPointer(start: data, count: size))
}

@_cdecl("aai_sync_transcribe_file")
public func aai_sync_transcribe_file_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ c: OpaquePointer?,
                                          _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcribe(t, c, outR) { (tr, config) throws(AssemblyAIError) in try tr.transcribe(.file(path: try string(path, "path")), config: config) }
}

@_cdecl("aai_sync_transcribe_bytes")
public func aai_sync_transcribe_bytes_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ c: OpaquePointer?,
                                           _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcribe(t, c, outR) { (tr, config) throws(AssemblyAIError) in try tr.transcribe(.bytes(try bytes(data, size)), config: config) }
}

@_cdecl("aai_sync_transcribe_pcm")
public func aai_sync_transcribe_pcm_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ rate: Int32, _ channels: Int32,
                                         _ c: OpaquePointer?, _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcribe(t, c, outR) { (tr, config) throws(AssemblyAIError) in
        try tr.transcribePCM(try bytes(data, size), sampleRate: Int(rate), channels: Int(channels), config: config)
    }
}

@_cdecl("aai_sync_transcribe_reader")
public func aai_sync_transcribe_reader_impl(_ t: OpaquePointer?, _ read: aai_read_callback?, _ userData: UnsafeMutableRawPointer?,
                                            _ filename: UnsafePointer<CChar>?, _ c: OpaquePointer?,
                                            _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcribe(t, c, outR) { (tr, config) throws(AssemblyAIError) in
        guard let read else { throw AssemblyAIError(.invalidArgument, "read callback is NULL") }
        let cb = CCallback(function: read, userData: userData)
        return try tr.transcribeLive(filename: try optionalString(filename, "filename"), config: config) { buffer in
            Int(cb.function(buffer.baseAddress, buffer.count, cb.userData))
        }
    }
}

@_cdecl("aai_sync_transcribe_fd")
public func aai_sync_transcribe_fd_impl(_ t: OpaquePointer?, _ fd: Int32, _ filename: UnsafePointer<CChar>?, _ c: OpaquePointer?,
                                        _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcribe(t, c, outR) { (tr, config) throws(AssemblyAIError) in
        try tr.transcribeLive(fd: fd, filename: try optionalString(filename, "filename"), config: config)
    }
}

@_cdecl("aai_sync_warm")
public func aai_sync_warm_impl(_ t: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let transcriber = try resolve(t, AudioRequestTranscriber.self, "transcriber")
        guard transcriber.warm() else {
            throw AssemblyAIError(.connection, "could not open a connection to the \(transcriber.api.name) at \(transcriber.api == .sync ? transcriber.client.settings.syncBaseURL : transcriber.client.settings.dictationBaseURL)")
        }
    }
}

// MARK: Live sessions

@_cdecl("aai_sync_live_open")
public func aai_sync_live_open_impl(_ t: OpaquePointer?, _ filename: UnsafePointer<CChar>?, _ c: OpaquePointer?, _ onDone: aai_sync_live_callback?,
                                    _ userData: UnsafeMutableRawPointer?, _ outS: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outS, "out")
        let transcriber = try resolve(t, AudioRequestTranscriber.self, "transcriber")
        let config = try syncConfigSnapshot(c)
        let handle = Mutex<UInt>(0)  // the handle's bits (OpaquePointer is not Sendable)
        var done: (@Sendable (LiveAudioUpload) -> Void)? = nil
        if let onDone {
            let cb = CCallback(function: onDone, userData: userData)
            done = { session in
                let status: aai_status
                switch session.peek() {
                case .failure(let e)?: status = aai_status(rawValue: UInt32(bitPattern: e.code.rawValue))
                default: status = AAI_OK
                }
                cb.function(OpaquePointer(bitPattern: handle.withLock { $0 }), status, cb.userData)
            }
        }
        let name = try optionalString(filename, "filename")
        let session = try transcriber.openLive(filename: name, config: config, beforeStart: { s in
            let h = HandleTable.shared.insert(s)
            handle.withLock { $0 = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(h))) }
            target.pointee = h
        }, onDone: done)
        _ = session
    }
}

private func live(_ s: OpaquePointer?) throws(AssemblyAIError) -> LiveAudioUpload { try resolve(s, LiveAudioUpload.self, "session") }

@_cdecl("aai_sync_live_write")
public func aai_sync_live_write_impl(_ s: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let session = try live(s)
        guard size >= 0 else { throw AssemblyAIError(.invalidArgument, "size is out of range") }
        if size == 0 { return }
        guard let data else { throw AssemblyAIError(.invalidArgument, "data is NULL") }
        try session.write(UnsafeRawBufferPointer(start: data, count: size))
    }
}

@_cdecl("aai_sync_live_close")
public func aai_sync_live_close_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try live(s).close() }
}

@_cdecl("aai_sync_live_result")
public func aai_sync_live_result_impl(_ s: OpaquePointer?, _ outR: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outR, "out")
        handOut(try live(s).result(), to: target)
    }
}

@_cdecl("aai_sync_live_cancel")
public func aai_sync_live_cancel_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try live(s).cancel() }
}

@_cdecl("aai_sync_live_free")
public func aai_sync_live_free_impl(_ s: OpaquePointer?) {
    if let session = HandleTable.shared.remove(s, as: LiveAudioUpload.self), !session.isDone { session.cancel() }
}
