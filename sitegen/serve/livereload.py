"""The browser side of live reload: a script the preview server adds to every HTML response.

Built files never contain it; the server injects a <script src> tag on the
fly. It is an external script rather than inline code so a theme's
Content-Security-Policy (script-src 'self') does not block it.
"""

from __future__ import annotations

import html
import re

EVENTS_PATH = "/__sitegen/events"
SCRIPT_PATH = "/__sitegen/livereload.js"

# The server streams one `status` event per change: {"version": n, "error": "..."}.
# A page remembers the version it was served with and reloads when the site
# moves past it; the error text only ever reaches the page via textContent.
LIVERELOAD_JS = """\
(function () {
  "use strict";
  var script = document.currentScript;
  var servedVersion = Number(script.dataset.version);
  var overlayId = "sitegen-error-overlay";

  function showError(text) {
    var overlay = document.getElementById(overlayId);
    if (!text) {
      if (overlay) overlay.remove();
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      var s = overlay.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(20, 20, 20, 0.92)"; s.color = "#fdd"; s.padding = "2em";
      s.font = "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
      var heading = document.createElement("h2");
      heading.textContent = "Build failed; still showing the last good site";
      heading.style.color = "#f88";
      heading.style.font = "bold 18px/1.4 system-ui, sans-serif";
      var message = document.createElement("pre");
      message.className = "sitegen-error-message";
      message.style.whiteSpace = "pre-wrap";
      var hint = document.createElement("p");
      hint.textContent = "Fix the file and save: this page reloads by itself.";
      overlay.append(heading, message, hint);
      document.body.appendChild(overlay);
    }
    overlay.querySelector(".sitegen-error-message").textContent = text;
  }

  var source = new EventSource(script.dataset.events);
  source.addEventListener("status", function (event) {
    var status = JSON.parse(event.data);
    if (status.version !== servedVersion) {
      source.close();
      location.reload();
      return;
    }
    showError(status.error);
    // Lets tools (and the end-to-end tests) know the page is up to date and listening.
    document.documentElement.dataset.sitegenReload = "listening";
  });
})();
"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def reload_tag(version: int) -> bytes:
    attributes = (
        f'src="{html.escape(SCRIPT_PATH)}" data-version="{version}" data-events="{html.escape(EVENTS_PATH)}"'
    )
    return f"<script {attributes}></script>".encode("ascii")


def inject_reload_script(page: bytes, version: int) -> bytes:
    """PAGE with the reload tag just before its last </body>, or appended when there is none."""
    tag = reload_tag(version)
    matches = list(_BODY_END.finditer(page))
    if not matches:
        return page + tag
    cut = matches[-1].start()
    return page[:cut] + tag + page[cut:]
