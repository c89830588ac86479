import Foundation
import RefkitSystem

/// What a systemd unit lets its service write, read from the unit text and its drop-ins (a
/// value: no systemd needed). Only `ProtectSystem=strict` is modelled, the setting of the
/// shipped unit: there the whole file system is read-only but for `ReadWritePaths=` and the
/// directories systemd makes (`StateDirectory=` and friends), so a path refkit writes outside
/// them fails at run time (EROFS) however the file permissions look.
struct UnitSandbox: Equatable {
    /// Folders the service may write; nil when the unit does not make the system read-only.
    let writable: [String]?

    /// `texts`: the unit, then its drop-ins in the order systemd applies them.
    init(texts: [String]) {
        var strict = false
        var paths: [String] = []
        let managed = [
            "StateDirectory": "/var/lib", "RuntimeDirectory": "/run", "CacheDirectory": "/var/cache", "LogsDirectory": "/var/log",
        ]
        for text in texts {
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { continue }
                let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if key == "ProtectSystem" { strict = value == "strict" }
                if key == "ReadWritePaths" {
                    // An empty assignment resets the list (drop-ins use it); "-" marks an optional path.
                    if value.isEmpty { paths.removeAll() }
                    paths += value.split(separator: " ").map { String($0.drop { $0 == "-" || $0 == "+" }) }
                }
                if let root = managed[key] {
                    paths += value.split(separator: " ").map { "\(root)/\($0.split(separator: ":").first ?? "")" }
                }
            }
        }
        writable = strict ? paths.map { ($0 as NSString).standardizingPath } : nil
    }

    /// Reads `unit` and the `*.conf` drop-ins of `unit.d/` beside it (sorted, as systemd does).
    init(unitFile unit: String) throws {
        var texts = [try String(contentsOfFile: unit, encoding: .utf8)]
        let dropIns = unit + ".d"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dropIns)) ?? []
        for name in names.filter({ $0.hasSuffix(".conf") }).sorted() {
            texts.append(try String(contentsOfFile: "\(dropIns)/\(name)", encoding: .utf8))
        }
        self.init(texts: texts)
    }

    /// Whether the service may write at `path` (a folder or a file in one).
    func allowsWriting(_ path: String) -> Bool {
        guard let writable else { return true }
        let path = (path as NSString).standardizingPath
        return writable.contains { path == $0 || path.hasPrefix($0 == "/" ? "/" : $0 + "/") }
    }
}
