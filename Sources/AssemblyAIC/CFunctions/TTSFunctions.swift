import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

// Text-to-Speech (the header's "tts" section). The calls live in the core
// (Sources/AssemblyAI/TTS); this file converts, checks and maps.

/// A TTS config behind a C handle.
final class CTTSConfig: Sendable {
    let state = Mutex(TTSConfig())
}

/// The response headers as an `aai_tts_info` whose strings this object owns.
final class CTTSInfo: @unchecked Sendable {  // immutable after init
    let source: TTSResponseInfo
    /// Stable storage: C keeps the pointer for the handle's lifetime.
    let pointer = UnsafeMutablePointer<aai_tts_info>.allocate(capacity: 1)
    private var strings: [UnsafeMutablePointer<CChar>] = []

    init(_ info: TTSResponseInfo) {
        source = info
        var value = aai_tts_info()
        func c(_ s: String?) -> UnsafePointer<CChar>? {
            guard let s, let p = strdup(s) else { return nil }
            strings.append(p)
            return UnsafePointer(p)
        }
        value.request_id = c(info.requestID)
        value.region = c(info.region)
        value.model = c(info.model)
        value.voice_id = c(info.voiceID)
        value.language = c(info.language)
        value.encoding = c(info.encoding)
        value.container = c(info.container)
        value.content_type = c(info.contentType)
        value.sample_rate = Int32(clamping: info.sampleRate ?? -1)
        value.bit_rate = Int32(clamping: info.bitRate ?? -1)
        value.billed_characters = Int64(info.billedCharacters ?? -1)
        value.voice_expires_at = Int64(info.voiceExpiresAt ?? -1)
        value.audio_duration_ms = Int64(info.audioDurationMs ?? -1)
        pointer.initialize(to: value)
    }

    deinit {
        pointer.deallocate()
        for p in strings { free(p) }
    }
}

/// Words as `aai_tts_word`s whose strings this object owns.
final class CTTSWords: @unchecked Sendable {  // immutable after init
    let words: UnsafeMutableBufferPointer<aai_tts_word>

    init(_ source: [TTSWord]) {
        words = .allocate(capacity: max(1, source.count))
        for (i, w) in source.enumerated() {
            words[i] = aai_tts_word(word: UnsafePointer(strdup(w.word)), start_ms: Int64(w.start), end_ms: Int64(w.end),
                                    confidence: w.confidence)
        }
        count = source.count
    }

    let count: Int

    deinit {
        for i in 0..<count { free(UnsafeMutableRawPointer(mutating: words[i].word)) }
        words.deallocate()
    }
}

/// A TTS result behind a C handle: the response, with its C views made once.
final class CTTSResult: @unchecked Sendable {  // immutable after init
    let response: TTSResponse
    let info: CTTSInfo
    let words: CTTSWords
    let infoJSON: UnsafeMutablePointer<CChar>?
    let errorJSON: UnsafeMutablePointer<CChar>?
    /// The clip, in memory C may keep a pointer to.
    let audioPointer: UnsafeMutableRawPointer?

    init(_ response: TTSResponse) {
        self.response = response
        if response.audio.isEmpty {
            audioPointer = nil
        } else {
            let p = UnsafeMutableRawPointer.allocate(byteCount: response.audio.count, alignment: 16)
            response.audio.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            audioPointer = p
        }
        info = CTTSInfo(response.info)
        words = CTTSWords(response.words)
        infoJSON = strdup(response.info.json)
        errorJSON = response.errorJSON.flatMap { strdup($0) }
    }

    deinit {
        free(infoJSON)
        free(errorJSON)
        audioPointer?.deallocate()
    }
}

private func editConfig(_ c: OpaquePointer?, _ change: (inout TTSConfig) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let box = try resolve(c, CTTSConfig.self, "config")
        try box.state.withLock { (v: inout TTSConfig) throws(AssemblyAIError) in try change(&v) }
    }
}

private func ttsConfigSnapshot(_ c: OpaquePointer?) throws(AssemblyAIError) -> TTSConfig? {
    guard c != nil else { return nil }
    return try resolve(c, CTTSConfig.self, "config").state.withLock { $0 }
}

