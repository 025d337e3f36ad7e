// Transcript features. Each one is a single function from the request and the transcript's
// content to the Transcript fields it owns, so adding a feature means adding one function
// here. Before the job completes the fields are null; a feature that was not requested is
// null, as on the real API. docs/local-server.md states every rule; keep the two in step.

import Foundation

struct FeatureInput {
    let request: [String: JSON]
    /// The transcript's content, once the job has completed.
    let content: TranscriptContent?

    func flag(_ key: String) -> Bool { request[key]?.boolValue ?? false }
}

struct TranscriptFeature: Sendable {
    let name: String
    let fields: @Sendable (FeatureInput) -> [String: JSON]
}

enum Features {
    static let all: [TranscriptFeature] = [
        TranscriptFeature(name: "transcription", fields: transcription),
        TranscriptFeature(name: "speaker_labels", fields: speakerLabels),
        TranscriptFeature(name: "language_detection", fields: languageDetection),
        TranscriptFeature(name: "redact_pii_return_unredacted", fields: unredacted),
        TranscriptFeature(name: "metadata", fields: metadata),
        TranscriptFeature(name: "auto_highlights", fields: requested("auto_highlights", "auto_highlights_result", Intelligence.autoHighlights)),
        TranscriptFeature(name: "content_safety", fields: requested("content_safety", "content_safety_labels", Intelligence.contentSafety)),
        TranscriptFeature(name: "iab_categories", fields: requested("iab_categories", "iab_categories_result", Intelligence.topics)),
        TranscriptFeature(name: "summarization", fields: requested("summarization", "summary", Intelligence.summary)),
        TranscriptFeature(name: "auto_chapters", fields: requested("auto_chapters", "chapters", Intelligence.chapters)),
        TranscriptFeature(name: "sentiment_analysis", fields: requested("sentiment_analysis", "sentiment_analysis_results", Intelligence.sentiment)),
        TranscriptFeature(name: "entity_detection", fields: requested("entity_detection", "entities", Intelligence.entities)),
    ]

    /// A feature whose one field is null unless `flag` was requested and the job completed.
    static func requested(_ flag: String, _ field: String,
                          _ compute: @escaping @Sendable (TranscriptContent, [String: JSON]) -> JSON) -> @Sendable (FeatureInput) -> [String: JSON] {
        { input in
            guard input.flag(flag), let content = input.content else { return [field: .null] }
            return [field: compute(content, input.request)]
        }
    }

    /// text, words, confidence, audio_duration (and audio_channels for multichannel requests).
    static func transcription(_ input: FeatureInput) -> [String: JSON] {
        guard let c = input.content else {
            return ["text": .null, "words": .null, "confidence": .null, "audio_duration": .null]
        }
        var fields: [String: JSON] = [
            "text": .string(c.text),
            "words": .array(c.words.map { wordJSON($0, labelled: c.labelled) }),
            "confidence": AudioText.mean(c.words.map(\.confidence)).map(JSON.double) ?? .null,
            "audio_duration": .int(audioDuration(c)),
        ]
        if input.flag("multichannel") { fields["audio_channels"] = .int(c.audio.channels) }
        return fields
    }

    /// Whole seconds, rounded half up.
    static func audioDuration(_ c: TranscriptContent) -> Int { (c.audio.durationMs + 500) / 1000 }

    /// utterances: one per run of consecutive words with the same speaker.
    static func speakerLabels(_ input: FeatureInput) -> [String: JSON] {
        guard input.flag("speaker_labels"), let c = input.content else { return ["utterances": .null] }
        return ["utterances": .array(utterances(c.words).map { words in
            .object([
                "confidence": .double(AudioText.mean(words.map(\.confidence)) ?? 0),
                "start": .int(words.first!.start),
                "end": .int(words.last!.end),
                "text": .string(words.map(\.text).joined(separator: " ")),
                "words": .array(words.map { wordJSON($0, labelled: true) }),
                "speaker": .string(words.first!.speaker),
                "channel": .null,
            ])
        })]
    }

