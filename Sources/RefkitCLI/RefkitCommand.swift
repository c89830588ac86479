import ArgumentParser

/// The `refkit` command tree.
public struct RefkitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "refkit",
        abstract: "Turn images dropped into watched inboxes into character reference kits.",
        discussion: """
            refkit watches the inbox folders named in its configuration. A source image dropped there \
            (with an optional NAME.json order beside it) is validated, stored, and turned into a kit of \
            reference images in the outbox. All state lives in SQLite under state_dir.

            Configuration: --config FILE, else $REFKIT_CONFIG, else /etc/refkit/refkit.toml, else a built-in \
            default (one watch: ./inbox -> ./outbox, offline preview provider, state in ./refkit-state).
            """,
        version: RefkitVersion.string,
        subcommands: [
            Run.self, Once.self, Status.self, Kits.self, Show.self, Select.self, Regenerate.self, Retry.self, Delete.self, Check.self,
            QA.self, Doctor.self, Civitai.self, WebURL.self, Make.self, Backup.self,
            Hooks.self,
        ]
    )

    public init() {}
}

public enum RefkitVersion {
    public static let string = "0.1.0"
}
