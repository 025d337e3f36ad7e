// The redacted copy of an uploaded WAV: the same file with the samples of every redacted
// word silenced. Written once, on first download, atomically (temporary file, then rename).

import Foundation

enum RedactedAudio {
    /// Silenced span of a word: frames [start * rate / 1000, end * rate / 1000) of the data
    /// chunk (integer division), so the copy lines up with the word timings.
    static func write(source: String, to destination: String, audio: AudioInfo, ranges: [(start: Int, end: Int)]) throws {
        let fm = FileManager.default
        let temporary = destination + ".tmp-\(UUID().uuidString.lowercased())"
        defer { try? fm.removeItem(atPath: temporary) }
        try fm.copyItem(atPath: source, toPath: temporary)
        guard audio.blockAlign > 0, audio.sampleRate > 0, !ranges.isEmpty else {
            try fm.moveItem(atPath: temporary, toPath: destination)
            return
        }
        let silence: UInt8 = audio.formatTag == 1 && audio.bitsPerSample == 8 ? 0x80 : 0
        guard let file = FileHandle(forUpdatingAtPath: temporary) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? file.close() }
        let dataEnd = audio.dataOffset + audio.dataSize
        for r in ranges {
            let from = min(dataEnd, audio.dataOffset + r.start * audio.sampleRate / 1000 * audio.blockAlign)
            let to = min(dataEnd, audio.dataOffset + r.end * audio.sampleRate / 1000 * audio.blockAlign)
            var at = from
            while at < to {
                let n = min(1 << 20, to - at)
                try file.seek(toOffset: UInt64(at))
                try file.write(contentsOf: Data(repeating: silence, count: n))
                at += n
            }
        }
        try file.synchronize()
        try fm.moveItem(atPath: temporary, toPath: destination)
    }
}
