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
    /// A key given twice, or a number outside the range of a double, is rejected rather than
    /// silently resolved, so what is sent is always what the caller wrote.
    public mutating func merge(json: String) throws(AssemblyAIError) {
        let document: JSONDocument
        do { document = try JSONDocument(string: json) } catch {
            throw .invalidArgument("config JSON is not valid JSON: \(error)")
        }
        guard document.root.kind == .object else {
            throw .invalidArgument("config JSON must be an object, got \(json.prefix(40))")
        }
        var seen = Set<String>()
        for (key, node) in document.root.members {
            guard seen.insert(key).inserted else { throw .invalidArgument("config JSON has the key '\(key)' twice") }
            try TranscriptionConfig.checkNumbers(node, path: key)
        }
        for (key, node) in document.root.members { self[key] = node.toValue() }
    }

    private static func checkNumbers(_ node: JSONNode, path: String) throws(AssemblyAIError) {
        switch node.kind {
        case .number:
            guard let d = node.double, d.isFinite else {
                throw .invalidArgument("config field \(path): the number \(node.rawJSON) is out of range")
            }
        case .array:
            var i = 0
            for element in node.elements { try checkNumbers(element, path: "\(path)[\(i)]"); i += 1 }
        case .object:
            for (key, value) in node.members { try checkNumbers(value, path: "\(path).\(key)") }
        default: break
        }
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
