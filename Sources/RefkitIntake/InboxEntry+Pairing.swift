import RefkitWatch

extension InboxEntry {
    /// The folder (relative to the inbox) and stem that pair an image with its sidecar.
    public var pairingKey: String {
        let dir = relativePath.split(separator: "/").dropLast().joined(separator: "/")
        return dir.isEmpty ? stem : "\(dir)/\(stem)"
    }

    /// A `.json` entry is judged as an order (a sidecar, a standalone or a control order).
    public var looksLikeOrder: Bool { fileExtension == "json" }
}
