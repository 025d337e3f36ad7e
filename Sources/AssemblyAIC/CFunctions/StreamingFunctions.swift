import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

// The streaming section of the C ABI: aai_streaming_*. Conversion, checks and error mapping
// only; the session logic is StreamingSession in the core.

func streaming(_ s: OpaquePointer?) throws(AssemblyAIError) -> StreamingHandle {
    try resolve(s, StreamingHandle.self, "session")
}

private func protocolValue(_ p: aai_streaming_protocol) throws(AssemblyAIError) -> StreamingProtocol {
    guard let value = StreamingProtocol(rawValue: Int32(bitPattern: p.rawValue)) else {
        throw AssemblyAIError(.invalidArgument, "protocol must be AAI_STREAMING_V2 or AAI_STREAMING_V3, got \(p.rawValue)")
    }
    return value
}

/// Runs `change` on the options of a session that is not connected yet.
func configure(_ s: OpaquePointer?, _ change: (inout StreamingOptions) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.configure(change) }
}

private func flag(_ v: Int32) -> Bool { v != 0 }

private func stringList(_ items: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ what: String) throws(AssemblyAIError) -> [String] {
    guard count > 0 else { return [] }
    guard let items else { throw AssemblyAIError(.invalidArgument, "\(what) is NULL with count \(count)") }
    var out: [String] = []
    for i in 0..<count { out.append(try string(items[i], "\(what)[\(i)]")) }
    return out
}

// MARK: life cycle

@_cdecl("aai_streaming_new")
public func aai_streaming_new_impl(_ client: OpaquePointer?, _ p: aai_streaming_protocol,
                                   _ outSession: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outSession, "out")
        let client = try resolve(client, Client.self, "client")
        let session = try StreamingSession(client: client, protocol: try protocolValue(p))
        target.pointee = HandleTable.shared.insert(StreamingHandle(session: session))
    }
}

@_cdecl("aai_streaming_free")
public func aai_streaming_free_impl(_ s: OpaquePointer?) {
    HandleTable.shared.remove(s, as: StreamingHandle.self)?.session.shutdown()
}

@_cdecl("aai_streaming_set_callback")
public func aai_streaming_set_callback_impl(_ s: OpaquePointer?, _ callback: aai_streaming_callback?,
                                            _ userData: UnsafeMutableRawPointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        guard let callback else { handle.session.setHandler(nil); return }
        let cb = CCallback(function: callback, userData: userData)
        handle.session.setHandler { event in
            withCEvent(event) { cb.function($0, cb.userData) }
        }
    }
}

// MARK: connection parameters

@_cdecl("aai_streaming_set_url")
public func aai_streaming_set_url_impl(_ s: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        o.url = try optionalString(url, "base_url").map { (u) throws(AssemblyAIError) in try StreamingOptions.validatedURL(u) }
    }
}

@_cdecl("aai_streaming_set_token")
public func aai_streaming_set_token_impl(_ s: OpaquePointer?, _ token: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        let value = try optionalString(token, "token")
        if value?.isEmpty == true { throw AssemblyAIError(.invalidArgument, "token is empty") }
        o.token = value
    }
}

@_cdecl("aai_streaming_set_sample_rate")
public func aai_streaming_set_sample_rate_impl(_ s: OpaquePointer?, _ rate: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setSampleRate(Int(rate)) }
}

@_cdecl("aai_streaming_set_encoding")
public func aai_streaming_set_encoding_impl(_ s: OpaquePointer?, _ encoding: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setEncoding(try optionalString(encoding, "encoding")) }
}

@_cdecl("aai_streaming_set_param")
public func aai_streaming_set_param_impl(_ s: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setParameter(try string(name, "name"), try optionalString(value, "value"))
    }
}

@_cdecl("aai_streaming_set_word_boost")
public func aai_streaming_set_word_boost_impl(_ s: OpaquePointer?, _ words: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setList("word_boost", try stringList(words, count, "words"), only: .v2, maxJSONLength: 2500)
    }
}

@_cdecl("aai_streaming_set_disable_partial_transcripts")
public func aai_streaming_set_disable_partial_transcripts_impl(_ s: OpaquePointer?, _ v: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setBool("disable_partial_transcripts", flag(v), only: .v2) }
}

@_cdecl("aai_streaming_set_enable_extra_session_information")
public func aai_streaming_set_enable_extra_session_information_impl(_ s: OpaquePointer?, _ v: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setBool("enable_extra_session_information", flag(v), only: .v2) }
}

