// The call-log viewer. Report data only ever reaches the page through textContent,
// text nodes and attribute values: never as markup.
"use strict";
(() => {
  const MAX_ROWS = 2000;
  const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];

  const $ = (id) => document.getElementById(id);
  const config = JSON.parse($("viewer-config").textContent);
  // How each kind of call reads: the same table the text reports use (calls/kinds.py).
  const KINDS = config.kinds;
  const NO_MATCH = KINDS.unmatched;
  const filters = {
    method: $("filter-method"),
    status: $("filter-status"),
    kind: $("filter-kind"),
    test: $("filter-test"),
  };
  let rows = [];
  let selectedKey = null;

  /** An element with attributes ("text" sets textContent) and children (strings become text). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  const pad = (n, width = 2) => String(n).padStart(width, "0");
  function clock(iso) {
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return iso;
    const seconds = `${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
    return `${pad(t.getHours())}:${pad(t.getMinutes())}:${seconds}`;
  }
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const percent = (part, whole) => (whole ? Math.floor((100 * part) / whole) : 0);
  const shortTest = (id) => (id ? id.split("::").slice(1).join("::") || id : "—");

  function responseLabel(call) {
    if (call.kind === "unmatched") return NO_MATCH;
    return call.responseName || KINDS[call.kind] || call.kind;
  }
  function responseClass(call) {
    if (call.kind === "unmatched" || call.kind === "error") return "no-match";
    return call.responseName ? "" : "other-kind";
  }
  function methodBadge(method) {
    const known = METHODS.includes(method.toLowerCase()) ? method.toLowerCase() : "other";
    return el("span", { class: `method m-${known}`, text: method });
  }
  function statusBadge(code) {
    return el("span", { class: `status s${String(code)[0]}`, text: String(code) });
  }

  function bodyText(body) {
    if (!body) return "";
    if (body.text !== undefined) return body.text;
    return `(binary, base64) ${body.base64}`;
  }
  function pretty(text) {
    if (!/^\s*[[{]/.test(text)) return text;
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  // ---- data -------------------------------------------------------------------------

  function flatten(report) {
    const flat = [];
    report.collections.forEach((collection, index) => {
      for (const call of collection.calls) {
        const searchable = [
          call.request.method,
          call.request.path,
          responseLabel(call),
          call.testId || "",
          call.requestName || "",
          bodyText(call.request.body),
          bodyText(call.response.body),
        ];
        flat.push({
          call,
          collection: collection.name,
          key: [index, call.servedAt, call.request.method, call.request.path, call.testId].join(
            "\u0000",
          ),
          haystack: searchable.join("\n").toLowerCase(),
        });
      }
    });
    if (report.collections.length > 1) {
      flat.sort((a, b) => a.call.servedAt.localeCompare(b.call.servedAt));
    }
    return flat;
  }

  /** Refill a filter's options from the data, keeping the user's choice. */
  function fillFilter(select, values, label) {
    const chosen = select.value;
    if (chosen && !values.includes(chosen)) values.push(chosen);
    const first = select.options[0];
    select.replaceChildren(first, ...values.map((v) => el("option", { value: v, text: label(v) })));
    select.value = chosen;
    select.hidden = values.length < 2 && !chosen;
  }

  function refreshFilters() {
    const distinct = (pick) => [...new Set(rows.map((row) => pick(row.call)))];
    fillFilter(filters.method, distinct((c) => c.request.method).sort(), (v) => v);
    fillFilter(filters.status, distinct((c) => String(c.response.statusCode)).sort(), (v) => v);
    fillFilter(filters.kind, distinct((c) => c.kind).sort(), (v) => KINDS[v] || v);
    fillFilter(
      filters.test,
      distinct((c) => c.testId || "\u0000"),
      (v) => (v === "\u0000" ? "(outside tests)" : v),
    );
  }

  function matches(row, wanted, terms) {
    const call = row.call;
    return (
      (!wanted.method || call.request.method === wanted.method) &&
      (!wanted.status || String(call.response.statusCode) === wanted.status) &&
      (!wanted.kind || call.kind === wanted.kind) &&
      (!wanted.test || (call.testId || "\u0000") === wanted.test) &&
      terms.every((term) => row.haystack.includes(term))
    );
  }

  // ---- header -------------------------------------------------------------------------

  function renderSummary(report) {
    const collections = report.collections;
    let total = 0;
    let unmatched = 0;
    let examples = 0;
    let served = 0;
    let dropped = 0;
    for (const c of collections) {
      for (const count of Object.values(c.kinds)) total += count;
      unmatched += c.kinds.unmatched || 0;
      examples += c.coverage.length;
      served += c.coverage.filter((row) => row.served).length;
      dropped += c.droppedCalls;
    }
    const names = collections.map((c) => c.name).join(", ") || "no collection";
    const parts = [
      el("strong", { text: names }),
      ` · seed ${report.seed} · ${plural(total, "call")} · `,
      el("span", { class: unmatched ? "bad" : "", text: `${unmatched} unmatched` }),
      ` · ${served} of ${examples} examples served (${percent(served, examples)}%)`,
    ];
    if (dropped) parts.push(` · ${dropped} oldest calls dropped from the log`);
    $("summary").replaceChildren(...parts);
    $("tab-calls").textContent = `Calls (${rows.length})`;
    $("tab-coverage").textContent = `Coverage (${percent(served, examples)}%)`;
    $("calls").classList.toggle("single", collections.length < 2);
  }

  // ---- calls --------------------------------------------------------------------------

  function callRow(row) {
    const call = row.call;
    const selected = row.key === selectedKey;
    return el(
      "tr",
      {
        tabindex: "0",
        "data-key": row.key,
        class: selected ? "selected" : null,
        "aria-selected": String(selected),
      },
      el("td", { class: "time", title: call.servedAt, text: clock(call.servedAt) }),
      el("td", { class: "test", title: call.testId || "", text: shortTest(call.testId) }),
      el("td", { class: "col-collection", text: row.collection }),
      el("td", {}, methodBadge(call.request.method)),
      el("td", { class: "path", text: call.request.path }),
      el("td", {}, statusBadge(call.response.statusCode)),
      el("td", { class: responseClass(call), text: responseLabel(call) }),
    );
  }

  function renderCalls() {
    const wanted = Object.fromEntries(Object.entries(filters).map(([k, s]) => [k, s.value]));
    const terms = $("search").value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = rows.filter((row) => matches(row, wanted, terms));
    $("calls").tBodies[0].replaceChildren(...shown.slice(0, MAX_ROWS).map(callRow));
    const capped = shown.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown)` : "";
    $("call-count").textContent = `${shown.length} of ${plural(rows.length, "call")}${capped}`;
    const empty = $("no-calls");
    empty.hidden = shown.length > 0;
    empty.textContent = rows.length ? "No calls match the search and filters." : "No calls yet.";
  }

  // ---- detail -------------------------------------------------------------------------

  function section(title, ...content) {
    return [el("h3", { text: title }), ...content];
  }
  function headersTable(headers) {
    if (!headers.length) return el("p", { class: "empty", text: "No headers" });
    return el(
      "table",
      { class: "headers" },
      el(
        "tbody",
        {},
        ...headers.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: v }))),
      ),
    );
  }
  function bodyBlock(body, id) {
    const text = bodyText(body);
    if (!text) return el("pre", { id, class: "no-body", text: "No body" });
    return el("pre", { id, text: pretty(text) });
  }

  function renderDetail(row) {
    const panel = $("detail");
    panel.hidden = !row;
    if (!row) {
      panel.replaceChildren();
      return;
    }
    const call = row.call;
    const facts = [
      ["Served at", call.servedAt],
      ["Test", call.testId || "(outside tests)"],
      ["Collection", row.collection],
      ["Request", call.requestName],
      ["Outcome", KINDS[call.kind] || call.kind],
      ["Score", call.score],
      ["Duration", `${call.durationMs} ms`],
    ].filter(([, value]) => value !== null && value !== undefined);
    const close = el("button", {
      type: "button",
      id: "close-detail",
      class: "close",
      "aria-label": "Close",
      text: "×",
    });
    close.addEventListener("click", () => select(null));
    const parts = [
      el(
        "div",
        { class: "detail-head" },
        el(
          "h2",
          {},
          methodBadge(call.request.method),
          el("span", { class: "path", text: call.request.path }),
          statusBadge(call.response.statusCode),
        ),
        close,
      ),
      el("p", { class: `response-name ${responseClass(call)}`, text: responseLabel(call) }),
      el(
        "dl",
        { class: "facts" },
        ...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })]),
      ),
    ];
    if (call.kind === "unmatched") {
      const misses = call.nearMisses.map((miss) =>
        el(
          "li",
          {},
          el("strong", { text: miss.example }),
          el("span", { class: "stage", text: miss.stage }),
          el("div", { text: miss.reason }),
        ),
      );
      parts.push(
        ...section(
          "Near misses",
          misses.length
            ? el("ol", { class: "near-misses" }, ...misses)
            : el("p", { class: "empty", text: "No example came close." }),
        ),
      );
    }
    if (call.notes.length)
      parts.push(
        ...section("Notes", el("ul", {}, ...call.notes.map((n) => el("li", { text: n })))),
      );
    if (call.error) parts.push(...section("Error", el("pre", { text: call.error })));
    parts.push(
      ...section(
        "Request",
        el("h4", { text: "Headers" }),
        headersTable(call.request.headers),
        el("h4", { text: "Body" }),
        bodyBlock(call.request.body, "request-body"),
      ),
      ...section(
        "Response",
        el("h4", { text: "Headers" }),
        headersTable(call.response.headers),
        el("h4", { text: "Body" }),
        bodyBlock(call.response.body, "response-body"),
      ),
    );
    panel.replaceChildren(...parts);
  }

  function select(key) {
    selectedKey = key;
    for (const tr of $("calls").tBodies[0].rows) {
      const on = tr.dataset.key === key;
      tr.classList.toggle("selected", on);
      tr.setAttribute("aria-selected", String(on));
    }
    renderDetail(rows.find((row) => row.key === key));
  }

  // ---- coverage -----------------------------------------------------------------------

  function meter(served, total) {
    const fill = el("span");
    fill.style.width = `${percent(served, total)}%`;
    const state = served === total ? "full" : "partial";
    return el(
      "div",
      { class: `meter ${state}`, role: "img", "aria-label": `${served} of ${total} served` },
      fill,
    );
  }

  /** Items grouped by key, in order of first appearance: [[key, items], ...]. */
  function groups(items, keyOf) {
    const found = new Map();
    for (const item of items) {
      const key = keyOf(item);
      if (!found.has(key)) found.set(key, []);
      found.get(key).push(item);
    }
    return [...found.entries()];
  }
  const sum = (items, pick) => items.reduce((total, item) => total + pick(item), 0);

  function renderFolder(name, folderRows, onlyUnserved) {
    const served = folderRows.filter((r) => r.served).length;
    const body = el("tbody");
    for (const [request, exampleRows] of groups(folderRows, (r) => r.request)) {
      const visible = onlyUnserved ? exampleRows.filter((r) => !r.served) : exampleRows;
      if (!visible.length) continue;
      const requestServed = exampleRows.filter((r) => r.served).length;
      body.append(
        el(
          "tr",
          { class: "request-row" },
          el(
            "th",
            { colspan: "5" },
            request,
            el("span", {
              class: "numbers",
              text: `${requestServed} of ${exampleRows.length} served`,
            }),
          ),
        ),
        ...visible.map((r) =>
          el(
            "tr",
            { class: "example-row" },
            el("td", {}, methodBadge(r.method)),
            el("td", { class: "path", text: r.path }),
            el("td", { text: r.example }),
            el("td", {}, statusBadge(r.code)),
            el("td", {
              class: r.served ? "served" : "served never",
              text: r.served ? plural(r.served, "call") : "never served",
            }),
          ),
        ),
      );
    }
    if (!body.rows.length) return null;
    return el(
      "div",
      { class: "folder" },
      el(
        "div",
        { class: "folder-head" },
        el("h3", { text: name || "(top level)" }),
        meter(served, folderRows.length),
        el("span", {
          class: "numbers",
          text: `${served} of ${folderRows.length} examples served · ${plural(
            sum(folderRows, (r) => r.served),
            "call",
          )}`,
        }),
      ),
      el(
        "table",
        { class: "examples" },
        el(
          "colgroup",
          {},
          ...["method", "path", "example", "status", "served"].map((c) =>
            el("col", { class: `c-${c}` }),
          ),
        ),
        body,
      ),
    );
  }

  function renderCoverage(report) {
    const onlyUnserved = $("only-unserved").checked;
    const sections = report.collections.map((collection) => {
      const all = collection.coverage;
      const served = all.filter((r) => r.served).length;
      const unmatched = collection.kinds.unmatched || 0;
      const folders = groups(all, (r) => r.folders.join(" / "))
        .map(([name, folderRows]) => renderFolder(name, folderRows, onlyUnserved))
        .filter(Boolean);
      return el(
        "section",
        { class: "collection" },
        el("h2", { text: collection.name }),
        el("div", { class: "file", text: collection.file }),
        el(
          "div",
          { class: "totals" },
          meter(served, all.length),
          el("span", {
            text:
              `${served} of ${all.length} examples served (${percent(served, all.length)}%)` +
              ` · ${plural(unmatched, "unmatched call")}`,
          }),
        ),
        ...(folders.length
          ? folders
          : [
              el("p", {
                class: "empty",
                text: all.length ? "Every example was served." : "This collection has no examples.",
              }),
            ]),
      );
    });
    $("coverage").replaceChildren(...sections);
  }

  // ---- wiring -------------------------------------------------------------------------

  let current = null;
  function load(report) {
    current = report;
    rows = flatten(report);
    refreshFilters();
    renderSummary(report);
    renderCalls();
    renderCoverage(report);
  }

  function showTab(name) {
    for (const tab of ["calls", "coverage"]) {
      $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
      $(`${tab}-view`).hidden = tab !== name;
    }
  }

  $("tab-calls").addEventListener("click", () => showTab("calls"));
  $("tab-coverage").addEventListener("click", () => showTab("coverage"));
  $("search").addEventListener("input", renderCalls);
  for (const select of Object.values(filters)) select.addEventListener("change", renderCalls);
  $("only-unserved").addEventListener("change", () => renderCoverage(current));
  const tbody = $("calls").tBodies[0];
  tbody.addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (tr) select(tr.dataset.key);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && selectedKey !== null) select(null);
  });
  tbody.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr");
    if (tr && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(tr.dataset.key);
    }
  });

  /** The live page of `postman-mock serve`: fetch the data again every few seconds. */
  function poll() {
    const status = $("live");
    status.hidden = false;
    status.textContent = "Live";
    let last = null;
    const tick = async () => {
      try {
        // The page's own query (a private mock's ?key=) goes along to its data.
        const response = await fetch(config.liveUrl + location.search, { cache: "no-store" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const text = await response.text();
        if (text !== last) {
          last = text;
          load(JSON.parse(text));
        }
        status.textContent = `Live · updated ${clock(new Date().toISOString())}`;
        status.classList.remove("offline");
      } catch (error) {
        status.textContent = `Live · cannot reach the mock server (${error.message}); retrying`;
        status.classList.add("offline");
      }
      setTimeout(tick, config.refreshMs);
    };
    setTimeout(tick, config.refreshMs);
  }

  load(JSON.parse($("report-data").textContent));
  renderDetail(null);
  if (config.liveUrl) poll();
})();
