// Real speech for the Text-to-Speech endpoints, offline: espeak-ng (Debian's libespeak-ng)
// synthesizes 16-bit mono PCM at its own rate (22050 Hz) and reports where each word starts;
// this file resamples to the requested rate, encodes (s16le, mu-law, A-law) and turns espeak's
// word events into word timings of the text's whitespace-delimited tokens.
//
// espeak-ng keeps global state and is not thread-safe: every synthesis runs on one serial
// queue, so concurrent requests take turns (each streams its audio as espeak produces it).

import CEspeak
import Dispatch
import Foundation

/// One piece of a synthesis, in the order it happens.
enum SpeechPiece: Sendable {
    /// Samples at the requested rate (not yet encoded).
    case samples([Int16])
    /// Words whose start and end are now known, with times in ms from the start of the audio.
    case words([SpokenWord])
    /// The end: the whole audio's duration in ms.
    case done(durationMs: Int)
}

struct SpokenWord: Sendable {
    var word: String
    var start: Int
    var end: Int
    var confidence: Double
}

/// The espeak voice (a language plus a variant) that speaks for an API voice.
struct EspeakVoice: Sendable, Hashable {
    var language: String   // espeak's code: en, es, de, fr, it, pt
    var variant: String    // f1...f5, m1...m7
    var name: String { "\(language)+\(variant)" }
}

final class SpeechEngine: @unchecked Sendable {  // espeak state is touched only on `queue`
    static let shared = SpeechEngine()

    private let queue = DispatchQueue(label: "assemblyai-server.espeak")
    /// espeak's output rate, known once it is initialised (0 when it failed to start).
    private var espeakRate = 0
    private var initialised = false

    /// The synthesis running now (only on `queue`): espeak calls back into it.
    nonisolated(unsafe) fileprivate static var current: Synthesis?

    /// Speaks `text` with `voice` at `sampleRate`, delivering pieces to `deliver` on espeak's
    /// queue as they are produced. `deliver` returns false to stop (the client went away).
    /// Returns once the synthesis finished (or failed to start, with a reason).
    func synthesize(text: String, voice: EspeakVoice, sampleRate: Int,
                    deliver: @escaping @Sendable (SpeechPiece) -> Bool) async -> String? {
        await withCheckedContinuation { (cont: CheckedContinuation<String?, Never>) in
            queue.async {
                cont.resume(returning: self.run(text: text, voice: voice, sampleRate: sampleRate, deliver: deliver))
            }
        }
    }

    private func run(text: String, voice: EspeakVoice, sampleRate: Int,
                     deliver: @escaping @Sendable (SpeechPiece) -> Bool) -> String? {
        if !initialised {
            initialised = true
            // Synchronous output: espeak_Synth returns after the last callback. 200 ms buffers.
            let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, 0)
            if rate > 0 {
                espeakRate = Int(rate)
                espeak_SetSynthCallback(espeakCallback)
            }
        }
        guard espeakRate > 0 else { return "espeak-ng could not be initialised (is espeak-ng-data installed?)" }
        guard espeak_SetVoiceByName(voice.name) == EE_OK || espeak_SetVoiceByName(voice.language) == EE_OK else {
            return "espeak-ng has no voice \(voice.name)"
        }
        let synthesis = Synthesis(text: text, inRate: espeakRate, outRate: sampleRate, deliver: deliver)
        SpeechEngine.current = synthesis
        defer { SpeechEngine.current = nil }
        let flags = UInt32(espeakCHARS_UTF8)
        let rc = text.withCString { p in
            espeak_Synth(p, strlen(p) + 1, 0, POS_CHARACTER, 0, flags, nil, nil)
        }
        if rc != EE_OK, !synthesis.stopped { return "espeak-ng failed to synthesize (error \(rc.rawValue))" }
        synthesis.finish()
        return nil
    }
}

/// espeak's synthesis callback: audio and events of the running synthesis. Returns 1 to abort.
private let espeakCallback: @convention(c) (UnsafeMutablePointer<Int16>?, Int32, UnsafeMutablePointer<espeak_EVENT>?) -> Int32 = {
    wav, count, events in
    guard let synthesis = SpeechEngine.current else { return 1 }
    var marks: [(textPosition: Int, audioMs: Int)] = []
    if var e = events {
        while e.pointee.type != espeakEVENT_LIST_TERMINATED {
            if e.pointee.type == espeakEVENT_WORD {
                marks.append((Int(e.pointee.text_position), Int(e.pointee.audio_position)))
            }
            e += 1
        }
    }
    let samples = (wav != nil && count > 0) ? Array(UnsafeBufferPointer(start: wav, count: Int(count))) : []
    return synthesis.take(samples: samples, marks: marks) ? 0 : 1
}

