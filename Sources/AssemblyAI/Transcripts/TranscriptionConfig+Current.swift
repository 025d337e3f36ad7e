/// Helper setters for the request fields of the official SDK 1.8.2's `TranscriptionConfig` and of
/// today's spec that take more than one value: the model list, the sub-fields of
/// `speaker_options`, `language_detection_options` and `keyterms_prompt_options`, `domain` and
/// `redact_pii_return_unredacted`. Each checks every value before changing anything.
extension TranscriptionConfig {
    /// `speech_models`: the models to use, in priority order (the API routes the audio to the first
    /// available one), e.g. ["universal-3-5-pro", "universal-2"]. Today's way to choose the model;
    /// `speech_model` (one name) is its deprecated predecessor. An empty list removes the field.
    public mutating func setSpeechModels(_ models: [String]) throws(AssemblyAIError) {
        guard !models.isEmpty else { self["speech_models"] = nil; return }
        for (i, m) in models.enumerated() {
            guard !m.isEmpty, m.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
                throw .invalidArgument("config field speech_models: model \(i) is empty or has spaces or control characters ('\(m)')")
            }
            if models[..<i].contains(m) { throw .invalidArgument("config field speech_models: '\(m)' is listed twice") }
        }
        try set("speech_models", .array(models.map(JSONValue.string)))
    }

    /// `domain`: a domain hint for the model (e.g. "medical-v1"); nil removes it.
    public mutating func setDomain(_ domain: String?) throws(AssemblyAIError) {
        guard let domain else { self["domain"] = nil; return }
        guard !domain.isEmpty else { throw .invalidArgument("config field domain: empty (give nil to remove it)") }
        try set("domain", .string(domain))
    }

    /// `redact_pii_return_unredacted`: with PII redaction, also return the unredacted text.
    public mutating func setRedactPIIReturnUnredacted(_ enabled: Bool) throws(AssemblyAIError) {
        try set("redact_pii_return_unredacted", .bool(enabled))
    }

    /// `keyterms_prompt_options.keyterms_match_strength`: "high" or "standard"; nil removes the object.
    public mutating func setKeytermsPromptOptions(matchStrength: String?) throws(AssemblyAIError) {
        guard let matchStrength else { self["keyterms_prompt_options"] = nil; return }
        try Self.oneOf(matchStrength, ["high", "standard"], "keyterms_prompt_options.keyterms_match_strength")
        try set("keyterms_prompt_options", .object(JSONObject([("keyterms_match_strength", .string(matchStrength))])))
    }

    /// `speaker_options`: the range of speakers expected (each >= 1, min <= max), two-stage
    /// clustering, and the diarization methods for short files ("deliberate", "balanced",
    /// "conservative", "aggressive") and long ones ("standard", "experimental"). nil leaves a
    /// sub-field out; all nil removes the object.
    public mutating func setSpeakerOptions(minSpeakersExpected: Int? = nil, maxSpeakersExpected: Int? = nil,
                                           useTwoStageClustering: Bool? = nil, shortFileDiarizationMethod: String? = nil,
                                           longFileDiarizationMethod: String? = nil) throws(AssemblyAIError) {
        var fields: [(String, JSONValue)] = []
        if let n = minSpeakersExpected {
            guard n >= 1 else { throw .invalidArgument("config field speaker_options.min_speakers_expected must be at least 1, got \(n)") }
            fields.append(("min_speakers_expected", .int(Int64(n))))
        }
        if let n = maxSpeakersExpected {
            guard n >= 1 else { throw .invalidArgument("config field speaker_options.max_speakers_expected must be at least 1, got \(n)") }
            if let lo = minSpeakersExpected, n < lo {
                throw .invalidArgument("config field speaker_options.max_speakers_expected (\(n)) must be at least min_speakers_expected (\(lo))")
            }
            fields.append(("max_speakers_expected", .int(Int64(n))))
        }
        if let b = useTwoStageClustering { fields.append(("use_two_stage_clustering", .bool(b))) }
        if let m = shortFileDiarizationMethod {
            try Self.oneOf(m, ["deliberate", "balanced", "conservative", "aggressive"], "speaker_options.short_file_diarization_method")
            fields.append(("short_file_diarization_method", .string(m)))
        }
        if let m = longFileDiarizationMethod {
            try Self.oneOf(m, ["standard", "experimental"], "speaker_options.long_file_diarization_method")
            fields.append(("long_file_diarization_method", .string(m)))
        }
        self["speaker_options"] = fields.isEmpty ? nil : .object(JSONObject(fields))
    }

    /// `language_detection_options`: the languages expected, the fallback language ("auto" lets
    /// the model choose among the expected ones), code switching with its confidence threshold
    /// (0...1), what to do on low language confidence ("error" or "fallback"), and Swiss German
    /// routing. nil (or an empty list) leaves a sub-field out; all unset removes the object.
    public mutating func setLanguageDetectionOptions(expectedLanguages: [String] = [], fallbackLanguage: String? = nil,
                                                     codeSwitching: Bool? = nil, codeSwitchingConfidenceThreshold: Double? = nil,
                                                     onLowLanguageConfidence: String? = nil, swissGerman: Bool? = nil) throws(AssemblyAIError) {
        var fields: [(String, JSONValue)] = []
        if !expectedLanguages.isEmpty {
            if let bad = expectedLanguages.first(where: \.isEmpty) {
                throw .invalidArgument("config field language_detection_options.expected_languages: an empty language code ('\(bad)')")
            }
            fields.append(("expected_languages", .array(expectedLanguages.map(JSONValue.string))))
        }
        if let f = fallbackLanguage {
            guard !f.isEmpty else { throw .invalidArgument("config field language_detection_options.fallback_language is empty") }
            fields.append(("fallback_language", .string(f)))
        }
        if let b = codeSwitching { fields.append(("code_switching", .bool(b))) }
        if let t = codeSwitchingConfidenceThreshold {
            guard t.isFinite, t >= 0, t <= 1 else {
                throw .invalidArgument("config field language_detection_options.code_switching_confidence_threshold must be 0..1, got \(t)")
            }
            fields.append(("code_switching_confidence_threshold", .double(t)))
        }
        if let o = onLowLanguageConfidence {
            try Self.oneOf(o, ["error", "fallback"], "language_detection_options.on_low_language_confidence")
            fields.append(("on_low_language_confidence", .string(o)))
        }
        if let b = swissGerman { fields.append(("swiss_german", .bool(b))) }
        self["language_detection_options"] = fields.isEmpty ? nil : .object(JSONObject(fields))
    }

    private static func oneOf(_ value: String, _ allowed: [String], _ field: String) throws(AssemblyAIError) {
        guard allowed.contains(value) else {
            throw .invalidArgument("config field \(field): '\(value)' is not one of \(allowed.joined(separator: ", "))")
        }
    }
}
