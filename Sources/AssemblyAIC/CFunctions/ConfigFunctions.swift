import AssemblyAI
import CAssemblyAI
import Synchronization

/// A config behind a C handle: mutable, shared between threads, so it lives in a lock.
final class ConfigBox: Sendable {
    let state: Mutex<TranscriptionConfig>
    init(_ config: TranscriptionConfig = TranscriptionConfig()) { state = Mutex(config) }
    var snapshot: TranscriptionConfig { state.withLock { $0 } }
}

/// The config a call should use: the given handle's snapshot, or nil (the transcriber's default).
func configSnapshot(_ handle: OpaquePointer?) throws(AssemblyAIError) -> TranscriptionConfig? {
    guard handle != nil else { return nil }
    return try resolve(handle, ConfigBox.self, "config").snapshot
}

@_cdecl("aai_config_new")
public func aai_config_new_impl(_ outConfig: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try out(outConfig, "out").pointee = HandleTable.shared.insert(ConfigBox())
    }
}

@_cdecl("aai_config_free")
public func aai_config_free_impl(_ config: OpaquePointer?) {
    HandleTable.shared.remove(config, as: ConfigBox.self)
}

/// Applies one change to a config atomically: on an error the config is left as it was.
func edit(_ config: OpaquePointer?, _ change: (inout TranscriptionConfig) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let box = try resolve(config, ConfigBox.self, "config")
        try box.state.withLock { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
            var copy = c
            try change(&copy)
            c = copy
        }
    }
}

@_cdecl("aai_config_set_json")
public func aai_config_set_json_impl(_ config: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in try c.merge(json: try string(json, "json_object")) }
}

@_cdecl("aai_config_to_json")
public func aai_config_to_json_impl(_ config: OpaquePointer?, _ outJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outJSON, "out")
        let snapshot = try resolve(config, ConfigBox.self, "config").snapshot
        target.pointee = try ownedCString(JSONValue.object(snapshot.fields).serialized())
    }
}

@_cdecl("aai_config_set_language_code")
public func aai_config_set_language_code_impl(_ config: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in c.languageCode = try optionalString(v, "language_code") }
}

@_cdecl("aai_config_set_speech_model")
public func aai_config_set_speech_model_impl(_ config: OpaquePointer?, _ v: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in c.speechModel = try optionalString(v, "speech_model") }
}

@_cdecl("aai_config_set_punctuate")
public func aai_config_set_punctuate_impl(_ config: OpaquePointer?, _ on: Int32) -> aai_status {
    edit(config) { $0.punctuate = on != 0 }
}

@_cdecl("aai_config_set_format_text")
public func aai_config_set_format_text_impl(_ config: OpaquePointer?, _ on: Int32) -> aai_status {
    edit(config) { $0.formatText = on != 0 }
}

@_cdecl("aai_config_set_speaker_labels")
public func aai_config_set_speaker_labels_impl(_ config: OpaquePointer?, _ on: Int32) -> aai_status {
    edit(config) { $0.speakerLabels = on != 0 }
}

// MARK: Typed setters by field name, checked against the spec's field table

@_cdecl("aai_config_set_bool")
public func aai_config_set_bool_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ v: Int32) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in try c.set(try string(field, "field"), .bool(v != 0)) }
}

@_cdecl("aai_config_set_int")
public func aai_config_set_int_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ v: Int64) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in try c.set(try string(field, "field"), .int(v)) }
}

@_cdecl("aai_config_set_double")
public func aai_config_set_double_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ v: Double) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        guard v.isFinite else { throw AssemblyAIError(.invalidArgument, "config field value must be a finite number") }
        try c.set(try string(field, "field"), .double(v))
    }
}

@_cdecl("aai_config_set_string")
public func aai_config_set_string_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ v: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        let name = try string(field, "field")
        try c.set(name, .string(try string(v, name)))
    }
}

