/// One entry of a map the API returns as a JSON object keyed by label: the `summary` of content
/// moderation (label to confidence) and of topic detection (topic to relevance), and the
/// `severity_score_summary` (label to ``SeverityScoreSummary``). Kept as an array of entries, in
/// the order the server sent them (the API sorts summaries by score).
public struct Labeled<Value: Sendable & Equatable>: Sendable, Equatable {
    /// The map's key: a content moderation label (`"disasters"`) or an IAB topic
    /// (`"NewsAndPolitics>Weather"`).
    public var label: String
    public var value: Value

    public init(label: String, value: Value) {
        self.label = label
        self.value = value
    }
}

extension Array {
    /// The value of the first entry whose label is `label`, or nil.
    public func value<V>(for label: String) -> V? where Element == Labeled<V> {
        first { $0.label == label }?.value
    }
}
