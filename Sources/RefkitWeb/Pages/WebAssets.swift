import RefkitCore
import RefkitStore

/// The UI's two static files, embedded in the binary (no build step, nothing to install):
/// `GET /assets/app.js` and `GET /assets/app.css`. Both are fixed for a build, so the server may
/// let browsers cache them.
public enum WebAssets {
    /// A served asset: its bytes and content type.
    public struct Asset: Sendable, Equatable {
        public var contentType: String
        public var body: String
    }

    /// The asset at `path` (`/assets/app.js`), or nil.
    public static func asset(path: Substring) -> Asset? {
        switch path {
        case Substring(WebLinks.script): Asset(contentType: "text/javascript; charset=utf-8", body: appScript)
        case Substring(WebLinks.style): Asset(contentType: "text/css; charset=utf-8", body: appStyle)
        default: nil
        }
    }

    /// The SSE event names app.js listens for: an `EventSource` hears only the names it asks
    /// for, and the stream names each message after its log type.
    public static let eventTypes: [String] =
        [
            EventType.accepted, .analyzed, .awaitingSelection, .deleted, .duplicate, .extended, .faceSwap, .followUp, .providerPaused,
            .publishWaiting, .regenerate, .qaRechecked, .qaRecheckFailed, .rejected, .remake, .reselected, .retry, .selected, .stageDone,
            .stageFailed,
        ].map(\.rawValue) + KitStatus.allCases.filter(\.isFinished).map { EventType.kitFinished($0).rawValue }

    /// app.js: one EventSource on the event stream patching the page it is on, and the forms
    /// upgraded to the JSON API (each falls back to posting the form when the API is unreachable).
    public static let appScript: String = scriptHead + scriptBody

    static var scriptHead: String {
        let types = eventTypes.map { "'\($0)'" }.joined(separator: ", ")
        let verdicts = QAVerdict.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let published = (KitStatus.allCases.filter(\.isFinished) + [.awaitingSelection]).map { "'\($0.rawValue)'" }
        let finished = KitStatus.allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }
        return """
            // refkit web UI: live patches over pages the server renders from the store. No framework, no build step.
            'use strict';
            const EVENT_TYPES = [\(types)];
            const VERDICTS = [\(verdicts)];
            const PUBLISHED = [\(published.joined(separator: ", "))];
            const FINISHED = [\(finished.joined(separator: ", "))];
            const API = '\(WebLinks.api)';
            const EVENTS = '\(WebLinks.events)';

            """
    }
}
