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

private func edit(_ config: OpaquePointer?, _ change: (inout TranscriptionConfig) throws(AssemblyAIError) -> Void) -> aai_status {
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