/// One text being spoken: the resampler, the word bookkeeping and the consumer.
private final class Synthesis {
    let tokens: [(word: String, firstChar: Int, lastChar: Int)]  // 1-based character positions
    let deliver: @Sendable (SpeechPiece) -> Bool
    var resampler: Resampler
    let inRate: Int
    let outRate: Int
    var inSamples = 0
    var outSamples = 0
    /// Start (ms) of each token once espeak reported it; tokens are closed in order.
    var starts: [Int?]
    var nextToClose = 0
    var lastEnd = 0
    var stopped = false

    init(text: String, inRate: Int, outRate: Int, deliver: @escaping @Sendable (SpeechPiece) -> Bool) {
        var tokens: [(String, Int, Int)] = []
        var current = ""
        var first = 0
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            if scalar.properties.isWhitespace {
                if !current.isEmpty { tokens.append((current, first, position - 1)); current = "" }
            } else {
                if current.isEmpty { first = position }
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append((current, first, position)) }
        self.tokens = tokens
        self.starts = Array(repeating: nil, count: tokens.count)
        self.inRate = inRate
        self.outRate = outRate
        self.resampler = Resampler(inRate: inRate, outRate: outRate)
        self.deliver = deliver
    }

    /// Takes one buffer from espeak; false stops the synthesis.
    func take(samples: [Int16], marks: [(textPosition: Int, audioMs: Int)]) -> Bool {
        guard !stopped else { return false }
        for mark in marks {
            // The token that holds the word's first character (or the next one after it).
            if let i = tokens.firstIndex(where: { mark.textPosition <= $0.lastChar }), starts[i] == nil {
                starts[i] = mark.audioMs
            }
        }
        inSamples += samples.count
        let out = resampler.process(samples)
        outSamples += out.count
        if !out.isEmpty, !deliver(.samples(out)) { stopped = true; return false }
        // A word's end is the next reported word's start: close every word before the last start.
        if let lastStarted = starts.lastIndex(where: { $0 != nil }), lastStarted > nextToClose {
            if !deliver(.words(close(upTo: lastStarted))) { stopped = true; return false }
        }
        return true
    }

    /// Closes tokens nextToClose..<upTo. A run of tokens espeak gave no event (it speaks "was a"
    /// as one word, skips punctuation) shares the time up to the next reported start equally.
    private func close(upTo: Int, endOfAudio: Int? = nil) -> [SpokenWord] {
        var out: [SpokenWord] = []
        while nextToClose < upTo {
            let i = nextToClose
            let start = max(starts[i] ?? lastEnd, lastEnd)
            let next = starts.indices.dropFirst(i + 1).first { starts[$0] != nil }
            let nextStart = next.flatMap { starts[$0] } ?? endOfAudio ?? start
            let span = max(0, nextStart - start) / max(1, (next ?? tokens.count) - i)
            // The tokens between share the span: give them their starts now.
            if let next { for k in (i + 1)..<next { starts[k] = start + span * (k - i) } }
            else { for k in (i + 1)..<tokens.count where starts[k] == nil { starts[k] = start + span * (k - i) } }
            let end = (i + 1 < tokens.count ? starts[i + 1] : nil) ?? max(start, nextStart)
            out.append(SpokenWord(word: tokens[i].word, start: start, end: max(start, end), confidence: 1.0))
            lastEnd = max(start, end)
            nextToClose += 1
        }
        return out
    }

    func finish() {
        guard !stopped else { return }
        let tail = resampler.flush()
        outSamples += tail.count
        if !tail.isEmpty, !deliver(.samples(tail)) { stopped = true; return }
        let durationMs = outSamples * 1000 / max(1, outRate)
        if nextToClose < tokens.count {
            if !deliver(.words(close(upTo: tokens.count, endOfAudio: durationMs))) { stopped = true; return }
        }
        _ = deliver(.done(durationMs: durationMs))
    }
}

