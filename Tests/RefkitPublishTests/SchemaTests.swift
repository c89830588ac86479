import Foundation
import RefkitCore
import Testing

@testable import RefkitPublish

@Suite("JSON Schemas agree with what refkit writes and accepts")
struct SchemaTests {
    @Test("published manifests validate against manifest.schema.json")
    func manifestValidates() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        let (files, manifest) = try Fixture.kit()
        let first = try publisher.publish(folder: "mira", files: files, manifest: manifest)

        // A text-only kit awaiting selection, with a seed too large for a JSON number and no character.
        let bytes = try Fixture.png(seed: 3)
        var candidate = Fixture.done(.avatar, bytes, seed: .max)
        candidate.file = "candidates/avatar-1.png"
        let waiting = ManifestDocument(
            id: "kit_03", kit: "plan", status: .awaitingSelection, createdAt: Fixture.stamp, updatedAt: Fixture.stamp,
            refkitVersion: "0.1.0", stages: [ManifestImage(stage: "avatar", status: .running, attempts: 1)], candidates: [candidate])
        let second = try publisher.publish(
            folder: "plan", files: [KitFile(relativePath: "candidates/avatar-1.png", contents: bytes)], manifest: waiting)

        let texts = try [first, second].map { try #require(Fixture.text($0 + "/manifest.json")) }
        #expect(texts[1].contains("\"seed\": \"9223372036854775807\""))
        let results = try SchemaValidator.validate(texts, against: "manifest.schema.json")
        #expect(results.count == 2)
        for result in results { #expect(result == nil) }

        // The validator is really looking: a manifest with an extra key or a bad digest fails.
        let broken = [
            texts[0].replacingOccurrences(
                of: "\"schema\": \"refkit.manifest/1\",", with: "\"schema\": \"refkit.manifest/1\", \"extra\": 1,"),
            texts[0].replacingOccurrences(of: "\"sha256\": \"", with: "\"sha256\": \"XYZ"),
            texts[0].replacingOccurrences(of: "\"status\": \"partial\"", with: "\"status\": \"done\""),
        ]
        for (i, result) in try SchemaValidator.validate(broken, against: "manifest.schema.json").enumerated() {
            #expect(result != nil, "broken manifest \(i) validated")
        }
    }

    static let validOrders = [
        #"{}"#,
        #"{"schema": "refkit.order/1"}"#,
        #"{"kit": "Mira v2.0", "stages": "turnaround", "candidates": 3, "selection": "manual", "provider": "gemini"}"#,
        #"""
        {"schema": "refkit.order/1", "kit": "mira", "character": {"name": "Mira Q.", "description": "courier",
         "attributes": {"hair_color": "red", "age": 27, "height_cm": 171.5, "free-key": "x"}},
         "stages": ["avatar", "side", "expression:smile", "scene:beach", "character:bob"], "expressions": ["smile", "wry_grin"],
         "scenes": [{"id": "beach", "description": "at dusk"}, {"id": "city"}], "model": "gemini-2.5-flash-image",
         "analyze": true, "budget_usd": 1.5, "priority": -3,
         "source": {"platform": "civitai", "url": "https://civitai.com/images/1", "id": 123, "author": "someone", "meta": {"steps": 30}}}
        """#,
        #"{"characters": [{"name": "alice", "description": "a knight"}, {"name": "bob"}], "scenes": [{"id": "duel", "description": "swords"}]}"#,
        #"{"stages": "extended", "expressions": [], "source": {"id": "abc"}, "budget_usd": 0, "candidates": 8}"#,
        #"{"kit": "mira", "sources": ["mira-1.jpg", "Mira 2.png", "3.webp"]}"#,
        #"{"provider_inputs": {"fal": {"loras": [{"path": "l.safetensors", "scale": 0.8}], "guidance_scale": 3.5}, "comfyui": {"25": {"steps": 28}}}}"#,
    ]

    static let invalidOrders = [
        #"[]"#,
        #"{"kit": "mira", "colour": "red"}"#,
        #"{"schema": "refkit.order/2"}"#,
        #"{"kit": "../mira"}"#,
        #"{"kit": "a/b"}"#,
        #"{"kit": ".hidden"}"#,
        #"{"kit": "mi..ra"}"#,
        #"{"kit": 42}"#,
        #"{"candidates": 0}"#,
        #"{"candidates": 9}"#,
        #"{"candidates": "2"}"#,
        #"{"stages": []}"#,
        #"{"stages": "everything"}"#,
        #"{"stages": ["avatar", "expression:big smile"]}"#,
        #"{"stages": ["left"]}"#,
        #"{"selection": "random"}"#,
        #"{"analyze": "yes"}"#,
        #"{"budget_usd": -1}"#,
        #"{"budget_usd": "1"}"#,
        #"{"priority": 1001}"#,
        #"{"provider": "my provider"}"#,
        #"{"model": ""}"#,
        #"{"expressions": ["smile!"]}"#,
        #"{"scenes": [{"description": "no id"}]}"#,
        #"{"scenes": [{"id": "x", "mood": "dark"}]}"#,
        #"{"character": {"name": "Mira", "eyes": "green"}}"#,
        #"{"character": {"attributes": {"hair color": "red"}}}"#,
        #"{"character": {"attributes": {"hair_color": ["red"]}}}"#,
        #"{"characters": [{"description": "nameless"}]}"#,
        #"{"characters": [{"name": "two words"}]}"#,
        #"{"source": {"id": true}}"#,
        #"{"source": {"meta": []}}"#,
        #"{"source": {"license": "cc"}}"#,
        #"{"sources": []}"#,
        #"{"sources": ["a.jpg", "a.jpg"]}"#,
        #"{"sources": ["sub/a.jpg"]}"#,
        #"{"sources": [".a.jpg"]}"#,
        #"{"sources": ["a.json"]}"#,
        // A trailing newline slips past '$' in Python's regex dialect unless the schema says otherwise.
        #"{"kit": "mira\n"}"#,
        #"{"expressions": ["smile\n"]}"#,
        #"{"stages": ["side\n"]}"#,
        #"{"provider_inputs": {"fal": 3}}"#,
        #"{"provider_inputs": {"-fal": {}}}"#,
        #"{"provider_inputs": ["fal"]}"#,
    ]

    @Test("sample orders validate against order.schema.json exactly when OrderValidator accepts them")
    func ordersAgree() throws {
        let samples = Self.validOrders + Self.invalidOrders
        let schemaResults = try SchemaValidator.validate(samples, against: "order.schema.json")
        for (i, sample) in samples.enumerated() {
            let shouldPass = i < Self.validOrders.count
            var validatorError: RefkitError?
            do {
                _ = try OrderValidator.validate(bytes: Array(sample.utf8))
            } catch {
                validatorError = error
            }
            #expect((validatorError == nil) == shouldPass, "OrderValidator on \(sample): \(validatorError?.description ?? "accepted")")
            #expect((schemaResults[i] == nil) == shouldPass, "schema on \(sample): \(schemaResults[i] ?? "accepted")")
        }
    }

    @Test("an order refkit writes back out validates against the schema")
    func roundTrip() throws {
        let orders = try Self.validOrders.map { try OrderValidator.validate(bytes: Array($0.utf8)).jsonValue.serialized }
        for (i, result) in try SchemaValidator.validate(orders, against: "order.schema.json").enumerated() {
            #expect(result == nil, "\(orders[i]): \(result ?? "")")
        }
    }
}
