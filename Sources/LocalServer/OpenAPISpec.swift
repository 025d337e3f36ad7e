// The official OpenAPI documents, loaded at start-up, and request validation against them.
// A request is accepted when it is valid under at least one document (old and latest spec),
// so clients written against either version of the API work.

import Foundation
import Yams

/// One OpenAPI document: its tree, `$ref` resolution and operation lookup.
struct OpenAPIDocument: Sendable {
    let name: String
    /// Where the document's paths live on this server ("/v1" for the LLM Gateway, whose
    /// spec's server URL ends in /v1).
    var pathPrefix = ""
    let root: JSON
    let validator: SchemaValidator
    private let templates: [PathTemplate]

    init(name: String, yaml: String) throws {
        try self.init(name: name, root: Self.parse(name: name, yaml: yaml))
    }

    /// A YAML document as JSON (YAML 1.2 core-schema scalars).
    static func parse(name: String, yaml: String) throws -> JSON {
        guard let node = try Yams.compose(yaml: yaml, Self.resolver) else {
            throw SpecError("\(name): empty document")
        }
        return try Self.json(node)
    }

    /// `base` with `additions` merged in: objects key by key (recursively), anything else replaced.
    static func merged(_ base: JSON, _ additions: JSON) -> JSON {
        guard case .object(var out) = base, case .object(let more) = additions else { return additions }
        for (key, value) in more { out[key] = out[key].map { merged($0, value) } ?? value }
        return .object(out)
    }

    init(name: String, root: JSON) throws {
        guard let paths = root["paths"]?.objectValue else { throw SpecError("\(name): no paths") }
        self.name = name
        self.root = root
        self.validator = SchemaValidator(resolve: { ref in Self.pointer(ref, in: root) })
        self.templates = paths.keys.map(PathTemplate.init).sorted { $0.specificity > $1.specificity }
    }

    func schema(named name: String) -> JSON? { root["components"]?["schemas"]?[name] }

    /// The operation for a concrete method and path, e.g. GET /v2/transcript/123.
    func operation(method: String, path: String) -> Operation? {
        guard path.hasPrefix(pathPrefix) else { return nil }
        let path = String(path.dropFirst(pathPrefix.count))
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        for template in templates {
            guard let params = template.match(segments),
                  let item = root["paths"]?[template.text]?.objectValue,
                  let op = item[method.lowercased()]?.objectValue else { continue }
            let shared = item["parameters"]?.arrayValue ?? []
            let own = op["parameters"]?.arrayValue ?? []
            let parameters = (shared + own).compactMap { p -> JSON? in
                if let ref = p["$ref"]?.stringValue { return Self.pointer(ref, in: root) }
                return p
            }
            var bodySchema: JSON?
            var bodyRequired = false
            if var body = op["requestBody"] {
                if let ref = body["$ref"]?.stringValue, let target = Self.pointer(ref, in: root) { body = target }
                bodySchema = body["content"]?["application/json"]?["schema"]
                bodyRequired = body["required"]?.boolValue ?? false
            }
            return Operation(id: op["operationId"]?.stringValue, template: template.text, pathParameters: params,
                             parameters: parameters, bodySchema: bodySchema, bodyRequired: bodyRequired)
        }
        return nil
    }

    // MARK: YAML to JSON

    /// YAML 1.2 core-schema scalars. Yams' default resolver is YAML 1.1, which reads the
    /// language code `no` as false and dates as timestamps.
    private static let resolver: Resolver = {
        // The patterns are constants, so these rules cannot fail to compile.
        let bool = try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
        let int = try! Resolver.Rule(.int, "^[-+]?[0-9]+$")
        let float = try! Resolver.Rule(.float, "^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
        return Resolver.basic.appending(.null).appending(bool).appending(int).appending(float)
    }()

    private static func json(_ node: Node) throws -> JSON {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return .bool(scalar.string.lowercased() == "true")
            case Tag.Name.int.rawValue: return Int(scalar.string).map(JSON.int) ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return Double(scalar.string).map(JSON.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object: [String: JSON] = [:]
            for (key, value) in mapping {
                guard let k = key.string else { throw SpecError("non-string key in mapping") }
                object[k] = try json(value)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .alias:
            throw SpecError("YAML aliases are not supported")
        }
    }

    /// Resolves a local JSON pointer such as `#/components/schemas/Transcript`.
    static func pointer(_ ref: String, in root: JSON) -> JSON? {
        guard ref.hasPrefix("#") else { return nil }
        var current = root
        for raw in ref.dropFirst().split(separator: "/") {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let o): guard let next = o[token] else { return nil }; current = next
            case .array(let a): guard let i = Int(token), a.indices.contains(i) else { return nil }; current = a[i]
            default: return nil
            }
        }
        return current
    }
}

struct SpecError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An operation of the spec, matched against a concrete request.
struct Operation: Sendable {
    let id: String?
    let template: String
    let pathParameters: [String: String]
    let parameters: [JSON]
    let bodySchema: JSON?
    let bodyRequired: Bool
}

/// `/v2/transcript/{transcript_id}` as segments; literal segments beat parameters, so
/// `/v2/transcript/{id}/sentences` wins over `/v2/transcript/{id}/{subtitle_format}`.
private struct PathTemplate: Sendable {
    enum Segment: Sendable { case literal(String), parameter(String) }
    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        self.segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    /// Literal segments weigh more the earlier they come.
    var specificity: Int {
        segments.enumerated().reduce(0) { sum, e in
            if case .literal = e.element { return sum + (1 << max(0, 20 - e.offset)) }
            return sum
        }
    }

    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var params: [String: String] = [:]
        for (segment, actual) in zip(segments, path) {
            switch segment {
            case .literal(let l): guard l == actual else { return nil }
            case .parameter(let name):
                guard !actual.isEmpty else { return nil }
                params[name] = actual.removingPercentEncoding ?? actual
            }
        }
        return params
    }
}

