import AssemblyAI
import CAssemblyAI

// Transcript results (utterances and audio intelligence) as C struct arrays. Each view is built
// straight from the parsed document's tape into the transcript's arena, once, on first use
// (CTranscript.view): one call hands C the whole array, whatever its size.

/// Keys looked up in the build loops, encoded once (the core's table).
private typealias K = ResultKeys

/// Copies strings of one view into the arena, following the header's rule: a string documented
/// "or NULL" is NULL when absent or null (`label`), every other string is "" then (`text`, or
/// `label(...) ?? empty`). Labels (speakers, channels, sentiments, ...) are stored once each.
private struct Strings {
    let arena: CArena
    let empty: UnsafePointer<CChar>
    private var labels: [String: UnsafePointer<CChar>] = [:]

    init(_ arena: CArena) {
        self.arena = arena
        let nul = arena.allocate(bytes: 1, alignment: 1)
        nul.storeBytes(of: 0, as: UInt8.self)
        empty = UnsafePointer(nul.assumingMemoryBound(to: CChar.self))
    }

    func text(_ node: JSONNode?) -> UnsafePointer<CChar> { arena.string(node) ?? empty }

    mutating func label(_ node: JSONNode?) -> UnsafePointer<CChar>? {
        guard let value = node?.string else { return nil }
        if let stored = labels[value] { return stored }
        let stored = arena.string(value)
        labels[value] = stored
        return stored
    }
}

private extension JSONNode {
    func int64(_ key: JSONKey) -> Int64 { self[key]?.int64 ?? 0 }
    func double(_ key: JSONKey) -> Double { self[key]?.double ?? 0 }
}

private func timestamp(_ node: JSONNode?, missing: Int64 = 0) -> aai_timestamp {
    guard let node, node.isObject else { return aai_timestamp(start: missing, end: missing) }
    return aai_timestamp(start: node.int64(K.start), end: node.int64(K.end))
}

/// An array of `T` for at most `n` of `items`, filled by `make`; (nil, 0) for none.
private func fill<T, S: Sequence>(_ n: Int, _ items: S, _ arena: CArena,
                                  _ make: (S.Element) -> T) -> (base: UnsafeRawPointer?, count: Int) {
    guard n > 0, let out = arena.array(T.self, count: n) else { return (nil, 0) }
    var i = 0
    for item in items where i < n {
        out[i] = make(item)
        i += 1
    }
    return (UnsafeRawPointer(out), i)
}

/// An array of `T` for the elements of `array`, filled by `make`; (nil, 0) for no elements.
private func build<T>(_ array: JSONNode?, _ arena: CArena, _ type: T.Type,
                      _ make: (JSONNode) -> T) -> (base: UnsafeRawPointer?, count: Int) {
    guard let array, array.isArray else { return (nil, 0) }
    return fill(array.count, array.elements, arena, make)
}

/// An array of `T` for the members of `object`, filled by `make` from the key (as a C string)
/// and the value; (nil, 0) for no members.
private func buildMembers<T>(_ object: JSONNode?, _ arena: CArena,
                             _ make: (UnsafePointer<CChar>, JSONNode) -> T) -> (base: UnsafeRawPointer?, count: Int) {
    guard let object, object.isObject, object.count > 0 else { return (nil, 0) }
    let strings = Strings(arena)
    return fill(object.count, object.memberNodes, arena) { member in make(strings.text(member.key), member.value) }
}

/// An aai_label_score array for the members of an object (label to number).
private func labelScores(_ object: JSONNode?, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    buildMembers(object, arena) { label, value in aai_label_score(label: label, score: value.double ?? 0) }
}

// MARK: builders

private func utterances(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    var strings = Strings(arena)
    return build(t.utteranceNodes, arena, aai_utterance.self) { u in
        let (words, wordCount) = arena.words(u[K.words])
        return aai_utterance(text: strings.text(u[K.text]), start: u.int64(K.start), end: u.int64(K.end),
                             confidence: u.double(K.confidence), speaker: strings.label(u[K.speaker]),
                             channel: strings.label(u[K.channel]), words: words, word_count: wordCount)
    }
}

private func chapters(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    let strings = Strings(arena)
    return build(t.chapterNodes, arena, aai_chapter.self) { c in
        aai_chapter(gist: strings.text(c[K.gist]), headline: strings.text(c[K.headline]),
                    summary: strings.text(c[K.summary]), start: c.int64(K.start), end: c.int64(K.end))
    }
}

