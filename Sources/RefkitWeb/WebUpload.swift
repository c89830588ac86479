import Foundation
import RefkitConfig
import RefkitCore
import RefkitIntake

/// An upload from the browser or a script, turned into what a person would drop into the watch's
/// inbox: an image and/or a sidecar order, written by temporary name and rename (the order
/// first, so the image is never taken without it). Intake stays the only door: it validates and
/// rejects exactly as it would a dropped file.
public struct WebUpload: Sendable, Equatable {
    /// The watch whose inbox receives the files.
    public var watch: String
    /// The files' stem (`mira` for `mira.jpg` and `mira.json`), before any `-2` that keeps it unique.
    public var stem: String
    /// The image's bytes and extension (without the dot), if an image came.
    public var image: (bytes: [UInt8], ext: String)?
    /// The order's JSON text, if one came (a field `order`, or built from the form's fields).
    public var order: String?

    public static func == (a: WebUpload, b: WebUpload) -> Bool {
        a.watch == b.watch && a.stem == b.stem && a.image?.bytes == b.image?.bytes && a.image?.ext == b.image?.ext && a.order == b.order
    }

    /// Reads the parts: `watch` (needed when there are several), `image` (a file), `order` (JSON
    /// text), or the upload form's fields (`kit`, `stages`, `expressions`, `scenes`, `candidates`).
    public init(_ form: WebMultipart, watches: [String]) throws {
        let chosen = form.texts("watch").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        guard let watch = chosen ?? (watches.count == 1 ? watches[0] : nil) else {
            throw WebProblem(400, "bad_request", "name the watch (field \"watch\": one of \(watches.joined(separator: ", ")))")
        }
        guard watches.contains(watch) else { throw WebProblem(400, "bad_request", "no watch is named \"\(watch)\"") }
        self.watch = watch
        if let part = form["image"], !part.bytes.isEmpty {
            let original = (part.fileName ?? "upload").split(separator: "/").last.map(String.init) ?? "upload"
            let ext = (original as NSString).pathExtension.lowercased()
            image = (part.bytes, ext.isEmpty || !ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? "img" : ext)
            stem = Self.stem((original as NSString).deletingPathExtension)
        } else {
            stem = ""
        }
        let orderText = form.texts("order").first.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        order = try orderText ?? Self.order(fromFields: form)
        // The files are named after the kit when the upload names one (the form's field, else the order's).
        if let kit = form.texts("kit").first.map({ $0.trimmingCharacters(in: .whitespaces) }), !kit.isEmpty {
            stem = Self.stem(kit)
        } else if let order, case .object(let members)? = try? JSONValue.parse(order),
            case .string(let kit)? = members.first(where: { $0.0 == "kit" })?.1, !kit.isEmpty
        {
            stem = Self.stem(kit)
        }
        guard image != nil || order != nil else {
            throw WebProblem(400, "bad_request", "send an image (field \"image\") and/or an order (field \"order\", JSON)")
        }
        if stem.isEmpty { stem = "order" }
    }

    /// A file stem safe in the inbox: the name itself when it is a safe kit name, else its slug.
    static func stem(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return SafeName.isSafeKitName(trimmed) ? trimmed : SafeName.slug(trimmed)
    }

    /// The order the upload form's own fields describe; nil when they ask for nothing beyond the watch's default.
    static func order(fromFields form: WebMultipart) throws -> String? {
        var members: [(String, JSONValue)] = [("schema", .string("refkit.order/1"))]
        let stages = form.texts("stages").filter { !$0.isEmpty }
        if !stages.isEmpty { members.append(("stages", .array(stages.map(JSONValue.string)))) }
        let expressions = (form.texts("expressions").first ?? "").split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !expressions.isEmpty { members.append(("expressions", .array(expressions.map(JSONValue.string)))) }
        // One scene per line: "id: description", or a description alone (its id made from it).
        let scenes = (form.texts("scenes").first ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.enumerated().map { index, line -> JSONValue in
                let pieces = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let (id, description) =
                    pieces.count == 2 && SafeName.isSafeIdentifier(pieces[0]) ? (pieces[0], pieces[1]) : ("scene-\(index + 1)", line)
                return .object([("id", .string(id)), ("description", .string(description))])
            }
        if !scenes.isEmpty { members.append(("scenes", .array(scenes))) }
        members += promptFields(form)
        if let text = form.texts("candidates").first?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let number = Int(text), number >= 1 else { throw WebProblem(400, "bad_request", "candidates is a whole number from 1") }
            members.append(("candidates", .integer(number)))
            if number > 1 { members.append(("selection", .string("manual"))) }
        }
        return members.count > 1 ? JSONValue.object(members).serialized : nil
    }

    /// Writes the files into `inbox` under a stem no file there has yet; returns their names.
    public func write(into inbox: String) throws -> [String] {
        let files = FileManager.default
        var chosen = stem
        var suffix = 1
        while files.fileExists(atPath: "\(inbox)/\(chosen).json")
            || image.map({ files.fileExists(atPath: "\(inbox)/\(chosen).\($0.ext)") }) == true
        {
            suffix += 1
            chosen = "\(stem)-\(suffix)"
        }
        var written: [String] = []
        if let order {
            try FileSystem.writeAtomically(Array(order.utf8), to: "\(inbox)/\(chosen).json", mode: 0o640, unwritableCode: .inboxUnwritable)
            written.append("\(chosen).json")
        }
        if let image {
            try FileSystem.writeAtomically(
                image.bytes, to: "\(inbox)/\(chosen).\(image.ext)", mode: 0o640, unwritableCode: .inboxUnwritable)
            written.append("\(chosen).\(image.ext)")
        }
        return written
    }
}
