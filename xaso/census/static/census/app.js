// xaso census app: the household form that works with no signal (docs/decisions/0036-offline-census-app.md).
//
// The page (census/app/shell.html) brings its settings and every word it shows in a JSON block (#offline-config);
// this script draws the form from the form definition (/census/app/form.json), keeps each saved household in the
// phone's IndexedDB (the "outbox", through the vendored idb library) and sends the queue to /census/app/sync/ when
// the network returns (the `online` event, the "Gửi ngay" button, a retry timer), then shows the server's answer
// per household. The service worker (census/sw.js) keeps the page, its files and the JSON for offline reloads.
//
// Every submission has its own client-generated id (crypto.randomUUID): the server writes a client_id once, so a
// batch sent again after a lost answer never duplicates. A household and each person keep one uid for life.
// An edit of a household the server already has sends only the fields changed since the version it started from
// (base_version): a field the user did not touch never overwrites someone else's newer value.
(function () {
  "use strict";

  const root = document.querySelector("[data-census-app]");
  const configNode = document.getElementById("offline-config");
  if (!root || !configNode || !window.idb) return;
  const config = JSON.parse(configNode.textContent);
  const english = (document.documentElement.lang || "vi").startsWith("en");
  const BACKOFF = [5, 15, 60, 300]; // seconds between automatic retries while the server cannot be reached
  const KEEP_DONE_DAYS = 7; // a sent household's line stays in "Kết quả gửi" this long, without its answers

  const $ = (selector, node) => (node || root).querySelector(selector);
  const t = (key, params) =>
    (config.strings[key] || key).replace(/%\((\w+)\)s/g, (_, name) => String(params && name in params ? params[name] : ""));
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };
  const label = (question) => (english && question.label_en) || question.label;

  const state = {
    db: null,
    form: null, // the form definition (current version)
    villages: [],
    households: [], // the server's households of the user's villages
    records: [], // this user's outbox records
    editing: null, // {uid, base, baseVersion, replaces}
    syncing: false,
    retryIndex: 0,
    retryTimer: null,
  };

  // ------------------------------------------------------------------------------------------------ storage

  async function openStore() {
    state.db = await idb.openDB("xaso-census", 1, {
      upgrade(db) {
        const outbox = db.createObjectStore("outbox", { keyPath: "client_id" });
        outbox.createIndex("user", "user");
        db.createObjectStore("meta");
      },
    });
  }

  async function loadRecords() {
    const all = await state.db.getAllFromIndex("outbox", "user", config.user);
    const cutoff = Date.now() - KEEP_DONE_DAYS * 86400000;
    for (const record of all) {
      if (record.state === "done" && Date.parse(record.done_at) < cutoff) await state.db.delete("outbox", record.client_id);
    }
    state.records = all
      .filter((r) => !(r.state === "done" && Date.parse(r.done_at) < cutoff))
      .sort((a, b) => (a.saved_at < b.saved_at ? -1 : 1));
  }

  const putRecord = (record) => state.db.put("outbox", record);
  const queued = () => state.records.filter((r) => r.state === "queued");

  // JSON from the server (the service worker answers from its cache when there is no network), kept in IndexedDB
  // too, so the form draws even if the browser dropped the worker's cache.
  async function fetchJson(url, key) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        await state.db.put("meta", data, key);
        return data;
      }
    } catch (error) {
      // no network and nothing cached by the worker: fall back to the copy below
    }
    return state.db.get("meta", key);
  }

  async function loadData() {
    state.form = (await fetchJson(config.form, "form")) || null;
    const list = await fetchJson(config.households, "households:" + config.user);
    state.villages = (list && list.villages) || [];
    state.households = (list && list.households) || [];
    $("[data-list-note]").textContent = "";
  }

  // ------------------------------------------------------------------------------------------------ the list

  function villageName(code) {
    const village = state.villages.find((v) => v.code === code);
    return village ? village.name : code;
  }

  function pendingFor(uid) {
    return state.records.filter((r) => r.uid === uid && r.state !== "done").pop();
  }

  function renderStatus() {
    const online = navigator.onLine;
    const net = $("[data-net]");
    net.textContent = online ? t("online") : t("offline");
    net.className = "xaso-tag " + (online ? "ok" : "warn");
    const count = queued().length;
    $("[data-queue]").textContent = count ? t("queue", { n: count }) : t("queue_empty");
    $("[data-queue]").dataset.count = String(count);
    $("[data-sync]").disabled = state.syncing;
  }

  function statusTag(record) {
    const status = record.state === "queued" ? "queued" : record.result ? record.result.status : record.state;
    const tone = { queued: "warn", created: "ok", updated: "ok", duplicate: "ok", merged: "warn" }[status] || "bad";
    return el("span", { className: "xaso-tag " + tone, "data-status": status, text: t("status_" + status) });
  }

  function renderList() {
    const list = $("[data-households]");
    list.replaceChildren();
    const known = new Set(state.households.map((h) => h.uid));
    const local = state.records.filter((r) => r.state !== "done" && !known.has(r.uid));
    const seen = new Set();
    for (const record of local.slice().reverse()) {
      if (seen.has(record.uid)) continue;
      seen.add(record.uid);
      list.append(householdItem(record.uid, record.label, record.village, record.member_count, record));
    }
    for (const household of state.households) {
      const pending = pendingFor(household.uid);
      const name = pending ? pending.label : household.head_name;
      list.append(householdItem(household.uid, name, household.village, household.members.length, pending));
    }
    if (!list.children.length) list.append(el("li", { className: "xaso-empty", text: t("no_households") }));
  }

  function householdItem(uid, name, village, members, record) {
    return el(
      "li",
      { className: "offline-household", "data-uid": uid },
      el(
        "div",
        { className: "offline-household__text" },
        el("strong", { text: name }),
        el("span", { className: "muted small", text: villageName(village) + " · " + t("members_count", { n: members }) }),
        record ? statusTag(record) : null
      ),
      el("button", { type: "button", className: "usa-button usa-button--outline", "data-edit": uid, text: t("edit") })
    );
  }

  function renderResults() {
    const list = $("[data-results]");
    list.replaceChildren();
    const answered = state.records.filter((r) => r.result).slice().reverse();
    $("[data-results-section]").hidden = !answered.length;
    for (const record of answered) {
      const result = record.result;
      const item = el(
        "li",
        { className: "offline-result", "data-client-id": record.client_id, "data-status": result.status },
        el("div", { className: "offline-household__text" }, el("strong", { text: record.label }), statusTag(record))
      );
      if (result.conflicts && result.conflicts.length) {
        item.append(el("p", { className: "small", text: t("conflicts", { fields: result.conflicts.map(fieldLabel).join(", ") }) }));
      }
      // the server's message already names the field as the form labels it ("Họ tên chủ hộ: bắt buộc.")
      if (result.message) item.append(el("p", { className: "small error", text: result.message }));
      if (record.state === "error") {
        item.append(el("button", { type: "button", className: "usa-button usa-button--outline", "data-fix": record.client_id, text: t("edit") }));
      }
      list.append(item);
    }
  }

  // "answers.fibre", "members.<uid>.answers.vneid", "members[2].birth_year", "head_name" → the question's label
  function fieldLabel(path) {
    if (!state.form || !path) return path || "";
    const key = String(path).split(".").pop();
    const all = [state.form.consent]
      .concat(state.form.household_fields, state.form.household, state.form.person_fields, state.form.person)
      .filter(Boolean);
    const question = all.find((q) => q.key === key);
    return question ? label(question) : path;
  }

  function render() {
    renderStatus();
    renderList();
    renderResults();
  }

  function say(text) {
    $("[data-sync-message]").textContent = text;
  }

  // ------------------------------------------------------------------------------------------------ the form

  function inputFor(question, value, name) {
    const id = "f-" + name.replace(/[^\w-]/g, "-");
    const required = question.required ? true : null;
    if (question.type === "bool") {
      return el(
        "div",
        { className: "usa-checkbox offline-tile" },
        el("input", { className: "usa-checkbox__input usa-checkbox__input--tile", type: "checkbox", id, name, "data-key": question.key, "data-type": "bool", checked: value === true }),
        el("label", { className: "usa-checkbox__label", for: id, text: label(question) })
      );
    }
    const group = el("div", { className: "usa-form-group" }, el("label", { className: "usa-label", for: id, text: label(question) }));
    let input;
    if (question.type === "choice") {
      input = el("select", { className: "usa-select", id, name, required }, el("option", { value: "", text: t("choose") }));
      for (const choice of question.choices || []) {
        const option = typeof choice === "object" ? choice : { value: choice, label: choice };
        input.append(el("option", { value: option.value, text: option.label, selected: String(value) === String(option.value) }));
      }
    } else if (question.type === "int") {
      input = el("input", { className: "usa-input usa-input--small", type: "number", inputmode: "numeric", id, name, required, min: question.min, max: question.max, step: 1, value: value ?? "" });
    } else {
      const phone = question.key === "phone";
      input = el("input", { className: "usa-input", type: phone ? "tel" : "text", id, name, required, maxlength: question.max_length, value: value ?? "", autocomplete: "off" });
    }
    input.dataset.key = question.key;
    input.dataset.type = question.type;
    group.append(input);
    return group;
  }

  function valueOf(input) {
    if (input.dataset.type === "bool") return input.checked;
    const raw = input.value.trim();
    if (input.dataset.type === "int") return raw === "" ? null : Number(raw);
    return raw;
  }

  // The form's values as {fields, members: [{uid, fields}]}, answers flat beside the identity fields.
  function readForm(form) {
    const fields = {};
    const consent = form.querySelector("[name=consent_method]:checked");
    if (consent) fields.consent_method = consent.value;
    for (const input of form.querySelectorAll("[data-household-fields] [data-key], [data-household-questions] [data-key]")) {
      fields[input.dataset.key] = valueOf(input);
    }
    const members = [];
    for (const card of form.querySelectorAll("[data-member]")) {
      const memberFields = {};
      for (const input of card.querySelectorAll("[data-key]")) {
        if (input.closest("[hidden]")) continue; // a question that does not apply to this person's age
        memberFields[input.dataset.key] = valueOf(input);
      }
      members.push({ uid: card.dataset.member, fields: memberFields });
    }
    return { village: form.querySelector("[data-village]").value, fields, members };
  }

  function ageOf(card) {
    const year = Number(card.querySelector('[data-key="birth_year"]').value);
    return year ? new Date().getFullYear() - year : null;
  }

  function applyAges(card) {
    const age = ageOf(card);
    const [low, high] = state.form.working_age || [15, 60];
    for (const node of card.querySelectorAll("[data-applies]")) {
      const applies = node.dataset.applies;
      const shown = applies === "adult" ? age !== null && age >= state.form.adult_age : applies === "working_age" ? age !== null && age >= low && age <= high : true;
      node.hidden = !shown;
    }
  }

  function memberCard(member, number) {
    const card = el("div", { className: "offline-member", "data-member": member.uid }, el("h3", { text: t("member", { n: number }) }));
    for (const question of state.form.person_fields) card.append(inputFor(question, member[question.key], member.uid + "-" + question.key));
    for (const question of state.form.person) {
      const wrap = el("div", { "data-applies": question.applies || "all" }, inputFor(question, (member.answers || {})[question.key], member.uid + "-" + question.key));
      card.append(wrap);
    }
    card.append(el("button", { type: "button", className: "usa-button usa-button--unstyled offline-remove", "data-remove-member": member.uid, text: t("remove_member") }));
    applyAges(card);
    return card;
  }

  function renumberMembers() {
    root.querySelectorAll("[data-member] > h3").forEach((heading, index) => {
      heading.textContent = t("member", { n: index + 1 });
    });
  }

  // A household as the form shows it: the server's copy (or nothing), with a pending edit's changes laid over.
  function snapshotOf(uid) {
    const household = state.households.find((h) => h.uid === uid);
    if (!household) return null;
    return {
      village: household.village,
      version: household.version,
      consent: household.consent,
      fields: Object.assign({ head_name: household.head_name, address: household.address, phone: household.phone }, household.answers),
      members: household.members.map((m) => ({ uid: m.uid, fields: Object.assign({ full_name: m.full_name, birth_year: m.birth_year }, m.answers) })),
    };
  }

  function overlay(base, record) {
    const view = base ? JSON.parse(JSON.stringify(base)) : { village: record.village, fields: {}, members: [] };
    Object.assign(view.fields, record.fields);
    for (const member of record.members || []) {
      const existing = view.members.find((m) => m.uid === member.uid);
      if (member.removed) view.members = view.members.filter((m) => m.uid !== member.uid);
      else if (existing) Object.assign(existing.fields, member.fields);
      else view.members.push({ uid: member.uid, fields: Object.assign({}, member.fields) });
    }
    return view;
  }

  function openForm(uid, fromRecord) {
    if (!state.form) {
      say(t("no_form"));
      return;
    }
    const pending = fromRecord || (uid && pendingFor(uid));
    const base = pending ? pending.base || null : uid ? snapshotOf(uid) : null;
    const view = pending ? overlay(base, pending) : base || { village: state.villages.length === 1 ? state.villages[0].code : "", fields: {}, members: [] };
    state.editing = {
      uid: uid || crypto.randomUUID(),
      base,
      baseVersion: base ? base.version : null,
      replaces: pending || null,
    };
    const form = $("[data-household-form]");
    form.reset();
    $("[data-form-errors]").hidden = true;
    $("[data-purpose]").textContent = state.form.purpose;
    const select = $("[data-village]");
    select.replaceChildren(el("option", { value: "", text: t("choose") }));
    for (const village of state.villages) select.append(el("option", { value: village.code, text: village.name, selected: village.code === view.village }));
    select.disabled = Boolean(base); // a household never moves village through the form
    $("[data-consent-legend]").textContent = label(state.form.consent);
    const consent = $("[data-consent]");
    consent.replaceChildren();
    for (const choice of state.form.consent.choices) {
      const id = "consent-" + choice.value;
      const checked = view.fields.consent_method === choice.value;
      consent.append(
        el(
          "div",
          { className: "usa-radio offline-tile" },
          el("input", { className: "usa-radio__input usa-radio__input--tile", type: "radio", id, name: "consent_method", value: choice.value, checked, required: base && base.consent ? null : true }),
          el("label", { className: "usa-radio__label", for: id, text: choice.label })
        )
      );
    }
    const fieldsNode = $("[data-household-fields]");
    fieldsNode.replaceChildren(...state.form.household_fields.map((q) => inputFor(q, view.fields[q.key], q.key)));
    const questionsNode = $("[data-household-questions]");
    questionsNode.replaceChildren(...state.form.household.map((q) => inputFor(q, view.fields[q.key], q.key)));
    const members = $("[data-members]");
    members.replaceChildren(...view.members.map((m, i) => memberCard(Object.assign({ uid: m.uid, answers: m.fields }, m.fields), i + 1)));
    $("[data-view=list]").hidden = true;
    $("[data-view=form]").hidden = false;
    $("[data-form-title]").scrollIntoView();
    fieldsNode.querySelector("input").focus();
  }

  function closeForm() {
    state.editing = null;
    $("[data-view=form]").hidden = true;
    $("[data-view=list]").hidden = false;
  }

  const same = (a, b) => (a === undefined || a === null || a === "" ? null : a) === (b === undefined || b === null || b === "" ? null : b);

  // What to send: everything for a new household; for a known one only what changed since its base version.
  function changesOf(values, base) {
    if (!base) return { fields: values.fields, members: values.members };
    const fields = {};
    for (const [key, value] of Object.entries(values.fields)) {
      if (key === "consent_method" && base.consent) continue;
      if (!same(value, base.fields[key])) fields[key] = value;
    }
    const members = [];
    const baseMembers = new Map(base.members.map((m) => [m.uid, m]));
    for (const member of values.members) {
      const before = baseMembers.get(member.uid);
      if (!before) {
        members.push(member);
        continue;
      }
      baseMembers.delete(member.uid);
      const changed = {};
      for (const [key, value] of Object.entries(member.fields)) if (!same(value, before.fields[key])) changed[key] = value;
      if (Object.keys(changed).length) members.push({ uid: member.uid, fields: changed });
    }
    for (const uid of baseMembers.keys()) members.push({ uid, removed: true });
    return { fields, members };
  }

  function problems(form, values) {
    const found = [];
    if (!values.village) found.push(t("required", { field: $("label[for=offline-village]").textContent }));
    const consentNeeded = !(state.editing.base && state.editing.base.consent);
    if (consentNeeded && !values.fields.consent_method) found.push(t("required", { field: label(state.form.consent) }));
    for (const input of form.querySelectorAll("input, select")) {
      if (input.closest("[hidden]") || ["consent_method", "village"].includes(input.name)) continue;
      if (input.checkValidity()) continue;
      const labelNode = form.querySelector(`label[for="${input.id}"]`);
      found.push((labelNode ? labelNode.textContent + ": " : "") + input.validationMessage);
    }
    return found;
  }

  async function saveForm(event) {
    event.preventDefault();
    const form = event.target;
    const values = readForm(form);
    const editing = state.editing;
    if (editing.base) values.village = editing.base.village;
    const found = problems(form, values);
    if (found.length) {
      $("[data-form-errors-text]").textContent = found.join(" ");
      $("[data-form-errors]").hidden = false;
      $("[data-form-errors]").scrollIntoView();
      return;
    }
    const changes = changesOf(values, editing.base);
    const previous = editing.replaces;
    if (editing.base && !Object.keys(changes.fields).length && !changes.members.length && !previous) {
      closeForm();
      return;
    }
    // an unsent, never-tried record is replaced in place; one the server may have seen gets a new client id
    const keepId = previous && previous.state === "queued" && !previous.attempts;
    const record = {
      client_id: keepId ? previous.client_id : crypto.randomUUID(),
      uid: editing.uid,
      user: config.user,
      village: values.village,
      form_version: state.form.version,
      base_version: editing.baseVersion,
      base: editing.base,
      fields: changes.fields,
      members: changes.members,
      recorded_at: new Date().toISOString(),
      saved_at: new Date().toISOString(),
      label: values.fields.head_name || (editing.base && editing.base.fields.head_name) || "",
      member_count: values.members.length,
      state: "queued",
      attempts: 0,
      result: null,
    };
    if (previous && !keepId) await state.db.delete("outbox", previous.client_id);
    await putRecord(record);
    await loadRecords();
    closeForm();
    render();
    say(t("saved", { name: record.label }));
    if (navigator.onLine) sync();
  }

  // ------------------------------------------------------------------------------------------------ sync

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  const payload = (r) => ({
    client_id: r.client_id,
    uid: r.uid,
    village: r.village,
    form_version: r.form_version,
    base_version: r.base_version,
    fields: r.fields,
    members: r.members,
    recorded_at: r.recorded_at,
  });

  function scheduleRetry(messageKey, params) {
    const seconds = BACKOFF[Math.min(state.retryIndex, BACKOFF.length - 1)];
    state.retryIndex += 1;
    say(t(messageKey, Object.assign({ s: seconds }, params)));
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => sync(), seconds * 1000);
  }

  async function sync() {
    if (state.syncing) return;
    await loadRecords();
    const waiting = queued();
    if (!waiting.length) {
      say(t("queue_empty"));
      renderStatus();
      return;
    }
    if (!navigator.onLine) {
      say(t("offline"));
      return;
    }
    state.syncing = true;
    clearTimeout(state.retryTimer);
    renderStatus();
    say(t("sending", { n: waiting.length }));
    let sent = 0;
    try {
      for (let start = 0; start < waiting.length; start += config.batch) {
        const batch = waiting.slice(start, start + config.batch);
        for (const record of batch) {
          record.attempts = (record.attempts || 0) + 1;
          await putRecord(record);
        }
        let response;
        try {
          response = await fetch(config.sync, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ records: batch.map(payload) }),
          });
        } catch (error) {
          scheduleRetry("retry");
          return;
        }
        if (response.status === 401 || response.status === 403) {
          const body = await response.json().catch(() => ({}));
          say(t(body.code === "permission_denied" ? "forbidden" : "need_login"));
          return;
        }
        if (!response.ok) {
          scheduleRetry("server_error", { code: response.status });
          return;
        }
        const { results } = await response.json();
        for (const result of results) {
          const record = batch[result.index];
          if (!record) continue;
          record.result = result;
          if (["created", "updated", "duplicate", "merged"].includes(result.status)) {
            record.state = "done";
            record.done_at = new Date().toISOString();
            // personal data leaves the phone's queue once the server has it: the line keeps the name only
            delete record.fields;
            delete record.members;
            delete record.base;
            sent += 1;
          } else {
            record.state = "error";
          }
          await putRecord(record);
        }
      }
      state.retryIndex = 0;
      say(t("sent", { n: sent }));
      const list = await fetchJson(config.households, "households:" + config.user);
      if (list) {
        state.villages = list.villages;
        state.households = list.households;
      }
    } finally {
      state.syncing = false;
      await loadRecords();
      render();
    }
  }

  // ------------------------------------------------------------------------------------------------ start

  function wire() {
    $("[data-sync]").addEventListener("click", () => sync());
    $("[data-new-household]").addEventListener("click", () => openForm(null));
    $("[data-cancel]").addEventListener("click", closeForm);
    $("[data-household-form]").addEventListener("submit", saveForm);
    $("[data-add-member]").addEventListener("click", () => {
      const members = $("[data-members]");
      const card = memberCard({ uid: crypto.randomUUID(), answers: {} }, members.children.length + 1);
      members.append(card);
      card.querySelector("input").focus();
    });
    root.addEventListener("click", (event) => {
      const edit = event.target.closest("[data-edit]");
      if (edit) openForm(edit.dataset.edit);
      const fix = event.target.closest("[data-fix]");
      if (fix) {
        const record = state.records.find((r) => r.client_id === fix.dataset.fix);
        if (record) openForm(record.uid, record);
      }
      const remove = event.target.closest("[data-remove-member]");
      if (remove) {
        remove.closest("[data-member]").remove();
        renumberMembers();
      }
    });
    root.addEventListener("input", (event) => {
      if (event.target.matches('[data-key="birth_year"]')) applyAges(event.target.closest("[data-member]"));
    });
    window.addEventListener("online", () => {
      renderStatus();
      state.retryIndex = 0;
      sync();
    });
    window.addEventListener("offline", renderStatus);
    // signing out (or in) anywhere: the cached household list and the kept page leave the phone — xaso/app.js does
    // it for every <form data-forget-offline>; unsent records stay, kept for their account only
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(config.sw, { scope: config.scope });
      await navigator.serviceWorker.ready;
      document.documentElement.dataset.offlineReady = "1";
    } catch (error) {
      document.documentElement.dataset.offlineReady = "0";
    }
  }

  async function start() {
    await openStore();
    wire();
    await loadRecords();
    await loadData();
    render();
    root.dataset.ready = "1";
    registerWorker();
    if (navigator.onLine && queued().length) sync();
  }

  start();
})();
