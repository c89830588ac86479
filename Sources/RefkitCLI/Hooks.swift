import ArgumentParser
import Foundation
import RefkitConfig
import RefkitCore
import RefkitStore

extension RefkitCommand {
    /// `refkit hooks`: the `[[hook]]` deliveries, and the re-send of given-up ones.
    struct Hooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the hooks' deliveries, or send given-up ones again (refkit hooks resend).",
            discussion: """
                Reads the state database only, so it works with or without a running daemon. \
                `refkit hooks resend ID...` (or --failed) puts given-up deliveries back to pending; \
                the running daemon sends them within its next pass (5 s).
                """,
            subcommands: [HookList.self, HookResend.self], defaultSubcommand: HookList.self)
    }

    struct HookList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List hook deliveries, newest first, under one line per hook with its counts.",
            discussion: """
                Each delivery: its id (what `refkit hooks resend` takes), hook, action (url or command), event, \
                kit, status (pending, delivered, failed: given up), attempts, and the next attempt of a pending \
                one or the last error. The body sent to the receiver and the hook's secret are never shown. \
                --json prints {"hooks": [...], "deliveries": [...]}, the shape of GET /api/v1/hooks/deliveries.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("Only this hook's deliveries.", valueName: "name"))
        var hook: String?

        @Option(help: ArgumentHelp("Only deliveries in this state (pending, delivered, failed).", valueName: "status"))
        var status: String?

        @Option(help: ArgumentHelp("Only this kit's deliveries (its name, slug or id).", valueName: "kit"))
        var kit: String?

        @Option(help: ArgumentHelp("At most this many deliveries (default 50).", valueName: "n"))
        var limit = 50

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func validate() throws {
            if let status, HookDeliveryRecord.Status(rawValue: status) == nil {
                throw ValidationError("unknown state \"\(status)\"; use one of pending, delivered, failed")
            }
            if limit < 1 { throw ValidationError("--limit takes a whole number, 1 or more") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            let filter = HookDeliveryFilter(
                hook: hook, status: status.flatMap(HookDeliveryRecord.Status.init(rawValue:)), kit: kit, limit: limit)
            let deliveries = try database.hookDeliveryViews(filter)
            let configured = configuration.hooks.map(\.name).filter { hook == nil || $0 == hook }
            let counts = HookDeliveryCounts.including(configured: configured, try database.hookDeliveryCounts(hook: hook))
            if json {
                print(HookDeliveryJSON.listing(counts: counts, deliveries: deliveries).pretty)
                return
            }
            for line in HookTable.lines(counts: counts, deliveries: deliveries) { print(line) }
        }
    }

    struct HookResend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resend",
            abstract: "Send given-up (failed) hook deliveries again: back to pending, due now, attempts kept.",
            discussion: """
                Takes delivery ids from `refkit hooks --status failed`, or --failed for every given-up delivery \
                (of --hook NAME only, when given). A re-sent delivery gets one more attempt (its attempts are kept: \
                failing again, it is given up again); each re-send is logged in the event log as hook_resent with \
                who asked. A pending or delivered delivery is refused (hook_delivery_not_failed), an unknown id too \
                (hook_delivery_unknown), and then nothing is re-sent. The running daemon sends them within its next \
                pass (5 s); without one, at the next `refkit run`.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Every given-up delivery (of --hook NAME only, when given) instead of IDs.")
        var failed = false

        @Option(help: ArgumentHelp("With --failed: only this hook's deliveries.", valueName: "name"))
        var hook: String?

        @Argument(help: ArgumentHelp("The deliveries' ids (the first column of `refkit hooks`).", valueName: "id"))
        var ids: [Int64] = []

        func validate() throws {
            guard failed == ids.isEmpty else { throw ValidationError("give delivery ids or --failed (one of them)") }
            if hook != nil && !failed { throw ValidationError("--hook goes with --failed") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            let wanted = failed ? try database.failedHookDeliveryIDs(hook: hook) : ids
            guard !wanted.isEmpty else {
                print("no given-up delivery\(hook.map { " of hook \($0)" } ?? "") to send again")
                return
            }
            let resent = try KitCommandRunner.run {
                try database.resendHookDeliveries(ids: wanted, by: "refkit hooks resend (user \(ServiceAccount.current.name))")
            }
            for d in resent {
                print("\(d.id) \(d.deliveryID) \(d.hook)/\(d.action.rawValue) \(d.event) \(d.kitName ?? d.kitID): pending again")
            }
            let daemon = StateAccess.daemonPID(configuration) == nil ? "at the next `refkit run`" : "within 5 s"
            print("\(resent.count) deliver\(resent.count == 1 ? "y" : "ies") will be sent again \(daemon)")
        }
    }
}

/// `refkit hooks`'s text: one line per hook with its counts, then the deliveries as a table.
enum HookTable {
    static func lines(counts: [HookDeliveryCounts], deliveries: [HookDeliveryView]) -> [String] {
        var lines = counts.map { c in
            "hook \(c.hook): \(c.pending) pending" + (c.oldestPending.map { " (oldest \($0))" } ?? "")
                + ", \(c.delivered) delivered, \(c.failed) failed"
        }
        if counts.isEmpty { lines.append("no hook is configured and no delivery is stored") }
        guard !deliveries.isEmpty else { return lines + ["no delivery matches"] }
        lines.append("")
        lines.append(
            pad("ID", 8) + pad("HOOK", 14) + pad("ACTION", 9) + pad("EVENT", 20) + pad("KIT", 22) + pad("STATUS", 11)
                + pad("ATTEMPTS", 9) + "NEXT / LAST ERROR")
        for d in deliveries {
            let note = d.nextAt.map { "next \($0)" + (d.lastError.map { "; last error: \($0)" } ?? "") } ?? d.lastError ?? ""
            let row =
                pad(String(d.id), 8) + pad(d.hook, 14) + pad(d.action.rawValue, 9) + pad(d.event, 20)
                + pad(d.kitName ?? "(deleted: \(d.kitID))", 22) + pad(d.status.rawValue, 11) + pad(String(d.attempts), 9) + note
            // A settled row without an error ends in its padding: no trailing blanks.
            lines.append(String(row.reversed().drop { $0 == " " }.reversed()))
        }
        return lines
    }

    /// `text` in a column `width` wide, with at least one space after it.
    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
