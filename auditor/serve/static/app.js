// crm-audit serve: choose files, upload them, follow the audit, show the report.
// Every element is built with DOM calls (the page's CSP enforces Trusted Types: no HTML strings).
// Its words come from the page (the JSON in #page-text), in the page's language: none are written here.
"use strict";

(() => {
  const form = document.getElementById("audit-form");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const list = document.getElementById("file-list");
  const button = document.getElementById("audit");
  const message = document.getElementById("message");
  const progress = document.getElementById("progress");
  const bar = document.getElementById("bar");
  const detail = document.getElementById("detail");
  const result = document.getElementById("result");
  const heading = document.getElementById("result-title");
  const announce = document.getElementById("announce");
  const frame = document.getElementById("report");
  const full = document.getElementById("full");
  const expiry = document.getElementById("expiry");
  const previous = document.getElementById("baseline");
  const downloads = Array.from(document.querySelectorAll(".downloads a[data-kind]"));
  const text = JSON.parse(document.getElementById("page-text").textContent);

  const maxBytes = Number(form.dataset.maxBytes);
  const maxFiles = Number(form.dataset.maxFiles);
  const accepted = form.dataset.accept.split(",");
  const lang = form.dataset.lang;
  // Every request names the page's language, so that the server answers in it (why an upload was
  // refused, why an audit failed); the form's own "lang" field is the report's language.
  const asked = { "X-Page-Lang": lang };
  const token = form.elements.csrf_token.value;
  const stepItems = Array.from(document.querySelectorAll("#steps li"));
  const steps = stepItems.map((li) => li.dataset.step);

  let chosen = [];
  let job = null; // {id, finished, started: the kinds whose download was started}
  let watching = null; // the timer of the next question: does the server still keep the job?

  // Numbers as the reports write them in this language (Translator.number in auditor/reporting/i18n.py).
  function number(value, decimals = 0) {
    const [whole, fraction] = Number(value).toFixed(decimals).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+$)/g, text.group);
    return fraction ? `${grouped}${text.decimal}${fraction}` : grouped;
  }

  // One of the page's texts with its {placeholders} filled in; numbers written the language's way.
  function words(key, values = {}) {
    return text[key].replace(/\{(\w+)\}/g, (whole, name) => {
      const value = values[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? number(value) : String(value);
    });
  }

  const sizeText = (bytes) =>
    bytes < 1024 * 1024
      ? words("kb", { size: Math.max(1, Math.round(bytes / 1024)) })
      : words("mb", { size: number(bytes / 1048576, 1) });
  const suffixOf = (name) => (name.lastIndexOf(".") >= 0 ? name.slice(name.lastIndexOf(".")).toLowerCase() : "");

  function say(sentence) {
    message.textContent = sentence || "";
    message.hidden = !sentence;
  }

  // What the server would refuse, said before anything is sent (the server checks again, by content).
  function problem() {
    const wrong = chosen.filter((file) => !accepted.includes(suffixOf(file.name)));
    if (wrong.length) return words("not_accepted", { names: wrong.map((f) => f.name).join(", ") });
    if (chosen.length > maxFiles) return words("too_many", { count: maxFiles });
    const total = chosen.reduce((sum, file) => sum + file.size, 0);
    if (total > maxBytes) return words("too_large", { size: sizeText(total), limit: form.dataset.maxMb });
    return "";
  }

  function showFiles() {
    list.replaceChildren(
      ...chosen.map((file, index) => {
        const item = document.createElement("li");
        if (!accepted.includes(suffixOf(file.name))) item.className = "bad";
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = file.name;
        const size = document.createElement("span");
        size.className = "size";
        size.textContent = sizeText(file.size);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.title = words("remove", { name: file.name });
        remove.setAttribute("aria-label", remove.title);
        remove.textContent = "×";
        remove.addEventListener("click", () => {
          chosen.splice(index, 1);
          showFiles();
          // The button is gone with its row: focus goes on to the next choice, never to <body>.
          (list.querySelector("button") || input).focus();
        });
        item.append(name, size, remove);
        return item;
      }),
    );
    const trouble = problem();
    say(trouble);
    button.disabled = chosen.length === 0 || Boolean(trouble);
  }

  function addFiles(files) {
    for (const file of files) {
      const known = chosen.some((c) => c.name === file.name && c.size === file.size && c.lastModified === file.lastModified);
      if (!known) chosen.push(file);
    }
    showFiles();
  }

  input.addEventListener("change", () => {
    addFiles(input.files);
    input.value = ""; // so that the same file can be chosen again after removing it
  });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    addFiles(event.dataTransfer.files);
  });
  // A file dropped beside the zone must not make the browser leave the page.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());

  function showStep(step, detailText) {
    const at = steps.indexOf(step);
    stepItems.forEach((li, index) => {
      li.classList.toggle("done", index < at);
      li.classList.toggle("active", index === at);
    });
    bar.value = Math.max(at, 0) + 0.5;
    // A screen reader says the step, not "6 %" of a bar whose steps are not equal in time.
    const shown = Math.max(at, 0);
    bar.setAttribute(
      "aria-valuetext",
      words("step", { number: shown + 1, count: steps.length, step: stepItems[shown].textContent }),
    );
    detail.textContent = detailText || "";
  }

  function start() {
    say("");
    const body = new FormData();
    // The token first: the server refuses a file that arrives before it.
    body.append("csrf_token", token);
    for (const name of ["as_of", "internal_domains", "partner_domains", "lang"]) body.append(name, form.elements[name].value);
    for (const file of chosen) body.append("files", file, file.name);
    if (previous.files.length) body.append("baseline", previous.files[0], previous.files[0].name);
    const decisions = document.getElementById("decisions");
    if (decisions.files.length) body.append("decisions", decisions.files[0], decisions.files[0].name);

    form.hidden = true;
    progress.hidden = false;
    document.getElementById("progress-files").textContent = chosen.map((f) => f.name).join(", ");
    showStep("upload", "");
    // The Audit button is hidden with the form: focus goes to what replaced it, not to <body>.
    document.getElementById("progress-title").focus();

    const request = new XMLHttpRequest();
    request.open("POST", "/jobs");
    request.setRequestHeader("X-CSRF-Token", token);
    request.setRequestHeader("X-Page-Lang", lang);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        showStep("upload", words("uploaded", { percent: Math.round((100 * event.loaded) / event.total), size: sizeText(event.total) }));
      }
    });
    request.addEventListener("load", () => {
      if (request.status === 202 && request.response) {
        job = { id: request.response.id, finished: false, started: new Set() };
        showStep("queued", "");
        poll();
      } else {
        fail((request.response && request.response.error) || words("refused", { status: String(request.status) }));
      }
    });
    request.addEventListener("error", () => fail(words("no_answer")));
    request.send(body);
  }

  // A refused upload or a failed audit: back to the form, focus on the message that says why.
  function fail(why) {
    job = null;
    progress.hidden = true;
    result.hidden = true;
    form.hidden = false;
    showFiles();
    say(why);
    message.focus();
  }

  async function poll() {
    if (!job) return;
    let status;
    try {
      const response = await fetch(`/jobs/${job.id}`, { cache: "no-store", headers: asked });
      status = await response.json();
      if (!response.ok) return fail(status.error || `HTTP ${response.status}`);
    } catch (error) {
      return fail(words("lost"));
    }
    if (status.state === "queued") {
      showStep("queued", status.queue_ahead ? words("ahead", { count: status.queue_ahead }) : "");
    } else if (status.state === "running") {
      showStep(status.step, status.detail);
    } else if (status.state === "failed") {
      return fail(status.error || words("failed"));
    } else if (status.state === "done") {
      return finish(status);
    }
    window.setTimeout(poll, 400);
  }

  function finish(status) {
    job.finished = true;
    progress.hidden = true;
    result.hidden = false;
    const summary = status.summary || {};
    const severities = summary.by_severity || {};
    for (const cell of document.querySelectorAll("#counts [data-count]")) {
      const key = cell.dataset.count;
      const value = key === "records" || key === "findings" ? summary[key] : severities[key];
      cell.textContent = number(value || 0);
    }
    const skipped = document.getElementById("skipped");
    skipped.hidden = status.skipped.length === 0;
    skipped.querySelector("ul").replaceChildren(
      ...status.skipped.map((entry) => {
        const item = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = entry.file;
        item.append(name, `: ${entry.error}`);
        return item;
      }),
    );
    const links = [...downloads, full];
    for (const link of links) {
      link.removeAttribute("aria-disabled");
      link.classList.remove("fetched", "gone");
    }
    for (const link of downloads) link.href = `/jobs/${job.id}/download/${link.dataset.kind}`;
    full.href = `/jobs/${job.id}/report?lang=${lang}`;
    expiry.textContent = words("expiry", { seconds: number(status.elapsed || 0, 1), minutes: Math.round((status.expires_in || 0) / 60) });
    frame.src = `/jobs/${job.id}/report?lang=${lang}`;
    // When the server's time limit passes, the page says so rather than offering links that are gone.
    askLater(((status.expires_in || 0) + 1) * 1000);
    heading.focus();
    announce.textContent = words("finished", { findings: summary.findings || 0, records: summary.records || 0 });
  }

  // The links of an audit whose files the server deleted: no longer links, and the page says why.
  function gone(why) {
    job = null;
    window.clearTimeout(watching);
    for (const link of [...downloads, full]) {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.classList.add("gone");
    }
    expiry.textContent = why;
    announce.textContent = why;
  }

  function askLater(delay) {
    window.clearTimeout(watching);
    watching = window.setTimeout(askServer, delay);
  }

  // Once every result is downloaded the server deletes the job; the page learns it by asking.
  async function askServer() {
    if (!job) return;
    const current = job;
    let response;
    try {
      response = await fetch(`/jobs/${current.id}`, { cache: "no-store", headers: asked });
    } catch (error) {
      return; // the server is gone; closing the page says nothing more than this
    }
    if (job !== current) return;
    if (response.status === 410) {
      return gone(downloads.every((link) => current.started.has(link.dataset.kind)) ? words("all_downloaded") : words("expired"));
    }
    if (!response.ok) return;
    const status = await response.json();
    for (const link of downloads) link.classList.toggle("fetched", status.fetched.includes(link.dataset.kind));
    // A download still arriving: ask again soon. Otherwise, when the time limit passes.
    const waiting = [...current.started].some((kind) => !status.fetched.includes(kind));
    askLater(waiting ? 1000 : ((status.expires_in || 0) + 1) * 1000);
  }

  function deleteJob(keepalive) {
    if (!job) return Promise.resolve();
    const id = job.id;
    job = null;
    window.clearTimeout(watching);
    const headers = { ...asked, "X-CSRF-Token": token };
    return fetch(`/jobs/${id}`, { method: "DELETE", headers, keepalive }).catch(() => {});
  }

  for (const link of downloads) {
    link.addEventListener("click", () => {
      if (!job) return;
      job.started.add(link.dataset.kind);
      askLater(1000);
    });
  }
  document.getElementById("delete").addEventListener("click", async () => {
    await deleteJob(false);
    frame.removeAttribute("src");
    gone(words("deleted"));
  });
  document.getElementById("again").addEventListener("click", () => {
    deleteJob(false);
    chosen = [];
    previous.value = "";
    frame.removeAttribute("src");
    result.hidden = true;
    form.hidden = false;
    announce.textContent = "";
    showFiles();
    input.focus();
  });
  // Closing the page deletes what is left of the audit at once rather than when it expires.
  window.addEventListener("pagehide", () => {
    if (job && job.finished) deleteJob(true);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!button.disabled) start();
  });
  showFiles();
})();
