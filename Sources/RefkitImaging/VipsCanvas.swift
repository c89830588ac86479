import CVips

/// A private, in-memory 8-bit sRGB image that is drawn on in place.
/// vips draw operations mutate their target, so a canvas is never shared.
final class VipsCanvas {
    let image: VipsImageHandle

    var width: Int { image.width }
    var height: Int { image.height }

    /// A width x height canvas filled with `colour`.
    init(width: Int, height: Int, colour: RGBColour) throws(ImagingError) {
        let black = try VipsImageHandle.make((ImagingError.processFailedCode, "canvas could not be created")) {
            rk_vips_black($0, Int32(width), Int32(height), 3)
        }
        let memory = try black.taggedSRGB().inMemory()
        image = memory
        try fill(x: 0, y: 0, width: width, height: height, colour: colour)
    }

    /// Wraps an image already computed into private memory.
    init(adopting memory: VipsImageHandle) {
        image = memory
    }

    func fill(x: Int, y: Int, width: Int, height: Int, colour: RGBColour) throws(ImagingError) {
        let ink = colour.components
        let status = ink.withUnsafeBufferPointer {
            rk_vips_draw_rect(image.pointer, $0.baseAddress, 3, Int32(x), Int32(y), Int32(width), Int32(height))
        }
        try check(status, "rectangle could not be drawn")
    }

    func disc(centreX: Int, centreY: Int, radius: Int, colour: RGBColour) throws(ImagingError) {
        let ink = colour.components
        let status = ink.withUnsafeBufferPointer {
            rk_vips_draw_circle(image.pointer, $0.baseAddress, 3, Int32(centreX), Int32(centreY), Int32(radius))
        }
        try check(status, "circle could not be drawn")
    }

    /// Pastes an 8-bit sRGB image with its top-left corner at (x, y).
    func paste(_ picture: VipsImageHandle, x: Int, y: Int) throws(ImagingError) {
        try check(rk_vips_draw_image(image.pointer, picture.pointer, Int32(x), Int32(y)), "image could not be pasted")
    }

    /// Paints `colour` through a one-band 0-255 coverage mask (e.g. rendered text).
    func paint(_ colour: RGBColour, through mask: VipsImageHandle, x: Int, y: Int) throws(ImagingError) {
        let ink = colour.components
        let status = ink.withUnsafeBufferPointer {
            rk_vips_draw_mask(image.pointer, $0.baseAddress, 3, mask.pointer, Int32(x), Int32(y))
        }
        try check(status, "text could not be drawn")
    }

    /// Paints a text mask centred horizontally in [x, x + boxWidth) and vertically in [y, y + boxHeight).
    func paint(
        _ colour: RGBColour, through mask: VipsImageHandle, centredIn box: (x: Int, y: Int, width: Int, height: Int)
    ) throws(ImagingError) {
        let x = box.x + max(0, (box.width - mask.width) / 2)
        let y = box.y + max(0, (box.height - mask.height) / 2)
        try paint(colour, through: mask, x: x, y: y)
    }

    private func check(_ status: Int32, _ message: String) throws(ImagingError) {
        guard status == 0 else { throw .fromVips(code: ImagingError.processFailedCode, message: message) }
    }
}
