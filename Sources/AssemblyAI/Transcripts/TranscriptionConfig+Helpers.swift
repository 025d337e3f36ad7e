/// The helper setters of the official SDK's `TranscriptionConfig`, with its validation.
extension TranscriptionConfig {
    /// Sets `punctuate` and `format_text` together.
    public mutating func setCasingAndFormatting(_ enabled: Bool) {
        punctuate = enabled
        formatText = enabled
    }

    /// Speaker diarization, optionally with the number of speakers expected (nil: let the model decide).
    public mutating func setSpeakerDiarization(_ enabled: Bool, speakersExpected: Int? = nil) throws(AssemblyAIError) {
        if let n = speakersExpected, n < 1 { throw .invalidArgument("config field speakers_expected must be at least 1, got \(n)") }
        self["speaker_labels"] = .bool(enabled)
        self["speakers_expected"] = enabled ? speakersExpected.map { .int(Int64($0)) } : nil
    }

    /// Webhook URL and its optional auth header; nil URL removes all three fields.
    public mutating func setWebhook(url: String?, authHeaderName: String? = nil, authHeaderValue: String? = nil) throws(AssemblyAIError) {
        guard let url else {
            for key in ["webhook_url", "webhook_auth_header_name", "webhook_auth_header_value"] { self[key] = nil }
            return
        }
        guard (authHeaderName == nil) == (authHeaderValue == nil) else {
            throw .invalidArgument("config webhook: give both the auth header name and value, or neither")
        }
        self["webhook_url"] = .string(url)
        self["webhook_auth_header_name"] = authHeaderName.map(JSONValue.string)
        self["webhook_auth_header_value"] = authHeaderValue.map(JSONValue.string)
    }

    /// Transcribes only part of the audio, in milliseconds; nil leaves that end open.
    public mutating func setAudioSlice(start: Int?, end: Int?) throws(AssemblyAIError) {
        if let start, start < 0 { throw .invalidArgument("config field audio_start_from must be >= 0, got \(start)") }
        if let end, end < 0 { throw .invalidArgument("config field audio_end_at must be >= 0, got \(end)") }
        if let start, let end, end <= start {
            throw .invalidArgument("config field audio_end_at (\(end)) must be after audio_start_from (\(start))")
        }
        self["audio_start_from"] = start.map { .int(Int64($0)) }
        self["audio_end_at"] = end.map { .int(Int64($0)) }
    }

    /// Word boost (January 2025 API; today's API uses keyterms_prompt): an empty list removes it.
    public mutating func setWordBoost(_ words: [String], boost: String? = nil) throws(AssemblyAIError) {
        guard !words.isEmpty else { self["word_boost"] = nil; self["boost_param"] = nil; return }
        try set("word_boost", .array(words.map(JSONValue.string)))
        if let boost { try set("boost_param", .string(boost)) } else { self["boost_param"] = nil }
    }

    /// PII redaction. Enabling needs at least one policy; disabling removes every related field.
    public mutating func setRedactPII(_ enabled: Bool, policies: [String] = [], substitution: String? = nil,
                                      redactAudio: Bool? = nil, audioQuality: String? = nil) throws(AssemblyAIError) {
        let related = ["redact_pii", "redact_pii_policies", "redact_pii_sub", "redact_pii_audio", "redact_pii_audio_quality"]
        guard enabled else { for key in related { self[key] = nil }; return }
        guard !policies.isEmpty else { throw .invalidArgument("config field redact_pii_policies: give at least one PII policy") }
        var copy = self
        copy["redact_pii"] = .bool(true)
        try copy.set("redact_pii_policies", .array(policies.map(JSONValue.string)))
        if let substitution { try copy.set("redact_pii_sub", .string(substitution)) } else { copy["redact_pii_sub"] = nil }
        copy["redact_pii_audio"] = redactAudio.map(JSONValue.bool)
        if let audioQuality { try copy.set("redact_pii_audio_quality", .string(audioQuality)) } else { copy["redact_pii_audio_quality"] = nil }
        self = copy
    }

    /// Content safety detection, with a confidence threshold of 25 to 100 (nil: the API's default, 50).
    public mutating func setContentSafety(_ enabled: Bool, confidence: Int? = nil) throws(AssemblyAIError) {
        if let confidence, !(25...100).contains(confidence) {
            throw .invalidArgument("config field content_safety_confidence must be between 25 and 100, got \(confidence)")
        }
        self["content_safety"] = .bool(enabled)
        self["content_safety_confidence"] = enabled ? confidence.map { .int(Int64($0)) } : nil
    }

    /// Summarization with its model and type (nil: the API's defaults).
    public mutating func setSummarization(_ enabled: Bool, model: String? = nil, type: String? = nil) throws(AssemblyAIError) {
        guard enabled else { for key in ["summarization", "summary_model", "summary_type"] { self[key] = nil }; return }
        var copy = self
        copy["summarization"] = .bool(true)
        if let model { try copy.set("summary_model", .string(model)) } else { copy["summary_model"] = nil }
        if let type { try copy.set("summary_type", .string(type)) } else { copy["summary_type"] = nil }
        self = copy
    }

    /// Adds one custom spelling rule: every word of `from` is written as `to`. With `replace`, the
    /// rule replaces all earlier ones.
    public mutating func addCustomSpelling(from: [String], to: String, replace: Bool = false) throws(AssemblyAIError) {
        guard !from.isEmpty, !to.isEmpty else { throw .invalidArgument("config custom_spelling: 'from' and 'to' must not be empty") }
        var rules: [JSONValue] = []
        if !replace, case .array(let existing)? = self["custom_spelling"] { rules = existing }
        rules.append(.object(["from": .array(from.map(JSONValue.string)), "to": .string(to)]))
        self["custom_spelling"] = .array(rules)
    }
}
