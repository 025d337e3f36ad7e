/// The result of the Content Moderation model (`ContentSafetyLabelsResult` in the API).
public struct ContentSafetyLabelsResult: Sendable, Equatable {
    /// `success`, or `unavailable` in the rare case that the model failed.
    public var status: AudioIntelligenceModelStatus
    /// The flagged sections of the transcript.
    public var results: [ContentSafetyLabelResult]
    /// The confidence of each label for the whole audio file, 0 to 1, in the server's order.
    public var summary: [Labeled<Double>]
    /// How severely each label is discussed over the whole audio file, in the server's order.
    public var severityScoreSummary: [Labeled<SeverityScoreSummary>]

    public init(status: AudioIntelligenceModelStatus, results: [ContentSafetyLabelResult], summary: [Labeled<Double>],
                severityScoreSummary: [Labeled<SeverityScoreSummary>]) {
        self.status = status
        self.results = results
        self.summary = summary
        self.severityScoreSummary = severityScoreSummary
    }

    /// Decodes a `ContentSafetyLabelsResult` object.
    public init(json node: JSONNode) {
        self.init(status: AudioIntelligenceModelStatus(node.text(ResultKeys.status)),
                  results: node[ResultKeys.results]?.decodedArray(ContentSafetyLabelResult.init(json:)) ?? [],
                  summary: node[ResultKeys.summary]?.decodedMap { $0.double ?? 0 } ?? [],
                  severityScoreSummary: node[ResultKeys.severityScoreSummary]?.decodedMap(SeverityScoreSummary.init(json:)) ?? [])
    }
}

/// A section of the transcript flagged by the Content Moderation model (`ContentSafetyLabelResult`).
public struct ContentSafetyLabelResult: Sendable, Equatable {
    /// The transcript of the section.
    public var text: String
    /// One label per sensitive topic detected in the section.
    public var labels: [ContentSafetyLabel]
    /// The sentence index at which the section begins.
    public var sentencesIdxStart: Int64
    /// The sentence index at which the section ends.
    public var sentencesIdxEnd: Int64
    /// Where the section is in the audio.
    public var timestamp: Timestamp

    public init(text: String, labels: [ContentSafetyLabel], sentencesIdxStart: Int64, sentencesIdxEnd: Int64,
                timestamp: Timestamp) {
        self.text = text
        self.labels = labels
        self.sentencesIdxStart = sentencesIdxStart
        self.sentencesIdxEnd = sentencesIdxEnd
        self.timestamp = timestamp
    }

    /// Decodes a `ContentSafetyLabelResult` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text),
                  labels: node[ResultKeys.labels]?.decodedArray(ContentSafetyLabel.init(json:)) ?? [],
                  sentencesIdxStart: node.int64(ResultKeys.sentencesIdxStart),
                  sentencesIdxEnd: node.int64(ResultKeys.sentencesIdxEnd),
                  timestamp: node[ResultKeys.timestamp].map(Timestamp.init(json:)) ?? Timestamp(start: 0, end: 0))
    }
}

/// A sensitive topic detected in a section (`ContentSafetyLabel` in the API).
public struct ContentSafetyLabel: Sendable, Equatable {
    /// The label of the sensitive topic (`"disasters"`, `"health_issues"`, ...).
    public var label: String
    /// The confidence score for the topic being discussed, from 0 to 1.
    public var confidence: Double
    /// How severely the topic is discussed in the section, from 0 to 1.
    public var severity: Double

    public init(label: String, confidence: Double, severity: Double) {
        self.label = label
        self.confidence = confidence
        self.severity = severity
    }

    /// Decodes a `ContentSafetyLabel` object.
    public init(json node: JSONNode) {
        self.init(label: node.text(ResultKeys.label), confidence: node.double(ResultKeys.confidence),
                  severity: node.double(ResultKeys.severity))
    }
}

/// How much of a label's content is of low, medium and high severity (`SeverityScoreSummary`).
public struct SeverityScoreSummary: Sendable, Equatable {
    public var low: Double
    public var medium: Double
    public var high: Double

    public init(low: Double, medium: Double, high: Double) {
        self.low = low
        self.medium = medium
        self.high = high
    }

    /// Decodes a `SeverityScoreSummary` object.
    public init(json node: JSONNode) {
        self.init(low: node.double(ResultKeys.low), medium: node.double(ResultKeys.medium), high: node.double(ResultKeys.high))
    }
}
