/// One turn of one speaker (`TranscriptUtterance` in the API), present when `speaker_labels` or
/// `multichannel` was enabled.
public struct Utterance: Sendable, Equatable {
    /// The text of this utterance.
    public var text: String
    /// The starting time, in milliseconds, of the utterance in the audio file.
    public var start: Int64
    /// The ending time, in milliseconds, of the utterance in the audio file.
    public var end: Int64
    /// The confidence score for the transcript of this utterance, 0 to 1.
    public var confidence: Double
    /// The speaker of this utterance: "A", "B", ... (nil if the server sent none).
    public var speaker: String?
    /// The channel of this utterance ("1", "2", ...), with multichannel transcription.
    public var channel: String?
    /// The words of this utterance.
    public var words: [Word]
    /// Translations of the text by language code (`translated_texts`, today's API), in the
    /// server's order; nil when absent.
    public var translatedTexts: [Labeled<String>]?

    public init(text: String, start: Int64, end: Int64, confidence: Double, speaker: String?, channel: String? = nil,
                words: [Word], translatedTexts: [Labeled<String>]? = nil) {
        self.text = text
        self.start = start
        self.end = end
        self.confidence = confidence
        self.speaker = speaker
        self.channel = channel
        self.words = words
        self.translatedTexts = translatedTexts
    }

    /// Decodes a `TranscriptUtterance` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text), start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end),
                  confidence: node.double(ResultKeys.confidence), speaker: node.optionalText(ResultKeys.speaker),
                  channel: node.optionalText(ResultKeys.channel),
                  words: node[ResultKeys.words]?.decodedArray(Word.init(json:)) ?? [],
                  translatedTexts: node[ResultKeys.translatedTexts]?.decodedMap { $0.string ?? "" })
    }
}

extension Word {
    /// Decodes a `TranscriptWord` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text), start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end),
                  confidence: node.double(ResultKeys.confidence), speaker: node.optionalText(ResultKeys.speaker),
                  channel: node.optionalText(ResultKeys.channel))
    }
}
