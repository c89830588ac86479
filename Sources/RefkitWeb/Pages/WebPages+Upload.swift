import Foundation
import RefkitCore

extension WebPages {
    /// The upload page: a drop zone over a file input, the watch, the kit's name, the views,
    /// expressions, scenes and candidates. The fields are the ones `WebUpload` reads, so the form
    /// posts to `/upload` without a script, and app.js sends the same form to `POST /api/v1/orders`.
    public static func upload(_ view: UploadView) -> String {
        document(title: "Upload", page: "upload") { html in
            html.raw("<h1>Make a kit from an image</h1>\n")
            html.raw("<form class=\"upload\" id=\"upload-form\" method=\"post\" action=\"\(WebLinks.upload)\" ")
            html.raw("enctype=\"multipart/form-data\">\n<div class=\"drop\" id=\"drop-zone\"><p>Drop an image here, or choose one:</p>")
            html.raw("<input type=\"file\" name=\"image\" id=\"image-input\" accept=\"image/*\">")
            html.raw("<img id=\"drop-preview\" alt=\"\" hidden></div>\n")
            html.raw("<label>Watch <select name=\"watch\" required>")
            options(view.watches.map { ($0, $0) }, current: view.selectedWatch, into: &html)
            html.raw("</select></label>\n<label>Kit name <input type=\"text\" name=\"kit\" maxlength=\"100\" ")
            html.raw("placeholder=\"the file's name\"></label>\n<fieldset class=\"stages\"><legend>Views ")
            html.raw("<small>(none ticked: the watch's default order)</small></legend>")
            for stage in view.views {
                html.raw("<label class=\"view\"><input type=\"checkbox\" name=\"stages\" value=\"")
                html.attribute(stage.name)
                html.raw("\"> ")
                html.text(stage.name.replacingOccurrences(of: "_", with: " "))
                html.raw("</label>")
            }
            html.raw("</fieldset>\n<label>Expressions <small>(separated by commas)</small> ")
            html.raw("<input type=\"text\" name=\"expressions\" placeholder=\"")
            html.attribute(view.defaultExpressions.joined(separator: ", "))
            html.raw("\"></label>\n<label>Scenes <small>(one a line: <code>id: description</code>, or a description)</small> ")
            html.raw("<textarea name=\"scenes\" rows=\"3\" placeholder=\"beach: on a sunny beach\"></textarea></label>\n")
            html.raw("<label>Style <small>(added after every prompt)</small> <input type=\"text\" name=\"style\" maxlength=\"4000\" ")
            html.raw("placeholder=\"natural daylight, shallow depth of field, photorealistic\"></label>\n")
            html.raw("<label>Avoid <small>(negative prompt)</small> <input type=\"text\" name=\"negative_prompt\" maxlength=\"4000\" ")
            html.raw("placeholder=\"blurry, text, watermark\"></label>\n")
            html.raw("<label>Avatar candidates <small>(more than one: you choose on the selection screen)</small> ")
            html.raw("<input type=\"number\" name=\"candidates\" min=\"1\" max=\"\(view.maxCandidates)\" placeholder=\"1\"></label>\n")
            html.raw("<button type=\"submit\" data-action=\"upload\">Upload</button>\n")
            html.raw("<p class=\"result\" id=\"upload-result\" role=\"status\"></p>\n</form>\n")
        }
    }
}
