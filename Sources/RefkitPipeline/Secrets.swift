import Foundation
import RefkitConfig

/// Finds a provider's API key without ever writing it anywhere: the environment variable the
/// config names (environment wins), else the config's `api_key_file`, else the systemd
/// credential `$CREDENTIALS_DIRECTORY/NAME` (`LoadCredential=NAME:…`), else the kind's
/// conventional variable (`GEMINI_API_KEY`, `OPENAI_API_KEY`, `FAL_KEY`, `REPLICATE_API_TOKEN`).
public enum Secrets {
    public static let conventionalVariables = [
        "gemini": "GEMINI_API_KEY", "openai": "OPENAI_API_KEY", "fal": "FAL_KEY", "replicate": "REPLICATE_API_TOKEN",
        "comfyui": "COMFYUI_API_KEY",
    ]

    /// The key and where it came from (for `doctor`; the source never contains the key).
    public static func resolve(
        name: String, kind: String, apiKeyEnv: String?, apiKeyFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (key: String?, source: String) {
        if let variable = apiKeyEnv, let value = environment[variable], !value.isEmpty {
            return (value, "environment variable \(variable)")
        }
        if let file = apiKeyFile, let value = read(file) { return (value, "file \(file)") }
        if let dir = environment["CREDENTIALS_DIRECTORY"], let value = read("\(dir)/\(name)") {
            return (value, "systemd credential \(name)")
        }
        if let variable = conventionalVariables[kind], let value = environment[variable], !value.isEmpty {
            return (value, "environment variable \(variable)")
        }
        let wanted = apiKeyEnv ?? conventionalVariables[kind] ?? "an api_key_env"
        return (nil, "none (set \(wanted), api_key_file, or a systemd credential named \(name))")
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
