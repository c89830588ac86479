import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

@testable import RefkitWeb

/// `schemas/openapi.json` is the API's contract: every API route the server has is in it with its
/// methods and nothing else is, and real answers validate against its schemas (`openAPIProblems`).
@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> JSONValue {
        try JSONValue.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(repositoryRoot)/schemas/openapi.json"))))
    }

    @Test func everyAPIRouteIsDocumentedAndNothingElse() throws {
        let doc = try Self.document()
        #expect(doc["openapi"] == .string("3.1.0"))
        guard case .object(let paths)? = doc["paths"] else {
            Issue.record("no paths")
            return
        }
        var documented: Set<String> = []
        for (path, item) in paths {
            guard case .object(let members) = item else { continue }
            for (method, _) in members where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        var served: Set<String> = []
        for (pattern, make) in WebRoute.table where pattern.first == "api" {
            let path = "/" + pattern.map { $0 == "*" ? "{id}" : $0 }.joined(separator: "/")
            for (method, _) in make("x") { served.insert("\(method) \(path)") }
        }
        #expect(
            documented == served,
            "documented but not served: \(documented.subtracting(served)); served but not documented: \(served.subtracting(documented))")
    }
}

/// Validates each (component, JSON text) against `#/components/schemas/COMPONENT` of
/// schemas/openapi.json with a real JSON Schema validator (Draft 2020-12, which OpenAPI 3.1 uses);
/// nil when all are valid, else the problems.
func openAPIProblems(_ answers: [(component: String, json: String)]) throws -> String? {
    let dir = try TemporaryDirectory("openapi")
    var arguments: [String] = []
    for (index, answer) in answers.enumerated() {
        let file = dir.url("answer-\(index).json")
        try FileFixtures.write(answer.json, to: file)
        arguments += [answer.component, file]
    }
    let script = """
        import json, sys, jsonschema
        doc = json.load(open(sys.argv[1]))
        problems = []
        for component, path in zip(sys.argv[2::2], sys.argv[3::2]):
            schema = dict(doc, **{"$ref": "#/components/schemas/" + component, "$schema": "https://json-schema.org/draft/2020-12/schema"})
            for e in jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(path))):
                problems.append(f"{component}: {list(e.absolute_path)}: {e.message}")
        print("\\n".join(problems))
        sys.exit(1 if problems else 0)
        """
    let (status, output) = try ChildProcess.run(
        "/usr/bin/env", ["python3", "-c", script, "\(repositoryRoot)/schemas/openapi.json"] + arguments)
    return status == 0 ? nil : output
}
