extension JSONNode {
    /// The value at an RFC 6901 JSON Pointer ("" is this node, "/words/0/text" a word's text), or
    /// nil when the pointer names nothing. A pointer that does not start with "/" is an error.
    public func resolve(jsonPointer pointer: String) throws(AssemblyAIError) -> JSONNode? {
        if pointer.isEmpty { return self }
        guard pointer.hasPrefix("/") else {
            throw AssemblyAIError(.invalidArgument, "JSON pointer '\(pointer)' must be empty or start with '/'")
        }
        var node = self
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = rawToken.replacing("~1", with: "/").replacing("~0", with: "~")
            switch node.kind {
            case .object:
                guard let next = node[String(token)] else { return nil }
                node = next
            case .array:
                // RFC 6901: decimal digits, no leading zeros.
                guard let index = Int(token), index >= 0, token == String(index), let next = node[index] else { return nil }
                node = next
            default:
                return nil
            }
        }
        return node
    }
}
