// What typing queries into the header box of a built sharded site asks of the network, keystroke
// by keystroke, without a browser: rounds (each waits for a round trip), requests (chromium
// spends about 2.5 ms on each on a 2-core machine, even from its cache), gzip bytes, and CPU.
//
// Usage: node benchmarks/search_requests.js SITE_DIR ["query one|query two" ...] [--quiet]
//
// Runs the site's own static/search/sharded.js in node with the theme's lunr.js, answering every
// fetch at once from SITE_DIR/search/, as search.js would call it: each keystroke's text (the last
// word completed as a prefix from its third letter), its best 8, then their result data, then its
// look-ahead for the likeliest next letter (counted apart: no one waits for it). Counts are
// exact and repeatable; CPU is node's, noisy, and includes JIT warm-up; benchmarks/search_shards.py
// measures the same typing in chromium. A fresh index per query, as a fresh page would have.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

// The queries the search benchmarks share, one a line ("#" starts a comment).
const QUERIES = fs.readFileSync(path.join(__dirname, "queries.txt"), "utf8").split("\n")
  .map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
const SHOWN = 8; // the header box's results
const MIN_PREFIX_LENGTH = 3; // search.js completes the last word from its third letter

const args = process.argv.slice(2);
const quiet = args.includes("--quiet");
const [site, queryList] = args.filter((arg) => arg !== "--quiet");
if (!site) {
  console.error("usage: node benchmarks/search_requests.js SITE_DIR [\"query one|query two\"] [--quiet]");
  process.exit(2);
}
const manifestPath = path.join(site, "search", "manifest.json");
if (!fs.existsSync(manifestPath)) {
  console.error(`${manifestPath} is missing: build an archive above [search] shard_threshold first`);
  process.exit(2);
}
const queries = queryList ? queryList.split("|") : QUERIES;
global.window = global;
global.lunr = require(path.join(__dirname, "..", "themes", "default", "static", "search", "lunr", "lunr.min.js"));
// The site's own copy: what its readers run.
new Function(fs.readFileSync(path.join(site, "static", "search", "sharded.js"), "utf8"))();
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));

let pending = [];
function fetchJson(url) {
  return new Promise((resolve) => pending.push({ url, resolve }));
}

