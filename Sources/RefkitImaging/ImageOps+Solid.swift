import RefkitCore

extension ImageOps {
    /// One flat colour (0...255 per channel) in "jpeg" | "png" | "webp" | ...: what a safety
    /// filter returns instead of a picture (the diffusers checker answers all black). QA's
    /// blank fixtures are made with this.
    public static func solid(
        width: Int, height: Int, red: Int, green: Int, blue: Int, format: String
    ) throws(ImagingError) -> [UInt8] {
        try CanvasGeometry.validate(width: width, height: height, minimum: 1)
        let format = try ImageFormat(name: format)
        guard [red, green, blue].allSatisfy({ (0...255).contains($0) }) else {
            throw .invalidArgument("colour channels must be 0...255, not \(red), \(green), \(blue)")
        }
        let canvas = try VipsCanvas(width: width, height: height, colour: RGBColour(Double(red), Double(green), Double(blue)))
        return try canvas.image.encoded(as: format)
    }
}
