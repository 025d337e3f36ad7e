import Synchronization

/// The status of a transcript (`TranscriptStatus` in the API).
public enum TranscriptStatus: Sendable, Equatable {
    case queued, processing, completed, error
    /// A status this version does not know, as the server spelled it.
    case other(String)

    init(_ text: String) {
        switch text {
        case "queued": self = .queued
        case "processing": self = .processing
        case "completed": self = .completed
        case "error": self = .error
        default: self = .other(text)
        }
    }

    /// Whether polling can stop: the transcript will not change any more.
    public var isFinal: Bool { self == .completed || self == .error }
}

/// One recognised word.
public struct Word: Sendable, Equatable {
    public var text: String
    /// Start and end in milliseconds from the start of the audio.
    public var start: Int64
    public var end: Int64
    public var confidence: Double
    public var speaker: String?
    public var channel: String?
}

/// A transcript as the server returned it: the parsed document plus typed access to the common
/// fields. Immutable; every other field is reachable through ``json``.
public final class Transcript: Sendable {
    /// The whole response, parsed once.
    public let document: JSONDocument
    public let id: String
    public let status: TranscriptStatus
    /// The words in flat form, read from the document on first use (see ``wordTable``).
    private let wordCache = Mutex<WordTable?>(nil)

    /// Wraps a parsed transcript; it must have a string `id` and `status`.
    public init(document: JSONDocument) throws(AssemblyAIError) {
        guard let id = document.root["id"]?.string, let status = document.root["status"]?.string else {
            throw AssemblyAIError(.proto, "the server's answer is not a transcript (no id or status)")
        }
        self.document = document
        self.id = id
        self.status = TranscriptStatus(status)
    }

    public var json: JSONNode { document.root }
    public var statusText: String? { json["status"]?.string }
    public var text: String? { json["text"]?.string }
    public var error: String? { json["error"]?.string }
    public var audioURL: String? { json["audio_url"]?.string }
    /// Seconds, or nil when the server has not said yet.
    public var audioDuration: Double? { json["audio_duration"]?.double }
    public var confidence: Double? { json["confidence"]?.double }

    /// The words' JSON nodes, for callers that walk them without building ``Word`` values.
    public var wordNodes: JSONNode? {
        guard let words = json["words"], words.kind == .array else { return nil }
        return words
    }

    /// The words read once into flat memory and kept (thread-safe: the first caller builds it,
    /// concurrent callers wait for it). The C word array and the local exports use it.
    public var wordTable: WordTable {
        wordCache.withLock { cached in
            if let cached { return cached }
            let table = WordTable(wordNodes)
            cached = table
            return table
        }
    }

    /// The words as values.
    public var words: [Word] {
        guard let nodes = wordNodes else { return [] }
        var out: [Word] = []
        out.reserveCapacity(nodes.count)
        for node in nodes.elements {
            out.append(Word(text: node["text"]?.string ?? "",
                            start: node["start"]?.int64 ?? 0,
                            end: node["end"]?.int64 ?? 0,
                            confidence: node["confidence"]?.double ?? 0,
                            speaker: node["speaker"]?.string,
                            channel: node["channel"]?.string))
        }
        return out
    }
}