@_cdecl("aai_tts_config_new")
public func aai_tts_config_new_impl(_ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try out(o, "out").pointee = HandleTable.shared.insert(CTTSConfig()) }
}

@_cdecl("aai_tts_config_free")
public func aai_tts_config_free_impl(_ c: OpaquePointer?) { HandleTable.shared.remove(c, as: CTTSConfig.self) }

@_cdecl("aai_tts_config_set_voice_id")
public func aai_tts_config_set_voice_id_impl(_ c: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in x.voiceID = try nonEmpty(v, "voice_id") }
}

@_cdecl("aai_tts_config_set_model_id")
public func aai_tts_config_set_model_id_impl(_ c: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in x.modelID = try nonEmpty(v, "model_id") }
}

@_cdecl("aai_tts_config_set_language")
public func aai_tts_config_set_language_impl(_ c: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in x.language = try nonEmpty(v, "language") }
}

@_cdecl("aai_tts_config_set_encoding")
public func aai_tts_config_set_encoding_impl(_ c: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in x.encoding = try nonEmpty(v, "encoding") }
}

@_cdecl("aai_tts_config_set_container")
public func aai_tts_config_set_container_impl(_ c: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in x.container = try nonEmpty(v, "container") }
}

@_cdecl("aai_tts_config_set_sample_rate")
public func aai_tts_config_set_sample_rate_impl(_ c: OpaquePointer?, _ v: Int32) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in
        x.sampleRate = try nonNegative(v, "sample_rate") == 0 ? nil : Int(v)
    }
}

@_cdecl("aai_tts_config_set_bit_rate")
public func aai_tts_config_set_bit_rate_impl(_ c: OpaquePointer?, _ v: Int32) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in
        x.bitRate = try nonNegative(v, "bit_rate") == 0 ? nil : Int(v)
    }
}

@_cdecl("aai_tts_config_set_json")
public func aai_tts_config_set_json_impl(_ c: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    editConfig(c) { (x: inout TTSConfig) throws(AssemblyAIError) in try x.merge(json: try string(json, "json_object")) }
}

@_cdecl("aai_tts_config_json")
public func aai_tts_config_json_impl(_ c: OpaquePointer?, _ o: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "json")
        let config = try resolve(c, CTTSConfig.self, "config").state.withLock { $0 }
        guard let p = strdup(config.json) else { throw AssemblyAIError(.noMemory, "out of memory") }
        target.pointee = p
    }
}

/// An optional string option: NULL unsets, "" is refused.
private func nonEmpty(_ p: UnsafePointer<CChar>?, _ what: String) throws(AssemblyAIError) -> String? {
    guard let value = try optionalString(p, what) else { return nil }
    guard !value.isEmpty else { throw AssemblyAIError(.invalidArgument, "\(what) is empty (pass NULL to unset it)") }
    return value
}

// MARK: Calls

/// The C callbacks of one call, as the core's closures.
private final class TTSCallbacks: @unchecked Sendable {  // the caller vouches for user_data
    let audio: aai_tts_audio_callback?
    let words: aai_tts_words_callback?
    let userData: UnsafeMutableRawPointer?
    /// The headers as the C struct, made once per call.
    let info = Mutex<CTTSInfo?>(nil)

    init(audio: aai_tts_audio_callback?, words: aai_tts_words_callback?, userData: UnsafeMutableRawPointer?) {
        self.audio = audio
        self.words = words
        self.userData = userData
    }

    func onAudio(_ info: TTSResponseInfo, _ piece: UnsafeRawBufferPointer) -> Bool {
        guard let audio else { return true }
        let c = self.info.withLock { cached -> CTTSInfo in
            if let cached, cached.source == info { return cached }
            let made = CTTSInfo(info)
            cached = made
            return made
        }
        return withExtendedLifetime(c) {
            audio(UnsafePointer(c.pointer), piece.baseAddress, piece.count, userData) == 0
        }
    }

    func onWords(_ batch: [TTSWord]) -> Bool {
        guard let words else { return true }
        let c = CTTSWords(batch)
        return withExtendedLifetime(c) { words(UnsafePointer(c.words.baseAddress), c.count, userData) == 0 }
    }
}

private func text(_ p: UnsafePointer<CChar>?) throws(AssemblyAIError) -> String { try string(p, "text") }

