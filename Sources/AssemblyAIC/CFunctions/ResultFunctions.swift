import AssemblyAI
import CAssemblyAI

// Transcript results (utterances and audio intelligence) as C struct arrays. The core decodes
// each result (`Transcript.utterances`, `.chapters`, ... in Sources/AssemblyAI/Transcripts/Results);
// this file only converts those values into C structs in the transcript's arena, once, on first
// use (CTranscript.view): one call hands C the whole array, whatever its size. The other answers
// with C views do the same with their core types (LemurFunctions.swift: LemurResponse, LLMResponse;
// CaptionsAndListFunctions.swift: TranscriptSegment, WordSearchResult, TranscriptList): no file
// of this layer reads the JSON of an answer itself.
//
// The one stated exception to "the core decodes, this layer converts": the transcript's own words
// (aai_transcript_words, and the local sentences/paragraphs that point into them) are the core's
// WordTable, which is laid out like aai_word and read straight from the parse tape, so C gets its
// records without a conversion (see WordTable and CTranscript.words()).
//
// The header's rules that the Swift values do not carry are applied in the conversions:
// - a string documented "or NULL" is NULL when the value is nil; every other string is "" then
//   (the core already decodes a missing text as ""): CStrings, in CArena.swift;
// - labels (speakers, channels, sentiments, entity types, content and topic labels) are stored
//   once each per view: equal labels share one pointer (CStrings);
// - a topic detection result without a timestamp has {-1, -1} (iabCategories below);
// - a sentiment the enum does not know is AAI_SENTIMENT_UNKNOWN, its string says what it was (kind below);
// - a model status that is absent (decoded as "") is NULL, like the status of a model not
//   requested (statusText below).

/// The C view of one result: a struct array in the arena and its length; (nil, 0) for none.
typealias CView = (base: UnsafeRawPointer?, count: Int)

/// The view of `values` (nil: the result is absent), each made into a `T` by `make`.
private func view<T, S: Collection>(_ values: S?, _ arena: CArena, _ make: (S.Element) -> T) -> CView {
    guard let values, let base = arena.array(values, make) else { return (nil, 0) }
    return (UnsafeRawPointer(base), values.count)
}

private extension aai_timestamp {
    init(_ t: Timestamp) { self.init(start: t.start, end: t.end) }
}

private func kind(_ sentiment: Sentiment) -> aai_sentiment_kind {
    switch sentiment {
    case .positive: return AAI_SENTIMENT_POSITIVE
    case .neutral: return AAI_SENTIMENT_NEUTRAL
    case .negative: return AAI_SENTIMENT_NEGATIVE
    case .other: return AAI_SENTIMENT_UNKNOWN
    }
}

// MARK: conversions

/// Decoded by the core one utterance at a time (``Utterance/init(json:)``) and converted at once,
/// so the words of a long transcript are never all held as Swift values.
private func utterances(_ t: Transcript, _ arena: CArena) -> CView {
    var s = CStrings(arena)
    guard let nodes = t.utteranceNodes, let out = arena.array(aai_utterance.self, count: nodes.count) else { return (nil, 0) }
    var i = 0
    for node in nodes.elements {
        let u = Utterance(json: node)
        let (words, wordCount) = arena.words(u.words, &s)
        out[i] = aai_utterance(text: s.text(u.text), start: u.start, end: u.end, confidence: u.confidence, speaker: s.label(u.speaker),
                               channel: s.label(u.channel), words: words, word_count: wordCount)
        i += 1
    }
    return (UnsafeRawPointer(out), i)
}

private func chapters(_ t: Transcript, _ arena: CArena) -> CView {
    let s = CStrings(arena)
    return view(t.chapters, arena) { c in
        aai_chapter(gist: s.text(c.gist), headline: s.text(c.headline), summary: s.text(c.summary), start: c.start, end: c.end)
    }
}

private func sentiments(_ t: Transcript, _ arena: CArena) -> CView {
    var s = CStrings(arena)
    return view(t.sentimentAnalysisResults, arena) { r in
        aai_sentiment(text: s.text(r.text), start: r.start, end: r.end, confidence: r.confidence,
                      sentiment: s.label(r.sentiment.rawValue), kind: kind(r.sentiment), speaker: s.label(r.speaker),
                      channel: s.label(r.channel))
    }
}

private func entities(_ t: Transcript, _ arena: CArena) -> CView {
    var s = CStrings(arena)
    return view(t.entities, arena) { e in
        aai_entity(entity_type: s.label(e.entityType), text: s.text(e.text), start: e.start, end: e.end)
    }
}

private func autoHighlights(_ t: Transcript, _ arena: CArena) -> CView {
    let s = CStrings(arena)
    return view(t.autoHighlightsResult?.results, arena) { h in
        let spans = arena.array(h.timestamps) { aai_timestamp($0) }
        return aai_auto_highlight(text: s.text(h.text), rank: h.rank, count: h.count, timestamps: spans,
                                  timestamp_count: spans == nil ? 0 : h.timestamps.count)
    }
}

