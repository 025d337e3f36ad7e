// Synthetic audio sources, for benchmarks and tests that need big transcripts without big
// uploads: an audio_url of `http://HOST:PORT/_local/synthetic?words=N&...` is "audio" whose
// comment text is generated here, then recognised like any WAV comment (same timing,
// confidence and feature rules). docs/local-server.md documents the parameters.

import Foundation

enum Synthetic {
    /// The vocabulary; word i of the transcript is `vocabulary[i % 32]`.
    static let vocabulary = [
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "then", "runs", "into", "a",
        "quiet", "green", "field", "where", "small", "birds", "sing", "every", "morning", "before", "sun",
        "rises", "above", "old", "stone", "bridge", "near", "river", "bank",
    ]

    struct Failure: Error { let message: String }

    /// The query of a synthetic audio_url of this server, or nil when the URL is something else.
    static func query(inURL url: String, port: Int) -> [String: String]? {
        guard let c = URLComponents(string: url), c.scheme == "http" || c.scheme == "https", c.port == port,
              c.path == "/_local/synthetic" else { return nil }
        var out: [String: String] = [:]
        for item in c.queryItems ?? [] { out[item.name] = item.value ?? "" }
        return out
    }

    static func comment(words: Int, speakers: Int, sentenceWords: Int, turnSentences: Int) -> String {
        var out = ""
        out.reserveCapacity(words * 7)
        var speaker = -1
        for i in 0..<words {
            let sentence = i / sentenceWords
            let s = (sentence / turnSentences) % speakers
            if speakers > 1, s != speaker {
                if !out.isEmpty { out += " " }
                out += "\(Character(Unicode.Scalar(UInt8(65 + s)))):"
                speaker = s
            }
            if !out.isEmpty { out += " " }
            var word = vocabulary[i % vocabulary.count]
            if i % sentenceWords == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
            out += word
            if i % sentenceWords == sentenceWords - 1 || i == words - 1 { out += "." }
        }
        return out
    }

    static func audio(_ q: [String: String]) -> Result<AudioInfo, Failure> {
        func int(_ name: String, _ fallback: Int?, _ range: ClosedRange<Int>) -> Result<Int, Failure> {
            guard let raw = q[name] else {
                return fallback.map { .success($0) } ?? .failure(Failure(message: "Synthetic audio: \(name) is required"))
            }
            guard let v = Int(raw), range.contains(v) else {
                return .failure(Failure(message: "Synthetic audio: \(name) must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            }
            return .success(v)
        }
        do {
            let words = try int("words", nil, 0...5_000_000).get()
            let speakers = try int("speakers", 1, 1...26).get()
            let sentenceWords = try int("sentence_words", 12, 1...1_000_000).get()
            let turnSentences = try int("turn_sentences", 2, 1...1_000_000).get()
            var durationMs = words * 300
            if let raw = q["seconds"] {
                guard let s = Double(raw), s >= 0, s <= 1e7 else {
                    return .failure(Failure(message: "Synthetic audio: seconds must be a number from 0 to 10000000"))
                }
                durationMs = Int((s * 1000).rounded())
            }
            let text = comment(words: words, speakers: speakers, sentenceWords: sentenceWords, turnSentences: turnSentences)
            return .success(AudioInfo(channels: 1, sampleRate: 16000, durationMs: durationMs, comment: text))
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(Failure(message: "Synthetic audio: \(error)"))
        }
    }
}
