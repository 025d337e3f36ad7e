/// A detected entity (`Entity` in the API), from Entity Detection.
public struct Entity: Sendable, Equatable {
    /// The type of entity, one of the API's `EntityType` values (`"location"`, `"person_name"`,
    /// `"email_address"`, ...), as the server spelled it.
    public var entityType: String
    /// The text for the detected entity.
    public var text: String
    /// The starting time, in milliseconds, at which the detected entity appears in the audio file.
    public var start: Int64
    /// The ending time, in milliseconds, for the detected entity in the audio file.
    public var end: Int64

    public init(entityType: String, text: String, start: Int64, end: Int64) {
        self.entityType = entityType
        self.text = text
        self.start = start
        self.end = end
    }

    /// Decodes an `Entity` object.
    public init(json node: JSONNode) {
        self.init(entityType: node.text(ResultKeys.entityType), text: node.text(ResultKeys.text),
                  start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end))
    }
}
