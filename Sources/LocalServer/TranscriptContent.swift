// From the recognised words to the transcript's final words, in the documented order:
//   1. disfluencies: filler words dropped unless `disfluencies: true`
//   2. custom_spelling
//   3. filter_profanity
//   4. entity detection (when entity_detection or redact_pii is on)
//   5. PII redaction of the entities whose type is a requested policy
// then sentences, paragraphs and the detected language. Everything the transcript, the exports
// and the intelligence features show is computed from this, once, when the job is submitted.
// docs/local-server.md states every rule; keep the two in step.

import Foundation

/// A word split into leading punctuation, core and trailing punctuation ("(Hello," is
/// "(", "Hello", ","). Lists and searches compare cores.
struct WordParts: Sendable, Equatable {
    var prefix: String
    var core: String
    var suffix: String

    var text: String { prefix + core + suffix }

    /// Punctuation is Unicode general category P* (the same set `punctuate: false` removes).
    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var lo = 0
        var hi = scalars.count
        while lo < hi, Self.isPunctuation(scalars[lo]) { lo += 1 }
        while hi > lo, Self.isPunctuation(scalars[hi - 1]) { hi -= 1 }
        func string(_ r: Range<Int>) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[r])
            return String(s)
        }
        prefix = string(0..<lo)
        core = string(lo..<hi)
        suffix = string(hi..<scalars.count)
    }

    static func isPunctuation(_ u: Unicode.Scalar) -> Bool {
        if u.isASCII {
            let v = u.value
            return (0x21...0x2F).contains(v) && v != 0x24 && v != 0x2B  // not $ +
                || (0x3A...0x40).contains(v) && v != 0x3C && v != 0x3D && v != 0x3E  // not < = >
                || (0x5B...0x60).contains(v) && v != 0x5E && v != 0x60  // not ^ `
                || v == 0x7B || v == 0x7D  // { }
        }
        return CharacterSet.punctuationCharacters.contains(u)
    }
}

extension String {
    /// The lower-cased core: what every word list and search compares.
    var wordKey: String { WordParts(self).core.lowercased() }
    var scalarCount: Int { unicodeScalars.count }
}

struct EntitySpan: Sendable, Equatable {
    let type: String
    /// Word indexes in the final words.
    let range: Range<Int>
}

struct TranscriptContent: Sendable {
    let audio: AudioInfo
    let words: [Word]
    /// The core of each final word (a redacted word's core is its substitute).
    let cores: [String]
    /// Detected entities (empty unless entity_detection or redact_pii was requested).
    let entities: [EntitySpan]
    /// Time ranges [start, end) in ms of the redacted words, for the redacted audio.
    let redactedRanges: [(start: Int, end: Int)]
    /// Word ranges.
    let sentences: [Range<Int>]
    /// Sentence ranges (indexes into `sentences`).
    let paragraphs: [Range<Int>]
    /// Whether words carry speakers (speaker_labels: true).
    let labelled: Bool
    /// With language_detection: the language found and its confidence.
    let language: (code: String, confidence: Double)?
    /// With redact_pii and redact_pii_return_unredacted: the words before redaction.
    var unredactedWords: [Word]? = nil

    var text: String { words.map(\.text).joined(separator: " ") }

    func text(of range: Range<Int>) -> String { words[range].map(\.text).joined(separator: " ") }

    func wordRange(ofParagraph p: Range<Int>) -> Range<Int> {
        sentences[p.lowerBound].lowerBound..<sentences[p.upperBound - 1].upperBound
    }

    // MARK: Building

