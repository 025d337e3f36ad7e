// Transcript lookups: SRT/VTT captions, sentences, paragraphs, word search. Pure functions of
// the transcript's content; docs/local-server.md states the rules (the library reproduces the
// captions and the search locally, and tests compare both).

import Foundation

enum Lookups {
    /// The caption length when the request gives no chars_per_caption: the spec's SRT example
    /// (lines of 68, 69 and 42 characters) is what this limit produces.
    static let defaultCharsPerCaption = 70

    struct Caption: Equatable {
        let start: Int
        let end: Int
        let text: String
    }

    /// Captions never cross a sentence end (TranscriptContent's sentences). Within a sentence,
    /// words are added to the current caption while its text (words joined by single spaces)
    /// stays at most `maxChars` Unicode scalars long; a longer word is a caption of its own.
    static func captions(_ c: TranscriptContent, maxChars: Int) -> [Caption] {
        var out: [Caption] = []
        for sentence in c.sentences {
            var first = sentence.lowerBound
            var length = 0
            for i in sentence {
                let n = c.words[i].text.scalarCount
                if i > first, length + 1 + n > maxChars {
                    out.append(caption(c, first..<i))
                    first = i
                    length = n
                } else {
                    length += i > first ? 1 + n : n
                }
            }
            if first < sentence.upperBound { out.append(caption(c, first..<sentence.upperBound)) }
        }
        return out
    }

    private static func caption(_ c: TranscriptContent, _ r: Range<Int>) -> Caption {
        Caption(start: c.words[r.lowerBound].start, end: c.words[r.upperBound - 1].end, text: c.text(of: r))
    }

    /// SRT: cues `N\nHH:MM:SS,mmm --> HH:MM:SS,mmm\ntext\n` separated by a blank line.
    static func srt(_ captions: [Caption]) -> String {
        var out = ""
        for (i, cue) in captions.enumerated() {
            if i > 0 { out += "\n" }
            out += "\(i + 1)\n\(timestamp(cue.start, ",", hours: true)) --> \(timestamp(cue.end, ",", hours: true))\n\(cue.text)\n"
        }
        return out
    }

    /// VTT: `WEBVTT\n`, then per cue a blank line and `MM:SS.mmm --> MM:SS.mmm\ntext\n`
    /// (`HH:` in front when the time is an hour or more).
    static func vtt(_ captions: [Caption]) -> String {
        var out = "WEBVTT\n"
        for cue in captions {
            out += "\n\(timestamp(cue.start, ".", hours: cue.start >= 3_600_000)) --> \(timestamp(cue.end, ".", hours: cue.end >= 3_600_000))\n\(cue.text)\n"
        }
        return out
    }

    static func timestamp(_ ms: Int, _ separator: String, hours: Bool) -> String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        return (hours ? "\(pad(h, 2)):" : "") + "\(pad(m, 2)):\(pad(s, 2))\(separator)\(pad(f, 3))"
    }

    // MARK: Sentences and paragraphs

    static func sentences(id: String, _ c: TranscriptContent) -> JSON {
        .object(header(id, c).merging(["sentences": .array(c.sentences.map { s in
            var o = block(c, s)
            o["speaker"] = c.labelled ? .string(c.words[s.lowerBound].speaker) : .null
            o["channel"] = .null
            return .object(o)
        })]) { a, _ in a })
    }

    static func paragraphs(id: String, _ c: TranscriptContent) -> JSON {
        .object(header(id, c).merging(["paragraphs": .array(c.paragraphs.map { .object(block(c, c.wordRange(ofParagraph: $0))) })]) { a, _ in a })
    }

    private static func header(_ id: String, _ c: TranscriptContent) -> [String: JSON] {
        ["id": .string(id),
         // The response's confidence is not nullable: 0 for a transcript without words.
         "confidence": .double(AudioText.mean(c.words.map(\.confidence)) ?? 0),
         "audio_duration": .int(Features.audioDuration(c))]
    }

    private static func block(_ c: TranscriptContent, _ r: Range<Int>) -> [String: JSON] {
        let words = c.words[r]
        return [
            "text": .string(words.map(\.text).joined(separator: " ")),
            "start": .int(words.first!.start),
            "end": .int(words.last!.end),
            "confidence": .double(AudioText.mean(words.map(\.confidence)) ?? 0),
            "words": .array(words.map { Features.wordJSON($0, labelled: c.labelled) }),
        ]
    }

    // MARK: Word search

    /// Each comma-separated term is split on whitespace into keys (lower-cased cores; empty
    /// ones dropped; a term without keys is skipped). A term of k keys matches at every word
    /// index i where the keys of words i..i+k-1 equal its keys (overlapping matches count).
    /// `text` is the term as sent, trimmed; timestamps [first word start, last word end];
    /// indexes: the index of the first word of each match.
    static func wordSearch(id: String, terms raw: String, _ c: TranscriptContent) -> JSON {
        let keys = c.cores.map { $0.lowercased() }
        var matches: [JSON] = []
        var total = 0
        for term in raw.split(separator: ",", omittingEmptySubsequences: true) {
            let text = term.trimmingCharacters(in: .whitespaces)
            let tokens = text.split(whereSeparator: \.isWhitespace).map { String($0).wordKey }.filter { !$0.isEmpty }
            guard !tokens.isEmpty else { continue }
            var timestamps: [JSON] = []
            var indexes: [JSON] = []
            var i = 0
            while i + tokens.count <= keys.count {
                if keys[i] == tokens[0], tokens.count == 1 || Array(keys[i..<i + tokens.count]) == tokens {
                    timestamps.append(.array([.int(c.words[i].start), .int(c.words[i + tokens.count - 1].end)]))
                    indexes.append(.int(i))
                }
                i += 1
            }
            total += indexes.count
            matches.append(.object(["text": .string(text), "count": .int(indexes.count),
                                    "timestamps": .array(timestamps), "indexes": .array(indexes)]))
        }
        return .object(["id": .string(id), "total_count": .int(total), "matches": .array(matches)])
    }
}
