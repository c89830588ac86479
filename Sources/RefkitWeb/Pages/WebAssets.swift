/// The web UI's script and style sheet, built into the binary (no build step, nothing to install).
public enum WebAssets {
    public static let appScript = "\"use strict\";\n"
    public static let appStyle = "body{font-family:sans-serif}\n"
}
