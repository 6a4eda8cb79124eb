// crm-audit serve: choose files, upload them, follow the audit, show the report.
// Every element is built with DOM calls (the page's CSP enforces Trusted Types: no HTML strings).
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
  const frame = document.getElementById("report");
  const expiry = document.getElementById("expiry");

  const maxBytes = Number(form.dataset.maxBytes);
  const maxFiles = Number(form.dataset.maxFiles);
  const accepted = form.dataset.accept.split(",");
  const token = form.elements.csrf_token.value;
  const steps = Array.from(document.querySelectorAll("#steps li")).map((li) => li.dataset.step);

  let chosen = [];
  let job = null; // {id, finished}

  const sizeText = (bytes) =>
    bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
  const suffixOf = (name) => (name.lastIndexOf(".") >= 0 ? name.slice(name.lastIndexOf(".")).toLowerCase() : "");

  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  // What the server would refuse, said before anything is sent (the server checks again, by content).
  function problem() {
    const wrong = chosen.filter((file) => !accepted.includes(suffixOf(file.name)));
    if (wrong.length) {
      return `${wrong.map((f) => f.name).join(", ")}: not a CSV or Excel file. Choose CSV, TSV, TXT or Excel (.xlsx, .xls) exports.`;
    }
    if (chosen.length > maxFiles) return `Too many files: at most ${maxFiles} in one audit.`;
    const total = chosen.reduce((sum, file) => sum + file.size, 0);
    if (total > maxBytes) {
      return `The files add up to ${sizeText(total)}, over the ${form.dataset.maxMb} MB limit. Audit fewer or smaller files at once.`;
    }
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
        remove.title = `Remove ${file.name}`;
        remove.setAttribute("aria-label", `Remove ${file.name}`);
        remove.textContent = "×";
        remove.addEventListener("click", () => {
          chosen.splice(index, 1);
          showFiles();
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

  function showStep(step, text) {
    const at = steps.indexOf(step);
    document.querySelectorAll("#steps li").forEach((li, index) => {
      li.classList.toggle("done", index < at);
      li.classList.toggle("active", index === at);
    });
    bar.value = Math.max(at, 0) + 0.5;
    detail.textContent = text || "";
  }

  function start() {
    say("");
    const body = new FormData();
    // The token first: the server refuses a file that arrives before it.
    body.append("csrf_token", token);
    for (const name of ["as_of", "internal_domains", "partner_domains", "lang"]) body.append(name, form.elements[name].value);
    for (const file of chosen) body.append("files", file, file.name);

    form.hidden = true;
    progress.hidden = false;
    document.getElementById("progress-files").textContent = chosen.map((f) => f.name).join(", ");
    showStep("upload", "");

    const request = new XMLHttpRequest();
    request.open("POST", "/jobs");
    request.setRequestHeader("X-CSRF-Token", token);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) showStep("upload", `${Math.round((100 * event.loaded) / event.total)}% of ${sizeText(event.total)}`);
    });
    request.addEventListener("load", () => {
      if (request.status === 202 && request.response) {
        job = { id: request.response.id, finished: false };
        showStep("queued", "");
        poll();
      } else {
        fail((request.response && request.response.error) || `The server refused the upload (HTTP ${request.status}).`);
      }
    });
    request.addEventListener("error", () => fail("The upload failed: the server did not answer. Is it still running?"));
    request.send(body);
  }

  function fail(text) {
    job = null;
    progress.hidden = true;
    result.hidden = true;
    form.hidden = false;
    showFiles();
    say(text);
  }

  async function poll() {
    if (!job) return;
    let status;
    try {
      const response = await fetch(`/jobs/${job.id}`, { cache: "no-store" });
      status = await response.json();
      if (!response.ok) return fail(status.error || `HTTP ${response.status}`);
    } catch (error) {
      return fail("Lost contact with the server. Is it still running?");
    }
    if (status.state === "queued") {
      showStep("queued", status.queue_ahead ? `${status.queue_ahead} audit(s) ahead` : "");
    } else if (status.state === "running") {
      showStep(status.step, status.detail);
    } else if (status.state === "failed") {
      return fail(status.error || "The audit failed.");
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
      cell.textContent = (value || 0).toLocaleString("en");
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
    for (const link of document.querySelectorAll(".downloads a")) {
      link.href = `/jobs/${job.id}/download/${link.dataset.kind}`;
      link.classList.remove("fetched", "gone");
    }
    expiry.textContent =
      `Took ${status.elapsed} s. The files are deleted from this machine once you have downloaded every result, ` +
      `in ${Math.round((status.expires_in || 0) / 60)} minutes, when you close this page, or when the server stops.`;
    frame.src = `/jobs/${job.id}/report`;
  }

  function deleteJob(keepalive) {
    if (!job) return Promise.resolve();
    const id = job.id;
    job = null;
    return fetch(`/jobs/${id}`, { method: "DELETE", headers: { "X-CSRF-Token": token }, keepalive }).catch(() => {});
  }

  for (const link of document.querySelectorAll(".downloads a")) {
    link.addEventListener("click", () => window.setTimeout(() => link.classList.add("fetched"), 300));
  }
  document.getElementById("delete").addEventListener("click", async () => {
    await deleteJob(false);
    frame.removeAttribute("src");
    for (const link of document.querySelectorAll(".downloads a")) link.classList.add("gone");
    expiry.textContent = "Deleted: nothing of this audit is left on the server.";
  });
  document.getElementById("again").addEventListener("click", () => {
    deleteJob(false);
    chosen = [];
    frame.removeAttribute("src");
    result.hidden = true;
    form.hidden = false;
    showFiles();
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
