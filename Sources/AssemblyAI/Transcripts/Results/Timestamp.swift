/// A span of the audio (`Timestamp` in the API): start and end in milliseconds.
public struct Timestamp: Sendable, Equatable {
    /// The start time in milliseconds.
    public var start: Int64
    /// The end time in milliseconds.
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Decodes a `Timestamp` object.
    public init(json node: JSONNode) {
        self.init(start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end))
    }
}
