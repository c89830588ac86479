import CVips
import Synchronization

extension Imaging {
    /// Sends libvips' own warnings (GLib log domain `VIPS`, such as "error in tile 0 x
    /// 120" while a damaged file is judged) to `sink` instead of GLib's default handler, which
    /// writes raw `VIPS-WARNING **` lines to stderr past the logger and its format. The errors
    /// that matter reach callers as `ImagingError`s; these lines only say how libvips got there.
    /// A later call replaces the sink.
    public static func routeLibraryMessages(to sink: @escaping @Sendable (_ message: String) -> Void) {
        messageSink.withLock { $0 = sink }
        installMessageHandler
    }

    /// Installed once: GLib keeps the handler for the process.
    private static let installMessageHandler: Void = {
        // Info and debug stay with GLib (silent unless G_MESSAGES_DEBUG asks), criticals too (a bug, not a file).
        let levels = G_LOG_LEVEL_WARNING.rawValue | G_LOG_LEVEL_MESSAGE.rawValue
        g_log_set_handler(
            "VIPS", GLogLevelFlags(rawValue: levels),
            { _, _, message, _ in
                // A C callback: no captures; the sink is read from the process-wide slot.
                let text = message.map { String(cString: $0) } ?? ""
                Imaging.messageSink.withLock { $0 }?(text)
            }, nil)
    }()

    fileprivate static let messageSink = Mutex<(@Sendable (String) -> Void)?>(nil)
}
