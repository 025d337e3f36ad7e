/// Whether an audio intelligence model produced its result (`AudioIntelligenceModelStatus` in the
/// API): `success`, or `unavailable` in the rare case that the model failed.
public enum AudioIntelligenceModelStatus: Sendable, Equatable {
    case success
    case unavailable
    /// A status this version does not know, as the server spelled it.
    case other(String)

    public init(_ text: String) {
        switch text {
        case "success": self = .success
        case "unavailable": self = .unavailable
        default: self = .other(text)
        }
    }

    /// The status as the API spells it.
    public var rawValue: String {
        switch self {
        case .success: return "success"
        case .unavailable: return "unavailable"
        case .other(let text): return text
        }
    }
}
