import RefkitCore
import Testing

/// Prompt control (issue 17, item 3): templates, placeholders, precedence, negative prompts.
@Suite("Prompt templates")
struct PromptTemplatesTests {
    let mira = Order.Character(name: "Mira", attributes: [("gender", "woman"), ("hair_color", "auburn")])
    let closeUp = "face clearly visible from shoulders up, natural daylight, shallow depth of field, photorealistic"

    func order(_ text: String) throws(RefkitError) -> Order { try OrderValidator.validate(bytes: Array(text.utf8)) }

    @Test func withoutTemplatesThePromptIsTheBuiltInWording() {
        for stage in [Stage.avatar, .front, .expression("smile"), .scene("bridge")] {
            let plain = Prompts.prompt(for: stage, character: mira, scene: "on a bridge")
            #expect(Prompts.prompt(for: stage, characters: [mira], scene: "on a bridge", templates: nil) == plain)
            #expect(Prompts.prompt(for: stage, characters: [mira], scene: "on a bridge", templates: PromptTemplates()) == plain)
        }
    }

    @Test func theStyleFollowsEveryStagePrompt() {
        let templates = PromptTemplates(style: closeUp)
        for stage in [Stage.avatar, .candidate(2), .side, .scene("x"), .character("mira")] {
            let prompt = Prompts.prompt(for: stage, characters: [mira], scene: nil, templates: templates)
            #expect(prompt == Prompts.prompt(for: stage, character: mira) + " " + closeUp, "\(stage)")
        }
    }

    @Test func aTemplateReplacesItsKindsWordingAndFillsThePlaceholders() {
        let templates = PromptTemplates(
            style: "Style of {subject}.",
            templates: [
                .avatar: "Portrait of {subject}. {identity}", .scene: "{subject} at {scene}. {background}",
                .expression: "{subject} looking {expression}.",
            ])
        let subject = Prompts.describe(mira)
        let avatar = Prompts.prompt(for: .avatar, characters: [mira], scene: nil, templates: templates)
        #expect(avatar.hasPrefix("Portrait of \(subject). Keep the exact same character"))
        #expect(avatar.hasSuffix("Style of \(subject)."))
        let candidate = Prompts.prompt(for: .candidate(1), characters: [mira], scene: nil, templates: templates)
        #expect(candidate == avatar, "candidates are avatars")
        let scene = Prompts.prompt(for: .scene("pier"), characters: [mira], scene: "the old pier", templates: templates)
        #expect(scene.hasPrefix("\(subject) at the old pier. Plain neutral light-grey studio background"))
        let unnamed = Prompts.prompt(for: .scene("old_pier"), characters: [mira], scene: nil, templates: templates)
        #expect(unnamed.contains("at old pier."), "a scene without a description reads its id")
        let smile = Prompts.prompt(for: .expression("big_grin"), characters: [mira], scene: nil, templates: templates)
        #expect(smile.hasPrefix("\(subject) looking big grin."))
        let front = Prompts.prompt(for: .front, characters: [mira], scene: nil, templates: templates)
        #expect(front.hasPrefix(Prompts.prompt(for: .front, character: mira)), "no front template: the built-in wording")
    }

    @Test func bracesAreEscapedByDoublingAndStrayOnesAreProblems() {
        #expect(PromptTemplates.render("{{not}} {subject}", values: ["subject": "Mira"]) == "{not} Mira")
        #expect(PromptTemplates.problem(in: "{{literal}} braces", kind: .front) == nil)
        #expect(PromptTemplates.problem(in: "open { brace", kind: .front) != nil)
        #expect(PromptTemplates.problem(in: "close } brace", kind: .front) != nil)
        #expect(PromptTemplates.problem(in: "{subject", kind: .front) != nil)
        #expect(PromptTemplates.render("A {subject}  here", values: [:]) == "A here", "an empty value leaves no double space")
    }

    @Test(
        "each kind knows its placeholders",
        arguments: [
            (PromptTemplates.Kind.avatar, "{scene}", false), (.avatar, "{subject} {identity} {background}", true),
            (.scene, "{scene}", true), (.expression, "{expression}", true), (.front, "{expression}", false),
            (.side, "{name}", false),
        ])
    func placeholders(kind: PromptTemplates.Kind, template: String, ok: Bool) {
        let problem = PromptTemplates.problem(in: template, kind: kind)
        #expect((problem == nil) == ok, "\(kind) \(template): \(String(describing: problem))")
    }

    @Test func anOrdersPromptsAreValidatedAndAnUnknownPlaceholderNamesTheKey() throws {
        let given = try order(#"{"prompts": {"style": "\#(closeUp)", "front": "{subject}, front"}, "negative_prompt": "blurry"}"#)
        #expect(given.prompts == PromptTemplates(style: closeUp, templates: [.front: "{subject}, front"]))
        #expect(given.negativePrompt == "blurry")
        #expect(try OrderValidator.validate(json: given.jsonValue) == given, "the stored order reads back the same")
        for (text, path) in [
            (#"{"prompts": {"avatar": "{subjct}"}}"#, "$.prompts.avatar"), (#"{"prompts": {"style": "{scene}"}}"#, "$.prompts.style"),
            (#"{"prompts": {"hat": "x"}}"#, "$.prompts.hat"), (#"{"prompts": {"front": 3}}"#, "$.prompts.front"),
            (#"{"negative_prompt": ["x"]}"#, "$.negative_prompt"),
        ] {
            do {
                _ = try order(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.detail.hasPrefix(path), "\(text): \(error.detail)")
            }
        }
        do {
            _ = try order(#"{"prompts": {"avatar": "{subjct}"}}"#)
        } catch {
            #expect(error.detail.contains("unknown placeholder {subjct}") && error.detail.contains("{subject}"), "\(error.detail)")
        }
    }

    @Test func theOrderWinsOverTheWatchKeyByKeyAndTheWatchOverTheDefault() {
        var watch = Order(provider: "preview")
        watch.prompts = PromptTemplates(style: "watch style", templates: [.avatar: "watch avatar {subject}", .front: "watch front"])
        watch.negativePrompt = "watch negative"
        var given = Order()
        given.prompts = PromptTemplates(style: "order style", templates: [.front: "order front"])
        let merged = given.overlaying(watch)
        #expect(merged.prompts?.style == "order style")
        #expect(merged.prompts?.templates == [.avatar: "watch avatar {subject}", .front: "order front"])
        #expect(merged.negativePrompt == "watch negative")
        given.negativePrompt = "order negative"
        #expect(given.overlaying(watch).negativePrompt == "order negative")
        #expect(Order().overlaying(Order()).prompts == nil, "nothing given: the built-in wording")
        let followUp = Order.folded([watch, given])
        #expect(followUp.prompts?.style == "order style" && followUp.prompts?.templates[.avatar] != nil)
    }

    @Test func generatedPromptsReadAsEnglish() {
        let aged = Order.Character(attributes: [("age", "30"), ("gender", "woman")])
        #expect(Prompts.describe(aged) == "a 30-year-old woman")
        #expect(Prompts.describe(Order.Character(attributes: [("age", "18"), ("gender", "man")])) == "an 18-year-old man")
        #expect(Prompts.describe(Order.Character(attributes: [("age", "old"), ("gender", "man")])) == "an old man")
        let smile = Prompts.prompt(for: .expression("smile"), character: aged)
        #expect(smile.contains("with a clear smile facial expression"), "\(smile)")
        #expect(!smile.contains("clearly smile"))
    }
}
