// JSON layer of the AssemblyAI core: errors.
// Pure Swift standard library; no Foundation.

/// An error raised while parsing JSON.
///
/// `offset` is the byte offset into the input where the problem was detected
/// (for an unexpected end of input it is the input's length).
public struct JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A machine-readable category, for mapping to error codes.
    public enum Code: Sendable, Equatable {
        /// The input ended in the middle of a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue a value at this place.
        case unexpectedCharacter
        /// A number that does not follow the RFC 8259 grammar (e.g. leading zero, `1.`, `.5`, `+1`).
        case invalidNumber
        /// An invalid escape sequence in a string (`\x`, short `\u` escape, lone surrogate).
        case invalidEscape
        /// An unescaped control character (U+0000 to U+001F) inside a string.
        case controlCharacterInString
        /// A string containing bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// More nested arrays/objects than the configured maximum depth.
        case depthLimitExceeded
        /// Something other than whitespace after the root value.
        case trailingContent
        /// The input is larger than the parser supports (4 GiB - 1 bytes).
        case documentTooLarge
    }

    public let code: Code
    /// Byte offset in the input at which the error was detected.
    public let offset: Int
    /// A short human-readable reason.
    public let reason: String

    public init(_ code: Code, offset: Int, reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "JSON parse error at byte \(offset): \(reason)"
    }
}