// Answers the fetches of PROMISE round by round: all asked before the answers come are one round.
async function drive(promise, counts) {
  let done = false;
  let result;
  let failure;
  promise.then((value) => { done = true; result = value; }, (error) => { done = true; failure = error; });
  await new Promise((resolve) => setImmediate(resolve));
  while (!done) {
    if (pending.length) {
      counts.rounds += 1;
      const batch = pending;
      pending = [];
      for (const fetch of batch) {
        const relative = decodeURIComponent(new URL(fetch.url).pathname).replace(/^\//, "");
        const raw = fs.readFileSync(path.join(site, relative));
        const started = process.cpuUsage();
        counts.bytes += zlib.gzipSync(raw, { level: 6 }).length;
        const spent = process.cpuUsage(started);
        counts.overhead += (spent.user + spent.system) / 1000; // ours, not the reader's
        counts.requests += 1;
        const kind = relative.split("/")[1];
        counts.kinds[kind] = (counts.kinds[kind] || 0) + 1;
        fetch.resolve(JSON.parse(raw));
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (failure) throw failure;
  return result;
}

// The text the header box searches for TYPEDTEXT (a lone letter after other words left out), as
// parsed by lunr, and its last clause.
function parse(typedText) {
  const started = /^(.*\S\s+)[a-z0-9]$/i.exec(typedText);
  const text = started ? started[1] : typedText;
  const query = new lunr.Query(manifest.fields);
  new lunr.QueryParser(text, query).parse();
  return { text, query, last: query.clauses[query.clauses.length - 1] };
}

// search.js's header box over the sharded engine: the query as typed, but for one letter after
// other words (the start of the next word, left for its second letter), the last word completed
// as a prefix from its third letter and backed off to the longest start an index term shares (at
// least half the word). SPECULATIVE: a look-ahead (see ShardedIndex.query).
function search(index, typedText, top, speculative = false) {
  const { text, query, last } = parse(typedText);
  if (last && !/\s$/.test(text) && last.presence === lunr.Query.presence.OPTIONAL && last.usePipeline &&
      !last.editDistance && last.term.indexOf("*") === -1 && last.term.length === MIN_PREFIX_LENGTH - 1) {
    index.preloadPrefixes(last.term); // the list the next letter will ask for
  }
  if (/\s$/.test(text) || !last || last.term.length < MIN_PREFIX_LENGTH || last.term.indexOf("*") !== -1 ||
      last.editDistance || last.presence !== lunr.Query.presence.OPTIONAL || !last.usePipeline ||
      !lunr.stopWordFilter(new lunr.Token(last.term))) {
    return index.query(query, top, undefined, speculative);
  }
  const typed = { term: last.term, fields: last.fields, boost: last.boost / 2, usePipeline: false,
    wildcard: lunr.Query.wildcard.TRAILING, presence: lunr.Query.presence.OPTIONAL };
  query.clause(typed);
  const word = Array.from(last.term);
  if (word.length <= MIN_PREFIX_LENGTH) return index.query(query, top, undefined, speculative); // never backs off
  index.preload(query, top);
  return index.termsAround(last.term).then((around) => {
    const shared = Math.max(...around.map((term) => {
      const other = Array.from(term);
      let length = 0;
      while (length < word.length && word[length] === other[length]) length += 1;
      return length;
    }));
    if (shared < word.length && shared >= Math.max(MIN_PREFIX_LENGTH, Math.ceil(word.length / 2))) {
      typed.term = word.slice(0, shared).join("") + "*";
    }
    return index.query(query, top, undefined, speculative);
  });
}

// search.js's look-ahead once a keystroke is answered: the text with the letter the index finds
// likeliest next, searched and its results' data fetched while the reader pauses. Resolves to that
// text, or null when no letter is likely enough.
function lookAhead(index, typedText, top) {
  const { text, query, last } = parse(typedText);
  if (/\s$/.test(text) || !last || last.term.length < MIN_PREFIX_LENGTH - 1 || last.term.indexOf("*") !== -1 ||
      last.editDistance || last.presence !== lunr.Query.presence.OPTIONAL || !last.usePipeline ||
      (last.term.length >= MIN_PREFIX_LENGTH && !lunr.stopWordFilter(new lunr.Token(last.term)))) {
    return Promise.resolve(null);
  }
  return index.likelyNextLetter(last.term).then((letter) => {
    if (letter === null) return null;
    return search(index, text + letter, top, true)
      .then((hits) => index.documents(hits.slice(0, top).map((hit) => hit.ref)))
      .then(() => text + letter);
  });
}

function percentile(sorted, share) {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

(async () => {
  const keystrokes = [];
  for (const text of queries) {
    const index = window.sitegenShardedIndex(lunr, manifest, "http://site/search/manifest.json", fetchJson);
    let queryBytes = 0;
    for (let end = 1; end <= text.length; end += 1) {
      const typed = text.slice(0, end);
      if (!typed.trim()) continue;
      const counts = { rounds: 0, requests: 0, bytes: 0, overhead: 0, kinds: {} };
      const started = process.cpuUsage();
      const hits = await drive(search(index, typed, SHOWN), counts);
      await drive(index.documents(hits.slice(0, SHOWN).map((hit) => hit.ref)), counts);
      const spent = process.cpuUsage(started);
      counts.cpu = (spent.user + spent.system) / 1000 - counts.overhead;
      keystrokes.push(counts);
      queryBytes += counts.bytes;
      // Its requests are counted apart: the reader waits for none of them.
      const ahead = { rounds: 0, requests: 0, bytes: 0, overhead: 0, kinds: {} };
      const guessed = await drive(lookAhead(index, typed, SHOWN), ahead);
      counts.aheadRequests = ahead.requests;
      counts.aheadBytes = ahead.bytes;
      queryBytes += ahead.bytes;
      if (!quiet) {
        const kinds = Object.entries(counts.kinds).map(([kind, n]) => `${kind} ${n}`).join(", ");
        console.log(`${JSON.stringify(typed).padEnd(32)} rounds ${String(counts.rounds).padStart(2)}  requests ` +
          `${String(counts.requests).padStart(3)}  ${(counts.bytes / 1024).toFixed(1).padStart(6)} KB  CPU ` +
          `${counts.cpu.toFixed(0).padStart(4)} ms  ${kinds}`);
        if (guessed !== null) {
          console.log(`    then ahead for ${JSON.stringify(guessed)}: ${ahead.requests} requests, ` +
            `${(ahead.bytes / 1024).toFixed(1)} KB`);
        }
      }
    }
    console.log(`${text}: ${(queryBytes / 1024).toFixed(0)} KB typed`);
  }
  const sum = (key) => keystrokes.reduce((total, counts) => total + counts[key], 0);
  const requests = keystrokes.map((counts) => counts.requests).sort((a, b) => a - b);
  const rounds = keystrokes.map((counts) => counts.rounds).sort((a, b) => a - b);
  console.log(`${queries.length} queries, ${keystrokes.length} keystrokes: ${sum("rounds")} rounds, ` +
    `${sum("requests")} requests, ${(sum("bytes") / 1024).toFixed(0)} KB gzip, ${sum("cpu").toFixed(0)} ms CPU; ` +
    `looking ahead: ${sum("aheadRequests")} requests, ${(sum("aheadBytes") / 1024).toFixed(0)} KB gzip`);
  console.log(`requests a keystroke: median ${percentile(requests, 0.5)}, p90 ${percentile(requests, 0.9)}, ` +
    `max ${requests[requests.length - 1]}; rounds a keystroke: median ${percentile(rounds, 0.5)}, ` +
    `p90 ${percentile(rounds, 0.9)}, max ${rounds[rounds.length - 1]}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
