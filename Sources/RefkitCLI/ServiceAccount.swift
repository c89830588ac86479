import Foundation

#if canImport(Glibc)
import Glibc
import RefkitSystem
#endif

/// A user as the kernel judges its file access: uid, primary and supplementary groups.
struct ServiceAccount: Equatable {
    var name: String
    var uid: uid_t
    var groups: Set<gid_t>

    struct Access: OptionSet {
        let rawValue: mode_t
        static let read = Access(rawValue: 4)
        static let write = Access(rawValue: 2)
        static let search = Access(rawValue: 1)
    }

    /// The process's own user.
    static var current: ServiceAccount {
        let uid = geteuid()
        let name = getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
        var groups = Set<gid_t>([getegid()])
        let count = getgroups(0, nil)
        if count > 0 {
            var list = [gid_t](repeating: 0, count: Int(count))
            if getgroups(count, &list) > 0 { groups.formUnion(list) }
        }
        return ServiceAccount(name: name, uid: uid, groups: groups)
    }

    /// `name`; without one, `refkit` when it exists and we are root (the unit's `User=`), else nil.
    static func resolve(_ name: String?) -> ServiceAccount? {
        if let name { return named(name) }
        return geteuid() == 0 ? named("refkit") : nil
    }

    static func named(_ name: String) -> ServiceAccount? {
        guard let entry = getpwnam(name) else { return nil }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: 64)
        if getgrouplist(name, gid, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, gid, &list, &count)
        }
        return ServiceAccount(name: name, uid: uid, groups: Set(list.prefix(Int(max(0, count)))).union([gid]))
    }

    /// Why this user lacks `want` on `path` (or search permission on a folder above it); nil when it has them.
    func denied(_ path: String, want: Access) -> String? {
        var ancestors: [String] = []
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty {
            ancestors.append(current)
            if current == "/" { break }
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in ancestors.reversed() where !allows(folder, .search) {
            return "no search (x) permission on \(folder)"
        }
        if !allows(path, want) {
            var info = stat()
            stat(path, &info)
            return
                "mode \(String(info.st_mode & 0o777, radix: 8)), owner \(info.st_uid):\(info.st_gid); needs "
                + "\(want.contains(.read) ? "r" : "")\(want.contains(.write) ? "w" : "")\(want.contains(.search) ? "x" : "")"
        }
        return nil
    }

    /// The owner / group / other bits that apply to this user (no ACLs), root passing all.
    func allows(_ path: String, _ want: Access) -> Bool {
        if uid == 0 { return true }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let bits: mode_t
        if info.st_uid == uid {
            bits = (info.st_mode >> 6) & 7
        } else if groups.contains(info.st_gid) {
            bits = (info.st_mode >> 3) & 7
        } else {
            bits = info.st_mode & 7
        }
        return bits & want.rawValue == want.rawValue
    }
}

/// `fs.inotify` limits and use.
struct InotifyLimits {
    var maxUserWatches: Int
    var maxUserInstances: Int

    static func read(proc: String = "/proc") -> InotifyLimits {
        func number(_ name: String) -> Int {
            Int(
                (try? String(contentsOfFile: "\(proc)/sys/fs/inotify/\(name)", encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        return InotifyLimits(maxUserWatches: number("max_user_watches"), maxUserInstances: number("max_user_instances"))
    }

    /// Inotify instances open in processes of `uid` (descriptors that link to `anon_inode:inotify`).
    static func instancesInUse(uid: uid_t, proc: String = "/proc") -> Int {
        var count = 0
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: proc)) ?? [] where Int(pid) != nil {
            var info = stat()
            guard stat("\(proc)/\(pid)", &info) == 0, info.st_uid == uid else { continue }
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: "\(proc)/\(pid)/fd")) ?? [] {
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(proc)/\(pid)/fd/\(fd)")) == "anon_inode:inotify" {
                    count += 1
                }
            }
        }
        return count
    }
}
