/**
 * The inspector's live page: the supervision tree and the requests, refreshed every two seconds
 * with fetch. A token, if the inspector needs one, is taken from the page's `#token=` fragment
 * (never sent in a URL to the server).
 *
 * @module
 */

/** The HTML of the live page. */
export const LIVE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tern inspector</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.3em;margin:0 0 .2em} h2{font-size:1.05em;margin:1.2em 0 .4em}
#status{color:#666;font-size:.9em}
ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;margin:0} ul.tree{padding-left:0}
.kind{color:#06c} .st{font-size:.8em;padding:0 .4em;border-radius:3px;background:#e6f0e6}
.st.restarting{background:#fde2e2} .st.passive,.st.stored{background:#eee}
.meta{color:#888;font-size:.85em} table{border-collapse:collapse;background:#fff}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;font-size:.9em}
th{background:#f0f0f0} code{font-size:.9em}
</style></head><body>
<h1>tern inspector</h1><div id="status">loading…</div>
<h2>Supervision tree</h2><ul class="tree" id="tree"></ul>
<h2>Requests</h2><table><thead><tr><th>id</th><th>state</th><th>source</th><th>target</th>
<th>amount</th><th>transitions</th></tr></thead><tbody id="requests"></tbody></table>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const headers = token ? { authorization: "Bearer " + token } : {};
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"})[c]);
const short = (s) => s.replace(/0x[0-9a-fA-F]{20,}/g, (h) => h.slice(0, 10) + "…" + h.slice(-6));
function node(n, top) {
  const kids = n.children.length ? "<ul>" + n.children.map((c) => node(c)).join("") + "</ul>" : "";
  const name = top ? n.path : n.path.slice(n.path.lastIndexOf("/"));
  return "<li><code title='" + esc(n.path) + "'>" + esc(short(name)) + "</code> <span class=kind>" + esc(n.kind) + "</span> " +
    "<span class='st " + esc(n.status) + "'>" + esc(n.status) + "</span> " + esc(short(n.summary)) +
    " <span class=meta>restarts " + n.restarts + " · mailbox " + n.mailbox + "</span>" + kids + "</li>";
}
async function refresh() {
  try {
    const [tree, reqs] = await Promise.all([
      fetch("tree", { headers }).then((r) => r.json()),
      fetch("requests", { headers }).then((r) => r.json()),
    ]);
    document.getElementById("tree").innerHTML = tree.map((n) => node(n, true)).join("");
    document.getElementById("requests").innerHTML = reqs.map((r) => "<tr><td><code>" +
      esc(short(r.id)) + "</code></td><td>" +
      esc(r.state) + "</td><td>" + esc(r.sourceChainId) + "</td><td>" + esc(r.targetChainId) +
      "</td><td>" + esc(r.amount) + "</td><td>" + r.history.length + "</td></tr>").join("");
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("status").textContent = "cannot reach the agent: " + e;
  }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>
`;
