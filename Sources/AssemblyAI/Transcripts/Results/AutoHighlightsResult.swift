/// The result of the Key Phrases model (`AutoHighlightsResult` in the API).
public struct AutoHighlightsResult: Sendable, Equatable {
    /// `success`, or `unavailable` in the rare case that the model failed.
    public var status: AudioIntelligenceModelStatus
    /// A temporally-sequential array of key phrases.
    public var results: [AutoHighlightResult]

    public init(status: AudioIntelligenceModelStatus, results: [AutoHighlightResult]) {
        self.status = status
        self.results = results
    }

    /// Decodes an `AutoHighlightsResult` object.
    public init(json node: JSONNode) {
        self.init(status: AudioIntelligenceModelStatus(node.text(ResultKeys.status)),
                  results: node[ResultKeys.results]?.decodedArray(AutoHighlightResult.init(json:)) ?? [])
    }
}

/// One key phrase (`AutoHighlightResult` in the API).
public struct AutoHighlightResult: Sendable, Equatable {
    /// The text itself of the key phrase.
    public var text: String
    /// The total relevancy to the overall audio file of this key phrase: a greater number means
    /// more relevant (0 to 1).
    public var rank: Double
    /// The total number of times the key phrase appears in the audio file.
    public var count: Int64
    /// Where the key phrase occurs.
    public var timestamps: [Timestamp]

    public init(text: String, rank: Double, count: Int64, timestamps: [Timestamp]) {
        self.text = text
        self.rank = rank
        self.count = count
        self.timestamps = timestamps
    }

    /// Decodes an `AutoHighlightResult` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text), rank: node.double(ResultKeys.rank), count: node.int64(ResultKeys.count),
                  timestamps: node[ResultKeys.timestamps]?.decodedArray(Timestamp.init(json:)) ?? [])
    }
}
