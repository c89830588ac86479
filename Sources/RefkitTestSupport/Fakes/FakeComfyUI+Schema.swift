import Foundation
import RefkitCore

// FlyingFox has a JSONValue of its own, hence RefkitCore.JSONValue throughout.

/// The node classes the fake ComfyUI knows, in the shape of ComfyUI's `GET /object_info`
/// (class → `input.required` / `input.optional` → `[TYPE]`, `output` → types), and the check
/// ComfyUI's `validate_prompt` makes of a queued workflow against them: every class known
/// (`missing_node_type`), every required input present (`required_input_missing`), every link a
/// `["<node>", <index>]` to an existing node's output of the input's type (`bad_linked_input`,
/// `return_type_mismatch`). Widget inputs (INT, FLOAT, STRING, BOOLEAN, COMBO) take values.
extension FakeComfyUI {
    /// One node class: its inputs by name and type, its output types, and the values its COMBO
    /// inputs offer (a loader's model files; `/object_info` lists them, a COMBO without an entry
    /// is served without its list).
    public struct NodeClass: Sendable {
        public var required: [(name: String, type: String)]
        public var optional: [(name: String, type: String)]
        public var outputs: [String]
        public var choices: [String: [String]]

        /// A class with these inputs and outputs.
        public init(
            required: [(name: String, type: String)], optional: [(name: String, type: String)] = [], outputs: [String],
            choices: [String: [String]] = [:]
        ) {
            self.required = required
            self.optional = optional
            self.outputs = outputs
            self.choices = choices
        }
    }

    /// One problem with one node, as ComfyUI reports it in `node_errors`.
    public struct NodeProblem: Sendable, Equatable {
        public var node: String
        public var classType: String
        public var type: String
        public var message: String
        public var details: String
    }

    static let widgetTypes: Set<String> = ["INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"]

