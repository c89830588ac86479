import RefkitCore

extension WebAssets {
    /// app.css: every look of every page (the CSP allows no style in the pages themselves).
    public static let appStyle: String = baseStyle + badgeStyle

    /// Badge colours per kit and stage status.
    static let badgeStyle: String = {
        let colours: [(String, String)] = [
            ("queued", "#e4e4e4"), ("analyzing", "#dbe8f7"), ("generating", "#cfe0fa"), ("awaiting_selection", "#f7e2a8"),
            ("complete", "#cfe8cf"), ("partial", "#f5d9b0"), ("failed", "#f3c4c4"), ("pending", "#e4e4e4"), ("running", "#cfe0fa"),
            ("done", "#cfe8cf"), ("skipped", "#eeeeee"),
        ]
        return colours.map { ".badge.s-\($0.0){background:\($0.1)}" }.joined(separator: "\n") + "\n"
    }()

    static let baseStyle = """
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#f6f6f4}
        a{color:#1d4f91}
        header.top{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#20252b;color:#eee}
        header.top a{color:#eee;text-decoration:none}header.top .brand{font-weight:700;letter-spacing:.04em}
        header.top nav{display:flex;gap:1rem;flex:1}
        .live{font-size:.8rem;padding:.1em .6em;border-radius:1em;background:#555}.live[data-live=on]{background:#2d7a3a}
        main{max-width:1280px;margin:0 auto;padding:1rem 1.2rem}
        h1{margin:.3rem 0 .6rem;font-size:1.5rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}h3{font-size:.95rem;margin:.5rem 0}
        .daemon{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:.6rem .8rem;background:#fff;border:1px solid #ddd;border-radius:6px}
        .daemon .paused{color:#a05a00}
        .filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;margin:1rem 0}
        table.kits{width:100%;border-collapse:collapse;background:#fff;border:1px solid #ddd}
        table.kits th,table.kits td{padding:.45rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}
        table.kits th{font-size:.8rem;text-transform:uppercase;color:#666;background:#fafafa}
        td.progress progress{width:8rem;vertical-align:middle}td.progress .count{font-size:.85rem;color:#555}
        .failed-count{color:#a00;font-size:.85rem}.needs-review{color:#a00;font-weight:600}
        td.actions{white-space:nowrap}td.actions > *{margin-right:.5rem}
        .badge{display:inline-block;font-size:.8rem;padding:.05em .6em;border-radius:1em;background:#ddd;white-space:nowrap}
        .paging{display:flex;gap:1rem;margin:1rem 0}.empty{color:#666}
        .flash{background:#fff4cc;border:1px solid #e0b000;border-radius:6px;padding:.5rem .8rem}
        .kit-head h1{display:inline-block;margin-right:.6rem;vertical-align:middle}.kit-head .facts{color:#444}.error{color:#a00}
        .kit-links{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0}
        .kit-actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.6rem 0}
        form.action{display:inline}form.delete label{font-size:.9rem;color:#555}
        button{font:inherit;padding:.3rem .8rem;border:1px solid #888;border-radius:4px;background:#fff;cursor:pointer}
        button:hover{background:#eef3fb}button[data-action=delete]{border-color:#b33;color:#b33}
        .about{display:flex;flex-wrap:wrap;gap:1rem}.about figure{width:280px}
        figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem}
        figure img{width:100%;height:auto;display:block}figcaption{font-size:.85rem;color:#555;margin-top:.3rem}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:1rem}
        article.stage{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem}
        article.stage[data-status=failed]{border-color:#c33}article.stage[data-status=running]{border-color:#4a7fd4}
        article.stage img{width:100%;height:auto;display:block;border-radius:4px}
        .placeholder{aspect-ratio:1;display:flex;align-items:center;justify-content:center;text-align:center;padding:1rem;
        background:#eee;color:#777;border-radius:4px}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;font-size:.85rem;margin:.4rem 0}
        dt{color:#666}dd{margin:0;overflow-wrap:anywhere}
        details.history,details.prompt{font-size:.85rem;margin:.4rem 0}details.prompt p{margin:.3rem 0;color:#333}
        .events ol{font-size:.85rem;padding-left:1.4rem}.events time{color:#666}
        .note{background:#fff;border-left:4px solid #e0b000;padding:.5rem .8rem}
        .candidates{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem;margin-top:1rem}
        button.candidate{position:relative;padding:.4rem;background:#fff;border:2px solid #ccc;border-radius:8px}
        button.candidate:hover:not([disabled]),button.candidate:focus{border-color:#1d4f91}
        button.candidate img{width:100%;height:auto;display:block}button.candidate[disabled]{cursor:default;opacity:.6}
        button.candidate .number{position:absolute;top:.6rem;left:.6rem;background:#20252b;color:#fff;font-weight:700;
        padding:.1rem .6rem;border-radius:1em}
        .remake{display:block;margin:.6rem 0}
        form.upload{display:grid;gap:.8rem;max-width:720px}form.upload label{display:flex;flex-direction:column;gap:.2rem}
        form.upload label.view{display:inline-flex;flex-direction:row;margin-right:1rem}
        .drop{border:2px dashed #999;border-radius:8px;padding:1.5rem;text-align:center;background:#fff}
        .drop.over{border-color:#1d4f91;background:#eef3fb}.drop img{max-width:240px;margin-top:.8rem}
        fieldset{border:1px solid #ddd;border-radius:6px}

        """
}
