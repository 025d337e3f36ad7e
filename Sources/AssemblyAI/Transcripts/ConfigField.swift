/// What the API accepts for one request field (generated from the specs into `ConfigFields.swift`).
public struct ConfigField: Sendable {
    public enum Kind: Sendable { case bool, integer, number, string, stringArray, object, array }
    public let name: String
    public let kind: Kind
    /// Allowed values of a string (or of each string of an array), when the spec lists them.
    public let enumValues: [String]?
    public let nullable: Bool
    public let minimum: Double?
    public let maximum: Double?

    /// Checks a value against the field's type, range and enum; the error names the field.
    func check(_ value: JSONValue) throws(AssemblyAIError) {
        func fail(_ why: String) -> AssemblyAIError { .invalidArgument("config field \(name): \(why)") }
        switch (kind, value) {
        case (_, .null) where nullable: return
        case (.bool, .bool): return
        case (.integer, .int(let v)): try checkRange(Double(v), fail)
        case (.number, .int(let v)): try checkRange(Double(v), fail)
        case (.number, .double(let v)): try checkRange(v, fail)
        case (.string, .string(let s)): try checkEnum(s, fail)
        case (.stringArray, .array(let items)):
            for item in items {
                guard case .string(let s) = item else { throw fail("expects an array of strings") }
                try checkEnum(s, fail)
            }
        case (.object, .object), (.array, .array): return
        default:
            throw fail("expects \(kindName), got \(value.serialized().prefix(40))")
        }
    }

    private var kindName: String {
        switch kind {
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .stringArray: return "an array of strings"
        case .object: return "an object"
        case .array: return "an array"
        }
    }

    private func checkRange(_ v: Double, _ fail: (String) -> AssemblyAIError) throws(AssemblyAIError) {
        func show(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }
        if let minimum, v < minimum { throw fail("must be at least \(show(minimum)), got \(show(v))") }
        if let maximum, v > maximum { throw fail("must be at most \(show(maximum)), got \(show(v))") }
    }

    private func checkEnum(_ s: String, _ fail: (String) -> AssemblyAIError) throws(AssemblyAIError) {
        if let enumValues, !enumValues.contains(s) {
            throw fail("'\(s)' is not one of \(enumValues.joined(separator: ", "))")
        }
    }
}

extension TranscriptionConfig {
    /// Sets a known field after checking it against the spec; unknown names are rejected (a typo
    /// would otherwise be sent and ignored). `merge(json:)` is the way to send unknown fields.
    public mutating func set(_ field: String, _ value: JSONValue) throws(AssemblyAIError) {
        guard let spec = ConfigField.all[field] else {
            throw .invalidArgument("'\(field)' is not a transcription config field this library knows; use the raw JSON merge for new fields")
        }
        try spec.check(value)
        self[field] = value
    }

    /// Checks rules that span fields, as the official SDK does before sending.
    public func validate() throws(AssemblyAIError) {
        if case .int(let start)? = self["audio_start_from"], case .int(let end)? = self["audio_end_at"], end <= start {
            throw .invalidArgument("config field audio_end_at (\(end)) must be after audio_start_from (\(start))")
        }
        if case .int(let n)? = self["speakers_expected"], n < 1 {
            throw .invalidArgument("config field speakers_expected must be at least 1, got \(n)")
        }
        if case .bool(true)? = self["redact_pii"] {
            guard case .array(let p)? = self["redact_pii_policies"], !p.isEmpty else {
                throw .invalidArgument("config field redact_pii_policies: redact_pii needs at least one policy")
            }
        }
    }
}
