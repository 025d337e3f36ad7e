/// The result of the Topic Detection model (`TopicDetectionModelResult` in the API): IAB categories.
public struct TopicDetectionModelResult: Sendable, Equatable {
    /// `success`, or `unavailable` in the rare case that the model failed.
    public var status: AudioIntelligenceModelStatus
    /// The topics found in each part of the transcript.
    public var results: [TopicDetectionResult]
    /// The overall relevance of each topic to the entire audio file, 0 to 1, in the server's order.
    public var summary: [Labeled<Double>]

    public init(status: AudioIntelligenceModelStatus, results: [TopicDetectionResult], summary: [Labeled<Double>]) {
        self.status = status
        self.results = results
        self.summary = summary
    }

    /// Decodes a `TopicDetectionModelResult` object.
    public init(json node: JSONNode) {
        self.init(status: AudioIntelligenceModelStatus(node.text(ResultKeys.status)),
                  results: node[ResultKeys.results]?.decodedArray(TopicDetectionResult.init(json:)) ?? [],
                  summary: node[ResultKeys.summary]?.decodedMap { $0.double ?? 0 } ?? [])
    }
}

/// The topics detected in one part of the transcript (`TopicDetectionResult` in the API).
public struct TopicDetectionResult: Sendable, Equatable {
    /// The text in the transcript in which the topics occur.
    public var text: String
    /// The detected topics.
    public var labels: [TopicDetectionLabel]
    /// Where the text is in the audio; nil when the server gave no timestamp.
    public var timestamp: Timestamp?

    public init(text: String, labels: [TopicDetectionLabel], timestamp: Timestamp?) {
        self.text = text
        self.labels = labels
        self.timestamp = timestamp
    }

    /// Decodes a `TopicDetectionResult` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text),
                  labels: node[ResultKeys.labels]?.decodedArray(TopicDetectionLabel.init(json:)) ?? [],
                  timestamp: node[ResultKeys.timestamp]?.ifObject.map(Timestamp.init(json:)))
    }
}

/// A detected topic (an element of `TopicDetectionResult.labels`).
public struct TopicDetectionLabel: Sendable, Equatable {
    /// The IAB taxonomical label, where `>` separates a supertopic from its subtopic
    /// (`"NewsAndPolitics>Weather"`).
    public var label: String
    /// How relevant the topic is, 0 to 1.
    public var relevance: Double

    public init(label: String, relevance: Double) {
        self.label = label
        self.relevance = relevance
    }

    /// Decodes a topic label object.
    public init(json node: JSONNode) {
        self.init(label: node.text(ResultKeys.label), relevance: node.double(ResultKeys.relevance))
    }
}
