import RefkitCore

/// Typed reads of provider answers.
extension JSONValue {
    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The items, when this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members, when this is an object.
    var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The number, when this is one.
    var doubleValue: Double? {
        if case .number(let d, _) = self { return d }
        return nil
    }

    /// The number as an integer, when it is a whole number.
    var intValue: Int? {
        if case .number(let d, _) = self, let i = Int(exactly: d) { return i }
        return nil
    }

    /// The value at a path of object keys (`json[path: "error", "message"]`).
    subscript(path keys: String...) -> JSONValue? {
        var value: JSONValue? = self
        for key in keys { value = value?[key] }
        return value
    }

    /// A JSON integer.
}
