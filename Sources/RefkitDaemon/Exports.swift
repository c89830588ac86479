// `Daemon.state` is a `StateDirectory`, which lives in RefkitSystem: whoever uses the daemon
// sees the type (and its layout) without importing RefkitSystem too.
@_exported import RefkitSystem