    static func utterances(_ words: [Word]) -> [ArraySlice<Word>] {
        var turns: [ArraySlice<Word>] = []
        var start = 0
        for i in words.indices where i == words.count - 1 || words[i + 1].speaker != words[i].speaker {
            turns.append(words[start...i])
            start = i + 1
        }
        return turns
    }

    /// The language found by the documented word lists (see TranscriptContent.detectLanguage).
    /// With language_detection_options.code_switching, language_detection_results lists that
    /// language as the one code-switching language found, with the same confidence.
    static func languageDetection(_ input: FeatureInput) -> [String: JSON] {
        guard input.flag("language_detection") else { return ["language_confidence": .null] }
        guard let language = input.content?.language else { return ["language_confidence": .null] }
        var out: [String: JSON] = ["language_code": .string(language.code), "language_confidence": .double(language.confidence)]
        if input.request["language_detection_options"]?["code_switching"]?.boolValue == true {
            out["language_detection_results"] = .object(["code_switching_languages": .array([
                .object(["language_code": .string(language.code), "confidence": .double(language.confidence)]),
            ])])
        }
        return out
    }

    /// redact_pii with redact_pii_return_unredacted: the text, words and utterances before
    /// redaction (unredacted_text, unredacted_words, unredacted_utterances with speaker_labels).
    static func unredacted(_ input: FeatureInput) -> [String: JSON] {
        guard let c = input.content, let words = c.unredactedWords else { return [:] }
        var out: [String: JSON] = [
            "unredacted_text": .string(words.map(\.text).joined(separator: " ")),
            "unredacted_words": .array(words.map { wordJSON($0, labelled: c.labelled) }),
        ]
        if input.flag("speaker_labels") {
            out["unredacted_utterances"] = .array(utterances(words).map { u in
                .object([
                    "confidence": .double(AudioText.mean(u.map(\.confidence)) ?? 0),
                    "start": .int(u.first!.start), "end": .int(u.last!.end),
                    "text": .string(u.map(\.text).joined(separator: " ")), "speaker": .string(u.first!.speaker),
                    "words": .array(u.map { wordJSON($0, labelled: true) }),
                ])
            })
        }
        return out
    }

    /// metadata (TranscriptMetadata) on a completed transcript that asked for a domain:
    /// {"domain_used": <the domain>}.
    static func metadata(_ input: FeatureInput) -> [String: JSON] {
        guard input.content != nil, let domain = input.request["domain"]?.stringValue else { return [:] }
        return ["metadata": .object(["domain_used": .string(domain)])]
    }

    static func wordJSON(_ w: Word, labelled: Bool) -> JSON {
        .object([
            "text": .string(w.text),
            "start": .int(w.start),
            "end": .int(w.end),
            "confidence": .double(w.confidence),
            "speaker": labelled ? .string(w.speaker) : .null,
            "channel": .null,
        ])
    }
}

/// The deterministic "audio intelligence" models. Sentences are TranscriptContent's; a word's
/// key is its lower-cased core.
enum Intelligence {
    static func first(_ n: Int, of words: ArraySlice<Word>) -> String {
        words.prefix(n).map(\.text).joined(separator: " ")
    }

    // MARK: summary

    /// bullets (default): "- " + the first 8 words of each of the first 5 sentences, one per
    /// line; bullets_verbose: "- " + each of the first 5 sentences; gist: the first 3 words;
    /// headline: the first 10 words of the first sentence; paragraph: the first 3 sentences.
    static func summary(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        let sentences = c.sentences.map { c.words[$0] }
        let text: String
        switch request["summary_type"]?.stringValue ?? "bullets" {
        case "bullets_verbose":
            text = sentences.prefix(5).map { "- " + $0.map(\.text).joined(separator: " ") }.joined(separator: "\n")
        case "gist":
            text = first(3, of: c.words[...])
        case "headline":
            text = sentences.first.map { first(10, of: $0) } ?? ""
        case "paragraph":
            text = sentences.prefix(3).map { $0.map(\.text).joined(separator: " ") }.joined(separator: " ")
        default:
            text = sentences.prefix(5).map { "- " + first(8, of: $0) }.joined(separator: "\n")
        }
        return .string(text)
    }