    static func build(_ recognition: Recognition, request: [String: JSON]) -> TranscriptContent {
        var words = recognition.words
        var parts = words.map { WordParts($0.text) }

        // 1. Filler words leave their time slot empty.
        if request["disfluencies"]?.boolValue != true {
            var keptWords: [Word] = [], keptParts: [WordParts] = []
            keptWords.reserveCapacity(words.count)
            keptParts.reserveCapacity(words.count)
            for (w, p) in zip(words, parts) where !WordLists.fillers.contains(p.core.lowercased()) {
                keptWords.append(w)
                keptParts.append(p)
            }
            words = keptWords
            parts = keptParts
        }

        // 2. Custom spelling.
        if let rules = request["custom_spelling"]?.arrayValue, !rules.isEmpty {
            (words, parts) = applyCustomSpelling(rules, words: words, parts: parts)
        }

        // 3. Profanity: first letter kept, the rest masked.
        if request["filter_profanity"]?.boolValue == true {
            for i in parts.indices where WordLists.profanity.contains(parts[i].core.lowercased()) {
                let scalars = Array(parts[i].core.unicodeScalars)
                parts[i].core = String(Character(scalars[0])) + String(repeating: "*", count: scalars.count - 1)
            }
        }

        // 4. Entities.
        let wantEntities = request["entity_detection"]?.boolValue == true || request["redact_pii"]?.boolValue == true
        let entities = wantEntities ? detectEntities(parts) : []

        // 5. Redaction (the words before it kept when redact_pii_return_unredacted asks for them).
        let beforeRedaction = zip(words, parts).map { w, p in
            Word(text: p.text, start: w.start, end: w.end, confidence: w.confidence, speaker: w.speaker)
        }
        var redacted: [(start: Int, end: Int)] = []
        if request["redact_pii"]?.boolValue == true {
            let policies = Set(request["redact_pii_policies"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let byName = request["redact_pii_sub"]?.stringValue == "entity_name"
            var done = Set<Int>()
            for entity in entities where policies.contains(entity.type) {
                for i in entity.range where done.insert(i).inserted {
                    parts[i].core = byName ? "[\(entity.type.uppercased())]" : String(repeating: "#", count: parts[i].core.scalarCount)
                }
            }
            redacted = done.sorted().map { (words[$0].start, words[$0].end) }
        }

        let final = zip(words, parts).map { w, p in
            Word(text: p.text, start: w.start, end: w.end, confidence: w.confidence, speaker: w.speaker)
        }
        let labelled = request["speaker_labels"]?.boolValue == true
        let sentences = splitSentences(final, labelled: labelled)
        let language = request["language_detection"]?.boolValue == true ? detectLanguage(parts) : nil
        let keepUnredacted = request["redact_pii"]?.boolValue == true && request["redact_pii_return_unredacted"]?.boolValue == true
        return TranscriptContent(audio: recognition.audio, words: final, cores: parts.map(\.core), entities: entities,
                                 redactedRanges: redacted, sentences: sentences,
                                 paragraphs: groupParagraphs(sentences, words: final, labelled: labelled),
                                 labelled: labelled, language: language,
                                 unredactedWords: keepUnredacted ? beforeRedaction : nil)
    }

    /// Each `from` entry (split on spaces) matches that many consecutive words whose cores are
    /// equal ignoring case; the words become one word: prefix of the first + `to` + suffix of
    /// the last, first start, last end, mean confidence. Rules and entries are tried in order;
    /// replaced words are not matched again.
    static func applyCustomSpelling(_ rules: [JSON], words: [Word], parts: [WordParts]) -> ([Word], [WordParts]) {
        // First token key -> (tokens, replacement), in rule order.
        var index: [String: [(tokens: [String], to: String)]] = [:]
        for rule in rules {
            guard let to = rule["to"]?.stringValue, let froms = rule["from"]?.arrayValue else { continue }
            for from in froms.compactMap(\.stringValue) {
                let tokens = from.split(whereSeparator: \.isWhitespace).map { String($0).wordKey }.filter { !$0.isEmpty }
                guard let first = tokens.first else { continue }
                index[first, default: []].append((tokens, to))
            }
        }
        var outWords: [Word] = [], outParts: [WordParts] = []
        outWords.reserveCapacity(words.count)
        outParts.reserveCapacity(words.count)
        let keys = parts.map { $0.core.lowercased() }
        var i = 0
        while i < words.count {
            var matched = false
            for candidate in index[keys[i]] ?? [] {
                let k = candidate.tokens.count
                guard i + k <= words.count, Array(keys[i..<i + k]) == candidate.tokens else { continue }
                let merged = WordParts.make(prefix: parts[i].prefix, core: candidate.to, suffix: parts[i + k - 1].suffix)
                let w = words[i..<i + k]
                outWords.append(Word(text: merged.text, start: w.first!.start, end: w.last!.end,
                                     confidence: AudioText.mean(w.map(\.confidence)) ?? 0, speaker: w.first!.speaker))
                outParts.append(merged)
                i += k
                matched = true
                break
            }
            if !matched {
                outWords.append(words[i])
                outParts.append(parts[i])
                i += 1
            }
        }
        return (outWords, outParts)
    }

    // MARK: Entities

    private static let locationTokens: [(tokens: [String], name: String)] = WordLists.locations
        .map { ($0.split(separator: " ").map(String.init), $0) }
        .enumerated().sorted { a, b in
            a.element.0.count != b.element.0.count ? a.element.0.count > b.element.0.count : a.offset < b.offset
        }.map(\.element)

    /// Left to right; at each word the first rule that matches makes an entity and scanning
    /// resumes after it.
    static func detectEntities(_ parts: [WordParts]) -> [EntitySpan] {
        var out: [EntitySpan] = []
        var i = 0
        let n = parts.count
        while i < n {
            let core = parts[i].core
            // person_name: a title, then capitalized words (a word with trailing punctuation ends the name).
            if WordLists.titles.contains(core), i + 1 < n, startsUppercase(parts[i + 1].core) {
                var j = i + 2
                while j < n, parts[j - 1].suffix.isEmpty, startsUppercase(parts[j].core) { j += 1 }
                out.append(EntitySpan(type: "person_name", range: (i + 1)..<j))
                i = j
                continue
            }
            if let (type, length) = singleRule(parts, at: i) {
                out.append(EntitySpan(type: type, range: i..<(i + length)))
                i += length
                continue
            }
            i += 1
        }
        return out
    }

    private static func singleRule(_ parts: [WordParts], at i: Int) -> (String, Int)? {
        let core = parts[i].core
        let lower = core.lowercased()
        if isEmail(core) { return ("email_address", 1) }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") { return ("url", 1) }
        if isPhone(core) { return ("phone_number", 1) }
        if isMoney(core) { return ("money_amount", 1) }
        if WordLists.months.contains(core) {
            if parts[i].suffix.isEmpty, i + 1 < parts.count, isDayNumber(parts[i + 1].core) { return ("date", 2) }
            return ("date", 1)
        }
        for (tokens, _) in locationTokens where i + tokens.count <= parts.count {
            var ok = true
            for (j, t) in tokens.enumerated() {
                if parts[i + j].core != t || (j < tokens.count - 1 && !parts[i + j].suffix.isEmpty) { ok = false; break }
            }
            if ok { return ("location", tokens.count) }
        }
        if WordLists.organizations.contains(core) { return ("organization", 1) }
        if isNumber(core) { return ("number_sequence", 1) }
        return nil
    }

    static func startsUppercase(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        return first.properties.isUppercase
    }

    private static func isDigit(_ u: Unicode.Scalar) -> Bool { ("0"..."9").contains(u) }

    static func isEmail(_ s: String) -> Bool {
        let halves = s.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2, !halves[0].isEmpty, let dot = halves[1].firstIndex(of: ".") else { return false }
        return dot != halves[1].startIndex
    }

    /// 555-123-4567
    static func isPhone(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard u.count == 12, u[3] == "-", u[7] == "-" else { return false }
        return u.enumerated().allSatisfy { i, c in i == 3 || i == 7 || isDigit(c) }
    }

    /// $ then a digit, then digits, commas or dots: $5, $1,000.50
    static func isMoney(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard u.count >= 2, u[0] == "$", isDigit(u[1]) else { return false }
        return u.dropFirst(2).allSatisfy { isDigit($0) || $0 == "," || $0 == "." }
    }

    /// A digit, then digits, commas or dots: 42, 3,000,000, 2.5
    static func isNumber(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard let first = u.first, isDigit(first) else { return false }
        return u.allSatisfy { isDigit($0) || $0 == "," || $0 == "." }
    }

    /// 1 to 31, optionally with st/nd/rd/th: 5, 21st
    static func isDayNumber(_ s: String) -> Bool {
        var digits = s
        for ending in ["st", "nd", "rd", "th"] where digits.hasSuffix(ending) { digits = String(digits.dropLast(2)); break }
        guard (1...2).contains(digits.count), digits.unicodeScalars.allSatisfy(isDigit), let v = Int(digits) else { return false }
        return (1...31).contains(v)
    }

    // MARK: Sentences and paragraphs

    /// A sentence ends after a word ending in `.`, `?` or `!` (closing quotes and brackets
    /// after it ignored; `Mr.`-style abbreviations excepted), and, with speaker labels, before
    /// a word of another speaker.
    static func splitSentences(_ words: [Word], labelled: Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for i in words.indices {
            let last = i == words.count - 1
            if last || endsSentence(words[i].text) || (labelled && words[i + 1].speaker != words[i].speaker) {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        return out
    }

    static func endsSentence(_ text: String) -> Bool {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, ["\"", "'", "\u{201D}", "\u{2019}", ")", "]"].contains(last) { scalars.removeLast() }
        guard let last = scalars.last, last == "." || last == "?" || last == "!" else { return false }
        if last == "." {
            let parts = WordParts(text)
            if WordLists.abbreviations.contains(parts.core), parts.suffix == "." { return false }
        }
        return true
    }

    /// Paragraphs: at most 5 sentences; with speaker labels a change of speaker between two
    /// sentences also starts a new one.
    static let sentencesPerParagraph = 5

    static func groupParagraphs(_ sentences: [Range<Int>], words: [Word], labelled: Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for s in sentences.indices where s > start {
            let changed = labelled && words[sentences[s].lowerBound].speaker != words[sentences[s - 1].lowerBound].speaker
            if s - start == sentencesPerParagraph || changed {
                out.append(start..<s)
                start = s
            }
        }
        if start < sentences.count { out.append(start..<sentences.count) }
        return out
    }

    // MARK: Language

    /// The language whose list has the most word hits (ties: list order); confidence = its
    /// hits / words that hit any list; no hits at all: English, 1.0.
    static func detectLanguage(_ parts: [WordParts]) -> (code: String, confidence: Double) {
        var counts = Array(repeating: 0, count: WordLists.languages.count)
        var any = 0
        for p in parts {
            let key = p.core.lowercased()
            var hit = false
            for (i, language) in WordLists.languages.enumerated() where language.words.contains(key) {
                counts[i] += 1
                hit = true
            }
            if hit { any += 1 }
        }
        guard any > 0 else { return ("en", 1.0) }
        var best = 0
        for i in counts.indices where counts[i] > counts[best] { best = i }
        return (WordLists.languages[best].code, Double(counts[best]) / Double(any))
    }
}

extension WordParts {
    static func make(prefix: String, core: String, suffix: String) -> WordParts {
        var p = WordParts("")
        p.prefix = prefix
        p.core = core
        p.suffix = suffix
        return p
    }
}
