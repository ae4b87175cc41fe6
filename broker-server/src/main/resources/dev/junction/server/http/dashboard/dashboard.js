// The dashboard polls the same JSON API that tools use; it renders names with textContent only, never as HTML,
// since queue and connection names come from clients.
"use strict";

const POLL_MILLIS = 5000;
// Lists are asked for as their first page: a table shows at most this many rows, and the broker refuses to
// answer a huge list unpaged.
const FIRST_PAGE = "?page=1&page_size=500";
let credentials = { user: "guest", password: "guest" };
let previousMqtt = null;

function authorization() {
  return "Basic " + btoa(credentials.user + ":" + credentials.password);
}

async function api(path) {
  const response = await fetch("/api/" + path, { headers: { Authorization: authorization() } });
  if (response.status === 401) {
    throw new LoginRefused();
  }
  if (!response.ok) {
    throw new Error(path + " answered " + response.status);
  }
  return response.json();
}

class LoginRefused extends Error {}

function set(id, value) {
  document.getElementById(id).textContent = String(value);
}

function fillTable(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...rows.map(cells => {
    const row = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      if (typeof cell === "number") {
        td.className = "number";
      }
      row.appendChild(td);
    }
    return row;
  }));
}

function showRates(mqtt, now) {
  if (previousMqtt !== null) {
    const seconds = (now - previousMqtt.at) / 1000;
    set("rate-received", ((mqtt.messages_received - previousMqtt.received) / seconds).toFixed(1));
    set("rate-sent", ((mqtt.messages_sent - previousMqtt.sent) / seconds).toFixed(1));
  } else {
    set("rate-received", "–");
    set("rate-sent", "–");
  }
  previousMqtt = { at: now, received: mqtt.messages_received, sent: mqtt.messages_sent };
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [overview, queues, connections, channels] = await Promise.all([api("overview"),
      api("queues" + FIRST_PAGE), api("connections" + FIRST_PAGE), api("channels" + FIRST_PAGE)]);
    set("version", overview.product_version);
    set("total-connections", overview.object_totals.connections);
    set("total-sessions", overview.mqtt.sessions);
    set("total-channels", channels.total_count);
    set("total-queues", overview.object_totals.queues);
    set("total-consumers", overview.object_totals.consumers);
    set("total-ready", overview.queue_totals.messages_ready);
    set("total-unacked", overview.queue_totals.messages_unacknowledged);
    showRates(overview.mqtt, Date.now());
    fillTable("queues", queues.items.map(q => [q.vhost, q.name, q.messages_ready, q.messages_unacknowledged,
      q.consumers, q.durable ? "yes" : "no", q.exclusive ? "yes" : "no"]));
    fillTable("connections", connections.items.map(c => [c.name, c.protocol, c.state]));
    document.getElementById("content").hidden = false;
    document.getElementById("login").hidden = true;
    status.className = "";
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    status.className = "error";
    if (e instanceof LoginRefused) {
      document.getElementById("login").hidden = false;
      document.getElementById("content").hidden = true;
      status.textContent = "login refused";
    } else {
      status.textContent = "cannot reach the broker: " + e.message;
    }
  }
}

document.getElementById("login").addEventListener("submit", event => {
  event.preventDefault();
  const form = event.target;
  credentials = { user: form.elements.user.value, password: form.elements.password.value };
  refresh();
});

refresh();
setInterval(refresh, POLL_MILLIS);
