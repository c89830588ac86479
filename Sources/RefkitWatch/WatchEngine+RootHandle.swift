import CRefkitLinux
import Glibc

/// A watch never leaves its root. The configured path must name a real folder (never a
/// symlink), whose identity (device, inode) is taken when the root is set up; every later use
/// opens the root again with `O_NOFOLLOW`, checks it is that same folder, and resolves what is
/// below it from that descriptor with no symlink on the way. When the path names another
/// folder or a symlink (the inbox renamed away and a link put in its place) the root pauses,
/// and resumes only when a real folder is there again. No descriptor is kept between uses: an
/// open one would keep a deleted root alive and hide its deletion from inotify.
extension WatchEngine {
    /// Takes the root's identity; the reason when it cannot (the root then stays paused).
    func openRoot(_ index: Int) -> String? {
        closeRoot(index)
        guard let status = FileSnapshot.lstatOf(roots[index].path) else { return "root folder is missing" }
        if status.kind == .symlink { return "root folder is a symlink; refkit never follows one (configure the folder it points to)" }
        guard status.kind == .directory else { return "root folder is not a folder" }
        roots[index].identity = status.identity
        return nil
    }

    func closeRoot(_ index: Int) {
        roots[index].identity = nil
    }

    /// Nil while the configured path still names the root's folder; otherwise why not.
    func rootReplaced(_ index: Int) -> String? {
        guard let identity = roots[index].identity else { return "root folder is not set up" }
        guard let now = FileSnapshot.lstatOf(roots[index].path) else { return "root folder is missing" }
        if now.kind == .symlink { return "root folder was replaced by a symlink; refkit never follows one" }
        guard now.kind == .directory, now.identity == identity else { return "root folder was replaced by another folder" }
        return nil
    }

    /// The root folder opened (never through a symlink) and checked to be the root's folder;
    /// nil when it is not. The caller closes it.
    func openVerifiedRoot(_ index: Int) -> Int32? {
        guard let identity = roots[index].identity else { return nil }
        let descriptor = open(roots[index].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, FileSnapshot(status).identity == identity else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// `lstat` of `relative` below the root, resolved from the verified root with no symlink on the way.
    func snapshot(_ index: Int, _ relative: String) -> FileSnapshot? {
        guard let root = openVerifiedRoot(index) else { return nil }
        defer { close(root) }
        var status = stat()
        guard refkit_lstat_beneath(root, relative, &status) == 0 else { return nil }
        return FileSnapshot(status)
    }

    /// A path inotify can watch for `relative` (`""`: the root) through the open root
    /// `descriptor`, not through the configured path (which may name something else by now).
    static func watchPath(_ descriptor: Int32, _ relative: String) -> String {
        relative.isEmpty ? "/proc/self/fd/\(descriptor)" : "/proc/self/fd/\(descriptor)/\(relative)"
    }
}
