/// Typed access to the results of a transcript: utterances and the audio intelligence models.
///
/// Each accessor decodes its field from the parsed document when called (the document is parsed
/// once; decoding allocates only the values returned). A result is nil when its field is absent
/// or null: the feature was not requested, or the transcript is not completed yet. These are the
/// results' only decoders: the C ABI builds its structs from these values (the utterances one at
/// a time, from ``utteranceNodes`` through ``Utterance/init(json:)``, so that a long transcript's
/// words are never all held as Swift values).
extension Transcript {
    /// Makes a transcript from its JSON text: one stored earlier (``JSONDocument/bytes`` of a
    /// transcript), or the body of a `GET /v2/transcript/{id}` received by other means. The text
    /// must be a JSON object with a string `id` and `status`; anything else is
    /// ``ErrorCode/invalidArgument``.
    public convenience init(json bytes: [UInt8]) throws(AssemblyAIError) {
        let document: JSONDocument
        do { document = try JSONDocument(bytes: bytes) } catch {
            throw .invalidArgument("the transcript JSON is not valid JSON: \(error)")
        }
        guard document.root.isObject else { throw .invalidArgument("the transcript JSON is not an object") }
        guard document.root["id"]?.isString == true, document.root["status"]?.isString == true else {
            throw .invalidArgument("the JSON is not a transcript: it needs a string \"id\" and \"status\"")
        }
        try self.init(document: document)
    }

    // MARK: scalars

    /// The language of the audio (`language_code`), e.g. `"en_us"`, or the language found by
    /// automatic language detection; nil when absent.
    public var languageCode: String? { json["language_code"]?.string }

    /// The confidence of the detected language, 0 to 1 (`language_confidence`); nil without
    /// automatic language detection.
    public var languageConfidence: Double? { json["language_confidence"]?.double }

    /// The summary made by Summarization (`summary`); nil when not requested.
    public var summary: String? { json["summary"]?.string }

    /// The speech model that transcribed the audio (`speech_model_used`: with `speech_models`,
    /// the one the API picked); nil when absent.
    public var speechModelUsed: String? { json["speech_model_used"]?.string }

    /// The text before PII redaction (`unredacted_text`, with `redact_pii_return_unredacted`);
    /// nil when absent.
    public var unredactedText: String? { json["unredacted_text"]?.string }

    /// The domain the API applied (`metadata.domain_used`); nil when absent.
    public var domainUsed: String? { json["metadata"]?["domain_used"]?.string }

    /// The API's warnings about this transcript: each `metadata.warnings[].message`, then
    /// `metadata.warning` when it is not one of them. Empty when there are none.
    public var warnings: [String] {
        let metadata = json["metadata"]
        var out = metadata?["warnings"]?.decodedArray { $0["message"]?.string } .map { $0.compactMap { $0 } } ?? []
        if let single = metadata?["warning"]?.string, !out.contains(single) { out.append(single) }
        return out
    }

    /// The languages found with code switching (`language_detection_results.
    /// code_switching_languages`), in the API's order; empty when absent.
    public var codeSwitchingLanguages: [LanguageConfidence] {
        json["language_detection_results"]?["code_switching_languages"]?.decodedArray { node -> LanguageConfidence? in
            guard let code = node["language_code"]?.string else { return nil }
            return LanguageConfidence(languageCode: code, confidence: node["confidence"]?.double ?? 0)
        }.map { $0.compactMap { $0 } } ?? []
    }

    // MARK: the results' nodes

    /// `utterances` when it is an array: for callers that decode one ``Utterance`` at a time.
    public var utteranceNodes: JSONNode? { json["utterances"]?.ifArray }
    /// `chapters` when it is an array.
    var chapterNodes: JSONNode? { json["chapters"]?.ifArray }
    /// `sentiment_analysis_results` when it is an array.
    var sentimentAnalysisNodes: JSONNode? { json["sentiment_analysis_results"]?.ifArray }
    /// `entities` when it is an array.
    var entityNodes: JSONNode? { json["entities"]?.ifArray }
    /// `auto_highlights_result` when it is an object.
    var autoHighlightsNode: JSONNode? { json["auto_highlights_result"]?.ifObject }
    /// `content_safety_labels` when it is an object.
    var contentSafetyNode: JSONNode? { json["content_safety_labels"]?.ifObject }
    /// `iab_categories_result` when it is an object.
    var iabCategoriesNode: JSONNode? { json["iab_categories_result"]?.ifObject }

    // MARK: values

    /// The turn-by-turn utterances (with `speaker_labels` or `multichannel`), each with its words.
    public var utterances: [Utterance]? { utteranceNodes?.decodedArray(Utterance.init(json:)) }

    /// The chapters made by Auto Chapters, in temporal order.
    public var chapters: [Chapter]? { chapterNodes?.decodedArray(Chapter.init(json:)) }

    /// The sentiment of each sentence (Sentiment Analysis).
    public var sentimentAnalysisResults: [SentimentAnalysisResult]? {
        sentimentAnalysisNodes?.decodedArray(SentimentAnalysisResult.init(json:))
    }

    /// The entities found by Entity Detection.
    public var entities: [Entity]? { entityNodes?.decodedArray(Entity.init(json:)) }

    /// The key phrases found by Key Phrases (`auto_highlights_result`).
    public var autoHighlightsResult: AutoHighlightsResult? { autoHighlightsNode.map(AutoHighlightsResult.init(json:)) }

    /// The result of Content Moderation (`content_safety_labels`).
    public var contentSafetyLabels: ContentSafetyLabelsResult? { contentSafetyNode.map(ContentSafetyLabelsResult.init(json:)) }

    /// The result of Topic Detection (`iab_categories_result`).
    public var iabCategoriesResult: TopicDetectionModelResult? { iabCategoriesNode.map(TopicDetectionModelResult.init(json:)) }
}

/// A language and the confidence it was detected with (`CodeSwitchingLanguage`).
public struct LanguageConfidence: Sendable, Equatable {
    public var languageCode: String
    public var confidence: Double

    public init(languageCode: String, confidence: Double) {
        self.languageCode = languageCode
        self.confidence = confidence
    }
}