private func contentSafety(_ t: Transcript, _ arena: CArena) -> CView {
    var s = CStrings(arena)
    return view(t.contentSafetyLabels?.results, arena) { r in
        let labels = arena.array(r.labels) { l in
            aai_content_safety_label(label: s.label(l.label), confidence: l.confidence, severity: l.severity)
        }
        return aai_content_safety_result(text: s.text(r.text), labels: labels, label_count: labels == nil ? 0 : r.labels.count,
                                         sentences_idx_start: r.sentencesIdxStart, sentences_idx_end: r.sentencesIdxEnd,
                                         timestamp: aai_timestamp(r.timestamp))
    }
}

/// A summary (label to score) as aai_label_score entries, in the server's order.
private func labelScores(_ summary: [Labeled<Double>]?, _ arena: CArena) -> CView {
    let s = CStrings(arena)
    return view(summary, arena) { aai_label_score(label: s.text($0.label), score: $0.value) }
}

private func severityScores(_ t: Transcript, _ arena: CArena) -> CView {
    let s = CStrings(arena)
    return view(t.contentSafetyLabels?.severityScoreSummary, arena) { e in
        aai_severity_score_summary(label: s.text(e.label), low: e.value.low, medium: e.value.medium, high: e.value.high)
    }
}

private func iabCategories(_ t: Transcript, _ arena: CArena) -> CView {
    var s = CStrings(arena)
    return view(t.iabCategoriesResult?.results, arena) { r in
        let labels = arena.array(r.labels) { l in aai_label_score(label: s.label(l.label), score: l.relevance) }
        return aai_iab_result(text: s.text(r.text), labels: labels, label_count: labels == nil ? 0 : r.labels.count,
                              timestamp: r.timestamp.map { aai_timestamp($0) } ?? aai_timestamp(start: -1, end: -1))
    }
}

/// A model's status as the server spelled it; nil when the result or its status is absent.
private func statusText(_ status: AudioIntelligenceModelStatus?) -> String? {
    guard let text = status?.rawValue, !text.isEmpty else { return nil }
    return text
}

// MARK: exports

/// Hands a view to C: checks the arguments, builds the view once (`key` names it in the
/// transcript's cache), writes the out-parameters (`name`: the array's parameter, for messages).
private func exportView<T>(_ t: OpaquePointer?, _ key: String, _ name: String, _ type: T.Type,
                           _ outArray: UnsafeMutablePointer<UnsafePointer<T>?>?, _ outCount: UnsafeMutablePointer<Int>?,
                           _ build: (Transcript, CArena) -> CView) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let array = try out(outArray, name), count = try out(outCount, "count")
        let view = try resolve(t, CTranscript.self, "transcript").view(key, build)
        array.pointee = view.count > 0 ? view.base?.assumingMemoryBound(to: T.self) : nil
        count.pointee = view.base == nil ? 0 : view.count
    }
}

private func lookup(_ t: OpaquePointer?) -> CTranscript? { resolveInGetter(t, CTranscript.self, "transcript") }
@_cdecl("aai_transcript_from_json")
public func aai_transcript_from_json_impl(_ json: UnsafePointer<CChar>?, _ length: Int,
                                          _ outTranscript: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outTranscript, "out")
        guard let json else { throw AssemblyAIError(.invalidArgument, "json is NULL") }
        guard length >= 0 else { throw AssemblyAIError(.invalidArgument, "length is out of range") }
        let bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(json), count: length))
        target.pointee = transcriptHandle(try Transcript(json: bytes))
    }
}

@_cdecl("aai_transcript_utterances")
public func aai_transcript_utterances_impl(_ t: OpaquePointer?, _ outArray: UnsafeMutablePointer<UnsafePointer<aai_utterance>?>?,
                                           _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "utterances", "utterances", aai_utterance.self, outArray, outCount, utterances)
}

@_cdecl("aai_transcript_chapters")
public func aai_transcript_chapters_impl(_ t: OpaquePointer?, _ outArray: UnsafeMutablePointer<UnsafePointer<aai_chapter>?>?,
                                         _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "chapters", "chapters", aai_chapter.self, outArray, outCount, chapters)
}

@_cdecl("aai_transcript_sentiment_analysis")
public func aai_transcript_sentiment_analysis_impl(_ t: OpaquePointer?,
                                                   _ outArray: UnsafeMutablePointer<UnsafePointer<aai_sentiment>?>?,
                                                   _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "sentiment_analysis_results", "results", aai_sentiment.self, outArray, outCount, sentiments)
}

@_cdecl("aai_transcript_entities")
public func aai_transcript_entities_impl(_ t: OpaquePointer?, _ outArray: UnsafeMutablePointer<UnsafePointer<aai_entity>?>?,
                                         _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "entities", "entities", aai_entity.self, outArray, outCount, entities)
}

