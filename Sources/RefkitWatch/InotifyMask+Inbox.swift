import RefkitSystem

extension InotifyMask {
    /// What an inbox folder is watched for: one watch per folder, never per file.
    static let inboxFolder: InotifyMask = [
        .closeWrite, .movedTo, .create, .modify, .attrib, .delete, .movedFrom,
        .deleteSelf, .moveSelf, .onlyDirectory, .excludeUnlinked,
    ]

    /// The watched folder itself went away (deleted, moved, or its file system unmounted).
    static let folderGone: InotifyMask = [.deleteSelf, .moveSelf, .unmount]
    /// The named entry left the folder.
    static let entryLeft: InotifyMask = [.delete, .movedFrom]
    /// The named entry appeared in the folder.
    static let entryArrived: InotifyMask = [.create, .movedTo]
}