/// `count` C strings as Swift strings (each must be valid UTF-8).
func strings(_ values: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ what: String) throws(AssemblyAIError) -> [String] {
    guard count >= 0, count <= 1_000_000 else { throw AssemblyAIError(.invalidArgument, "\(what): count \(count) out of range") }
    guard count == 0 || values != nil else { throw AssemblyAIError(.invalidArgument, "\(what) is NULL") }
    var out: [String] = []
    out.reserveCapacity(count)
    for i in 0..<count { out.append(try string(values![i], "\(what)[\(i)]")) }
    return out
}

@_cdecl("aai_config_set_strings")
public func aai_config_set_strings_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?,
                                        _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        let name = try string(field, "field")
        try c.set(name, .array(try strings(values, count, name).map(JSONValue.string)))
    }
}

@_cdecl("aai_config_unset")
public func aai_config_unset_impl(_ config: OpaquePointer?, _ field: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in c[try string(field, "field")] = nil }
}

@_cdecl("aai_config_validate")
public func aai_config_validate_impl(_ config: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(config, ConfigBox.self, "config").snapshot.validate() }
}

// MARK: The official SDK's helper setters

@_cdecl("aai_config_set_casing_and_formatting")
public func aai_config_set_casing_and_formatting_impl(_ config: OpaquePointer?, _ on: Int32) -> aai_status {
    edit(config) { $0.setCasingAndFormatting(on != 0) }
}

@_cdecl("aai_config_set_speaker_diarization")
public func aai_config_set_speaker_diarization_impl(_ config: OpaquePointer?, _ on: Int32, _ speakers: Int32) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        guard speakers >= 0 else { throw AssemblyAIError(.invalidArgument, "config field speakers_expected must be at least 1, got \(speakers)") }
        try c.setSpeakerDiarization(on != 0, speakersExpected: speakers > 0 ? Int(speakers) : nil)
    }
}

@_cdecl("aai_config_set_webhook")
public func aai_config_set_webhook_impl(_ config: OpaquePointer?, _ url: UnsafePointer<CChar>?,
                                        _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setWebhook(url: try optionalString(url, "url"), authHeaderName: try optionalString(name, "auth_header_name"),
                         authHeaderValue: try optionalString(value, "auth_header_value"))
    }
}

@_cdecl("aai_config_set_audio_slice")
public func aai_config_set_audio_slice_impl(_ config: OpaquePointer?, _ start: Int64, _ end: Int64) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setAudioSlice(start: start == -1 ? nil : Int(start), end: end == -1 ? nil : Int(end))
    }
}

@_cdecl("aai_config_set_word_boost")
public func aai_config_set_word_boost_impl(_ config: OpaquePointer?, _ words: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                           _ boost: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setWordBoost(try strings(words, count, "words"), boost: try optionalString(boost, "boost_param"))
    }
}

@_cdecl("aai_config_set_redact_pii")
public func aai_config_set_redact_pii_impl(_ config: OpaquePointer?, _ on: Int32, _ policies: UnsafePointer<UnsafePointer<CChar>?>?,
                                           _ count: Int, _ substitution: UnsafePointer<CChar>?, _ audio: Int32,
                                           _ quality: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setRedactPII(on != 0, policies: try strings(policies, count, "policies"),
                           substitution: try optionalString(substitution, "substitution"),
                           redactAudio: audio < 0 ? nil : audio != 0, audioQuality: try optionalString(quality, "audio_quality"))
    }
}

@_cdecl("aai_config_set_content_safety")
public func aai_config_set_content_safety_impl(_ config: OpaquePointer?, _ on: Int32, _ confidence: Int32) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setContentSafety(on != 0, confidence: confidence == 0 ? nil : Int(confidence))
    }
}

@_cdecl("aai_config_set_summarization")
public func aai_config_set_summarization_impl(_ config: OpaquePointer?, _ on: Int32, _ model: UnsafePointer<CChar>?,
                                              _ type: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setSummarization(on != 0, model: try optionalString(model, "model"), type: try optionalString(type, "type"))
    }
}

@_cdecl("aai_config_add_custom_spelling")
public func aai_config_add_custom_spelling_impl(_ config: OpaquePointer?, _ from: UnsafePointer<UnsafePointer<CChar>?>?,
                                                _ count: Int, _ to: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.addCustomSpelling(from: try strings(from, count, "from"), to: try string(to, "to"))
    }
}
