// From the recogniser's words to the `Recognition` the transcript features are computed from
// (the counterpart of AudioText's comment layout).

import Foundation

enum SpeechText {
    static func recognition(_ result: RecognizedAudio, path: String?, options: TextOptions) -> Recognition {
        var audio = AudioInfo(channels: 1, sampleRate: 16000, durationMs: result.durationMs, comment: nil)
        if let path, let wav = try? WAVReader.read(path: path) {
            // The WAV's own header for the redacted copy; the decoded length for the duration.
            audio = wav
        }
        return Recognition(audio: audio, words: words(result.words, options: options))
    }

    /// Recognised words shaped as the request asked: `punctuate: false` drops punctuation,
    /// `format_text: false` lower-cases. Every word is speaker A (no diarization).
    static func words(_ recognized: [RecognizedWord], options: TextOptions) -> [Word] {
        recognized.compactMap { w in
            var text = options.punctuate ? w.text : AudioText.stripPunctuation(w.text)
            if !options.formatText { text = text.lowercased() }
            guard !text.isEmpty else { return nil }
            return Word(text: text, start: w.start, end: max(w.start, w.end), confidence: w.confidence, speaker: "A")
        }
    }
}

/// Audio that is silence (digital silence, or only the least significant bit set, as the
/// streaming embedded-text frames do) has no words: the recogniser is not asked (it would say
/// the same, after loading its model).
enum Silence {
    /// Peak of PCM16 samples at or below which audio counts as silent (-50 dBFS).
    static let peak16 = 100

    /// Whether the WAV's samples are all silent; false for formats it does not read (then the
    /// recogniser decides) and for files over `maxBytes`.
    static func isSilentWAV(path: String, info: AudioInfo, maxBytes: Int = 64 << 20) -> Bool {
        guard info.formatTag == 1 || info.formatTag == 0xFFFE, info.bitsPerSample == 16 || info.bitsPerSample == 8,
              info.dataSize <= maxBytes, let file = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? file.close() }
        do {
            try file.seek(toOffset: UInt64(info.dataOffset))
            var left = info.dataSize
            while left > 0 {
                guard let chunk = try file.read(upToCount: min(left, 1 << 20)), !chunk.isEmpty else { break }
                left -= chunk.count
                let silent = info.bitsPerSample == 16 ? isSilentPCM16(chunk) : chunk.allSatisfy { abs(Int($0) - 128) <= 1 }
                if !silent { return false }
            }
            return true
        } catch {
            return false
        }
    }

    static func isSilentPCM16(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        while let lo = it.next(), let hi = it.next() {
            let v = Int(Int16(bitPattern: UInt16(lo) | UInt16(hi) << 8))
            if v > peak16 || v < -peak16 { return false }
        }
        return true
    }

    /// mu-law bytes: silent when every sample decodes to at most `peak16`.
    static func isSilentMulaw(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.allSatisfy { b in
            let u = ~b
            let exponent = Int((u >> 4) & 0x07), mantissa = Int(u & 0x0F)
            return ((((mantissa << 3) + 0x84) << exponent) - 0x84) <= peak16
        }
    }
}
