import CVips

/// Sole owner of one `VipsImage` reference; unrefs it on deinit. Never crosses threads.
final class VipsImageHandle {
    let pointer: UnsafeMutablePointer<VipsImage>

    /// Takes ownership of one reference.
    init(taking pointer: UnsafeMutablePointer<VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    var format: VipsBandFormat { vips_image_get_format(pointer) }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(pointer) }

    /// libvips' nickname for the interpretation, e.g. "srgb".
    var interpretationName: String {
        guard let nick = vips_enum_nick(rk_vips_interpretation_type(), Int32(interpretation.rawValue)) else {
            return "unknown"
        }
        return String(cString: nick)
    }

    /// The loader's nickname recorded in the "vips-loader" field, or "" if none.
    var loaderName: String { string(named: "vips-loader") ?? "" }

    /// EXIF orientation 1...8, or 1 if the image carries none.
    var orientation: Int { int(named: "orientation") ?? 1 }

    /// Whether a metadata field exists, e.g. "exif-data".
    func hasField(_ name: String) -> Bool {
        vips_image_get_typeof(pointer, name) != 0
    }

    /// Names of every metadata field on the image.
    var fieldNames: [String] {
        guard let fields = vips_image_get_fields(pointer) else { return [] }
        defer { g_strfreev(fields) }
        var names: [String] = []
        var index = 0
        while let field = fields[index] {
            names.append(String(cString: field))
            index += 1
        }
        return names
    }

    func int(named name: String) -> Int? {
        guard hasField(name) else { return nil }
        var value: Int32 = 0
        guard vips_image_get_int(pointer, name, &value) == 0 else {
            VipsErrorBuffer.clear()
            return nil
        }
        return Int(value)
    }

    func string(named name: String) -> String? {
        guard hasField(name) else { return nil }
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, name, &value) == 0, let value else {
            VipsErrorBuffer.clear()
            return nil
        }
        return String(cString: value)
    }

    /// Sets a metadata field; only call on an image this handle created privately.
    func set(_ name: String, int value: Int) {
        vips_image_set_int(pointer, name, Int32(value))
    }

    /// Sets a string metadata field; only call on an image this handle created privately.
    func set(_ name: String, string value: String) {
        vips_image_set_string(pointer, name, value)
    }

    /// Header summary.
    var header: ImageHeader {
        ImageHeader(
            width: width, height: height, bands: bands,
            loader: loaderName, interpretation: interpretationName, orientation: orientation
        )
    }

    /// Runs a vips operation that writes one output image, wrapping the result.
    func derive(
        _ failure: @autoclosure () -> (code: String, message: String),
        _ operation: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws(ImagingError) -> VipsImageHandle {
        try VipsImageHandle.make(failure()) { out in operation(pointer, out) }
    }

    /// Runs a vips constructor that writes one output image, wrapping the result.
    static func make(
        _ failure: @autoclosure () -> (code: String, message: String),
        _ operation: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws(ImagingError) -> VipsImageHandle {
        // Any vips call before VIPS_INIT runs vips_init implicitly, without a lock:
        // racing our once-guarded init. So every constructor goes through ready().
        try Imaging.ready()
        var out: UnsafeMutablePointer<VipsImage>?
        let status = operation(&out)
        guard status == 0, let out else {
            if let out { g_object_unref(out) }
            let (code, message) = failure()
            throw .fromVips(code: code, message: message)
        }
        return VipsImageHandle(taking: out)
    }
}
