// "Speech recognition" for the local server: the transcript of a WAV file is the text in its
// LIST/INFO/ICMT (comment) chunk, laid out deterministically over the audio's duration so
// tests can assert exact words, timings and confidences. docs/local-server.md states the rules;
// keep the two in step.

import Foundation

/// What the server reads from an audio file: headers only, never the samples.
struct AudioInfo: Sendable, Equatable {
    let channels: Int
    let sampleRate: Int
    /// Length of the audio in milliseconds: data chunk size * 1000 / byte rate, rounded down.
    let durationMs: Int
    /// The ICMT text, if the file has one.
    let comment: String?
    /// Where the samples are, for writing the redacted copy (0 when there is no file).
    var formatTag = 1
    var blockAlign = 0
    var bitsPerSample = 0
    var dataOffset = 0
    var dataSize = 0
}

/// A file that is not audio this server can read; `message` is the transcript's error text.
struct AudioReadError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum WAVReader {
    /// Reads the RIFF chunk headers of `path`, seeking over the sample data.
    static func read(path: String) throws -> AudioInfo {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw AudioReadError(message: notAudio(kind: "application/octet-stream (data)"))
        }
        defer { try? file.close() }
        let fileSize = Int((try? file.seekToEnd()) ?? 0)
        try? file.seek(toOffset: 0)
        let header = (try? file.read(upToCount: 12)) ?? Data()
        guard header.count == 12, header.prefix(4) == Data("RIFF".utf8), header.suffix(4) == Data("WAVE".utf8) else {
            throw AudioReadError(message: notAudio(kind: describe(header + ((try? file.read(upToCount: 500)) ?? Data()))))
        }

        var offset = 12
        var byteRate = 0, channels = 0, sampleRate = 0
        var formatTag = 1, blockAlign = 0, bitsPerSample = 0
        var dataSize: Int?
        var dataOffset = 0
        var comment: String?
        while offset + 8 <= fileSize {
            try? file.seek(toOffset: UInt64(offset))
            guard let head = try? file.read(upToCount: 8), head.count == 8 else { break }
            let id = String(decoding: head.prefix(4), as: UTF8.self)
            let declared = Int(le32(head, 4))
            let bodyStart = offset + 8
            let size = min(declared, fileSize - bodyStart)  // a streamed WAV may overstate its sizes
            switch id {
            case "fmt ":
                if size >= 16, let fmt = try? file.read(upToCount: 16), fmt.count == 16 {
                    formatTag = Int(le16(fmt, 0))
                    channels = Int(le16(fmt, 2))
                    sampleRate = Int(le32(fmt, 4))
                    byteRate = Int(le32(fmt, 8))
                    blockAlign = Int(le16(fmt, 12))
                    bitsPerSample = Int(le16(fmt, 14))
                }
            case "data":
                dataSize = size
                dataOffset = bodyStart
            case "LIST":
                if size >= 4, size <= 16 * 1024 * 1024, let list = try? file.read(upToCount: size) {
                    comment = comment ?? infoComment(list)
                }
            default:
                break
            }
            offset = bodyStart + size + (size & 1)  // chunks are padded to an even length
        }
        guard byteRate > 0, let dataSize else {
            throw AudioReadError(message: notAudio(kind: "audio/x-wav (RIFF (little-endian) data, WAVE audio, no playable audio)"))
        }
        return AudioInfo(channels: channels, sampleRate: sampleRate, durationMs: dataSize * 1000 / byteRate, comment: comment,
                         formatTag: formatTag, blockAlign: blockAlign, bitsPerSample: bitsPerSample,
                         dataOffset: dataOffset, dataSize: dataSize)
    }

    /// The ICMT sub-chunk of a LIST chunk of type INFO: UTF-8 text, NUL-terminated.
    static func infoComment(_ list: Data) -> String? {
        let bytes = [UInt8](list)
        guard bytes.count >= 4, String(decoding: bytes[0..<4], as: UTF8.self) == "INFO" else { return nil }
        var i = 4
        while i + 8 <= bytes.count {
            let id = String(decoding: bytes[i..<i + 4], as: UTF8.self)
            let size = Int(UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24)
            let end = min(bytes.count, i + 8 + size)
            if id == "ICMT" {
                var text = Array(bytes[(i + 8)..<end])
                if let nul = text.firstIndex(of: 0) { text = Array(text[..<nul]) }
                // Not UTF-8: read it as Latin-1, which older RIFF tools write.
                return String(validating: text, as: UTF8.self) ?? String(text.map { Character(Unicode.Scalar($0)) })
            }
            i = i + 8 + size + (size & 1)
        }
        return nil
    }

    private static func le16(_ d: Data, _ at: Int) -> UInt16 {
        let b = [UInt8](d)
        return UInt16(b[at]) | UInt16(b[at + 1]) << 8
    }

    private static func le32(_ d: Data, _ at: Int) -> UInt32 {
        let b = [UInt8](d)
        return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    /// The real API's message for a file it cannot transcode.
    static func notAudio(kind: String) -> String {
        "Transcoding failed. File does not appear to contain audio. File type is \(kind)."
    }

    /// A `file`-style description of the first bytes, for the error text.
    static func describe(_ head: Data) -> String {
        if head.isEmpty { return "application/x-empty (empty)" }
        guard let text = String(data: head, encoding: .utf8) else { return "application/octet-stream (data)" }
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard printable else { return "application/octet-stream (data)" }
        let lower = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") { return "text/html (HTML document, ASCII text)" }
        return "text/plain (ASCII text)"
    }
}

