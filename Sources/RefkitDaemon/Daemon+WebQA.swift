import RefkitPipeline
import RefkitWeb

extension Daemon {
    /// The web UI's "Check again" (`POST /api/v1/kits/{id}/qa`): `refkit qa`'s `KitRecheck`, with
    /// the daemon's configuration and providers as they are at the time of the check (after a
    /// reload, its `[qa]` thresholds and judge), so the button and the command are one definition.
    /// The recorded verdicts send the kit back to be published, which the scheduler then does.
    public func webQAChecks() -> WebQAChecks {
        WebQAChecks { kitID, judge in
            let generation = self.generations.latest
            let recheck = KitRecheck(
                configuration: generation.configuration, database: self.database, registry: generation.scheduler.registry,
                logger: self.logger)
            _ = try await recheck.run(kit: kitID, judge: judge)
            // The database's change watch would tell the scheduler too; in-process, it is told at once.
            self.generations.scheduling.wakeup.signal()
        }
    }
}