@_cdecl("aai_streaming_set_end_utterance_silence_threshold")
public func aai_streaming_set_end_utterance_silence_threshold_impl(_ s: OpaquePointer?, _ ms: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.setEndUtteranceSilenceThreshold(Int(ms)) }
}

@_cdecl("aai_streaming_set_speech_model")
public func aai_streaming_set_speech_model_impl(_ s: OpaquePointer?, _ model: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setString("speech_model", try optionalString(model, "speech_model"), only: .v3)
    }
}

@_cdecl("aai_streaming_set_format_turns")
public func aai_streaming_set_format_turns_impl(_ s: OpaquePointer?, _ v: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setBool("format_turns", flag(v), only: .v3) }
}

@_cdecl("aai_streaming_set_keyterms_prompt")
public func aai_streaming_set_keyterms_prompt_impl(_ s: OpaquePointer?, _ terms: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setList("keyterms_prompt", try stringList(terms, count, "terms"), only: .v3)
    }
}

@_cdecl("aai_streaming_set_prompt")
public func aai_streaming_set_prompt_impl(_ s: OpaquePointer?, _ prompt: UnsafePointer<CChar>?) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setString("prompt", try optionalString(prompt, "prompt"), only: .v3)
    }
}

@_cdecl("aai_streaming_set_inactivity_timeout")
public func aai_streaming_set_inactivity_timeout_impl(_ s: OpaquePointer?, _ seconds: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        try o.setInt("inactivity_timeout", Int(seconds), range: 5...3600, only: .v3)
    }
}

@_cdecl("aai_streaming_set_language_detection")
public func aai_streaming_set_language_detection_impl(_ s: OpaquePointer?, _ v: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setBool("language_detection", flag(v), only: .v3) }
}

@_cdecl("aai_streaming_set_speaker_labels")
public func aai_streaming_set_speaker_labels_impl(_ s: OpaquePointer?, _ v: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setBool("speaker_labels", flag(v), only: .v3) }
}

@_cdecl("aai_streaming_set_max_speakers")
public func aai_streaming_set_max_speakers_impl(_ s: OpaquePointer?, _ n: Int32) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setInt("max_speakers", Int(n), range: 1...10, only: .v3) }
}

@_cdecl("aai_streaming_set_vad_threshold")
public func aai_streaming_set_vad_threshold_impl(_ s: OpaquePointer?, _ v: Double) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in try o.setDouble("vad_threshold", v, range: 0...1, only: .v3) }
}

@_cdecl("aai_streaming_set_min_turn_silence")
public func aai_streaming_set_min_turn_silence_impl(_ s: OpaquePointer?, _ ms: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.setTurnParameter("min_turn_silence", .int(Int64(ms))) }
}

@_cdecl("aai_streaming_set_max_turn_silence")
public func aai_streaming_set_max_turn_silence_impl(_ s: OpaquePointer?, _ ms: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.setTurnParameter("max_turn_silence", .int(Int64(ms))) }
}

@_cdecl("aai_streaming_set_end_of_turn_confidence_threshold")
public func aai_streaming_set_end_of_turn_confidence_threshold_impl(_ s: OpaquePointer?, _ v: Double) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try streaming(s).session.setTurnParameter("end_of_turn_confidence_threshold", .double(v))
    }
}

@_cdecl("aai_streaming_set_connect_timeout_ms")
public func aai_streaming_set_connect_timeout_ms_impl(_ s: OpaquePointer?, _ ms: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in o.connectTimeoutMs = try positive(ms, "connect_timeout_ms") }
}

@_cdecl("aai_streaming_set_keepalive_ms")
public func aai_streaming_set_keepalive_ms_impl(_ s: OpaquePointer?, _ ms: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in o.keepAliveMs = try nonNegative(ms, "keepalive_ms") }
}

@_cdecl("aai_streaming_set_queue_capacity")
public func aai_streaming_set_queue_capacity_impl(_ s: OpaquePointer?, _ bytes: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        guard bytes >= 1 else { throw AssemblyAIError(.invalidArgument, "queue capacity must be >= 1 byte") }
        o.queueCapacityBytes = bytes
    }
}

@_cdecl("aai_streaming_set_send_timeout_ms")
public func aai_streaming_set_send_timeout_ms_impl(_ s: OpaquePointer?, _ ms: Int) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in o.sendTimeoutMs = try nonNegative(ms, "send_timeout_ms") }
}

