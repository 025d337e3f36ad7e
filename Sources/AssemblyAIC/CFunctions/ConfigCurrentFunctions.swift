import AssemblyAI
import CAssemblyAI

// The config helpers for the fields of the official SDK 1.8.2 and today's spec
// (TranscriptionConfig+Current.swift in the core).

/// A C tri-state: -1 leaves the field out, 0 false, 1 true; anything else is an error.
private func triState(_ v: Int32, _ what: String) throws(AssemblyAIError) -> Bool? {
    switch v {
    case -1: return nil
    case 0: return false
    case 1: return true
    default: throw AssemblyAIError(.invalidArgument, "\(what) must be 1, 0 or -1 (leave out), got \(v)")
    }
}

@_cdecl("aai_config_set_speech_models")
public func aai_config_set_speech_models_impl(_ config: OpaquePointer?, _ models: UnsafePointer<UnsafePointer<CChar>?>?,
                                              _ count: Int) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setSpeechModels(try strings(models, count, "speech_models"))
    }
}

@_cdecl("aai_config_set_domain")
public func aai_config_set_domain_impl(_ config: OpaquePointer?, _ domain: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in try c.setDomain(try optionalString(domain, "domain")) }
}

@_cdecl("aai_config_set_redact_pii_return_unredacted")
public func aai_config_set_redact_pii_return_unredacted_impl(_ config: OpaquePointer?, _ on: Int32) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        guard on == 0 || on == 1 else { throw AssemblyAIError(.invalidArgument, "enabled must be 1 or 0, got \(on)") }
        try c.setRedactPIIReturnUnredacted(on == 1)
    }
}

@_cdecl("aai_config_set_keyterms_prompt_options")
public func aai_config_set_keyterms_prompt_options_impl(_ config: OpaquePointer?, _ strength: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setKeytermsPromptOptions(matchStrength: try optionalString(strength, "keyterms_match_strength"))
    }
}

@_cdecl("aai_config_set_speaker_options")
public func aai_config_set_speaker_options_impl(_ config: OpaquePointer?, _ minSpeakers: Int32, _ maxSpeakers: Int32,
                                                _ twoStage: Int32, _ shortMethod: UnsafePointer<CChar>?,
                                                _ longMethod: UnsafePointer<CChar>?) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        guard minSpeakers >= 0 else { throw AssemblyAIError(.invalidArgument, "min_speakers_expected must be >= 1 (0: leave out), got \(minSpeakers)") }
        guard maxSpeakers >= 0 else { throw AssemblyAIError(.invalidArgument, "max_speakers_expected must be >= 1 (0: leave out), got \(maxSpeakers)") }
        try c.setSpeakerOptions(minSpeakersExpected: minSpeakers == 0 ? nil : Int(minSpeakers),
                                maxSpeakersExpected: maxSpeakers == 0 ? nil : Int(maxSpeakers),
                                useTwoStageClustering: try triState(twoStage, "use_two_stage_clustering"),
                                shortFileDiarizationMethod: try optionalString(shortMethod, "short_file_diarization_method"),
                                longFileDiarizationMethod: try optionalString(longMethod, "long_file_diarization_method"))
    }
}

@_cdecl("aai_config_set_language_detection_options")
public func aai_config_set_language_detection_options_impl(_ config: OpaquePointer?, _ expected: UnsafePointer<UnsafePointer<CChar>?>?,
                                                           _ count: Int, _ fallback: UnsafePointer<CChar>?, _ codeSwitching: Int32,
                                                           _ threshold: Double, _ onLow: UnsafePointer<CChar>?,
                                                           _ swissGerman: Int32) -> aai_status {
    edit(config) { (c: inout TranscriptionConfig) throws(AssemblyAIError) in
        try c.setLanguageDetectionOptions(expectedLanguages: try strings(expected, count, "expected_languages"),
                                          fallbackLanguage: try optionalString(fallback, "fallback_language"),
                                          codeSwitching: try triState(codeSwitching, "code_switching"),
                                          codeSwitchingConfidenceThreshold: threshold == -1 ? nil : threshold,
                                          onLowLanguageConfidence: try optionalString(onLow, "on_low_language_confidence"),
                                          swissGerman: try triState(swissGerman, "swiss_german"))
    }
}
