// The Universal Streaming v3 connection parameters of the official SDK 1.8.2's
// `StreamingParameters` (RealTimeParameters) that have no setter of their own, with their types,
// ranges and allowed values, so the by-name typed setters check them before connecting.
// Facts from 1.8.2's assemblyai/streaming/v3/models.py (StreamingMode, NoiseSuppressionModel,
// StreamingDomain, StreamingPiiPolicy, StreamingPiiSubstitution, LLMGatewayConfig).

/// What a v3 connection parameter takes.
public struct StreamingParameterSpec: Sendable {
    public enum Kind: Sendable { case bool, integer, number, string, stringList, object }
    public let name: String
    public let kind: Kind
    public let enumValues: [String]?
    public let range: ClosedRange<Double>?
    /// Kept for sessions written against an older SDK; the comment says what replaces it.
    public let deprecated: String?

    init(_ name: String, _ kind: Kind, _ enumValues: [String]? = nil, _ range: ClosedRange<Double>? = nil, deprecated: String? = nil) {
        self.name = name
        self.kind = kind
        self.enumValues = enumValues
        self.range = range
        self.deprecated = deprecated
    }

    static let piiPolicies = [
        "account_number", "banking_information", "blood_type", "credit_card_number", "credit_card_expiration",
        "credit_card_cvv", "date", "date_interval", "date_of_birth", "drivers_license", "drug", "duration",
        "email_address", "event", "filename", "gender_sexuality", "gender", "healthcare_number", "injury",
        "ip_address", "language", "location", "marital_status", "medical_condition", "medical_process",
        "money_amount", "nationality", "number_sequence", "passport_number", "password", "person_age",
        "person_name", "phone_number", "physical_attribute", "political_affiliation", "occupation", "organization",
        "organization_medical_facility", "religion", "sexuality", "statistics", "time", "url",
        "us_social_security_number", "username", "vehicle_id", "zodiac_sign",
    ]

    /// Every v3 parameter the by-name setters know, by name.
    public static let v3: [String: StreamingParameterSpec] = {
        let specs: [StreamingParameterSpec] = [
            .init("mode", .string, ["max_accuracy", "min_latency", "balanced"]),
            .init("domain", .string, ["medical-v1"]),
            .init("voice_focus", .string, ["near-field", "far-field"]),
            .init("voice_focus_threshold", .number, nil, 0...1),
            .init("noise_suppression_model", .string, ["near-field", "far-field"], deprecated: "voice_focus"),
            .init("noise_suppression_threshold", .number, nil, 0...1, deprecated: "voice_focus_threshold"),
            .init("include_partial_turns", .bool),
            .init("continuous_partials", .bool),
            .init("customer_support_audio_capture", .bool),
            .init("filter_profanity", .bool),
            .init("session_heartbeat", .bool),
            .init("acknowledge_silence", .bool),
            .init("language_codes", .stringList),
            .init("language_code", .string, deprecated: "language_codes"),
            .init("agent_context", .string),
            .init("interruption_delay", .integer, nil, 0...Double(Int32.max)),
            .init("turn_left_pad_ms", .integer, nil, 0...Double(Int32.max)),
            .init("speaker_labels_revision_interval_ms", .integer, nil, 0...Double(Int32.max)),
            .init("min_end_of_turn_silence_when_confident", .integer, nil, 0...60_000, deprecated: "min_turn_silence"),
            .init("webhook_url", .string),
            .init("webhook_auth_header_name", .string),
            .init("webhook_auth_header_value", .string),
            .init("redact_pii", .bool),
            .init("redact_pii_policies", .stringList, piiPolicies),
            .init("redact_pii_sub", .string, ["hash", "entity_name"]),
            .init("llm_gateway", .object),
        ]
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
    }()
}

extension StreamingOptions {
    /// The spec of a v3 parameter the typed by-name setters take, or an error naming the problem.
    private func spec(_ name: String, _ kind: StreamingParameterSpec.Kind) throws(AssemblyAIError) -> StreamingParameterSpec {
        guard protocolVersion == .v3 else {
            throw .invalidArgument("\(name): the typed parameter setters are for Universal Streaming v3; this session speaks \(protocolVersion.name)")
        }
        guard let spec = StreamingParameterSpec.v3[name] else {
            throw .invalidArgument("'\(name)' is not a v3 parameter these setters know (its own setter may exist; aai_streaming_set_param sends any parameter as given)")
        }
        guard spec.kind == kind else { throw .invalidArgument("\(name) takes \(Self.kindName(spec.kind)), not \(Self.kindName(kind))") }
        return spec
    }

