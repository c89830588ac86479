import Foundation

/// How `refkit backup DIR/` names its backups and which older ones `--keep N` removes: a rule on
/// names only, so it is tested without a file system or a clock.
public enum BackupRotation {
    /// `refkit-20261207T121500Z.sqlite`: UTC, so names sort in time order on every host.
    public static func fileName(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return "refkit-\(stamp).sqlite"
    }

    /// True for a name `fileName(at:)` makes (other files in the folder are never touched).
    public static func isBackup(_ name: String) -> Bool {
        guard name.hasPrefix("refkit-"), name.hasSuffix(".sqlite") else { return false }
        let stamp = name.dropFirst("refkit-".count).dropLast(".sqlite".count)
        guard stamp.count == 16 else { return false }
        return stamp.enumerated().allSatisfy { i, ch in
            switch i {
            case 8: ch == "T"
            case 15: ch == "Z"
            default: ch.isASCII && ch.isNumber
            }
        }
    }

    /// The backups among `names` beyond the newest `keep`, oldest first.
    public static func toRemove(names: [String], keep: Int) -> [String] {
        let backups = names.filter(isBackup).sorted()
        return Array(backups.dropLast(max(0, keep)))
    }
}