/// Runs a blocking call and hands over its result, also with a failure that has one.
private func ttsCall(_ o: UnsafeMutablePointer<OpaquePointer?>?, required: Bool,
                     _ body: () throws(TTSError) -> TTSResponse) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        if required { _ = try out(o, "out") }
        do throws(TTSError) {
            let response = try body()
            o?.pointee = HandleTable.shared.insert(CTTSResult(response))
        } catch {
            if error.response.httpStatus != 0 || error.response.info.requestID != nil {
                o?.pointee = HandleTable.shared.insert(CTTSResult(error.response))
            }
            throw error.error
        }
    }
}

@_cdecl("aai_tts_synthesize")
public func aai_tts_synthesize_impl(_ c: OpaquePointer?, _ t: UnsafePointer<CChar>?, _ cfg: OpaquePointer?,
                                    _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    var setup: (TextToSpeech, String)?
    let status = abiCall { () throws(AssemblyAIError) in
        _ = try out(o, "out")
        setup = (TextToSpeech(client: try resolve(c, Client.self, "client"), config: try ttsConfigSnapshot(cfg) ?? TTSConfig()), try text(t))
    }
    guard let (tts, value) = setup else { return status }
    return ttsCall(o, required: true) { () throws(TTSError) in try tts.synthesize(value) }
}

@_cdecl("aai_tts_stream")
public func aai_tts_stream_impl(_ c: OpaquePointer?, _ t: UnsafePointer<CChar>?, _ cfg: OpaquePointer?,
                                _ onAudio: aai_tts_audio_callback?, _ userData: UnsafeMutableRawPointer?,
                                _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    var setup: (TextToSpeech, String)?
    let status = abiCall { () throws(AssemblyAIError) in
        guard onAudio != nil else { throw AssemblyAIError(.invalidArgument, "on_audio is NULL") }
        setup = (TextToSpeech(client: try resolve(c, Client.self, "client"), config: try ttsConfigSnapshot(cfg) ?? TTSConfig()), try text(t))
    }
    guard let (tts, value) = setup else { return status }
    let callbacks = TTSCallbacks(audio: onAudio, words: nil, userData: userData)
    return ttsCall(o, required: false) { () throws(TTSError) in try tts.stream(value, onAudio: callbacks.onAudio) }
}

@_cdecl("aai_tts_stream_events")
public func aai_tts_stream_events_impl(_ c: OpaquePointer?, _ t: UnsafePointer<CChar>?, _ cfg: OpaquePointer?,
                                       _ onAudio: aai_tts_audio_callback?, _ onWords: aai_tts_words_callback?,
                                       _ userData: UnsafeMutableRawPointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    var setup: (TextToSpeech, String)?
    let status = abiCall { () throws(AssemblyAIError) in
        setup = (TextToSpeech(client: try resolve(c, Client.self, "client"), config: try ttsConfigSnapshot(cfg) ?? TTSConfig()), try text(t))
    }
    guard let (tts, value) = setup else { return status }
    let callbacks = TTSCallbacks(audio: onAudio, words: onWords, userData: userData)
    return ttsCall(o, required: false) { () throws(TTSError) in
        try tts.streamEvents(value, onAudio: callbacks.onAudio, onWords: callbacks.onWords)
    }
}