    private static func kindName(_ kind: StreamingParameterSpec.Kind) -> String {
        switch kind {
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .stringList: return "a list of strings"
        case .object: return "a JSON object"
        }
    }

    private func checkEnum(_ spec: StreamingParameterSpec, _ value: String) throws(AssemblyAIError) {
        if let allowed = spec.enumValues, !allowed.contains(value) {
            throw .invalidArgument("\(spec.name): '\(value)' is not one of \(allowed.joined(separator: ", "))")
        }
    }

    /// A boolean v3 parameter by name (e.g. `include_partial_turns`, `session_heartbeat`).
    public mutating func setTypedBool(_ name: String, _ value: Bool) throws(AssemblyAIError) {
        _ = try spec(name, .bool)
        try setParameter(name, value ? "true" : "false")
    }

    /// An integer v3 parameter by name, checked against its range.
    public mutating func setTypedInt(_ name: String, _ value: Int64) throws(AssemblyAIError) {
        let s = try spec(name, .integer)
        if let r = s.range, !r.contains(Double(value)) {
            throw .invalidArgument("\(name) must be \(Int64(r.lowerBound))..\(Int64(r.upperBound)), got \(value)")
        }
        try setParameter(name, String(value))
    }

    /// A number v3 parameter by name, checked against its range.
    public mutating func setTypedDouble(_ name: String, _ value: Double) throws(AssemblyAIError) {
        let s = try spec(name, .number)
        guard value.isFinite, s.range.map({ $0.contains(value) }) ?? true else {
            throw .invalidArgument("\(name) must be \(s.range.map { "\($0.lowerBound)..\($0.upperBound)" } ?? "a finite number"), got \(value)")
        }
        try setDouble(name, value, range: s.range ?? -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    }

    /// A string v3 parameter by name (an enum's value where it has one); nil removes it.
    public mutating func setTypedString(_ name: String, _ value: String?) throws(AssemblyAIError) {
        let s = try spec(name, .string)
        if let value {
            guard !value.isEmpty else { throw .invalidArgument("\(name) is empty (NULL removes it)") }
            try checkEnum(s, value)
        }
        try setParameter(name, value)
    }

    /// A list v3 parameter by name (`language_codes`, `redact_pii_policies`), sent as a JSON array
    /// as the official SDK sends lists; an empty list removes it.
    public mutating func setTypedStrings(_ name: String, _ values: [String]) throws(AssemblyAIError) {
        let s = try spec(name, .stringList)
        for v in values {
            guard !v.isEmpty else { throw .invalidArgument("\(name): an empty string in the list") }
            try checkEnum(s, v)
        }
        try setList(name, values)
    }

    /// A JSON-object v3 parameter by name (`llm_gateway`: {"model", "messages", "max_tokens"}),
    /// sent as compact JSON; nil removes it.
    public mutating func setTypedJSON(_ name: String, _ json: String?) throws(AssemblyAIError) {
        _ = try spec(name, .object)
        guard let json else { try setParameter(name, nil); return }
        guard let value = try? JSONValue.parse(json), case .object(let object) = value else {
            throw .invalidArgument("\(name) must be a JSON object")
        }
        if name == "llm_gateway" {
            guard case .string(let model)? = object["model"], !model.isEmpty else { throw .invalidArgument("llm_gateway.model: a non-empty string is required") }
            guard case .array(let messages)? = object["messages"], !messages.isEmpty else { throw .invalidArgument("llm_gateway.messages: a non-empty array is required") }
            for (i, m) in messages.enumerated() {
                guard case .object(let msg) = m, case .string? = msg["role"], case .string? = msg["content"] else {
                    throw .invalidArgument("llm_gateway.messages[\(i)] must be {\"role\": string, \"content\": string}")
                }
            }
            guard case .int(let maxTokens)? = object["max_tokens"], maxTokens > 0 else { throw .invalidArgument("llm_gateway.max_tokens: a positive integer is required") }
        }
        try setParameter(name, value.serialized())
    }
}
