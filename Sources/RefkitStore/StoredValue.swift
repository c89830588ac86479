import Foundation
import GRDB
import RefkitCore
import RefkitQA

/// Typed values read back from their stored text. The text on disk is each type's wire name
/// (`Stage.name`, `ImageFormat.mime`, a status's raw value); text this version cannot read
/// (a database written by a newer refkit, or edited by hand) is a `database_unknown_value`
/// error naming the column and the text, never a crash and never a silent default.
enum StoredValue {
    static func unknown(_ column: String, _ text: String) -> RefkitError {
        RefkitError(
            .databaseUnknownValue, "the state database holds a value this version of refkit does not know",
            detail: "\(column): \"\(text)\"")
    }

    /// The value `column` of `row` names; `column` is `table.column` in the error.
    static func decode<Value>(_ row: Row, _ column: String, in table: String, _ parse: (String) -> Value?) throws -> Value {
        let text: String = row[column]
        guard let value = parse(text) else { throw unknown("\(table).\(column)", text) }
        return value
    }

    /// As `decode`, for a column that may be NULL (nil stays nil).
    static func decodeOptional<Value>(_ row: Row, _ column: String, in table: String, _ parse: (String) -> Value?) throws -> Value? {
        guard let text: String = row[column] else { return nil }
        guard let value = parse(text) else { throw unknown("\(table).\(column)", text) }
        return value
    }

    static func stage(_ row: Row, _ column: String = "stage", in table: String) throws -> Stage {
        try decode(row, column, in: table, Stage.init(name:))
    }

    static func format(_ row: Row, in table: String) throws -> ImageFormat? {
        try decodeOptional(row, "mime", in: table, ImageFormat.init(mime:))
    }

    /// A stage's QA record (`stages.qa`), nil when the stage was not checked.
    static func qa(_ row: Row) throws -> QAStageRecord? {
        guard let text: String = row["qa"] else { return nil }
        do {
            return try JSONDecoder().decode(QAStageRecord.self, from: Data(text.utf8))
        } catch {
            throw unknown("stages.qa", String(text.prefix(120)))
        }
    }
}
