import Foundation
import RefkitConfig
import RefkitWatch

extension Configuration.Watch {
    /// How the watcher sees this watch's inbox.
    public var watchRoot: WatchRoot {
        WatchRoot(
            name: name, path: (inbox as NSString).standardizingPath, recursive: recursive, settle: .milliseconds(settleMs),
            mode: mode, ignore: ignore)
    }
}
