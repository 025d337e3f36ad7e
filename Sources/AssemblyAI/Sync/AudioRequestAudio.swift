// The audio of a Sync or Dictation request: which format it is (WAV or raw 16-bit PCM), the
// multipart filename and Content-Type 1.8.2 would send for it, and the checks that can be made
// before anything is sent (a format neither API decodes, PCM without rate or channels, audio
// over the 120 s limit).

import Glibc

/// Audio handed over whole.
public enum AudioRequestInput: Sendable {
    /// A local file, read when the call runs. Its extension picks the format (`.pcm`/`.raw`: raw PCM).
    case file(path: String)
    /// Audio bytes (a WAV file, or raw 16-bit little-endian PCM when the config has `sample_rate` and `channels`).
    case bytes([UInt8])
}

/// The resolved format of the audio part.
struct AudioPartFormat: Equatable {
    var filename: String
    var contentType: String
    var isPCM: Bool
}

enum AudioRequestAudio {
    static let pcmSuffixes = [".pcm", ".raw"]

    /// 1.8.2's Dictation API Content-Types by extension (the Sync API posts everything but PCM as WAV).
    static let dictationContentTypes: [String: String] = [
        ".wav": "audio/wav", ".pcm": "audio/pcm", ".raw": "audio/pcm", ".mp3": "audio/mpeg", ".aac": "audio/aac",
        ".mp4": "audio/mp4", ".m4a": "audio/x-m4a", ".ogg": "audio/ogg", ".opus": "audio/opus", ".flac": "audio/flac",
        ".webm": "audio/webm",
    ]

    /// The lowercased extension of a path's last component, with the dot, or "".
    static func suffix(of filename: String) -> String {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return "" }
        return String(filename[dot...]).lowercased()
    }

    static func basename(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path))
    }

    /// Filename and Content-Type as 1.8.2 decides them: PCM when the name ends in .pcm/.raw or
    /// the config sets sample_rate or channels (and then both are required).
    static func format(api: AudioRequestAPI, filename: String?, config: AudioRequestConfig) throws(AssemblyAIError) -> AudioPartFormat {
        let suffix = filename.map(suffix(of:)) ?? ""
        let wantsPCM = config.sampleRate != nil || config.channels != nil
        let isPCM = pcmSuffixes.contains(suffix) || wantsPCM
        if isPCM, config.sampleRate == nil || config.channels == nil {
            throw .invalidArgument("raw PCM audio requires both sample_rate and channels in \(api.configName)")
        }
        let contentType: String
        if isPCM {
            contentType = "audio/pcm"
        } else if api == .dictation {
            contentType = dictationContentTypes[suffix] ?? "audio/wav"
        } else {
            contentType = "audio/wav"
        }
        let name = (filename?.isEmpty == false ? filename : nil) ?? (isPCM ? "audio.pcm" : "audio.wav")
        return AudioPartFormat(filename: name, contentType: contentType, isPCM: isPCM)
    }

    /// Reads a whole input into memory (a clip either API takes is at most 120 s: tens of MB).
    static func load(_ input: AudioRequestInput) throws(AssemblyAIError) -> (bytes: [UInt8], filename: String?) {
        switch input {
        case .bytes(let b): return (b, nil)
        case .file(let path):
            let lower = path.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                throw .invalidArgument("the Sync and Dictation APIs do not accept URLs ('\(path)'): give a local file or audio bytes, or use the transcriber for URLs")
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw UploadSource.openError(path) }
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                throw AssemblyAIError(.io, "cannot read '\(path)': it is a directory")
            }
            var out: [UInt8] = []
            out.reserveCapacity(max(0, Int(st.st_size)))
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; throw UploadSource.openError(path) }
                if n == 0 { break }
                out.append(contentsOf: buffer[0..<n])
                // The largest WAV either API takes is 120 s of 8 channels at 192 kHz, 32-bit (~740 MB):
                // refuse to read past 1 GiB rather than exhaust memory on a wrong file.
                if out.count > 1 << 30 { throw .invalidArgument("'\(path)' is over 1 GiB: far over the 120 s either API takes") }
            }
            return (out, basename(path))
        }
    }

    /// What a WAV header says: bytes per second and the length of the sample data.
    struct WAVHeader: Equatable {
        var byteRate: Int
        var dataBytes: Int
        /// Where the sample data starts.
        var dataOffset: Int
    }

    /// Parses the RIFF chunks in `bytes` (which may be only the start of a file). Nil when the
    /// bytes are not a WAV file, or when the fmt chunk was not reached yet.
    static func wavHeader(_ bytes: UnsafeRawBufferPointer, totalLength: Int? = nil) -> WAVHeader? {
        guard isWAV(bytes) else { return nil }
        func le32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        var offset = 12
        var byteRate = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4]), as: UTF8.self)
            let size = le32(offset + 4)
            if id == "fmt ", offset + 8 + 12 <= bytes.count { byteRate = le32(offset + 8 + 8) }
            if id == "data" {
                guard byteRate > 0 else { return nil }
                let available = (totalLength ?? bytes.count) - (offset + 8)
                // A streamed WAV may announce 0 or 0xFFFFFFFF: trust the bytes that are there.
                let data = (size == 0 || size == 0xFFFF_FFFF) ? available : min(size, available)
                return WAVHeader(byteRate: byteRate, dataBytes: max(0, data), dataOffset: offset + 8)
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    /// The data chunk's length as the header states it; nil when the header is incomplete or the
    /// length is a streamed WAV's placeholder (0 or 0xFFFFFFFF).
    static func declaredDataBytes(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let header = wavHeader(bytes, totalLength: Int.max / 2), header.dataOffset >= 8 else { return nil }
        let at = header.dataOffset - 4
        let size = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        return size == 0 || size == 0xFFFF_FFFF ? nil : size
    }

    static func isWAV(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 12 && bytes[0] == 0x52 && bytes[1] == 0x49 && bytes[2] == 0x46 && bytes[3] == 0x46
            && bytes[8] == 0x57 && bytes[9] == 0x41 && bytes[10] == 0x56 && bytes[11] == 0x45
    }

    /// A short name for what the first bytes look like, for the unsupported-format message.
    static func describe(_ bytes: UnsafeRawBufferPointer) -> String {
        func starts(_ magic: [UInt8], at: Int = 0) -> Bool {
            bytes.count >= at + magic.count && magic.enumerated().allSatisfy { bytes[at + $0.offset] == $0.element }
        }
        if starts(Array("ID3".utf8)) || (bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) { return "MP3" }
        if starts(Array("fLaC".utf8)) { return "FLAC" }
        if starts(Array("OggS".utf8)) { return "Ogg" }
        if starts(Array("ftyp".utf8), at: 4) { return "MP4/M4A" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "WebM/Matroska" }
        if starts(Array("RIFF".utf8)) { return "a RIFF file that is not WAVE" }
        return "not a WAV file"
    }

    /// The checks made before anything is sent: a known format, audio present, within 120 s.
    static func check(_ bytes: UnsafeRawBufferPointer, format: AudioPartFormat, config: AudioRequestConfig,
                      api: AudioRequestAPI) throws(AssemblyAIError) {
        guard bytes.count > 0 else { throw .invalidArgument("the audio is empty") }
        let durationMs: Int
        if format.isPCM {
            let rate = config.sampleRate ?? 1, channels = config.channels ?? 1
            let frame = 2 * channels
            if bytes.count % frame != 0 {
                throw .invalidArgument("raw PCM audio must be whole 16-bit frames of \(channels) channel(s): \(bytes.count) bytes is not a multiple of \(frame)")
            }
            durationMs = bytes.count / frame * 1000 / rate
        } else {
            guard let header = wavHeader(bytes) else {
                throw .invalidArgument("unsupported audio format (\(describe(bytes))): the \(api.name) takes WAV, or raw 16-bit PCM with sample_rate and channels in \(api.configName)")
            }
            durationMs = header.dataBytes * 1000 / header.byteRate
        }
        if durationMs > AudioRequestAPI.maxAudioMs {
            throw .invalidArgument(limitMessage(api: api, durationMs: durationMs))
        }
    }

    static func limitMessage(api: AudioRequestAPI, durationMs: Int) -> String {
        let tenths = durationMs / 100
        return "the audio is \(tenths / 10).\(tenths % 10) s long; the \(api.name) takes at most \(AudioRequestAPI.maxAudioMs / 1000) s per request"
    }
}

