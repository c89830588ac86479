import RefkitCore

/// What a studio contact sheet shows: its title band's text, the source and each reference's
/// encoded picture with its QA verdict. `ImageOps.studioSheet` lays it out and draws it.
public struct StudioSheetContent: Sendable, Equatable {
    /// One reference slot on the sheet.
    public struct Reference: Sendable, Equatable {
        /// The stage it was made for; it decides the row and the label.
        public var stage: Stage
        /// The encoded picture; nil draws an empty placeholder with `note`.
        public var image: [UInt8]?
        /// The picture's QA verdict, drawn as a badge (a red outline too on `fail`).
        public var verdict: QAVerdict?
        /// What a placeholder says ("failed: safety_block", "pending").
        public var note: String?

        /// A reference slot; without an image it is a placeholder.
        public init(stage: Stage, image: [UInt8]?, verdict: QAVerdict? = nil, note: String? = nil) {
            self.stage = stage
            self.image = image
            self.verdict = verdict
            self.note = note
        }
    }

    /// The title: the kit's name.
    public var title: String
    /// The line under the title: date, status, providers and models.
    public var details: String
    /// The kit's normalised source picture, if it has one.
    public var source: [UInt8]?
    /// The references, in any order: the layout sorts them into rows.
    public var references: [Reference]

    /// Content for one sheet.
    public init(title: String, details: String, source: [UInt8]?, references: [Reference]) {
        self.title = title
        self.details = details
        self.source = source
        self.references = references
    }
}
