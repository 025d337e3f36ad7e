/// Keys of the result objects, encoded once: decoding a 100k-word transcript looks them up
/// hundreds of thousands of times.
public enum ResultKeys {
    public static let text: JSONKey = "text"
    public static let start: JSONKey = "start"
    public static let end: JSONKey = "end"
    public static let confidence: JSONKey = "confidence"
    public static let speaker: JSONKey = "speaker"
    public static let channel: JSONKey = "channel"
    public static let words: JSONKey = "words"
    public static let translatedTexts: JSONKey = "translated_texts"
    public static let gist: JSONKey = "gist"
    public static let headline: JSONKey = "headline"
    public static let summary: JSONKey = "summary"
    public static let sentiment: JSONKey = "sentiment"
    public static let entityType: JSONKey = "entity_type"
    public static let status: JSONKey = "status"
    public static let results: JSONKey = "results"
    public static let count: JSONKey = "count"
    public static let rank: JSONKey = "rank"
    public static let timestamps: JSONKey = "timestamps"
    public static let timestamp: JSONKey = "timestamp"
    public static let labels: JSONKey = "labels"
    public static let label: JSONKey = "label"
    public static let severity: JSONKey = "severity"
    public static let relevance: JSONKey = "relevance"
    public static let sentencesIdxStart: JSONKey = "sentences_idx_start"
    public static let sentencesIdxEnd: JSONKey = "sentences_idx_end"
    public static let severityScoreSummary: JSONKey = "severity_score_summary"
    public static let low: JSONKey = "low"
    public static let medium: JSONKey = "medium"
    public static let high: JSONKey = "high"
    public static let sentences: JSONKey = "sentences"
    public static let paragraphs: JSONKey = "paragraphs"
    public static let totalCount: JSONKey = "total_count"
    public static let matches: JSONKey = "matches"
    public static let indexes: JSONKey = "indexes"
    public static let id: JSONKey = "id"
    public static let resourceURL: JSONKey = "resource_url"
    public static let created: JSONKey = "created"
    public static let completed: JSONKey = "completed"
    public static let audioURL: JSONKey = "audio_url"
    public static let error: JSONKey = "error"
    public static let transcripts: JSONKey = "transcripts"
    public static let pageDetails: JSONKey = "page_details"
    public static let limit: JSONKey = "limit"
    public static let resultCount: JSONKey = "result_count"
    public static let currentURL: JSONKey = "current_url"
    public static let prevURL: JSONKey = "prev_url"
    public static let nextURL: JSONKey = "next_url"
}

/// Decoding rules shared by every result type. The API's results are read leniently, like the
/// words: a missing or mistyped number is 0, a missing text is "", an optional string that is
/// absent or null is nil. A container that is absent, null or of the wrong type is "no result".
/// These decoders are the only ones: the C ABI converts their values into its structs and never
/// reads the JSON itself (the transcript's words excepted: see ``WordTable``).
extension JSONNode {
    /// The array's elements decoded with `decode`, or nil when this is not an array.
    func decodedArray<T>(_ decode: (JSONNode) -> T) -> [T]? {
        guard isArray else { return nil }
        var out: [T] = []
        out.reserveCapacity(count)
        for element in elements { out.append(decode(element)) }
        return out
    }

    /// The members of an object decoded with `decode`, in the server's order, or nil when this
    /// is not an object.
    func decodedMap<T>(_ decode: (JSONNode) -> T) -> [Labeled<T>]? {
        guard isObject else { return nil }
        var out: [Labeled<T>] = []
        out.reserveCapacity(count)
        for (key, value) in members { out.append(Labeled(label: key, value: decode(value))) }
        return out
    }

    func int64(_ key: JSONKey) -> Int64 { self[key]?.int64 ?? 0 }
    func double(_ key: JSONKey) -> Double { self[key]?.double ?? 0 }
    func text(_ key: JSONKey) -> String { self[key]?.string ?? "" }
    func optionalText(_ key: JSONKey) -> String? { self[key]?.string }
}

extension JSONNode {
    /// This node if it is an array, else nil (absent, null, or another type).
    var ifArray: JSONNode? { isArray ? self : nil }
    /// This node if it is an object, else nil.
    var ifObject: JSONNode? { isObject ? self : nil }
}
