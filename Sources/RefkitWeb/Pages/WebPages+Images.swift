import RefkitCore

// Issue 17, item 2: the kit page's small "Make images" form. It posts natively (no data-action:
// app.js leaves it alone) to /kits/ID/images, which writes the same order `refkit make` writes.
extension WebLinks {
    /// The form that asks a kit for images (`POST`, answered 303 to the kit's page).
    public static func images(_ id: String) -> String { kit(id) + "/images" }
}

extension WebPages {
    /// "Make images": prompt, count, aspect, negative prompt, keep the outfit.
    static func imagesForm(kitID: String, into html: inout HTMLText) {
        html.raw("<section class=\"make-images\"><h2>Make images</h2>\n<form class=\"images\" method=\"post\" action=\"")
        html.attribute(WebLinks.images(kitID))
        html.raw("\"><label>Prompt <textarea name=\"prompt\" rows=\"2\" required maxlength=\"4000\" ")
        html.raw("placeholder=\"wearing a red dress at sunset\"></textarea></label> ")
        html.raw("<label>Count <input type=\"number\" name=\"count\" min=\"1\" max=\"\(Stage.maxImages)\" value=\"1\"></label> ")
        html.raw("<label>Aspect <select name=\"aspect\">")
        options(ImageAspect.allCases.map { ($0.rawValue, $0.rawValue) }, current: ImageAspect.square.rawValue, into: &html)
        html.raw("</select></label> <label>Not <input type=\"text\" name=\"negative_prompt\" maxlength=\"4000\"></label> ")
        html.raw("<label><input type=\"checkbox\" name=\"keep_outfit\" value=\"yes\"> keep the outfit</label> ")
        html.raw("<button type=\"submit\">Make</button></form>")
        html.raw(
            "<p class=\"hint\">The images appear in the kit's images/ folder and here, made from the locked reference.</p></section>\n")
    }
}
