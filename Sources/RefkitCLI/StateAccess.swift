import Foundation
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitSystem

/// How read-side commands (status, kits, show) reach the state a daemon may be writing.
enum StateAccess {
    /// `readOnly`: for a command that must not even migrate the store (a backup copies it as it is).
    static func open(_ configuration: Configuration, readOnly: Bool = false) throws -> RefkitDatabase {
        let path = StateLayout(root: configuration.stateDir).database
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(code: 66, message: "no state yet at \(path): run `refkit run` or `refkit once` first")
        }
        do {
            return try RefkitDatabase(path: path, readOnly: readOnly)
        } catch {
            throw CLIError(code: 74, message: "cannot open the database \(path): \(error)")
        }
    }

    /// The pid of the daemon holding the state lock, if one does.
    static func daemonPID(_ configuration: Configuration) -> Int? {
        StateDirectory.lockHolder(StateLayout(root: configuration.stateDir))
    }
}

extension JSONValue {
    /// Indented JSON for people and `jq`.
    var pretty: String {
        var out = ""
        writePretty(into: &out, indent: 0)
        return out
    }

    private func writePretty(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.writePretty(into: &out, indent: indent + 1)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (i, m) in members.enumerated() {
                out += pad
                JSONValue.quote(m.key, into: &out)
                out += ": "
                m.value.writePretty(into: &out, indent: indent + 1)
                out += i < members.count - 1 ? ",\n" : "\n"
            }
            out += close + "}"
        default:
            out += serialized
        }
    }
}
