/// A chapter of the audio (`Chapter` in the API), from Auto Chapters.
public struct Chapter: Sendable, Equatable {
    /// An ultra-short summary (just a few words) of the content spoken in the chapter.
    public var gist: String
    /// A single sentence summary of the content spoken during the chapter.
    public var headline: String
    /// A one paragraph summary of the content spoken during the chapter.
    public var summary: String
    /// The starting time, in milliseconds, for the chapter.
    public var start: Int64
    /// The ending time, in milliseconds, for the chapter.
    public var end: Int64

    public init(gist: String, headline: String, summary: String, start: Int64, end: Int64) {
        self.gist = gist
        self.headline = headline
        self.summary = summary
        self.start = start
        self.end = end
    }

    /// Decodes a `Chapter` object.
    public init(json node: JSONNode) {
        self.init(gist: node.text(ResultKeys.gist), headline: node.text(ResultKeys.headline),
                  summary: node.text(ResultKeys.summary), start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end))
    }
}
