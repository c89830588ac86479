import Foundation
import RefkitCore

extension WebPages {
    /// The upload page: a drop zone over a file input, the watch, stages, expressions, scenes and
    /// candidates. Without a script the form posts these fields to `/upload` (`UploadOrder` makes
    /// the order of them); app.js builds the same order and posts it to the API.
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
            html.raw("placeholder=\"the file's name\"></label>\n<fieldset class=\"stages\"><legend>Stages</legend>")
            html.raw("<label>Profile <select name=\"stage\">")
            options(
                [("", "the watch's default, or the views ticked")] + view.profiles.map { ($0.rawValue, $0.rawValue) }, current: nil,
                into: &html)
            html.raw("</select></label>\n")
            for stage in view.views {
                html.raw("<label class=\"view\"><input type=\"checkbox\" name=\"stage\" value=\"")
                html.attribute(stage.name)
                html.raw("\"> ")
                html.text(stage.name.replacingOccurrences(of: "_", with: " "))
                html.raw("</label>")
            }
            html.raw("</fieldset>\n<label>Expressions <input type=\"text\" name=\"expressions\" placeholder=\"")
            html.attribute(view.defaultExpressions.joined(separator: ", "))
            html.raw("\"></label>\n<label>Scenes <textarea name=\"scenes\" rows=\"3\" ")
            html.raw("placeholder=\"beach: on a sunny beach&#10;office\"></textarea></label>\n")
            html.raw("<label>Candidates <input type=\"number\" name=\"candidates\" min=\"1\" max=\"\(view.maxCandidates)\" ")
            html.raw("placeholder=\"1\"></label>\n<label>Selection <select name=\"selection\">")
            options([("", "default"), ("manual", "manual: I choose"), ("auto", "auto")], current: nil, into: &html)
            html.raw("</select></label>\n<button type=\"submit\" data-action=\"upload\">Upload</button>\n")
            html.raw("<p class=\"result\" id=\"upload-result\" role=\"status\"></p>\n</form>\n")
        }
    }
}