/// The multipart/form-data framing 1.8.2 streams: the JSON `config` part first (the server needs
/// sample_rate and channels before the first audio byte), then the `audio` part, then the close.
struct MultipartFraming: Sendable {
    let boundary: String

    init(boundary: String? = nil) {
        if let boundary { self.boundary = boundary; return }
        var rng = SystemRandomNumberGenerator()  // getrandom(2)
        let random = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let hex = Array("0123456789abcdef".utf8)
        self.boundary = String(decoding: random.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }, as: UTF8.self)
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The config part and the audio part's headers: everything before the first audio byte.
    func head(config: JSONObject, filename: String, audioContentType: String) -> [UInt8] {
        var out = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"config\"\r\nContent-Type: application/json\r\n\r\n".utf8)
        out += MultipartFraming.pythonJSON(.object(config))
        out += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"\(MultipartFraming.escape(filename))\"\r\nContent-Type: \(audioContentType)\r\n\r\n".utf8)
        return out
    }

    var closing: [UInt8] { Array("\r\n--\(boundary)--\r\n".utf8) }

    /// Escapes a quoted Content-Disposition parameter as httpx (and so 1.8.2) does: `"` -> %22,
    /// `\` doubled, control characters other than ESC percent-encoded.
    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "%22"
            case 0x5C: out += "\\\\"
            case 0x1B: out.unicodeScalars.append(scalar)
            case 0...0x1F:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 15)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// JSON as Python's json.dumps writes it (", " and ": " separators, non-ASCII as \uXXXX), so
    /// the config part is byte for byte what the official SDK sends.
    static func pythonJSON(_ value: JSONValue) -> [UInt8] {
        var out = ""
        func string(_ s: String) {
            out += "\""
            for u in s.utf16 {
                switch u {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(u)!)
                default:
                    let hex = Array("0123456789abcdef")
                    out += "\\u" + String([hex[Int(u >> 12)], hex[Int(u >> 8 & 15)], hex[Int(u >> 4 & 15)], hex[Int(u & 15)]])
                }
            }
            out += "\""
        }
        func emit(_ v: JSONValue) {
            switch v {
            case .object(let o):
                out += "{"
                for (i, (k, x)) in o.enumerated() {
                    if i > 0 { out += ", " }
                    string(k); out += ": "; emit(x)
                }
                out += "}"
            case .array(let a):
                out += "["
                for (i, x) in a.enumerated() { if i > 0 { out += ", " }; emit(x) }
                out += "]"
            case .string(let s): string(s)
            default: out += v.serialized()
            }
        }
        emit(value)
        return Array(out.utf8)
    }
}