@_cdecl("aai_tts_start_async")
public func aai_tts_start_async_impl(_ c: OpaquePointer?, _ mode: aai_tts_mode, _ t: UnsafePointer<CChar>?, _ cfg: OpaquePointer?,
                                     _ onAudio: aai_tts_audio_callback?, _ onWords: aai_tts_words_callback?,
                                     _ userData: UnsafeMutableRawPointer?, _ callback: aai_future_callback?,
                                     _ callbackUserData: UnsafeMutableRawPointer?,
                                     _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let coreMode: TTSMode
        switch mode {
        case AAI_TTS_SYNTHESIZE: coreMode = .synthesize
        case AAI_TTS_STREAM: coreMode = .stream
        case AAI_TTS_EVENTS: coreMode = .events
        default: throw AssemblyAIError(.invalidArgument, "mode must be AAI_TTS_SYNTHESIZE, AAI_TTS_STREAM or AAI_TTS_EVENTS, got \(mode.rawValue)")
        }
        let tts = TextToSpeech(client: try resolve(c, Client.self, "client"), config: try ttsConfigSnapshot(cfg) ?? TTSConfig())
        let value = try text(t)
        let callbacks = TTSCallbacks(audio: onAudio, words: onWords, userData: userData)
        let latch = Latch<UInt>()
        var completion: CompletionHandler<TTSResponse>? = nil
        if let callback {
            let cb = CCallback(function: callback, userData: callbackUserData)
            completion = { future in
                let handle = OpaquePointer(bitPattern: latch.wait())
                let failure = future.failure
                if let failure { currentErrorSlot().set(failure) }
                cb.function(handle, failure.map { aai_status(rawValue: UInt32(bitPattern: $0.code.rawValue)) } ?? AAI_OK, cb.userData)
            }
        }
        let future = try tts.startAsync(coreMode, value, onAudio: { info, piece in callbacks.onAudio(info, piece) },
                                        onWords: { words in callbacks.onWords(words) }, onComplete: completion)
        let handle = HandleTable.shared.insert(CFuture(future))
        target.pointee = handle
        latch.set(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))))
    }
}

@_cdecl("aai_future_tts_result")
public func aai_future_tts_result_impl(_ f: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let box = try resolve(f, CFuture.self, "future")
        guard let future = box.core as? Future<TTSResponse> else {
            throw AssemblyAIError(.invalidArgument, "the future is not a Text-to-Speech call")
        }
        guard future.isFinished else { throw AssemblyAIError(.state, "the operation is still running: wait for it first") }
        if let response = future.value, future.failure == nil || response.httpStatus != 0 || response.info.requestID != nil {
            target.pointee = HandleTable.shared.insert(CTTSResult(response))
        }
        if let failure = future.failure { throw failure }
    }
}

// MARK: Results

private func result(_ r: OpaquePointer?) -> CTTSResult? { resolveInGetter(r, CTTSResult.self, "TTS result") }

@_cdecl("aai_tts_result_info")
public func aai_tts_result_info_impl(_ r: OpaquePointer?) -> UnsafePointer<aai_tts_info>? {
    result(r).map { UnsafePointer($0.info.pointer) }
}

@_cdecl("aai_tts_result_info_json")
public func aai_tts_result_info_json_impl(_ r: OpaquePointer?, _ o: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "json")
        target.pointee = UnsafePointer(try resolve(r, CTTSResult.self, "TTS result").infoJSON)
    }
}

@_cdecl("aai_tts_result_audio")
public func aai_tts_result_audio_impl(_ r: OpaquePointer?, _ data: UnsafeMutablePointer<UnsafeRawPointer?>?,
                                      _ size: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let d = try out(data, "data"), s = try out(size, "size")
        let res = try resolve(r, CTTSResult.self, "TTS result")
        d.pointee = UnsafeRawPointer(res.audioPointer)
        s.pointee = res.response.audio.count
    }
}

@_cdecl("aai_tts_result_save")
public func aai_tts_result_save_impl(_ r: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let res = try resolve(r, CTTSResult.self, "TTS result")
        let p = try string(path, "path")
        guard !p.isEmpty else { throw AssemblyAIError(.invalidArgument, "path is empty") }
        guard let f = fopen(p, "wb") else { throw AssemblyAIError(.io, "cannot open '\(p)': \(String(cString: strerror(errno)))") }
        let audio = res.response.audio
        let written = audio.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f) == 0
        guard written == audio.count, closed else { throw AssemblyAIError(.io, "writing '\(p)' failed: \(String(cString: strerror(errno)))") }
    }
}

@_cdecl("aai_tts_result_words")
public func aai_tts_result_words_impl(_ r: OpaquePointer?, _ w: UnsafeMutablePointer<UnsafePointer<aai_tts_word>?>?,
                                      _ n: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let words = try out(w, "words"), count = try out(n, "count")
        let res = try resolve(r, CTTSResult.self, "TTS result")
        words.pointee = UnsafePointer(res.words.words.baseAddress)
        count.pointee = res.words.count
    }
}

@_cdecl("aai_tts_result_http_status")
public func aai_tts_result_http_status_impl(_ r: OpaquePointer?) -> Int32 { Int32(result(r)?.response.httpStatus ?? 0) }