    // MARK: chapters

    /// One per paragraph: gist = its first 3 words, headline = its first sentence, summary =
    /// its first 2 sentences.
    static func chapters(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        .array(c.paragraphs.map { p in
            let range = c.wordRange(ofParagraph: p)
            let sentences = c.sentences[p]
            return .object([
                "gist": .string(first(3, of: c.words[range])),
                "headline": .string(c.text(of: sentences.first!)),
                "summary": .string(sentences.prefix(2).map { c.text(of: $0) }.joined(separator: " ")),
                "start": .int(c.words[range.lowerBound].start),
                "end": .int(c.words[range.upperBound - 1].end),
            ])
        })
    }

    // MARK: auto_highlights_result

    /// Candidates: every word and every pair of adjacent words within a sentence whose keys are
    /// non-empty and not stopwords. Ranked by count (desc), then bigrams before single words,
    /// then first appearance; the top 10. rank = count / the top count.
    static func autoHighlights(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        struct Phrase { var count = 0; var size: Int; var first: Int; var timestamps: [JSON] = [] }
        var phrases: [String: Phrase] = [:]
        var order: [String] = []
        let keys = c.cores.map { $0.lowercased() }
        func usable(_ i: Int) -> Bool { !keys[i].isEmpty && !WordLists.stopwords.contains(keys[i]) }
        func add(_ text: String, _ size: Int, _ i: Int) {
            if phrases[text] == nil { phrases[text] = Phrase(size: size, first: i); order.append(text) }
            phrases[text]!.count += 1
            phrases[text]!.timestamps.append(.object(["start": .int(c.words[i].start), "end": .int(c.words[i + size - 1].end)]))
        }
        for s in c.sentences {
            for i in s where usable(i) {
                add(keys[i], 1, i)
                if i + 1 < s.upperBound, usable(i + 1) { add(keys[i] + " " + keys[i + 1], 2, i) }
            }
        }
        let ranked = order.sorted { a, b in
            let x = phrases[a]!, y = phrases[b]!
            if x.count != y.count { return x.count > y.count }
            if x.size != y.size { return x.size > y.size }
            return x.first < y.first
        }.prefix(10)
        let top = ranked.first.map { phrases[$0]!.count } ?? 1
        return .object([
            "status": .string("success"),
            "results": .array(ranked.map { text in
                let p = phrases[text]!
                return .object(["count": .int(p.count), "rank": .double(Double(p.count) / Double(top)),
                                "text": .string(text), "timestamps": .array(p.timestamps)])
            }),
        ])
    }

    // MARK: content_safety_labels

    /// Per sentence and label (in WordLists.contentSafety order): k = the sentence's words
    /// whose key is a trigger of the label. confidence = min(99, 60 + 10k) / 100, severity =
    /// min(100, 30k) / 100; labels under content_safety_confidence (default 50) are dropped.
    static func contentSafety(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        let threshold = request["content_safety_confidence"]?.intValue ?? 50
        var results: [JSON] = []
        var perLabel: [String: [Int]] = [:]  // label -> k of each result carrying it
        for (si, s) in c.sentences.enumerated() {
            var labels: [JSON] = []
            for (label, triggers) in WordLists.contentSafety {
                let k = s.filter { triggers.contains(c.cores[$0].lowercased()) }.count
                let confidence = min(99, 60 + 10 * k)
                guard k > 0, confidence >= threshold else { continue }
                labels.append(.object(["label": .string(label), "confidence": .double(Double(confidence) / 100),
                                       "severity": .double(Double(min(100, 30 * k)) / 100)]))
                perLabel[label, default: []].append(k)
            }
            guard !labels.isEmpty else { continue }
            results.append(.object([
                "text": .string(c.text(of: s)),
                "labels": .array(labels),
                "sentences_idx_start": .int(si),
                "sentences_idx_end": .int(si),
                "timestamp": .object(["start": .int(c.words[s.lowerBound].start), "end": .int(c.words[s.upperBound - 1].end)]),
            ]))
        }
        var summary: [String: JSON] = [:]
        var severity: [String: JSON] = [:]
        for (label, ks) in perLabel {
            let n = Double(ks.count)
            summary[label] = .double(n / Double(results.count))
            severity[label] = .object([
                "low": .double(Double(ks.filter { $0 == 1 }.count) / n),
                "medium": .double(Double(ks.filter { $0 == 2 }.count) / n),
                "high": .double(Double(ks.filter { $0 >= 3 }.count) / n),
            ])
        }
        return .object(["status": .string("success"), "results": .array(results),
                        "summary": .object(summary), "severity_score_summary": .object(severity)])
    }

