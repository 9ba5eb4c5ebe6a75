import Foundation

// The page's only style and script, inline; the Content-Security-Policy admits exactly these two by their SHA-256
// (nothing else can run or load, should a value from AD ever slip past the escaping). Changing either means
// changing its hash: HTMLReporterTests recomputes both with openssl, and the browser test would log the refusal.
extension HTMLReporter {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(styleHash)'; script-src '\(scriptHash)'; img-src data:; "
        + "base-uri 'none'; form-action 'none'"

    static let styleHash = "sha256-VlZPSwShTjcTkEh/mbfai4VrUBz5wZ5mlfYCsFoUE0o="
    static let scriptHash = "sha256-2pPRttPbxl1/8NkXWScy4zrT3R8uC/deZazJhN7OaCU="

    static let style = #"""
        body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:64em;padding:0 1em;color:#1b1f23;background:#fff}
        h1{font-size:1.4em;margin:0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd}
        .meta,.note{color:#57606a;font-size:.9em}.mode{color:#57606a}
        .badge,.state{display:inline-block;padding:0 .45em;border-radius:.3em;font-weight:600;font-size:.85em;background:#eaeef2}
        .state{font-size:1em}
        .s-fail,.v-cannotEnroll{background:#ffd7d5;color:#82071e}.s-unknown,.v-cannotTell{background:#eddeff;color:#5a1e9c}
        .s-warn{background:#fff1c2;color:#7a4d00}.s-pass,.v-canEnroll{background:#d2f4d9;color:#116329}
        .s-manual{background:#d8ecff;color:#0a3d7a}.s-skipped{background:#eaeef2;color:#57606a}
        figure.path{margin:.8em 0;padding:.5em .8em;border:1px solid #d0d7de;border-radius:.5em}figcaption{overflow-wrap:anywhere}
        svg.route{width:100%;max-width:780px;height:auto;display:block;margin:.4em 0}
        .hop rect{stroke-width:2}.hop text{font-size:14px;fill:#1b1f23}.hop text.label{font-size:12px;fill:#57606a}
        .h-pass rect{fill:#d2f4d9;stroke:#1a7f37}.h-fail rect{fill:#ffd7d5;stroke:#cf222e}
        .h-unknown rect{fill:#eddeff;stroke:#8250df}.h-warn rect{fill:#fff1c2;stroke:#bf8700}
        .h-manual rect{fill:#d8ecff;stroke:#0969da}.h-nofail rect{fill:#eef9f0;stroke:#1a7f37;stroke-dasharray:5 3}
        .h-open rect{fill:#f6f8fa;stroke:#8c959f;stroke-dasharray:5 3}.h-skipped rect{fill:#f6f8fa;stroke:#8c959f}
        .arrow{stroke:#57606a;stroke-width:2;fill:none}
        details{margin:.3em 0}summary{cursor:pointer}.fix{white-space:pre-wrap;background:#f6f8fa;padding:.4em;border-radius:.3em}
        ol.fixes li,ul.findings li{margin:.3em 0}ul.findings,ul.changes{list-style:none;padding-left:0}
        .new{color:#82071e}.resolved{color:#116329}
        svg.trend{width:100%;max-width:760px;height:auto;border:1px solid #d0d7de}svg.trend text{font-size:11px;fill:#57606a}
        .line{fill:none;stroke-width:2}polyline.s-fail{stroke:#cf222e}polyline.s-unknown{stroke:#8250df}polyline.s-warn{stroke:#bf8700}
        nav#filter{position:sticky;bottom:0;background:#f6f8fa;border-top:1px solid #d0d7de;padding:.5em;margin-top:1em}
        [hidden]{display:none!important}
        @media print{nav#filter{display:none}}
        """#

    static let script = #"""
        (function () {
          var status = document.getElementById('f-status'), rule = document.getElementById('f-rule');
          var count = document.getElementById('f-count');
          function apply() {
            var items = document.querySelectorAll('[data-filter]'), shown = 0;
            for (var i = 0; i < items.length; i++) {
              var item = items[i];
              var match = (!status.value || item.getAttribute('data-status') === status.value) &&
                (!rule.value || item.getAttribute('data-rule') === rule.value);
              item.hidden = !match;
              if (match) shown++;
            }
            count.textContent = shown + ' of ' + items.length + ' shown';
          }
          status.addEventListener('change', apply);
          rule.addEventListener('change', apply);
          apply();
        })();
        """#
}