    /// ComfyUI core classes (nodes.py, comfy_extras/nodes_flux.py, nodes_edit_model.py,
    /// nodes_sd3.py) the shipped workflow and the tests' workflows use, with their real input names.
    public static let coreNodeSchema: [String: NodeClass] = {
        let sampler: [(name: String, type: String)] = [
            ("model", "MODEL"), ("seed", "INT"), ("steps", "INT"), ("cfg", "FLOAT"), ("sampler_name", "COMBO"), ("scheduler", "COMBO"),
            ("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("latent_image", "LATENT"), ("denoise", "FLOAT"),
        ]
        let advanced: [(name: String, type: String)] = [
            ("model", "MODEL"), ("add_noise", "COMBO"), ("noise_seed", "INT"), ("steps", "INT"), ("cfg", "FLOAT"),
            ("sampler_name", "COMBO"),
            ("scheduler", "COMBO"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("latent_image", "LATENT"),
            ("start_at_step", "INT"), ("end_at_step", "INT"), ("return_with_leftover_noise", "COMBO"),
        ]
        let latent: [(name: String, type: String)] = [("width", "INT"), ("height", "INT"), ("batch_size", "INT")]
        // The model files this fake server "has" (its models/ folders), and ComfyUI's real sampler lists.
        let checkpoints = ["sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"]
        let diffusionModels = ["flux1-dev-kontext_fp8_scaled.safetensors", "flux1-dev.safetensors"]
        let textEncoders = ["clip_l.safetensors", "t5xxl_fp16.safetensors", "t5xxl_fp8_e4m3fn_scaled.safetensors"]
        let loras = ["character_style.safetensors"]
        let samplerChoices: [String: [String]] = [
            "sampler_name": ["euler", "euler_ancestral", "heun", "dpm_2", "lms", "dpmpp_2m", "dpmpp_2m_sde", "ddim", "uni_pc"],
            "scheduler": ["normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta"],
        ]
        return [
            "CheckpointLoaderSimple": NodeClass(
                required: [("ckpt_name", "COMBO")], outputs: ["MODEL", "CLIP", "VAE"], choices: ["ckpt_name": checkpoints]),
            "UNETLoader": NodeClass(
                required: [("unet_name", "COMBO"), ("weight_dtype", "COMBO")], outputs: ["MODEL"],
                choices: ["unet_name": diffusionModels, "weight_dtype": ["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"]]),
            "DualCLIPLoader": NodeClass(
                required: [("clip_name1", "COMBO"), ("clip_name2", "COMBO"), ("type", "COMBO")], optional: [("device", "COMBO")],
                outputs: ["CLIP"],
                choices: [
                    "clip_name1": textEncoders, "clip_name2": textEncoders, "type": ["sdxl", "sd3", "flux", "hunyuan_video", "hidream"],
                    "device": ["default", "cpu"],
                ]),
            "VAELoader": NodeClass(
                required: [("vae_name", "COMBO")], outputs: ["VAE"], choices: ["vae_name": ["ae.safetensors", "sdxl_vae.safetensors"]]),
            "LoraLoaderModelOnly": NodeClass(
                required: [("model", "MODEL"), ("lora_name", "COMBO"), ("strength_model", "FLOAT")], outputs: ["MODEL"],
                choices: ["lora_name": loras]),
            "LoraLoader": NodeClass(
                required: [
                    ("model", "MODEL"), ("clip", "CLIP"), ("lora_name", "COMBO"), ("strength_model", "FLOAT"), ("strength_clip", "FLOAT"),
                ],
                outputs: ["MODEL", "CLIP"], choices: ["lora_name": loras]),
            "LoadImage": NodeClass(required: [("image", "COMBO")], outputs: ["IMAGE", "MASK"]),
            "ImageScale": NodeClass(
                required: [("image", "IMAGE"), ("upscale_method", "COMBO"), ("width", "INT"), ("height", "INT"), ("crop", "COMBO")],
                outputs: ["IMAGE"]),
            "ImageBlend": NodeClass(
                required: [("image1", "IMAGE"), ("image2", "IMAGE"), ("blend_factor", "FLOAT"), ("blend_mode", "COMBO")], outputs: ["IMAGE"]
            ),
            "FluxKontextImageScale": NodeClass(required: [("image", "IMAGE")], outputs: ["IMAGE"]),
            "VAEEncode": NodeClass(required: [("pixels", "IMAGE"), ("vae", "VAE")], outputs: ["LATENT"]),
            "VAEDecode": NodeClass(required: [("samples", "LATENT"), ("vae", "VAE")], outputs: ["IMAGE"]),
            "CLIPTextEncode": NodeClass(required: [("text", "STRING"), ("clip", "CLIP")], outputs: ["CONDITIONING"]),
            "ReferenceLatent": NodeClass(
                required: [("conditioning", "CONDITIONING")], optional: [("latent", "LATENT")], outputs: ["CONDITIONING"]),
            "FluxGuidance": NodeClass(required: [("conditioning", "CONDITIONING"), ("guidance", "FLOAT")], outputs: ["CONDITIONING"]),
            "ConditioningZeroOut": NodeClass(required: [("conditioning", "CONDITIONING")], outputs: ["CONDITIONING"]),
            "ControlNetLoader": NodeClass(
                required: [("control_net_name", "COMBO")], outputs: ["CONTROL_NET"],
                choices: ["control_net_name": ["control_v11p_sd15_openpose.pth", "flux-canny-controlnet.safetensors"]]),
            "ControlNetApplyAdvanced": NodeClass(
                required: [
                    ("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("control_net", "CONTROL_NET"), ("image", "IMAGE"),
                    ("strength", "FLOAT"), ("start_percent", "FLOAT"), ("end_percent", "FLOAT"),
                ], optional: [("vae", "VAE")], outputs: ["CONDITIONING", "CONDITIONING"]),
            "EmptyLatentImage": NodeClass(required: latent, outputs: ["LATENT"]),
            "EmptySD3LatentImage": NodeClass(required: latent, outputs: ["LATENT"]),
            "KSampler": NodeClass(required: sampler, outputs: ["LATENT"], choices: samplerChoices),
            "KSamplerAdvanced": NodeClass(
                required: advanced, outputs: ["LATENT"],
                choices: samplerChoices.merging(["add_noise": ["enable", "disable"], "return_with_leftover_noise": ["disable", "enable"]]) {
                    $1
                }),
            "SaveImage": NodeClass(required: [("images", "IMAGE"), ("filename_prefix", "STRING")], outputs: []),
            "PreviewImage": NodeClass(required: [("images", "IMAGE")], outputs: []),
        ]
    }()

    /// `schema` as `GET /object_info` answers it.
    public static func objectInfo(_ schema: [String: NodeClass] = coreNodeSchema) -> RefkitCore.JSONValue {
        // A COMBO with its list is served as ComfyUI's loaders answer: the list first, then options.
        func inputs(_ list: [(name: String, type: String)], _ choices: [String: [String]]) -> RefkitCore.JSONValue {
            .object(
                list.map { input in
                    guard input.type == "COMBO", let values = choices[input.name] else {
                        return (input.name, .array([.string(input.type)]))
                    }
                    return (input.name, .array([.array(values.map(RefkitCore.JSONValue.string)), .object([])]))
                })
        }
        return .object(
            schema.keys.sorted().map { name in
                let node = schema[name]!
                return (
                    name,
                    .object([
                        (
                            "input",
                            .object([("required", inputs(node.required, node.choices)), ("optional", inputs(node.optional, node.choices))])
                        ),
                        ("output", .array(node.outputs.map(RefkitCore.JSONValue.string))),
                        ("name", .string(name)), ("output_node", .bool(node.outputs.isEmpty)),
                    ])
                )
            })
    }

    /// What ComfyUI would refuse in `workflow` (API format), node by node; empty when it would queue it.
    public static func problems(in workflow: RefkitCore.JSONValue, schema: [String: NodeClass] = coreNodeSchema) -> [NodeProblem] {
        guard case .object(let nodes) = workflow else {
            return [NodeProblem(node: "", classType: "", type: "invalid_prompt", message: "not an object of nodes", details: "")]
        }
        var problems: [NodeProblem] = []
        for (id, node) in nodes {
            guard case .string(let classType)? = node["class_type"], let known = schema[classType] else {
                let name = node["class_type"].map(\.serialized) ?? "(none)"
                problems.append(
                    NodeProblem(
                        node: id, classType: name, type: "missing_node_type",
                        message: "Cannot execute because node \(name) does not exist.", details: "Node ID '#\(id)'"))
                continue
            }
            func problem(_ type: String, _ message: String, _ details: String) {
                problems.append(NodeProblem(node: id, classType: classType, type: type, message: message, details: details))
            }
            let inputs = node["inputs"]
            for (name, type) in known.required + known.optional {
                guard let value = inputs?[name] else {
                    if known.required.contains(where: { $0.name == name }) {
                        problem("required_input_missing", "Required input is missing", name)
                    }
                    continue
                }
                guard !widgetTypes.contains(type) else {
                    if case .array = value { problem("bad_linked_input", "Widget input given as a link", name) }
                    continue
                }
                guard case .array(let link) = value, link.count == 2, case .string(let source)? = link.first,
                    case .number(let index, true)? = link.last
                else {
                    problem("bad_linked_input", "Bad linked input, must be a length-2 list of [string, int]", name)
                    continue
                }
                guard case .string(let sourceClass)? = workflow[source]?["class_type"], let outputs = schema[sourceClass]?.outputs else {
                    problem("bad_linked_input", "Linked node does not exist", "\(name): node \(source)")
                    continue
                }
                guard let i = Int(exactly: index), outputs.indices.contains(i) else {
                    problem("bad_linked_input", "Linked output index out of range", "\(name): \(source)[\(index)] of \(sourceClass)")
                    continue
                }
                if outputs[i] != type {
                    problem(
                        "return_type_mismatch", "Return type mismatch between linked nodes",
                        "\(name), received_type(\(outputs[i])) mismatch input_type(\(type))")
                }
            }
        }
        return problems
    }
}

extension FakeComfyUI.Core {
    /// ComfyUI's refusal of a workflow that fails the schema: an unknown class first (a
    /// top-level `missing_node_type`), else every node's problems as `node_errors`.
    static func schemaRefusal(_ workflow: RefkitCore.JSONValue, _ schema: [String: FakeComfyUI.NodeClass]?) -> FakeComfyUI.Reply? {
        guard let schema else { return nil }
        let problems = FakeComfyUI.problems(in: workflow, schema: schema)
        if let missing = problems.first(where: { $0.type == "missing_node_type" }) {
            return promptError("missing_node_type", missing.message, details: missing.details)
        }
        guard !problems.isEmpty else { return nil }
        var nodes: [(key: String, value: RefkitCore.JSONValue)] = []
        for problem in problems {
            let error = RefkitCore.JSONValue.object([
                ("type", .string(problem.type)), ("message", .string(problem.message)), ("details", .string(problem.details)),
                ("extra_info", .object([])),
            ])
            if let i = nodes.firstIndex(where: { $0.key == problem.node }), case .array(let errors)? = nodes[i].value["errors"] {
                nodes[i].value = .object([
                    ("errors", .array(errors + [error])), ("dependent_outputs", .array([])), ("class_type", .string(problem.classType)),
                ])
            } else {
                nodes.append(
                    (
                        problem.node,
                        .object([
                            ("errors", .array([error])), ("dependent_outputs", .array([])), ("class_type", .string(problem.classType)),
                        ])
                    ))
            }
        }
        return promptError("prompt_outputs_failed_validation", "Prompt outputs failed validation", nodeErrors: .object(nodes))
    }
}