    // MARK: iab_categories_result

    /// Per sentence: k hits per label (WordLists.topics), K = all hits in the sentence;
    /// relevance = k / K; labels by relevance (desc) then table order. summary[label] =
    /// results carrying the label / results.
    static func topics(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        var results: [JSON] = []
        var carrying: [String: Int] = [:]
        for s in c.sentences {
            var hits: [(label: String, k: Int)] = []
            for (label, keywords) in WordLists.topics {
                let k = s.filter { keywords.contains(c.cores[$0].lowercased()) }.count
                if k > 0 { hits.append((label, k)) }
            }
            guard !hits.isEmpty else { continue }
            let total = Double(hits.reduce(0) { $0 + $1.k })
            let sorted = hits.enumerated().sorted { a, b in
                a.element.k != b.element.k ? a.element.k > b.element.k : a.offset < b.offset
            }.map(\.element)
            for h in sorted { carrying[h.label, default: 0] += 1 }
            results.append(.object([
                "text": .string(c.text(of: s)),
                "labels": .array(sorted.map { .object(["relevance": .double(Double($0.k) / total), "label": .string($0.label)]) }),
                "timestamp": .object(["start": .int(c.words[s.lowerBound].start), "end": .int(c.words[s.upperBound - 1].end)]),
            ]))
        }
        return .object([
            "status": .string("success"),
            "results": .array(results),
            "summary": .object(carrying.mapValues { .double(Double($0) / Double(results.count)) }),
        ])
    }

    // MARK: sentiment_analysis_results

    /// Per sentence: d = positive keys - negative keys; POSITIVE (d > 0), NEGATIVE (d < 0) or
    /// NEUTRAL; confidence = (60 + 10 * min(3, |d|)) / 100.
    static func sentiment(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        .array(c.sentences.map { s in
            var d = 0
            for i in s {
                let key = c.cores[i].lowercased()
                if WordLists.positive.contains(key) { d += 1 }
                if WordLists.negative.contains(key) { d -= 1 }
            }
            return .object([
                "text": .string(c.text(of: s)),
                "start": .int(c.words[s.lowerBound].start),
                "end": .int(c.words[s.upperBound - 1].end),
                "sentiment": .string(d > 0 ? "POSITIVE" : d < 0 ? "NEGATIVE" : "NEUTRAL"),
                "confidence": .double(Double(60 + 10 * min(3, abs(d))) / 100),
                "speaker": c.labelled ? .string(c.words[s.lowerBound].speaker) : .null,
                "channel": .null,
            ])
        })
    }

    // MARK: entities

    /// text = the cores of the entity's words (after redaction), joined by spaces.
    static func entities(_ c: TranscriptContent, _ request: [String: JSON]) -> JSON {
        .array(c.entities.map { e in
            .object([
                "entity_type": .string(e.type),
                "text": .string(c.cores[e.range].joined(separator: " ")),
                "start": .int(c.words[e.range.lowerBound].start),
                "end": .int(c.words[e.range.upperBound - 1].end),
            ])
        })
    }
}