private func sentimentKind(_ node: JSONNode?) -> aai_sentiment_kind {
    guard let node else { return AAI_SENTIMENT_UNKNOWN }
    if node.stringEquals("POSITIVE") { return AAI_SENTIMENT_POSITIVE }
    if node.stringEquals("NEUTRAL") { return AAI_SENTIMENT_NEUTRAL }
    if node.stringEquals("NEGATIVE") { return AAI_SENTIMENT_NEGATIVE }
    return AAI_SENTIMENT_UNKNOWN
}

private func sentiments(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    var strings = Strings(arena)
    return build(t.sentimentAnalysisNodes, arena, aai_sentiment.self) { s in
        let sentiment = s[K.sentiment]
        return aai_sentiment(text: strings.text(s[K.text]), start: s.int64(K.start), end: s.int64(K.end),
                             confidence: s.double(K.confidence), sentiment: strings.label(sentiment) ?? strings.empty,
                             kind: sentimentKind(sentiment), speaker: strings.label(s[K.speaker]),
                             channel: strings.label(s[K.channel]))
    }
}

private func entities(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    var strings = Strings(arena)
    return build(t.entityNodes, arena, aai_entity.self) { e in
        aai_entity(entity_type: strings.label(e[K.entityType]) ?? strings.empty, text: strings.text(e[K.text]),
                   start: e.int64(K.start), end: e.int64(K.end))
    }
}

private func autoHighlights(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    let strings = Strings(arena)
    return build(t.autoHighlightsNode?[K.results], arena, aai_auto_highlight.self) { h in
        let (spans, spanCount) = build(h[K.timestamps], arena, aai_timestamp.self) { timestamp($0) }
        return aai_auto_highlight(text: strings.text(h[K.text]), rank: h.double(K.rank), count: h.int64(K.count),
                                  timestamps: spans?.assumingMemoryBound(to: aai_timestamp.self), timestamp_count: spanCount)
    }
}

private func contentSafety(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    var strings = Strings(arena)
    return build(t.contentSafetyNode?[K.results], arena, aai_content_safety_result.self) { r in
        let (labels, labelCount) = build(r[K.labels], arena, aai_content_safety_label.self) { l in
            aai_content_safety_label(label: strings.label(l[K.label]) ?? strings.empty, confidence: l.double(K.confidence),
                                     severity: l.double(K.severity))
        }
        return aai_content_safety_result(text: strings.text(r[K.text]),
                                         labels: labels?.assumingMemoryBound(to: aai_content_safety_label.self),
                                         label_count: labelCount, sentences_idx_start: r.int64(K.sentencesIdxStart),
                                         sentences_idx_end: r.int64(K.sentencesIdxEnd), timestamp: timestamp(r[K.timestamp]))
    }
}

private func severityScores(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    buildMembers(t.contentSafetyNode?[K.severityScoreSummary], arena) { label, value in
        aai_severity_score_summary(label: label, low: value.double(K.low), medium: value.double(K.medium), high: value.double(K.high))
    }
}

private func iabCategories(_ t: Transcript, _ arena: CArena) -> (base: UnsafeRawPointer?, count: Int) {
    var strings = Strings(arena)
    return build(t.iabCategoriesNode?[K.results], arena, aai_iab_result.self) { r in
        let (labels, labelCount) = build(r[K.labels], arena, aai_label_score.self) { l in
            aai_label_score(label: strings.label(l[K.label]) ?? strings.empty, score: l.double(K.relevance))
        }
        return aai_iab_result(text: strings.text(r[K.text]), labels: labels?.assumingMemoryBound(to: aai_label_score.self),
                              label_count: labelCount, timestamp: timestamp(r[K.timestamp], missing: -1))
    }
}

// MARK: exports

/// Hands a view to C: checks the arguments, builds the view once (`key` names it in the
/// transcript's cache), writes the out-parameters (`name`: the array's parameter, for messages).
private func exportView<T>(_ t: OpaquePointer?, _ key: String, _ name: String, _ type: T.Type,
                           _ outArray: UnsafeMutablePointer<UnsafePointer<T>?>?, _ outCount: UnsafeMutablePointer<Int>?,
                           _ build: (Transcript, CArena) -> (base: UnsafeRawPointer?, count: Int)) -> aai_status {
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
    lookup(t)?.cString("auto_highlights_result.status") { $0.autoHighlightsNode?[K.status]?.string }
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
        labelScores(t.contentSafetyNode?[K.summary], arena)
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
    lookup(t)?.cString("content_safety_labels.status") { $0.contentSafetyNode?[K.status]?.string }
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
        labelScores(t.iabCategoriesNode?[K.summary], arena)
    }
}

@_cdecl("aai_transcript_iab_categories_status")
public func aai_transcript_iab_categories_status_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("iab_categories_result.status") { $0.iabCategoriesNode?[K.status]?.string }
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
