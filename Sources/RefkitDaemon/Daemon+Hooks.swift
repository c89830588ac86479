import RefkitHTTP
import RefkitHooks

extension Daemon {
    /// The `[[hook]]` dispatcher (`.daemon` only): made when the service group is, before any
    /// generation runs, so it subscribes to the pipeline's events in time and a hook's unreadable
    /// secret file stops the start. Made without hooks too: it keeps the hooks' cursor at the
    /// log's end, so hooks added later are not told about kits that finished before them.
    func hookDispatcher() throws -> HookDispatcher {
        let hooks = configuration.hooks
        for hook in hooks {
            for outcome in ["delivered", "retry", "failed"] {
                metrics.hookDeliveries.declare(labels: ["hook": hook.name, "outcome": outcome])
            }
        }
        var options = HookDispatcher.Options()
        options.onOutcome = { [metrics] hook, outcome in metrics.hookDeliveries.increment(labels: ["hook": hook, "outcome": outcome]) }
        // The client's debug lines name each URL with its path, where webhook URLs keep their token.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .info)
        return try HookDispatcher(
            hooks: hooks, secrets: try HookSecrets(hooks: hooks), database: database, events: pipelineEvents,
            http: HTTPClient(logger: quiet), logger: logger, options: options)
    }
}
