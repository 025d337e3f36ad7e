// A JSON Schema subset validator, as OpenAPI 3.0/3.1 documents use it.
//
// Keywords: $ref (with sibling keywords, as 3.1 allows), type (string or list, "null"),
// nullable (3.0), enum, const, minimum/maximum, exclusiveMinimum/exclusiveMaximum (number or
// 3.0 boolean form), multipleOf, minLength/maxLength, pattern, format (uuid, date, date-time),
// items, minItems/maxItems, uniqueItems, required, properties, additionalProperties (boolean or
// schema), minProperties/maxProperties, allOf, anyOf, oneOf, not. Everything else (description,
// default, examples, x-*) is ignored.
//
// One deliberate departure from strict JSON Schema: `allOf` merges object properties the way
// OpenAPI tooling reads it. The AssemblyAI spec writes `TranscriptParams` as
// `allOf: [{properties: {audio_url}, additionalProperties: false}, TranscriptOptionalParams]`
// with `additionalProperties: false` on every part; read strictly, no body could pass. Here a
// property declared by any member of an allOf counts as known to all of them.

import Foundation

/// One rule broken by one value.
struct SchemaViolation: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Wrong JSON type; the allowed type names, so alternatives can be merged.
        case type([String])
        case other
    }

    /// Where in the instance: `""` for the root, `field`, `field[2].sub`.
    let path: String
    let kind: Kind
    /// The rule, phrased to follow the path: "must be a Boolean".
    let rule: String

    /// The message sent to clients, e.g. `format_text must be a Boolean`.
    func message(root: String = "Request body") -> String {
        "\(path.isEmpty ? root : path) \(rule)"
    }
}

/// Validates JSON values against schemas of one document, which resolves `$ref`s.
struct SchemaValidator: Sendable {
    /// Looks up a `$ref` such as `#/components/schemas/Transcript`.
    let resolve: @Sendable (String) -> JSON?