@_cdecl("aai_tts_result_error_json")
public func aai_tts_result_error_json_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    result(r)?.errorJSON.map { UnsafePointer($0) }
}

@_cdecl("aai_tts_result_free")
public func aai_tts_result_free_impl(_ r: OpaquePointer?) { HandleTable.shared.remove(r, as: CTTSResult.self) }

// MARK: Client settings

@_cdecl("aai_client_set_tts_base_url")
public func aai_client_set_tts_base_url_impl(_ c: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let client = try resolve(c, Client.self, "client")
        let value = try Settings.validatedBaseURL(try string(url, "url"))
        try client.updateSettings { (s: inout Settings) throws(AssemblyAIError) in s.ttsBaseURL = value }
    }
}

@_cdecl("aai_client_set_tts_timeouts_ms")
public func aai_client_set_tts_timeouts_ms_impl(_ c: OpaquePointer?, _ http: Int, _ synth: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let client = try resolve(c, Client.self, "client")
        let h = try nonNegative(http, "http_timeout_ms"), s = try nonNegative(synth, "synthesize_timeout_ms")
        try client.updateSettings { (v: inout Settings) throws(AssemblyAIError) in
            if h > 0 { v.ttsHTTPTimeoutMs = h }
            if s > 0 { v.ttsSynthesizeTimeoutMs = s }
        }
    }
}

// MARK: WebSocket sessions

/// A session behind a C handle, with the C callback that receives its events.
final class CTTSSession: Sendable {
    let core: TTSSession
    init(_ core: TTSSession) { self.core = core }
}

/// Calls the C callback with one event, its pointers valid during the call.
private func deliver(_ event: TTSSessionEvent, _ cb: CCallback<aai_tts_session_callback>) {
    var e = aai_tts_session_event()
    e.flush_id = -1
    func run(_ e: inout aai_tts_session_event) { withUnsafePointer(to: &e) { cb.function($0, cb.userData) } }
    switch event {
    case .begin(let b):
        e.type = AAI_TTS_SESSION_BEGIN
        b.id.withCString { id in
            b.frameJSON.withCString { json in
                e.session_id = id
                e.json = json
                run(&e)
            }
        }
    case .audio(let id, let bytes):
        e.type = AAI_TTS_SESSION_AUDIO
        e.flush_id = Int64(id)
        bytes.withUnsafeBytes { raw in
            e.audio = raw.baseAddress
            e.audio_size = raw.count
            run(&e)
        }
    case .flushDone(let id, let ms):
        e.type = AAI_TTS_SESSION_FLUSH_DONE
        e.flush_id = Int64(id)
        e.audio_duration_ms = Int64(ms)
        run(&e)
    case .wordBoundaries(let id, let start, let words):
        e.type = AAI_TTS_SESSION_WORD_BOUNDARIES
        e.flush_id = Int64(id)
        e.audio_start_ms = Int64(start)
        let c = CTTSWords(words)
        withExtendedLifetime(c) {
            e.words = UnsafePointer(c.words.baseAddress)
            e.word_count = c.count
            run(&e)
        }
    case .cancelled(let seconds):
        e.type = AAI_TTS_SESSION_CANCELLED
        e.audio_duration_ms = Int64((seconds * 1000).rounded())
        run(&e)
    case .termination(let t):
        e.type = AAI_TTS_SESSION_TERMINATION
        e.audio_duration_ms = Int64((t.audioDurationSeconds * 1000).rounded())
        e.billed_characters = Int64(t.totalInputCharLength)
        var o = JSONObject()
        _ = o.updateValue(.int(Int64(t.sessionDurationSeconds)), forKey: "session_duration_seconds")
        _ = o.updateValue(.int(Int64(t.totalInputCharLength)), forKey: "total_input_char_length")
        _ = o.updateValue(.double(t.audioDurationSeconds), forKey: "audio_duration_seconds")
        _ = o.updateValue(t.voiceExpiresAt.map { .int(Int64($0)) } ?? .null, forKey: "voice_expires_at")
        JSONValue.object(o).serialized().withCString { json in
            e.json = json
            run(&e)
        }
    case .error(let error, let closeCode, let frame):
        e.type = AAI_TTS_SESSION_ERROR
        e.status = aai_status(rawValue: UInt32(bitPattern: error.code.rawValue))
        e.close_code = Int32(closeCode)
        currentErrorSlot().set(error)
        error.message.withCString { message in
            e.message = message
            if let frame {
                frame.withCString { json in
                    e.json = json
                    run(&e)
                }
            } else {
                run(&e)
            }
        }
    }
}

