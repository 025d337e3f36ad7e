// The compressed encodings of Universal Streaming v3 (opus, ogg_opus, aac): the local server does
// not decode them (no transcript comes from such audio); it checks each stream's framing and
// reads its duration from the stream's own headers, so `audio_duration_seconds`, Heartbeat's
// `total_audio_received_ms` and the session's audio clock are right. docs/local-server-streaming.md
// ("Compressed encodings") states the rules.
//
//   opus      every binary message is one Opus packet (RFC 6716): its TOC byte gives the frame
//             duration and the frame count; an empty message or a bad count is refused.
//   ogg_opus  an Ogg byte stream cut anywhere: pages ("OggS", RFC 3533) are read as they complete;
//             the duration is the last granule position (48 kHz) minus the OpusHead pre-skip.
//   aac       an ADTS byte stream cut anywhere: each frame (sync word 0xFFF) holds 1024 samples per
//             raw data block at the rate its header names.

import Foundation

struct CompressedAudio: Sendable {
    enum Failure: Error { case invalid(String) }

    let encoding: String
    private var pending: [UInt8] = []
    /// opus / aac: samples counted at `rate`.
    private var samples = 0
    private var rate = 48_000
    /// ogg_opus: the highest granule position seen and the pre-skip.
    private var granule: Int64 = 0
    private var preSkip = 0
    private var sawHead = false
    private(set) var bytes = 0

    static let encodings: Set<String> = ["opus", "ogg_opus", "aac"]

    init(encoding: String) { self.encoding = encoding }

    /// The duration of the audio received so far, in ms.
    var durationMs: Int {
        switch encoding {
        case "ogg_opus": return Int(max(0, granule - Int64(preSkip)) * 1000 / 48_000)
        default: return samples * 1000 / max(1, rate)
        }
    }

    /// Takes one binary message.
    mutating func feed(_ message: [UInt8]) throws {
        bytes += message.count
        switch encoding {
        case "opus": try opusPacket(message)
        case "ogg_opus": pending += message; try oggPages()
        default: pending += message; try adtsFrames()
        }
    }

    /// RFC 6716 section 3.1: config (TOC bits 7..3) gives the frame size, c (bits 1..0) the count.
    private mutating func opusPacket(_ p: [UInt8]) throws {
        guard let toc = p.first else { throw Failure.invalid("an empty Opus packet") }
        let config = Int(toc >> 3)
        // Frame sizes in units of 1/400 s (2.5 ms): SILK 10/20/40/60 ms, hybrid 10/20, CELT 2.5/5/10/20.
        let units: Int
        switch config {
        case 0...11: units = [4, 8, 16, 24][config % 4]
        case 12...15: units = [4, 8][config % 2]
        default: units = [1, 2, 4, 8][config % 4]
        }
        let frames: Int
        switch toc & 3 {
        case 0: frames = 1
        case 1, 2: frames = 2
        default:
            guard p.count >= 2, p[1] & 0x3F > 0 else { throw Failure.invalid("an Opus packet with code 3 and no frame count") }
            frames = Int(p[1] & 0x3F)
        }
        guard units * frames <= 48 else { throw Failure.invalid("an Opus packet longer than 120 ms") }
        rate = 48_000
        samples += units * frames * 120  // 2.5 ms at 48 kHz is 120 samples
    }

    /// Whole Ogg pages out of `pending`.
    private mutating func oggPages() throws {
        var at = 0
        while pending.count - at >= 27 {
            guard pending[at] == 0x4F, pending[at + 1] == 0x67, pending[at + 2] == 0x67, pending[at + 3] == 0x53 else {
                throw Failure.invalid("not an Ogg stream (no OggS capture pattern at byte \(bytes - pending.count + at))")
            }
            let segments = Int(pending[at + 26])
            guard pending.count - at >= 27 + segments else { break }
            let body = pending[(at + 27)..<(at + 27 + segments)].reduce(0) { $0 + Int($1) }
            let size = 27 + segments + body
            guard pending.count - at >= size else { break }
            var g: Int64 = 0
            for i in (0..<8).reversed() { g = g << 8 | Int64(pending[at + 6 + i]) }
            let payload = Array(pending[(at + 27 + segments)..<(at + size)])
            if !sawHead, payload.count >= 19, Array(payload.prefix(8)) == Array("OpusHead".utf8) {
                sawHead = true
                preSkip = Int(payload[10]) | Int(payload[11]) << 8
            }
            if g != -1, g > granule { granule = g }
            at += size
        }
        pending.removeFirst(at)
    }

    /// Whole ADTS frames out of `pending` (ISO 14496-3 1.A.2).
    private mutating func adtsFrames() throws {
        let rates = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350]
        var at = 0
        while pending.count - at >= 7 {
            guard pending[at] == 0xFF, pending[at + 1] & 0xF0 == 0xF0 else {
                throw Failure.invalid("not an ADTS stream (no sync word at byte \(bytes - pending.count + at))")
            }
            let index = Int(pending[at + 2] >> 2) & 0x0F
            guard index < rates.count else { throw Failure.invalid("an ADTS frame with sampling frequency index \(index)") }
            let length = (Int(pending[at + 3]) & 0x03) << 11 | Int(pending[at + 4]) << 3 | Int(pending[at + 5]) >> 5
            guard length >= 7 else { throw Failure.invalid("an ADTS frame of \(length) bytes") }
            guard pending.count - at >= length else { break }
            let blocks = Int(pending[at + 6] & 0x03) + 1
            if rates[index] != rate, samples > 0 { samples = samples * rates[index] / max(1, rate) }
            rate = rates[index]
            samples += 1024 * blocks
            at += length
        }
        pending.removeFirst(at)
    }
}
