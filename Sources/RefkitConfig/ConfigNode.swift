import TOMLKit

/// A TOML document as plain values, so validation can walk it with key paths and report
/// the line a key stands on.
indirect enum ConfigNode {
    case table([(key: String, value: ConfigNode)])
    case array([ConfigNode])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case other(String)

    init(_ value: TOMLValueConvertible) {
        switch value.type {
        case .table:
            let table = value.table!
            self = .table(table.keys.sorted().map { ($0, ConfigNode(table[$0]!)) })
        case .array:
            self = .array(value.array!.map { ConfigNode($0) })
        case .string: self = .string(value.string!)
        case .int: self = .int(value.int!)
        case .double: self = .double(value.double!)
        case .bool: self = .bool(value.bool!)
        default: self = .other(value.type.description)
        }
    }

    var typeName: String {
        switch self {
        case .table: "table"
        case .array: "array"
        case .string: "string"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .other(let t): t
        }
    }

    subscript(key: String) -> ConfigNode? {
        if case .table(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }
}
