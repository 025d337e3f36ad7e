// "Speech recognition" for streamed audio. Streaming sends raw samples without a WAV header, so
// the text the audio "says" travels in the samples themselves: one bit in the least significant
// bit of each sample, inaudible, and it survives any chunking, a WAV file, an ALSA file-fed
// microphone. docs/local-server-streaming.md states the format; scripts/make-stream-wav writes it.
//
// Frame (bytes, each sent most significant bit first, one bit per sample):
//   "AAIT"  magic (0x41 0x41 0x49 0x54)
//   u8      version = 1
//   u32 LE  span_ms: the words are spread evenly over [0, span_ms)
//   u32 LE  length of the text in bytes (<= 1 MiB)
//   bytes   the text, UTF-8
//   u32 LE  CRC-32 (IEEE, as zlib.crc32) of version .. text
// pcm_s16le: the bit is bit 0 of each 16-bit sample (bit 0 of its low byte); pcm_mulaw: bit 0 of
// each byte. The first frame with a valid CRC wins; the tool repeats it to fill the audio.

import Foundation

struct EmbeddedTextDecoder {
    static let magic: UInt32 = 0x4141_4954
    static let maxText = 1 << 20

    let bytesPerSample: Int
    private(set) var text: String?
    private(set) var spanMs = 0

    private var register: UInt32 = 0
    private var collecting = false
    private var frame: [UInt8] = []
    private var currentByte: UInt8 = 0
    private var bitCount = 0
    private var pendingOdd: UInt8?

    init(bytesPerSample: Int) { self.bytesPerSample = bytesPerSample }

    /// Feeds received audio bytes (any chunking).
    mutating func feed(_ bytes: some Collection<UInt8>) {
        guard text == nil else { return }
        if bytesPerSample == 1 {
            for b in bytes { push(b & 1); if text != nil { return } }
            return
        }
        var iterator = bytes.makeIterator()
        if pendingOdd != nil {
            guard let high = iterator.next() else { return }
            _ = high
            push(pendingOdd! & 1)
            pendingOdd = nil
        }
        while let low = iterator.next() {
            guard iterator.next() != nil else { pendingOdd = low; return }
            push(low & 1)
            if text != nil { return }
        }
    }

    private mutating func push(_ bit: UInt8) {
        if !collecting {
            register = register << 1 | UInt32(bit)
            if register == EmbeddedTextDecoder.magic {
                collecting = true
                frame = []
                currentByte = 0
                bitCount = 0
            }
            return
        }
        currentByte = currentByte << 1 | bit
        bitCount += 1
        guard bitCount == 8 else { return }
        frame.append(currentByte)
        currentByte = 0
        bitCount = 0
        // version(1) span(4) length(4) text crc(4)
        if frame.count == 1, frame[0] != 1 { reset(); return }
        if frame.count == 9 {
            let length = Int(le32(frame, 5))
            if length > EmbeddedTextDecoder.maxText { reset(); return }
        }
        if frame.count >= 9 {
            let length = Int(le32(frame, 5))
            if frame.count == 9 + length + 4 {
                let body = Array(frame[0..<(9 + length)])
                if crc32(body) == le32(frame, 9 + length), let decoded = String(validating: frame[9..<(9 + length)], as: UTF8.self) {
                    text = decoded
                    spanMs = Int(le32(frame, 1))
                } else {
                    reset()
                }
            }
        }
    }

    private mutating func reset() {
        collecting = false
        register = 0
        frame = []
    }

    private func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib.crc32).
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// One word of the embedded text, laid out like the HTTP side does it (docs/local-server.md):
/// word i of N over span S: start = i*S/N, end = max(start, (i+1)*S/N - 10).
struct StreamWord: Sendable {
    let original: String
    /// Lowercase, punctuation removed (partials and unformatted turns).
    let plain: String
    let start: Int
    let end: Int
    let confidence: Double
    let speaker: String
    /// Ends with . ? or ! (after closing quotes/brackets).
    let endsSentence: Bool

    static func layout(text: String, spanMs: Int) -> [StreamWord] {
        var tokens: [(String, String)] = []
        var speaker = "A"
        for token in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            if AudioText.isSpeakerMarker(token) { speaker = String(token.dropLast()); continue }
            if AudioText.stripPunctuation(token).isEmpty { continue }
            tokens.append((token, speaker))
        }
        let n = tokens.count
        return tokens.enumerated().map { i, t in
            let start = i * spanMs / n
            let slotEnd = (i + 1) * spanMs / n
            var trimmed = Substring(t.0)
            while let last = trimmed.last, "\"')]}»”’".contains(last) { trimmed.removeLast() }
            return StreamWord(original: t.0, plain: AudioText.stripPunctuation(t.0).lowercased(), start: start,
                              end: max(start, slotEnd - AudioText.wordGapMs), confidence: AudioText.confidence(of: t.0),
                              speaker: t.1, endsSentence: trimmed.last.map { ".?!".contains($0) } ?? false)
        }
    }
}