@_cdecl("aai_streaming_url")
public func aai_streaming_url_impl(_ s: OpaquePointer?, _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outURL, "out")
        let handle = try streaming(s)
        let options = handle.session.options
        target.pointee = try ownedCString(options.sessionURL(settings: handle.session.client.settings, maskingToken: true))
    }
}

// MARK: the session

@_cdecl("aai_streaming_connect")
public func aai_streaming_connect_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.connect() }
}

@_cdecl("aai_streaming_send_audio")
public func aai_streaming_send_audio_impl(_ s: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        guard let data else { throw AssemblyAIError(.invalidArgument, "data is NULL") }
        try handle.session.sendAudio(UnsafeRawBufferPointer(start: data, count: size))
    }
}

@_cdecl("aai_streaming_force_endpoint")
public func aai_streaming_force_endpoint_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.forceEndpoint() }
}

@_cdecl("aai_streaming_update_configuration")
public func aai_streaming_update_configuration_impl(_ s: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        let text = try string(json, "json_object")
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
            throw AssemblyAIError(.invalidArgument, "json_object is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else { throw AssemblyAIError(.invalidArgument, "json_object must be a JSON object") }
        try handle.session.updateConfiguration(object)
    }
}

@_cdecl("aai_streaming_send_json")
public func aai_streaming_send_json_impl(_ s: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        try handle.session.sendJSON(try string(json, "json_object"))
    }
}

@_cdecl("aai_streaming_close")
public func aai_streaming_close_impl(_ s: OpaquePointer?, _ timeoutMs: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        try handle.session.close(timeoutMs: try positive(timeoutMs, "timeout_ms"))
    }
}

@_cdecl("aai_streaming_session_id")
public func aai_streaming_session_id_impl(_ s: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let handle = HandleTable.shared.get(s, as: StreamingHandle.self) else {
        recordGetterError(AssemblyAIError(.invalidArgument, "session is not a live session handle"))
        return nil
    }
    return handle.session.sessionID.flatMap { handle.borrowedCString($0) }
}

@_cdecl("aai_streaming_close_code")
public func aai_streaming_close_code_impl(_ s: OpaquePointer?) -> Int32 {
    guard let handle = HandleTable.shared.get(s, as: StreamingHandle.self) else { return 0 }
    return Int32(handle.session.closeCode)
}

@_cdecl("aai_streaming_close_reason")
public func aai_streaming_close_reason_impl(_ s: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let handle = HandleTable.shared.get(s, as: StreamingHandle.self) else { return nil }
    guard handle.session.closeCode != 0 else { return nil }
    return handle.borrowedCString(handle.session.closeReason ?? "")
}

/// Meanings handed out as static strings: made once per (protocol, code), never freed.
private let meanings = Mutex<[Int: UnsafeMutablePointer<CChar>]>([:])

@_cdecl("aai_streaming_close_code_meaning")
public func aai_streaming_close_code_meaning_impl(_ p: aai_streaming_protocol, _ code: Int32) -> UnsafePointer<CChar>? {
    guard let proto = StreamingProtocol(rawValue: Int32(bitPattern: p.rawValue)),
          let text = StreamingCloseCodes.meaning(of: Int(code), protocol: proto) else { return nil }
    return meanings.withLock { table in
        let key = Int(proto.rawValue) << 32 | Int(code)
        if let p = table[key] { return UnsafePointer(p) }
        guard let p = strdup(text) else { return nil }
        table[key] = p
        return UnsafePointer(p)
    }
}

@_cdecl("aai_streaming_audio_bytes")
public func aai_streaming_audio_bytes_impl(_ s: OpaquePointer?, _ queued: UnsafeMutablePointer<UInt64>?,
                                           _ written: UnsafeMutablePointer<UInt64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let counts = try streaming(s).session.audioBytesSent
        queued?.pointee = UInt64(counts.queued)
        written?.pointee = UInt64(counts.written)
    }
}

// MARK: audio sources

/// The chunk length of an audio source: 0 is the default, 100 ms.
private func chunkDuration(_ chunkMs: Int32) throws(AssemblyAIError) -> Int {
    chunkMs == 0 ? 100 : Int(try nonNegative(chunkMs, "chunk_ms"))
}

@_cdecl("aai_streaming_send_wav_file")
public func aai_streaming_send_wav_file_impl(_ s: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ chunkMs: Int32,
                                             _ realtime: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        let path = try string(path, "path")
        try handle.session.sendWAVFile(path: path, chunkMs: try chunkDuration(chunkMs), realtime: realtime != 0)
    }
}