/// Both spec versions; validates requests against whichever documents define the operation.
struct SpecSet: Sendable {
    let documents: [OpenAPIDocument]

    enum Outcome: Sendable {
        /// No document defines this method and path (not an API route, or not one in the spec).
        case notInSpec
        /// Valid under these documents (names).
        case accepted([String])
        case rejected(String)
    }

    /// Loads `openapi.yml` and `openapi-latest.yml` from `directory`, and `llm-gateway.yml`
    /// (served under /v1) when the directory has it.
    static func load(directory: String) throws -> SpecSet {
        let names: [(name: String, prefix: String, required: Bool)] = [
            ("openapi.yml", "", true), ("openapi-latest.yml", "", true), ("llm-gateway.yml", "/v1", false),
        ]
        var documents: [OpenAPIDocument] = []
        for (name, prefix, required) in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                if required { throw SpecError("cannot read \(path)") }
                continue
            }
            var root = try OpenAPIDocument.parse(name: name, yaml: text)
            // openapi-latest-additions.yml: what the official SDK sends that the newest spec
            // does not list yet (see that file), merged into openapi-latest.yml.
            let additionsPath = (directory as NSString).appendingPathComponent(name.replacingOccurrences(of: ".yml", with: "-additions.yml"))
            if let more = try? String(contentsOfFile: additionsPath, encoding: .utf8) {
                root = OpenAPIDocument.merged(root, try OpenAPIDocument.parse(name: additionsPath, yaml: more))
            }
            var doc = try OpenAPIDocument(name: name, root: root)
            doc.pathPrefix = prefix
            documents.append(doc)
        }
        return SpecSet(documents: documents)
    }

    func document(named name: String) -> OpenAPIDocument? { documents.first { $0.name == name } }

    func validate(method: String, path: String, query: [(String, String)], body: RequestBodyState) -> Outcome {
        var results: [(name: String, violations: [SchemaViolation])] = []
        for doc in documents {
            guard let op = doc.operation(method: method, path: path) else { continue }
            if case .invalid(let why) = body, op.bodySchema != nil {
                return .rejected("Request body is not valid JSON: \(why)")
            }
            results.append((doc.name, Self.violations(of: op, in: doc, query: query, body: body)))
        }
        if results.isEmpty { return .notInSpec }
        let passed = results.filter { $0.violations.isEmpty }.map(\.name)
        if !passed.isEmpty { return .accepted(passed) }

        // Report a violation every version agrees on (an unknown field, a wrong type) rather
        // than one that only says the request belongs to the other version.
        let messages = results.map { $0.violations.map { $0.message() } }
        if let common = messages[0].first(where: { m in messages.dropFirst().allSatisfy { $0.contains(m) } }) {
            return .rejected(common)
        }
        let fewest = messages.enumerated().min { a, b in
            a.element.count < b.element.count || (a.element.count == b.element.count && a.offset > b.offset)
        }!
        return .rejected(fewest.element[0])
    }

    private static func violations(of op: Operation, in doc: OpenAPIDocument, query: [(String, String)], body: RequestBodyState) -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        var queryValues: [String: String] = [:]
        for (k, v) in query { queryValues[k] = v }
        for param in op.parameters {
            guard let name = param["name"]?.stringValue, let location = param["in"]?.stringValue else { continue }
            let raw: String?
            switch location {
            case "query": raw = queryValues[name]
            case "path": raw = op.pathParameters[name]
            default: continue
            }
            guard let raw else {
                if param["required"]?.boolValue == true {
                    out.append(.init(path: name, kind: .other, rule: "is required"))
                }
                continue
            }
            let schema = param["schema"] ?? .object([:])
            out += doc.validator.validate(typedParameter(raw, schema: schema, doc: doc), against: schema, at: name)
        }
        if let schema = op.bodySchema {
            switch body {
            case .json(let value): out += doc.validator.validate(value, against: schema)
            case .empty where op.bodyRequired: out.append(.init(path: "", kind: .other, rule: "is required"))
            default: break
            }
        }
        return out
    }

    /// Query and path values arrive as text; read them as the type their schema declares so
    /// `limit=abc` fails as "must be an Integer" and `limit=5` passes.
    private static func typedParameter(_ raw: String, schema: JSON, doc: OpenAPIDocument) -> JSON {
        var s = schema
        if let ref = s["$ref"]?.stringValue, let target = OpenAPIDocument.pointer(ref, in: doc.root) { s = target }
        let types = s["type"]?.arrayValue?.compactMap(\.stringValue) ?? [s["type"]?.stringValue].compactMap { $0 }
        if types.contains("integer"), let i = Int(raw) { return .int(i) }
        if types.contains("number"), let d = Double(raw) { return .double(d) }
        if types.contains("boolean"), raw == "true" || raw == "false" { return .bool(raw == "true") }
        if types.contains("array") {
            // OpenAPI's default for query arrays in this spec is form style, comma-separated.
            let items = s["items"] ?? .object([:])
            return .array(raw.split(separator: ",").map { typedParameter(String($0), schema: items, doc: doc) })
        }
        return .string(raw)
    }
}

/// Splits a raw query string into decoded pairs, in order.
func parseQuery(_ raw: String?) -> [(String, String)] {
    guard let raw, !raw.isEmpty else { return [] }
    return raw.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String {
            let plus = s.replacingOccurrences(of: "+", with: " ")
            return plus.removingPercentEncoding ?? plus
        }
        return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
}
