/// The sentiment of a sentence (`Sentiment` in the API).
public enum Sentiment: Sendable, Equatable {
    case positive, neutral, negative
    /// A value this version does not know, as the server spelled it.
    case other(String)

    public init(_ text: String) {
        switch text {
        case "POSITIVE": self = .positive
        case "NEUTRAL": self = .neutral
        case "NEGATIVE": self = .negative
        default: self = .other(text)
        }
    }

    /// The sentiment as the API spells it: `POSITIVE`, `NEUTRAL` or `NEGATIVE`.
    public var rawValue: String {
        switch self {
        case .positive: return "POSITIVE"
        case .neutral: return "NEUTRAL"
        case .negative: return "NEGATIVE"
        case .other(let text): return text
        }
    }
}

/// The result of the Sentiment Analysis model for one sentence (`SentimentAnalysisResult` in the API).
public struct SentimentAnalysisResult: Sendable, Equatable {
    /// The transcript of the sentence.
    public var text: String
    /// The starting time, in milliseconds, of the sentence.
    public var start: Int64
    /// The ending time, in milliseconds, of the sentence.
    public var end: Int64
    /// The detected sentiment for the sentence.
    public var sentiment: Sentiment
    /// The confidence score for the detected sentiment of the sentence, from 0 to 1.
    public var confidence: Double
    /// The speaker of the sentence if Speaker Diarization is enabled, else nil.
    public var speaker: String?
    /// The channel of the sentence, with multichannel transcription.
    public var channel: String?

    public init(text: String, start: Int64, end: Int64, sentiment: Sentiment, confidence: Double,
                speaker: String?, channel: String? = nil) {
        self.text = text
        self.start = start
        self.end = end
        self.sentiment = sentiment
        self.confidence = confidence
        self.speaker = speaker
        self.channel = channel
    }

    /// Decodes a `SentimentAnalysisResult` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text), start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end),
                  sentiment: Sentiment(node.text(ResultKeys.sentiment)), confidence: node.double(ResultKeys.confidence),
                  speaker: node.optionalText(ResultKeys.speaker), channel: node.optionalText(ResultKeys.channel))
    }
}
