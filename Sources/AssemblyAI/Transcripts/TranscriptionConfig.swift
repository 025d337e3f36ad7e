/// The request parameters of a transcription (the API's `TranscriptParams` without `audio_url`).
///
/// Fields live in one insertion-ordered JSON object, so the body sent is exactly what was set,
/// and a field this version does not know can still be set through ``merge(json:)``.
public struct TranscriptionConfig: Sendable, Equatable {
    public private(set) var fields = JSONObject()

    public init() {}

    /// A field by its API name; setting `nil` (or `.null`) removes it.
    public subscript(key: String) -> JSONValue? {
        get { fields[key] }
        set {
            if let newValue, newValue != .null { fields[key] = newValue } else { fields.removeValue(forKey: key) }
        }
    }

    /// Merges a JSON object: each top-level key replaces the field of that name; null removes it.
    public mutating func merge(json: String) throws(AssemblyAIError) {
        let value: JSONValue
        do { value = try JSONValue.parse(json) } catch {
            throw .invalidArgument("config JSON is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw .invalidArgument("config JSON must be an object, got \(json.prefix(40))")
        }
        for (key, value) in object { self[key] = value }
    }

    /// The JSON body of a create-transcript request for `audioURL`.
    public func requestBody(audioURL: String) -> JSONValue {
        var body = JSONObject()
        body["audio_url"] = .string(audioURL)
        for (key, value) in fields where key != "audio_url" { body[key] = value }
        return .object(body)
    }

    public var languageCode: String? {
        get { self["language_code"]?.stringValue }
        set { self["language_code"] = newValue.map(JSONValue.string) }
    }
    public var speechModel: String? {
        get { self["speech_model"]?.stringValue }
        set { self["speech_model"] = newValue.map(JSONValue.string) }
    }
    public var punctuate: Bool? {
        get { self["punctuate"]?.boolValue }
        set { self["punctuate"] = newValue.map(JSONValue.bool) }
    }
    public var formatText: Bool? {
        get { self["format_text"]?.boolValue }
        set { self["format_text"] = newValue.map(JSONValue.bool) }
    }
    public var speakerLabels: Bool? {
        get { self["speaker_labels"]?.boolValue }
        set { self["speaker_labels"] = newValue.map(JSONValue.bool) }
    }
}