@_cdecl("aai_streaming_start_microphone")
public func aai_streaming_start_microphone_impl(_ s: OpaquePointer?, _ device: UnsafePointer<CChar>?, _ chunkMs: Int32,
                                                _ maxDurationMs: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        let device = try optionalString(device, "device") ?? "default"
        try handle.session.startMicrophone(device: device, chunkMs: try chunkDuration(chunkMs), maxDurationMs: maxDurationMs)
    }
}

@_cdecl("aai_streaming_stop_microphone")
public func aai_streaming_stop_microphone_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try streaming(s).session.stopMicrophone() }
}

// MARK: the process's streaming threads

@_cdecl("aai_streaming_set_callback_threads")
public func aai_streaming_set_callback_threads_impl(_ threads: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try StreamingSession.setCallbackThreads(Int(threads)) }
}

@_cdecl("aai_streaming_set_low_latency")
public func aai_streaming_set_low_latency_impl(_ enabled: Int32) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        guard enabled == 0 || enabled == 1 else { throw AssemblyAIError(.invalidArgument, "low latency must be 0 or 1, got \(enabled)") }
        try StreamingSession.setLowLatency(enabled == 1)
    }
}

@_cdecl("aai_streaming_threads")
public func aai_streaming_threads_impl(_ io: UnsafeMutablePointer<Int32>?, _ callbacks: UnsafeMutablePointer<Int32>?,
                                       _ sessions: UnsafeMutablePointer<Int32>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let t = StreamingSession.processThreads
        io?.pointee = Int32(t.io)
        callbacks?.pointee = Int32(t.callbacks)
        sessions?.pointee = Int32(clamping: t.sessions)
    }
}

// MARK: temporary tokens

@_cdecl("aai_streaming_create_token_v2")
public func aai_streaming_create_token_v2_impl(_ client: OpaquePointer?, _ expiresIn: Int32,
                                               _ outToken: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outToken, "token")
        let client = try resolve(client, Client.self, "client")
        target.pointee = try ownedCString(try StreamingTokens.createV2(client: client, expiresInSeconds: Int(expiresIn)).token)
    }
}

@_cdecl("aai_streaming_create_token_v3")
public func aai_streaming_create_token_v3_impl(_ client: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ expiresIn: Int32,
                                               _ maxSession: Int32,
                                               _ outToken: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outToken, "token")
        let client = try resolve(client, Client.self, "client")
        let token = try StreamingTokens.createV3(client: client, streamingURL: try optionalString(url, "streaming_url"),
                                                 expiresInSeconds: Int(expiresIn),
                                                 maxSessionDurationSeconds: maxSession == 0 ? nil : Int(maxSession))
        target.pointee = try ownedCString(token.token)
    }
}

// MARK: handshake retries

@_cdecl("aai_streaming_set_connect_retries")
public func aai_streaming_set_connect_retries_impl(_ s: OpaquePointer?, _ retries: Int32, _ delayMs: Int, _ backoff: Double) -> aai_status {
    configure(s) { (o: inout StreamingOptions) throws(AssemblyAIError) in
        guard (0...100).contains(retries) else { throw AssemblyAIError(.invalidArgument, "max_retries must be 0..100, got \(retries)") }
        guard (0...60_000).contains(delayMs) else { throw AssemblyAIError(.invalidArgument, "delay_ms must be 0..60000, got \(delayMs)") }
        guard backoff.isFinite, backoff >= 1, backoff <= 10 else {
            throw AssemblyAIError(.invalidArgument, "backoff must be 1..10, got \(backoff)")
        }
        o.connectRetries = Int(retries)
        o.connectRetryDelayMs = delayMs
        o.connectRetryBackoff = backoff
    }
}

@_cdecl("aai_streaming_set_connect_retry_callback")
public func aai_streaming_set_connect_retry_callback_impl(_ s: OpaquePointer?, _ callback: aai_streaming_connect_retry_callback?,
                                                          _ userData: UnsafeMutableRawPointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let handle = try streaming(s)
        guard let callback else { handle.session.setConnectRetryHandler(nil); return }
        let cb = CCallback(function: callback, userData: userData)
        handle.session.setConnectRetryHandler { retry in
            let status = aai_status(rawValue: UInt32(bitPattern: retry.error.code.rawValue))
            retry.error.message.withCString { message in
                cb.function(Int32(retry.attempt), Int32(retry.maxAttempts), status, Int32(retry.error.httpStatus ?? 0),
                            retry.delayMs, message, cb.userData)
            }
        }
    }
}
