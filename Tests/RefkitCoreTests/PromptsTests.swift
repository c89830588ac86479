import RefkitCore
import Testing

@Suite("Prompts")
struct PromptsTests {
    let mira = Order.Character(
        name: "Mira", description: "a cheerful courier",
        attributes: [
            ("gender", "woman"), ("age", "young adult"), ("species", "elf"), ("hair_color", "auburn"), ("hair_style", "short wavy"),
            ("eye_color", "green"), ("outfit", "a blue sweater"), ("scar", "over the left eyebrow"),
        ])

    @Test(
        "every view prompt carries the identity wording, the neutral background and the view",
        arguments: [
            (Stage.avatar, "head-and-shoulders"), (.referenceAvatar, "front-facing"), (.front, "front view"), (.side, "side view"),
            (.back, "back view"), (.profile, "three-quarter"), (.halfBody, "waist up"), (.fullBody, "head to feet"),
            (.expression("surprised"), "surprised facial expression"),
        ])
    func viewPrompts(stage: Stage, view: String) {
        let prompt = Prompts.prompt(for: stage, character: mira)
        #expect(prompt.contains(view), "\(stage): \(prompt)")
        #expect(prompt.contains("same face"))
        #expect(prompt.contains("same outfit"))
        #expect(prompt.contains("body proportions"))
        #expect(prompt.contains("neutral light-grey studio background"))
    }

    @Test("attributes are folded into the description")
    func attributes() {
        let text = Prompts.describe(mira)
        #expect(
            text
                == "Mira, a young adult woman (elf) with short wavy auburn hair and green eyes, wearing a blue sweater (scar: over the left eyebrow) — a cheerful courier"
        )
        #expect(Prompts.describe(Order.Character()) == "the character")
    }

    @Test("a scene prompt uses the scene description and keeps the identity, without the studio background")
    func scene() {
        let prompt = Prompts.prompt(for: .scene("rooftop"), character: mira, scene: "playing guitar on a rooftop at dusk")
        #expect(prompt.hasPrefix("Mira, a young adult woman"))
        #expect(prompt.contains("playing guitar on a rooftop at dusk"))
        #expect(prompt.contains("same face"))
        #expect(!prompt.contains("studio background"))
        #expect(Prompts.prompt(for: .scene("old_harbour"), character: mira).contains("old harbour"))
    }

    @Test("prompts are deterministic")
    func deterministic() {
        #expect(Prompts.prompt(for: .side, character: mira) == Prompts.prompt(for: .side, character: mira))
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(attempts: 3, baseDelay: .milliseconds(2000), maxDelay: .milliseconds(60000))

    @Test func finalErrorsAreNotRetried() {
        #expect(policy.decide(afterAttempt: 1, retryable: false, retryAfter: nil, random: 0.5) == .giveUp)
    }

    @Test func attemptsAreBounded() {
        #expect(policy.decide(afterAttempt: 3, retryable: true, retryAfter: nil, random: 0.5) == .giveUp)
        #expect(policy.decide(afterAttempt: 2, retryable: true, retryAfter: nil, random: 0.5) != .giveUp)
    }

    @Test func exponentialWithFullJitter() {
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: nil, random: 1) == .retry(after: .milliseconds(2000)))
        #expect(policy.decide(afterAttempt: 2, retryable: true, retryAfter: nil, random: 1) == .retry(after: .milliseconds(4000)))
        #expect(policy.decide(afterAttempt: 2, retryable: true, retryAfter: nil, random: 0.25) == .retry(after: .milliseconds(1000)))
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: nil, random: 0) == .retry(after: .zero))
        let many = RetryPolicy(attempts: 20, baseDelay: .milliseconds(2000), maxDelay: .milliseconds(60000))
        #expect(many.decide(afterAttempt: 10, retryable: true, retryAfter: nil, random: 1) == .retry(after: .milliseconds(60000)))
    }

    @Test func retryAfterWins() {
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: .seconds(34), random: 0.1) == .retry(after: .seconds(34)))
    }
}
