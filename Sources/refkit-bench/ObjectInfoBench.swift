import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitProviders
import RefkitTestSupport

/// `refkit-bench --object-info [--classes N] [--loras N] [--workflow FILE]`: what `refkit doctor`
/// spends on a big ComfyUI server's `/object_info` (many custom node packs, thousands of model
/// files): builds a synthetic answer of that size, then prints its bytes and the time to parse it
/// (`ComfyObjectInfo(bytes:)`) and to check the shipped workflow against it (`ComfyWorkflowCheck`),
/// best of 5, with peak RSS. The classes beyond the fake's core ones each take six inputs, one of
/// them a 20-value combo, as custom nodes typically do. Release build, 2 shared cores: 3,024
/// classes and 5,000 LoRAs (1.6 MiB) parse in 39 ms; 30,024 classes and 20,000 LoRAs (14 MiB)
/// in 457 ms at 194 MiB peak RSS; the check itself takes 0.01 ms.
func objectInfoBench(classes: Int, loras: Int, workflow: String) throws {
    var schema = FakeComfyUI.coreNodeSchema
    let files = (1...loras).map { "loras/pack\($0 % 40)/style-\($0)-v2.safetensors" }
    schema["LoraLoader"]?.choices["lora_name"] = files
    schema["LoraLoaderModelOnly"]?.choices["lora_name"] = files
    schema["CheckpointLoaderSimple"]?.choices["ckpt_name"] = (1...max(1, loras / 10)).map { "checkpoints/model-\($0).safetensors" }
    for i in 0..<classes {
        schema["CustomPack\(i % 150)Node\(i)"] = FakeComfyUI.NodeClass(
            required: [("image", "IMAGE"), ("model", "MODEL"), ("strength", "FLOAT"), ("steps", "INT"), ("mode", "COMBO")],
            optional: [("mask", "MASK")], outputs: ["IMAGE", "MASK"], choices: ["mode": (1...20).map { "mode-\($0)" }])
    }
    let bytes = Array(FakeComfyUI.objectInfo(schema).serialized.utf8)
    let settings = ProviderSettings(
        name: "bench", kind: "comfyui", baseURL: "http://127.0.0.1:8188",
        extra: ["workflow": workflow, "prompt_node": "6", "seed_node": "25", "image_nodes": "41,42", "output_node": "9", "size_node": "27"])
    let check = try ComfyUIProvider(settings: settings, http: HTTPClient(logger: Logger(label: "bench"))).workflowCheck()
    var parse = Duration.seconds(1000)
    for _ in 0..<5 {
        let start = ContinuousClock.now
        let info = try ComfyObjectInfo(bytes: bytes)
        parse = min(parse, ContinuousClock.now - start)
        // Freeing a big node list takes a while; it happens after the clock is read.
        withExtendedLifetime(info) {}
    }
    let info = try ComfyObjectInfo(bytes: bytes)
    var checking = Duration.seconds(1000)
    var findings = 0
    withExtendedLifetime(info) {
        for _ in 0..<5 {
            let start = ContinuousClock.now
            findings = check.findings(against: info).count
            checking = min(checking, ContinuousClock.now - start)
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
    print(
        String(
            format: "object_info: %d classes, %d LoRAs, %.1f MiB; parse %.0f ms, check %.2f ms (%d findings), peak RSS %.0f MiB",
            schema.count, loras, Double(bytes.count) / 1_048_576, ms(parse), ms(checking), findings, Double(usage.ru_maxrss) / 1024))
}