private func session(_ s: OpaquePointer?) throws(AssemblyAIError) -> TTSSession {
    try resolve(s, CTTSSession.self, "session").core
}

@_cdecl("aai_tts_session_new")
public func aai_tts_session_new_impl(_ c: OpaquePointer?, _ cfg: OpaquePointer?, _ wordBoundaries: Int32,
                                     _ inactivity: Int32, _ token: UnsafePointer<CChar>?,
                                     _ callback: aai_tts_session_callback?, _ userData: UnsafeMutableRawPointer?,
                                     _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let client = try resolve(c, Client.self, "client")
        guard let callback else { throw AssemblyAIError(.invalidArgument, "callback is NULL") }
        var options = TTSSession.Options()
        options.config = try ttsConfigSnapshot(cfg) ?? TTSConfig()
        try options.config.checkForSession()
        options.wordBoundaries = wordBoundaries != 0
        if inactivity != 0 {
            guard (5...120).contains(inactivity) else {
                throw AssemblyAIError(.invalidArgument, "inactivity_timeout_s must be 5 to 120 (or 0), got \(inactivity)")
            }
            options.inactivityTimeoutSeconds = Int(inactivity)
        }
        options.token = try optionalString(token, "token")
        let cb = CCallback(function: callback, userData: userData)
        let core = TTSSession(client: client, options: options) { event in deliver(event, cb) }
        target.pointee = HandleTable.shared.insert(CTTSSession(core))
    }
}

@_cdecl("aai_tts_session_connect")
public func aai_tts_session_connect_impl(_ s: OpaquePointer?, _ timeoutMs: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let core = try session(s)
        if core.isReaderThread { throw AssemblyAIError(.state, "connect cannot be called from the session's callback") }
        if timeoutMs < 0 { throw AssemblyAIError(.invalidArgument, "timeout_ms must be >= 0, got \(timeoutMs)") }
        try core.connect(timeoutMs: timeoutMs == 0 ? 10_000 : timeoutMs)
    }
}

@_cdecl("aai_tts_session_generate")
public func aai_tts_session_generate_impl(_ s: OpaquePointer?, _ text: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try session(s).generate(try string(text, "text")) }
}

@_cdecl("aai_tts_session_flush")
public func aai_tts_session_flush_impl(_ s: OpaquePointer?, _ id: UnsafeMutablePointer<Int64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let flushID = try session(s).flush()
        id?.pointee = Int64(flushID)
    }
}

@_cdecl("aai_tts_session_cancel")
public func aai_tts_session_cancel_impl(_ s: OpaquePointer?, _ id: UnsafeMutablePointer<Int64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let flushID = try session(s).cancel()
        id?.pointee = Int64(flushID)
    }
}

@_cdecl("aai_tts_session_keep_alive")
public func aai_tts_session_keep_alive_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try session(s).keepAlive() }
}

@_cdecl("aai_tts_session_terminate")
public func aai_tts_session_terminate_impl(_ s: OpaquePointer?, _ timeoutMs: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let core = try session(s)
        if core.isReaderThread { throw AssemblyAIError(.state, "terminate cannot be called from the session's callback") }
        if timeoutMs < 0 { throw AssemblyAIError(.invalidArgument, "timeout_ms must be >= 0, got \(timeoutMs)") }
        if core.terminate(timeoutMs: timeoutMs == 0 ? 10_000 : timeoutMs) == nil {
            throw core.failure ?? AssemblyAIError(.timeout, "the session ended without its Termination summary")
        }
    }
}

@_cdecl("aai_tts_session_close")
public func aai_tts_session_close_impl(_ s: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try session(s).close() }
}

@_cdecl("aai_tts_session_free")
public func aai_tts_session_free_impl(_ s: OpaquePointer?) {
    HandleTable.shared.remove(s, as: CTTSSession.self)?.core.close()
}