    func validate(_ value: JSON, against schema: JSON, at path: String = "") -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        check(value, schema, path, known: [], into: &out, depth: 0)
        // allOf members re-check the same object, so the same rule can break more than once.
        var seen = Set<String>()
        return out.filter { seen.insert("\($0.path)\u{0}\($0.rule)").inserted }
    }

    // MARK: - Keywords

    /// `known`: property names that an enclosing allOf declares, which this schema's
    /// additionalProperties must therefore accept.
    private func check(_ v: JSON, _ s: JSON, _ path: String, known: Set<String>, into out: inout [SchemaViolation], depth: Int) {
        guard depth < 64 else { return }  // a cyclic $ref cannot recurse forever
        if case .bool(let allowed) = s {
            if !allowed { out.append(.init(path: path, kind: .other, rule: "is not allowed")) }
            return
        }
        guard case .object(let schema) = s else { return }

        if let ref = schema["$ref"]?.stringValue {
            guard let target = resolve(ref) else {
                out.append(.init(path: path, kind: .other, rule: "cannot be checked: unknown schema \(ref)"))
                return
            }
            check(v, target, path, known: known, into: &out, depth: depth + 1)
        }
        if schema["nullable"]?.boolValue == true, v.isNull { return }

        if let t = schema["type"] {
            let allowed = t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue].compactMap { $0 }
            if !allowed.isEmpty, !allowed.contains(where: { Self.matches(v, type: $0) }) {
                var names = allowed
                if schema["nullable"]?.boolValue == true, !names.contains("null") { names.append("null") }
                out.append(.init(path: path, kind: .type(names), rule: "must be \(Self.typePhrase(names))"))
                return
            }
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(where: { Self.equal($0, v) }) {
            out.append(.init(path: path, kind: .other, rule: "must be one of: \(Self.list(options))"))
            return
        }
        if let c = schema["const"], !Self.equal(c, v) {
            out.append(.init(path: path, kind: .other, rule: "must be \(c.serialized())"))
            return
        }

        switch v {
        case .int, .double: checkNumber(v, schema, path, into: &out)
        case .string(let str): checkString(str, schema, path, into: &out)
        case .array(let items): checkArray(items, schema, path, into: &out, depth: depth)
        case .object(let obj): checkObject(obj, schema, path, known: known, into: &out, depth: depth)
        default: break
        }
        checkCombinators(v, schema, path, known: known, into: &out, depth: depth)
    }

    private func checkNumber(_ v: JSON, _ s: [String: JSON], _ path: String, into out: inout [SchemaViolation]) {
        guard let x = v.doubleValue else { return }
        func bound(_ key: String) -> Double? { s[key]?.doubleValue }
        func fmt(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : "\(d)" }
        if let m = bound("minimum") {
            let exclusive = s["exclusiveMinimum"]?.boolValue == true
            if exclusive ? x <= m : x < m {
                out.append(.init(path: path, kind: .other, rule: "must be greater than \(exclusive ? "" : "or equal to ")\(fmt(m))"))
                return
            }
        }
        if let m = bound("maximum") {
            let exclusive = s["exclusiveMaximum"]?.boolValue == true
            if exclusive ? x >= m : x > m {
                out.append(.init(path: path, kind: .other, rule: "must be less than \(exclusive ? "" : "or equal to ")\(fmt(m))"))
                return
            }
        }
        if let m = bound("exclusiveMinimum"), x <= m {
            out.append(.init(path: path, kind: .other, rule: "must be greater than \(fmt(m))"))
        } else if let m = bound("exclusiveMaximum"), x >= m {
            out.append(.init(path: path, kind: .other, rule: "must be less than \(fmt(m))"))
        } else if let m = bound("multipleOf"), m > 0, (x / m).rounded() != x / m {
            out.append(.init(path: path, kind: .other, rule: "must be a multiple of \(fmt(m))"))
        }
    }

    private func checkString(_ str: String, _ s: [String: JSON], _ path: String, into out: inout [SchemaViolation]) {
        let length = str.count
        if let n = s["minLength"]?.intValue, length < n {
            out.append(.init(path: path, kind: .other, rule: "must be at least \(n) characters long"))
        } else if let n = s["maxLength"]?.intValue, length > n {
            out.append(.init(path: path, kind: .other, rule: "must be at most \(n) characters long"))
        } else if let p = s["pattern"]?.stringValue, !Self.matchesPattern(str, p) {
            out.append(.init(path: path, kind: .other, rule: "must match the pattern \(p)"))
        } else if let f = s["format"]?.stringValue, let rule = Self.formatViolation(str, format: f) {
            out.append(.init(path: path, kind: .other, rule: rule))
        }
    }

    private func checkArray(_ items: [JSON], _ s: [String: JSON], _ path: String, into out: inout [SchemaViolation], depth: Int) {
        if let n = s["minItems"]?.intValue, items.count < n {
            out.append(.init(path: path, kind: .other, rule: "must have at least \(n) item\(n == 1 ? "" : "s")"))
            return
        }
        if let n = s["maxItems"]?.intValue, items.count > n {
            out.append(.init(path: path, kind: .other, rule: "must have at most \(n) item\(n == 1 ? "" : "s")"))
            return
        }
        if s["uniqueItems"]?.boolValue == true {
            for i in items.indices where items[..<i].contains(where: { Self.equal($0, items[i]) }) {
                out.append(.init(path: path, kind: .other, rule: "must not contain duplicate items"))
                return
            }
        }
        if let itemSchema = s["items"] {
            for (i, item) in items.enumerated() {
                check(item, itemSchema, "\(path)[\(i)]", known: [], into: &out, depth: depth + 1)
            }
        }
    }

    private func checkObject(_ obj: [String: JSON], _ s: [String: JSON], _ path: String, known: Set<String>,
                             into out: inout [SchemaViolation], depth: Int) {
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        let properties = s["properties"]?.objectValue ?? [:]
        let keys = obj.keys.sorted()

        if let additional = s["additionalProperties"] {
            let declared = known.union(properties.keys).union(allOfPropertyNames(s, depth: depth))
            for key in keys where !declared.contains(key) {
                switch additional {
                case .bool(false): out.append(.init(path: child(key), kind: .other, rule: "is not allowed (unknown property)"))
                case .object: check(obj[key]!, additional, child(key), known: [], into: &out, depth: depth + 1)
                default: break
                }
            }
        }
        for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where obj[name] == nil {
            out.append(.init(path: child(name), kind: .other, rule: "is required"))
        }
        for key in keys {
            if let propSchema = properties[key] {
                check(obj[key]!, propSchema, child(key), known: [], into: &out, depth: depth + 1)
            }
        }
        if let n = s["minProperties"]?.intValue, obj.count < n {
            out.append(.init(path: path, kind: .other, rule: "must have at least \(n) properties"))
        } else if let n = s["maxProperties"]?.intValue, obj.count > n {
            out.append(.init(path: path, kind: .other, rule: "must have at most \(n) properties"))
        }
    }

    private func checkCombinators(_ v: JSON, _ s: [String: JSON], _ path: String, known: Set<String>,
                                  into out: inout [SchemaViolation], depth: Int) {
        if let members = s["allOf"]?.arrayValue {
            let merged = known.union(Self.propertyNames(s)).union(allOfPropertyNames(s, depth: depth))
            for member in members {
                check(v, member, path, known: merged, into: &out, depth: depth + 1)
            }
        }
        if let branches = s["anyOf"]?.arrayValue {
            let results = branches.map { branch -> [SchemaViolation] in
                var errs: [SchemaViolation] = []
                check(v, branch, path, known: known, into: &errs, depth: depth + 1)
                return errs
            }
            if !results.contains(where: \.isEmpty) { out.append(contentsOf: Self.bestFailure(results, path: path)) }
        }
        if let branches = s["oneOf"]?.arrayValue {
            let results = branches.map { branch -> [SchemaViolation] in
                var errs: [SchemaViolation] = []
                check(v, branch, path, known: known, into: &errs, depth: depth + 1)
                return errs
            }
            let passed = results.filter(\.isEmpty).count
            if passed == 0 {
                out.append(contentsOf: Self.bestFailure(results, path: path))
            } else if passed > 1 {
                out.append(.init(path: path, kind: .other, rule: "must match exactly one of its allowed forms (oneOf), but matches \(passed)"))
            }
        }
        if let negated = s["not"] {
            var errs: [SchemaViolation] = []
            check(v, negated, path, known: known, into: &errs, depth: depth + 1)
            if errs.isEmpty { out.append(.init(path: path, kind: .other, rule: "must not match the excluded form (not)")) }
        }
    }

    /// Property names declared by the allOf members of `s`, through $refs and nested allOfs.
    private func allOfPropertyNames(_ s: [String: JSON], depth: Int) -> Set<String> {
        guard depth < 64, let members = s["allOf"]?.arrayValue else { return [] }
        var names = Set<String>()
        for member in members {
            var m = member.objectValue ?? [:]
            if let ref = m["$ref"]?.stringValue, let target = resolve(ref)?.objectValue {
                m = target.merging(m) { a, _ in a }
            }
            names.formUnion(Self.propertyNames(m))
            names.formUnion(allOfPropertyNames(m, depth: depth + 1))
        }
        return names
    }

    /// The failure to report when no alternative of anyOf/oneOf matched: a merged type error
    /// when every alternative only disagreed on the type ("must be a String or null"),
    /// otherwise the alternative that got furthest into the value.
    private static func bestFailure(_ results: [[SchemaViolation]], path: String) -> [SchemaViolation] {
        var types: [String] = []
        var onlyTypes = true
        for errs in results {
            guard errs.count == 1, errs[0].path == path, case .type(let names) = errs[0].kind else { onlyTypes = false; break }
            for n in names where !types.contains(n) { types.append(n) }
        }
        if onlyTypes, !types.isEmpty {
            return [.init(path: path, kind: .type(types), rule: "must be \(typePhrase(types))")]
        }
        func depthOf(_ errs: [SchemaViolation]) -> Int { errs.first.map { $0.path.count } ?? 0 }
        var best = results[0]
        for errs in results.dropFirst() where depthOf(errs) > depthOf(best) || (depthOf(errs) == depthOf(best) && errs.count < best.count) {
            best = errs
        }
        return best
    }

    // MARK: - Helpers

    static func propertyNames(_ s: [String: JSON]) -> Set<String> {
        Set(s["properties"]?.objectValue?.keys.map { $0 } ?? [])
    }

    static func matches(_ v: JSON, type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .int), ("number", .double): return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d
        default: return false
        }
    }

    static func typePhrase(_ names: [String]) -> String {
        let words = names.map { name -> String in
            switch name {
            case "boolean": return "a Boolean"
            case "integer": return "an Integer"
            case "number": return "a Number"
            case "string": return "a String"
            case "array": return "an Array"
            case "object": return "an Object"
            case "null": return "null"
            default: return name
            }
        }
        return words.count <= 1 ? (words.first ?? "") : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    /// JSON equality where 1 and 1.0 are the same number.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    private static func list(_ options: [JSON]) -> String {
        let shown = options.prefix(12).map { $0.stringValue ?? $0.serialized() }.joined(separator: ", ")
        return options.count > 12 ? shown + ", ... (\(options.count) values)" : shown
    }

    private static let patternCache = Locked<[String: NSRegularExpression]>([:])

    static func matchesPattern(_ s: String, _ pattern: String) -> Bool {
        let regex: NSRegularExpression? = patternCache.withLock { cache in
            if let r = cache[pattern] { return r }
            let r = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = r
            return r
        }
        guard let regex else { return true }  // a pattern we cannot compile rejects nothing
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// Only cheap, unambiguous formats are checked; `url` is not (a bad URL surfaces as the
    /// API's download error, as it does for the real service).
    static func formatViolation(_ s: String, format: String) -> String? {
        switch format {
        case "uuid":
            // Also the legacy transcript-id form the spec's own examples use
            // ("64nygnr62k-405c-4ae8-8a6b-d90b40ff3cce"), which real clients still send.
            return UUID(uuidString: s) != nil || matchesPattern(s, "^[0-9a-z]{10}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
                ? nil : "must be a valid UUID"
        case "date":
            return isDate(s) ? nil : "must be a date in the form YYYY-MM-DD"
        case "date-time":
            return s.count >= 19 && isDate(String(s.prefix(10))) && s.dropFirst(10).first.map({ $0 == "T" || $0 == "t" || $0 == " " }) == true
                ? nil : "must be a date-time (RFC 3339)"
        default:
            return nil
        }
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }
}