/// Linear-interpolation resampling of a stream that arrives in pieces.
struct Resampler {
    let step: Double       // input samples per output sample
    var t: Double = 0      // position of the next output sample, in input samples since the start
    var seen = 0           // input samples received
    var last: Int16 = 0    // the last input sample received
    var previous: [Int16] = []

    init(inRate: Int, outRate: Int) { step = Double(inRate) / Double(max(1, outRate)) }

    mutating func process(_ input: [Int16]) -> [Int16] {
        guard !input.isEmpty else { return [] }
        if step == 1 { seen += input.count; last = input.last!; return input }
        let base = seen - 1  // global index of `last` (the sample before this piece)
        seen += input.count
        var out: [Int16] = []
        out.reserveCapacity(Int(Double(input.count) / step) + 2)
        func sample(_ global: Int) -> Double {
            global <= base ? Double(last) : Double(input[global - base - 1])
        }
        // Both neighbours of the position must have arrived; the rest waits for the next piece.
        while Int(t.rounded(.down)) + 1 <= seen - 1 {
            let i = Int(t.rounded(.down))
            let frac = t - Double(i)
            let a = sample(i), b = sample(i + 1)
            out.append(Int16(clamping: Int((a + (b - a) * frac).rounded())))
            t += step
        }
        last = input.last!
        return out
    }

    /// The samples still owed at the end of the stream (positions past the last input sample).
    mutating func flush() -> [Int16] {
        var out: [Int16] = []
        while t < Double(seen) { out.append(last); t += step }
        return out
    }
}

/// Encoders of the API's codecs.
enum SpeechCodec {
    static func encode(_ samples: [Int16], encoding: String) -> [UInt8] {
        switch encoding {
        case "pcm_mulaw": return samples.map(mulaw)
        case "pcm_alaw": return samples.map(alaw)
        default:
            var out = [UInt8](repeating: 0, count: samples.count * 2)
            for (i, s) in samples.enumerated() {
                let u = UInt16(bitPattern: s)
                out[2 * i] = UInt8(u & 0xFF)
                out[2 * i + 1] = UInt8(u >> 8)
            }
            return out
        }
    }

    /// G.711 mu-law.
    static func mulaw(_ sample: Int16) -> UInt8 {
        let bias = 0x84, clip = 32635
        var s = Int(sample)
        let sign = s < 0 ? 0x80 : 0
        if s < 0 { s = -s }
        s = min(s, clip) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0, s & mask == 0 { exponent -= 1; mask >>= 1 }
        let mantissa = (s >> (exponent + 3)) & 0x0F
        return ~UInt8(sign | (exponent << 4) | mantissa)
    }

    /// G.711 A-law.
    static func alaw(_ sample: Int16) -> UInt8 {
        var s = Int(sample) >> 3  // 13-bit
        var mask = 0xD5
        if s < 0 { mask = 0x55; s = -s - 1 }
        let segEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]
        guard let seg = segEnds.firstIndex(where: { s <= $0 }) else { return UInt8(0x7F ^ mask) }
        let value = (seg << 4) | ((seg < 2 ? s >> 1 : s >> seg) & 0x0F)
        return UInt8(value ^ mask)
    }

    /// A WAV header; `dataBytes` nil writes the "unknown" sizes of a stream (all ones).
    static func wavHeader(sampleRate: Int, encoding: String, dataBytes: Int?) -> [UInt8] {
        let (format, bits): (UInt16, UInt16) = encoding == "pcm_mulaw" ? (7, 8) : encoding == "pcm_alaw" ? (6, 8) : (1, 16)
        let blockAlign = UInt16(bits / 8)
        var h: [UInt8] = []
        func u32(_ v: UInt32) { h += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u16(_ v: UInt16) { h += withUnsafeBytes(of: v.littleEndian, Array.init) }
        h += Array("RIFF".utf8)
        u32(dataBytes.map { UInt32(truncatingIfNeeded: 36 + $0) } ?? 0xFFFF_FFFF)
        h += Array("WAVEfmt ".utf8)
        u32(16); u16(format); u16(1); u32(UInt32(sampleRate)); u32(UInt32(sampleRate) * UInt32(blockAlign))
        u16(blockAlign); u16(bits)
        h += Array("data".utf8)
        u32(dataBytes.map { UInt32(truncatingIfNeeded: $0) } ?? 0xFFFF_FFFF)
        return h
    }
}
