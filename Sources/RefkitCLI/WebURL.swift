import ArgumentParser
import Foundation
import RefkitWeb

extension RefkitCommand {
    struct WebURL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "web-url",
            abstract: "Print the web UI's login link (it holds the token: treat it like a password).",
            discussion: """
                Prints http://HOST:PORT/login?token=... from [web] listen and the token in [web] token_file, making \
                the token (0600) if there is none yet. Opening the link sets an HttpOnly cookie and shows the kits; \
                scripts send the same token as Authorization: Bearer TOKEN.
                """)

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let token: WebToken
            do {
                token = try WebToken.loadOrCreate(at: configuration.web.tokenFile)
            } catch {
                throw CLIError(code: 1, message: "\(error)")
            }
            if !configuration.web.enabled {
                FileHandle.standardError.write(Data("refkit: [web] enabled = false: refkit run does not serve this link\n".utf8))
            }
            print(WebLoginLink.url(configuration.web, token: token))
        }
    }
}
