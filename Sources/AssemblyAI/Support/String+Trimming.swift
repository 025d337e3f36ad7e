extension String {
    /// The string without leading and trailing whitespace (Python's str.strip()): used where the
    /// official SDK strips a value before checking it (Sync/Dictation configs, Text-to-Speech text).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