@_cdecl("aai_transcript_auto_highlights")
public func aai_transcript_auto_highlights_impl(_ t: OpaquePointer?,
                                                _ outArray: UnsafeMutablePointer<UnsafePointer<aai_auto_highlight>?>?,
                                                _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "auto_highlights_result.results", "highlights", aai_auto_highlight.self, outArray, outCount, autoHighlights)
}

@_cdecl("aai_transcript_auto_highlights_status")
public func aai_transcript_auto_highlights_status_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("auto_highlights_result.status") { statusText($0.autoHighlightsResult?.status) }
}

@_cdecl("aai_transcript_content_safety")
public func aai_transcript_content_safety_impl(_ t: OpaquePointer?,
                                               _ outArray: UnsafeMutablePointer<UnsafePointer<aai_content_safety_result>?>?,
                                               _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "content_safety_labels.results", "results", aai_content_safety_result.self, outArray, outCount, contentSafety)
}

@_cdecl("aai_transcript_content_safety_summary")
public func aai_transcript_content_safety_summary_impl(_ t: OpaquePointer?,
                                                       _ outArray: UnsafeMutablePointer<UnsafePointer<aai_label_score>?>?,
                                                       _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "content_safety_labels.summary", "summary", aai_label_score.self, outArray, outCount) { t, arena in
        labelScores(t.contentSafetyLabels?.summary, arena)
    }
}

@_cdecl("aai_transcript_content_safety_severity_scores")
public func aai_transcript_content_safety_severity_scores_impl(
    _ t: OpaquePointer?, _ outArray: UnsafeMutablePointer<UnsafePointer<aai_severity_score_summary>?>?,
    _ outCount: UnsafeMutablePointer<Int>?
) -> aai_status {
    exportView(t, "content_safety_labels.severity_score_summary", "scores", aai_severity_score_summary.self, outArray, outCount, severityScores)
}

@_cdecl("aai_transcript_content_safety_status")
public func aai_transcript_content_safety_status_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("content_safety_labels.status") { statusText($0.contentSafetyLabels?.status) }
}

@_cdecl("aai_transcript_iab_categories")
public func aai_transcript_iab_categories_impl(_ t: OpaquePointer?,
                                               _ outArray: UnsafeMutablePointer<UnsafePointer<aai_iab_result>?>?,
                                               _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "iab_categories_result.results", "results", aai_iab_result.self, outArray, outCount, iabCategories)
}

@_cdecl("aai_transcript_iab_categories_summary")
public func aai_transcript_iab_categories_summary_impl(_ t: OpaquePointer?,
                                                       _ outArray: UnsafeMutablePointer<UnsafePointer<aai_label_score>?>?,
                                                       _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "iab_categories_result.summary", "summary", aai_label_score.self, outArray, outCount) { t, arena in
        labelScores(t.iabCategoriesResult?.summary, arena)
    }
}

@_cdecl("aai_transcript_iab_categories_status")
public func aai_transcript_iab_categories_status_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("iab_categories_result.status") { statusText($0.iabCategoriesResult?.status) }
}

@_cdecl("aai_transcript_summary")
public func aai_transcript_summary_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("summary") { $0.summary }
}

@_cdecl("aai_transcript_language_code")
public func aai_transcript_language_code_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("language_code") { $0.languageCode }
}

@_cdecl("aai_transcript_language_confidence")
public func aai_transcript_language_confidence_impl(_ t: OpaquePointer?) -> Double {
    lookup(t)?.core.languageConfidence ?? -1
}

// MARK: newer response fields (speech_model_used, unredacted_text, metadata, code switching)

@_cdecl("aai_transcript_speech_model_used")
public func aai_transcript_speech_model_used_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("speech_model_used") { $0.speechModelUsed }
}

@_cdecl("aai_transcript_unredacted_text")
public func aai_transcript_unredacted_text_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("unredacted_text") { $0.unredactedText }
}

@_cdecl("aai_transcript_domain_used")
public func aai_transcript_domain_used_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("metadata.domain_used") { $0.domainUsed }
}

@_cdecl("aai_transcript_warnings")
public func aai_transcript_warnings_impl(_ t: OpaquePointer?, _ outArray: UnsafeMutablePointer<UnsafePointer<UnsafePointer<CChar>?>?>?,
                                         _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "metadata.warnings", "messages", UnsafePointer<CChar>?.self, outArray, outCount) { tr, arena in
        let messages = tr.warnings
        return view(messages.isEmpty ? nil : messages, arena) { Optional(arena.string($0)) }
    }
}

@_cdecl("aai_transcript_code_switching_languages")
public func aai_transcript_code_switching_languages_impl(_ t: OpaquePointer?,
                                                         _ outArray: UnsafeMutablePointer<UnsafePointer<aai_language_confidence>?>?,
                                                         _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    exportView(t, "code_switching_languages", "languages", aai_language_confidence.self, outArray, outCount) { tr, arena in
        let languages = tr.codeSwitchingLanguages
        let s = CStrings(arena)
        return view(languages.isEmpty ? nil : languages, arena) { l in
            aai_language_confidence(language_code: s.text(l.languageCode), confidence: l.confidence)
        }
    }
}