/// One recognised word.
struct Word: Sendable, Equatable {
    let text: String
    let start: Int
    let end: Int
    let confidence: Double
    let speaker: String
}

/// The recognition result the transcript features are computed from.
struct Recognition: Sendable {
    let audio: AudioInfo
    let words: [Word]
    var text: String { words.map(\.text).joined(separator: " ") }
}

/// How the request asked for the text to be shaped.
struct TextOptions: Sendable {
    var punctuate = true
    var formatText = true
    var startMs: Int?
    var endMs: Int?
}

enum AudioText {
    /// Gap left at the end of each word's slot, in milliseconds.
    static let wordGapMs = 10

    /// Words from the comment text, laid out over the audio (or the requested window of it).
    static func recognize(_ audio: AudioInfo, options: TextOptions) -> Recognition {
        var tokens: [(text: String, original: String, speaker: String)] = []
        var speaker = "A"
        for token in (audio.comment ?? "").split(whereSeparator: \.isWhitespace).map(String.init) {
            if isSpeakerMarker(token) {
                speaker = String(token.dropLast())
                continue
            }
            var text = options.punctuate ? token : stripPunctuation(token)
            if !options.formatText { text = text.lowercased() }
            if !text.isEmpty { tokens.append((text, token, speaker)) }
        }

        let windowStart = min(max(options.startMs ?? 0, 0), audio.durationMs)
        let windowEnd = max(windowStart, min(options.endMs ?? audio.durationMs, audio.durationMs))
        let span = windowEnd - windowStart
        let n = tokens.count
        let words = tokens.enumerated().map { i, t in
            let start = windowStart + i * span / n
            let slotEnd = windowStart + (i + 1) * span / n
            return Word(text: t.text, start: start, end: max(start, slotEnd - wordGapMs),
                        confidence: confidence(of: t.original), speaker: t.speaker)
        }
        return Recognition(audio: audio, words: words)
    }

    /// A lone token of one capital letter and a colon, like `A:` or `B:`, starts a speaker turn.
    static func isSpeakerMarker(_ token: String) -> Bool {
        let s = Array(token.unicodeScalars)
        return s.count == 2 && s[1] == ":" && ("A"..."Z").contains(s[0])
    }

    /// 0.80 to 0.99 from the token's UTF-8 bytes: (80 + sum(bytes) % 20) / 100.
    static func confidence(of token: String) -> Double {
        let sum = token.utf8.reduce(0) { $0 + Int($1) }
        return Double(80 + sum % 20) / 100
    }

    /// Drops Unicode punctuation, keeping an apostrophe or hyphen between two letters or
    /// digits (`don't`, `well-known`).
    static func stripPunctuation(_ token: String) -> String {
        let chars = Array(token)
        var out = ""
        for (i, c) in chars.enumerated() {
            let isPunctuation = c.unicodeScalars.allSatisfy { CharacterSet.punctuationCharacters.contains($0) }
            if !isPunctuation { out.append(c); continue }
            let joiner = c == "'" || c == "\u{2019}" || c == "-"
            if joiner, i > 0, i + 1 < chars.count, chars[i - 1].isLetter || chars[i - 1].isNumber,
               chars[i + 1].isLetter || chars[i + 1].isNumber {
                out.append(c)
            }
        }
        return out
    }

    /// Mean, summed left to right in double precision (so other languages get the same bits).
    static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        var sum = 0.0
        for v in values { sum += v }
        return sum / Double(values.count)
    }
}
