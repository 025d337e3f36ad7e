// Frames audio of any chunk size into messages the streaming APIs accept.
//
// Universal Streaming v3 accepts audio messages of 50 to 1000 ms (close code 3007 otherwise);
// realtime v2 documents 100 to 2000 ms (4032 / 4033). Applications hand audio over in whatever
// pieces they have (a 3200-byte loop over a file ends with a short piece; a callback of an
// audio API gives 10 ms; a file read whole is 10 s), so the session frames it:
//
// - pieces are appended to a pending buffer; as soon as it holds at least the minimum, it is
//   sent: whole when it is at most the maximum, otherwise in messages of the maximum (the last
//   two balanced so that none is under the minimum). A piece of a valid size that arrives
//   with nothing pending therefore goes out unchanged, as one message, at once.
// - messages hold whole samples (2 bytes for pcm_s16le): an odd byte waits for its other half.
// - at close (before Terminate / terminate_session) and before ForceEndpoint /
//   force_end_utterance, a pending tail shorter than the minimum is completed with silence
//   (zero samples for pcm_s16le, 0xFF for pcm_mulaw) up to the minimum and sent, so nothing
//   the application sent is lost and the server accepts every message. Other control messages
//   (UpdateConfiguration, send_json, v2 end_utterance_silence_threshold) go out at once, ahead
//   of a pending tail shorter than the minimum.
// - encodings whose duration the library cannot compute from a byte count (compressed ones)
//   are sent as given, one message per send.

struct AudioFramer: Sendable {
    /// Bytes per sample of the encoding (0: not framed).
    let bytesPerSample: Int
    let minBytes: Int
    let maxBytes: Int
    let silence: UInt8
    private(set) var pending: [UInt8] = []

    init(protocol p: StreamingProtocol, encoding: String, sampleRate: Int) {
        switch encoding {
        case "pcm_s16le": bytesPerSample = 2; silence = 0
        case "pcm_mulaw": bytesPerSample = 1; silence = 0xFF
        default: bytesPerSample = 0; silence = 0
        }
        let (minMs, maxMs) = AudioFramer.limits(p)
        let perMs = Double(sampleRate * max(bytesPerSample, 1)) / 1000
        let b = max(bytesPerSample, 1)
        var lo = Int((perMs * Double(minMs)).rounded(.up))
        lo = (lo + b - 1) / b * b
        var hi = Int((perMs * Double(maxMs)).rounded(.down)) / b * b
        lo = max(lo, b)
        hi = max(hi, lo)
        minBytes = lo
        maxBytes = hi
    }

    /// The message durations a protocol accepts, in ms.
    static func limits(_ p: StreamingProtocol) -> (min: Int, max: Int) {
        p == .v3 ? (50, 1000) : (100, 2000)
    }

    var isFraming: Bool { bytesPerSample > 0 }

    /// Adds audio; returns the messages ready to send, in order.
    mutating func push(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        guard isFraming else { return bytes.isEmpty ? [] : [[UInt8](bytes)] }
        // Fast path: nothing pending and the piece is a valid message by itself.
        if pending.isEmpty, bytes.count >= minBytes, bytes.count <= maxBytes, bytes.count % bytesPerSample == 0 {
            return [[UInt8](bytes)]
        }
        pending.append(contentsOf: bytes)
        guard pending.count >= minBytes else { return [] }
        var out: [[UInt8]] = []
        var offset = 0
        while pending.count - offset >= minBytes {
            let left = pending.count - offset
            var n: Int
            if left <= maxBytes { n = left } else if left - maxBytes >= minBytes { n = maxBytes } else { n = left - minBytes }
            n -= n % bytesPerSample
            out.append(Array(pending[offset..<(offset + n)]))
            offset += n
        }
        pending.removeFirst(offset)
        return out
    }

    /// The pending tail completed with silence to the minimum (nil when nothing is pending),
    /// and how many bytes of silence were added.
    mutating func flush() -> (message: [UInt8], padding: Int)? {
        guard isFraming, !pending.isEmpty else { return nil }
        var message = pending
        pending = []
        let padding = max(minBytes, (message.count + bytesPerSample - 1) / bytesPerSample * bytesPerSample) - message.count
        message.append(contentsOf: repeatElement(silence, count: padding))
        return (message, padding)
    }
}
