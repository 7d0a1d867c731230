/*
 * Client-side search over the prebuilt Lunr index (built by sitegen with lunr.py).
 *
 * Nothing is downloaded until a reader shows intent (focus, hover, `/`) or a search page
 * has a query: then lunr.js, search/manifest.json and the files it names are fetched once.
 * The browser never builds an index; it only loads one with lunr.Index.load.
 *
 * Every URL is resolved against this script's own URL, so search works from any page
 * depth and under any sub-path the site is published at.
 *
 * Untrusted text (titles, abstracts, collection names) only ever reaches the page through
 * textContent and text nodes, never as markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // This file is served from <root>/static/search/search.js.
  var SITE_ROOT = new URL("../../", script.src);
  var LUNR_URL = new URL("lunr/lunr.min.js", script.src);
  var SHARDED_URL = new URL("sharded.js", script.src);
  var MANIFEST_URL = new URL("search/manifest.json", SITE_ROOT);

  var DEBOUNCE_MS = 120; // the search page's pause before it searches and records the query
  var DROPDOWN_LIMIT = 8;
  var PAGE_BATCH = 50;
  var SNIPPET_LENGTH = 200; // characters of abstract around the matched words
  var SNIPPET_LEAD = 50; // characters shown before the first matched word
  var WORD_CHAR = /[\p{L}\p{N}]/u;
  // lunr expands a fuzzy term into every spelling within the distance; past 2 that grows fast
  // enough to freeze the tab, and matches little a reader would want.
  var MAX_EDIT_DISTANCE = 2;

  /* ---------------- engines: how a query becomes ranked refs and result data ---------------- */

  // Each index format in manifest.json maps to a loader returning the same engine shape:
  //   search(queryText, top, signal) -> Promise<[{ref, score, matchData}]>, best first; given
  //     TOP, an engine may rank only the best TOP, and then sets `complete` false and `total` to
  //     a lower bound on the number of matches; once SIGNAL (an AbortSignal) is aborted, an
  //     engine that fetches may stop and reject
  //   documents(refs) -> Promise<[document]>, same order, for the results actually shown
  var ENGINE_LOADERS = { "lunr-single": openSingleIndex, "lunr-sharded": openShardedIndex };

  function createEngineLoader() {
    var pending = null;
    return function loadEngine() {
      if (!pending) {
        pending = openEngine().catch(function (error) {
          pending = null; // a later attempt may succeed (e.g. the network came back)
          throw error;
        });
      }
      return pending;
    };
  }

  function openEngine() {
    return fetchJson(MANIFEST_URL).then(function (manifest) {
      var loader = ENGINE_LOADERS[manifest.format];
      if (!loader) {
        throw new Error("search/manifest.json has an unknown format: " + manifest.format);
      }
      return loader(manifest, MANIFEST_URL);
    });
  }

  function openSingleIndex(manifest, manifestUrl) {
    return Promise.all([
      loadLunr(),
      fetchJson(new URL(manifest.index, manifestUrl)),
      fetchJson(new URL(manifest.documents, manifestUrl)),
    ]).then(function (loaded) {
      var lunr = loaded[0];
      fixTokenSetKeys(lunr);
      var index = lunr.Index.load(loaded[1]);
      var store = loaded[2];
      var terms = null; // every index term, sorted; only a word typed past its stem needs them
      return {
        paperCount: manifest.papers,
        search: function (queryText) {
          return Promise.resolve(index.query(function (query) {
            fillQuery(lunr, query, queryText);
            var typed = typedWordClause(query);
            if (typed) {
              terms = terms || Object.keys(index.invertedIndex).sort();
              backOffTypedWord(typed, termsAround(terms, typedWord(typed)));
            }
          }));
        },
        documents: function (refs) {
          return Promise.resolve(refs.map(function (ref) { return store[ref]; }));
        },
      };
    });
  }

  // A large index comes in pieces (see sharded.js); the same query runs over the pieces it needs.
  function openShardedIndex(manifest, manifestUrl) {
    return Promise.all([loadLunr(), loadScript(SHARDED_URL)]).then(function (loaded) {
      var lunr = loaded[0];
      fixTokenSetKeys(lunr);
      var index = window.sitegenShardedIndex(lunr, manifest, manifestUrl, fetchJson);
      // SPECULATIVE: a look-ahead, which the reader does not wait for (see ShardedIndex.query).
      function run(queryText, top, signal, speculative) {
        return new Promise(function (resolve) {
          var query = new lunr.Query(manifest.fields);
          fillQuery(lunr, query, queryText);
          var typed = typedWordClause(query);
          var shortWord = wordOneLetterShort(lunr, query, queryText);
          // The next letter will make it a prefix with a list of its own: fetch that list's file now.
          if (shortWord) index.preloadPrefixes(shortWord);
          // A word no longer than the shortest prefix never backs off: its terms around are not needed.
          if (!typed || Array.from(typedWord(typed)).length <= MIN_PREFIX_LENGTH) {
            return resolve(index.query(query, top, signal, speculative));
          }
          // The pieces the word needs as typed come meanwhile: it seldom runs past its stem.
          index.preload(query, top);
          resolve(index.termsAround(typedWord(typed)).then(function (around) {
            backOffTypedWord(typed, around);
            return index.query(query, top, signal, speculative);
          }));
        });
      }
      return {
        paperCount: manifest.papers,
        search: function (queryText, top, signal) {
          return run(queryText, top, signal, false);
        },
        documents: function (refs) {
          return index.documents(refs);
        },
        // Fetches what QUERYTEXT plus its likeliest next letter will need, results' data included,
        // while the reader pauses between keys (see ShardedIndex.likelyNextLetter); SIGNAL, the
        // next query's abort, stops it, and whatever it fetched serves that query if it needs it.
        lookAhead: function (queryText, top, signal) {
          var query = new lunr.Query(manifest.fields);
          fillQuery(lunr, query, queryText);
          var typed = typedWordClause(query);
          var word = typed ? typedWord(typed) : wordOneLetterShort(lunr, query, queryText);
          if (word === null) return Promise.resolve();
          return index.likelyNextLetter(word).then(function (letter) {
            if (letter === null || (signal && signal.aborted)) return null;
            return run(queryText + letter, top, signal, true).then(function (hits) {
              return index.documents(hits.slice(0, top).map(function (hit) { return hit.ref; }));
            });
          });
        },
      };
    });
  }

  // While typing, one letter after other words is the start of the next word. Searched as a word
  // ("graph n"), it ranks papers by a stray letter and, in a large index, fetches a long list for
  // it (16 requests for "language m" at 100,000 papers); the box answers with the words before it
  // until the next letter comes. Enter, or a space after it, searches it as typed.
  function withoutLoneLastLetter(queryText) {
    var lone = /^(.*\S\s+)[a-z0-9]$/i.exec(queryText);
    return lone ? lone[1] : queryText;
  }

  function fillQuery(lunr, query, queryText) {
    new lunr.QueryParser(queryText, query).parse();
    query.clauses.forEach(function (clause) {
      if (clause.editDistance > MAX_EDIT_DISTANCE) {
        throw new lunr.QueryParseError("fuzzy distance above " + MAX_EDIT_DISTANCE, 0, queryText.length);
      }
    });
    if (!/\s$/.test(queryText)) {
      matchLastWordAsPrefix(lunr, query);
    }
  }

  // While typing, the last word is usually unfinished: "transf" should already find
  // "transformer". An optional prefix clause adds those matches without losing exact ones.
  // Two letters start hundreds of words: that ranks nothing useful, and on a sharded index
  // it would download a large part of it (benchmarks/search_shards.py).
  var MIN_PREFIX_LENGTH = 3;
  function matchLastWordAsPrefix(lunr, query) {
    var last = query.clauses[query.clauses.length - 1];
    if (!last || last.term.length < MIN_PREFIX_LENGTH || last.term.indexOf("*") !== -1 || last.editDistance ||
        last.presence !== lunr.Query.presence.OPTIONAL || !last.usePipeline ||
        !lunr.stopWordFilter(new lunr.Token(last.term))) {
      return; // a stop word ("the") as a prefix would match nearly every paper
    }
    query.clause({
      term: last.term,
      fields: last.fields,
      boost: last.boost / 2, // an exact word still ranks above a word it merely starts
      usePipeline: false,
      wildcard: lunr.Query.wildcard.TRAILING,
      presence: lunr.Query.presence.OPTIONAL,
      typedWord: true,
    });
  }

  // The last word of QUERYTEXT if it is being typed and one letter short of being completed as a
  // prefix, else null.
  function wordOneLetterShort(lunr, query, queryText) {
    var last = query.clauses[query.clauses.length - 1];
    if (!last || /\s$/.test(queryText) || last.presence !== lunr.Query.presence.OPTIONAL || !last.usePipeline ||
        last.editDistance || last.term.indexOf("*") !== -1 || last.term.length !== MIN_PREFIX_LENGTH - 1) {
      return null;
    }
    return last.term;
  }

  function typedWordClause(query) {
    var last = query.clauses[query.clauses.length - 1];
    return last && last.typedWord ? last : null;
  }

  function typedWord(clause) {
    return clause.term.slice(0, -1); // without the trailing wildcard
  }

  // The index holds stems, and a word typed past its stem starts none of them: "reinforcem" is on
  // its way to "reinforcement", indexed as "reinforc". So the prefix clause backs off to the
  // longest start of the word that an index term shares, keeping at least half the word (a word
  // that is no word at all still finds nothing). AROUND: the index terms just before the word
  // and at or after it, in sorted order; one of them shares the longest start with it.
  function backOffTypedWord(clause, around) {
    var word = Array.from(typedWord(clause));
    var shared = Math.max(sharedStart(word, around[0]), sharedStart(word, around[1]));
    if (shared < word.length && shared >= Math.max(MIN_PREFIX_LENGTH, Math.ceil(word.length / 2))) {
      clause.term = word.slice(0, shared).join("") + "*";
    }
  }

  function sharedStart(chars, text) {
    var other = Array.from(text);
    var length = 0;
    while (length < chars.length && length < other.length && chars[length] === other[length]) length++;
    return length;
  }

  // The terms of SORTED just before WORD and at or after it ("" where there is none).
  function termsAround(sorted, word) {
    var low = 0;
    var high = sorted.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (sorted[middle] < word) low = middle + 1; else high = middle;
    }
    return [low > 0 ? sorted[low - 1] : "", low < sorted.length ? sorted[low] : ""];
  }

  function loadLunr() {
    if (window.lunr) {
      return Promise.resolve(window.lunr);
    }
    return loadScript(LUNR_URL).then(function () { return window.lunr; });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url.href;
      tag.async = true;
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error("could not load " + url.href)); };
      document.head.appendChild(tag);
    });
  }

  // lunr.js 2.3.9 keys token-set nodes by edge label + node id with no separator, so once words
  // hold digits two different nodes can share a key and Index.load merges them: a word such as
  // "1000x1000" becomes unfindable and a wildcard query throws (olivernn/lunr.js#503). Ending
  // each id with a separator makes keys unique; the loaded index is otherwise unchanged.
  function fixTokenSetKeys(lunr) {
    lunr.TokenSet.prototype.toString = function () {
      if (this._str) {
        return this._str;
      }
      var key = this.final ? "1" : "0";
      var labels = Object.keys(this.edges).sort();
      for (var i = 0; i < labels.length; i++) {
        key += labels[i] + this.edges[labels[i]].id + ";";
      }
      return key;
    };
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error("could not load " + url + " (HTTP " + response.status + ")");
      }
      return response.json();
    });
  }

  /* ---------------- query errors a reader can fix ---------------- */

  function isQueryError(error) {
    return Boolean(window.lunr && error instanceof window.lunr.QueryParseError);
  }

  function friendlyQueryError(error) {
    var field = /unrecognised field '([^']*)'/.exec(error.message);
    if (field) {
      return "There is no field “" + field[1] + ":”. Search one of title:, abstract:, collections: or tags:, " +
        "or leave the field out to search them all.";
    }
    if (/fuzzy distance/.test(error.message)) {
      return "Fuzzy matching goes up to ~" + MAX_EDIT_DISTANCE + ", as in graph~2 (words up to two letters away).";
    }
    if (/edit distance/.test(error.message)) {
      return "Put a number after ~, as in graph~1 (words one letter away from “graph”).";
    }
    if (/boost/.test(error.message)) {
      return "Put a number after ^, as in graph^10 (makes “graph” count ten times more).";
    }
    return "This search is not complete: put a word right after a field name (title:graph) " +
      "and right after + or - (+graph -survey).";
  }

  /* ---------------- snippets and highlighting from lunr's position metadata ---------------- */

  // Positions are offsets (in code points) into the lowercased text lunr.py indexed. Lowercasing
  // can lengthen a character (İ -> i̇), so map each lowered offset back to the original text.
  function loweredToOriginal(chars) {
    var map = [];
    // No character lowers to nothing, so if none lengthens the map is the identity: the usual
    // case, found without lowering each character alone (a tenth of a keystroke's time).
    if (Array.from(chars.join("").toLowerCase()).length === chars.length) {
      for (var at = 0; at <= chars.length; at++) map.push(at);
      return map;
    }
    for (var i = 0; i < chars.length; i++) {
      var width = Array.from(chars[i].toLowerCase()).length;
      for (var k = 0; k < width; k++) {
        map.push(i);
      }
    }
    map.push(chars.length);
    return map;
  }

  function matchedSpans(matchData, field, chars) {
    var map = loweredToOriginal(chars);
    var spans = [];
    Object.keys(matchData.metadata).forEach(function (term) {
      var fields = matchData.metadata[term][field];
      (fields && fields.position || []).forEach(function (position) {
        var start = map[Math.min(position[0], map.length - 1)];
        var end = map[Math.min(position[0] + position[1], map.length - 1)];
        // Tokens keep surrounding punctuation ("networks."); highlight the word only.
        while (start < end && !WORD_CHAR.test(chars[start])) start++;
        while (end > start && !WORD_CHAR.test(chars[end - 1])) end--;
        if (start < end) spans.push([start, end]);
      });
    });
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    spans.forEach(function (span) {
      var previous = merged[merged.length - 1];
      if (previous && span[0] <= previous[1]) {
        previous[1] = Math.max(previous[1], span[1]);
      } else {
        merged.push(span.slice());
      }
    });
    return merged;
  }

  // The window of SNIPPET_LENGTH characters holding the most matches, widened to whole words.
  function snippetWindow(chars, spans) {
    if (chars.length <= SNIPPET_LENGTH) {
      return [0, chars.length];
    }
    var bestStart = 0;
    var bestCount = 0;
    spans.forEach(function (anchor, i) {
      var start = Math.max(0, anchor[0] - SNIPPET_LEAD);
      var count = 0;
      for (var j = i; j < spans.length && spans[j][1] <= start + SNIPPET_LENGTH; j++) count++;
      if (count > bestCount) {
        bestCount = count;
        bestStart = start;
      }
    });
    var end = Math.min(chars.length, bestStart + SNIPPET_LENGTH);
    while (bestStart > 0 && chars[bestStart - 1] !== " ") bestStart--;
    while (end < chars.length && chars[end] !== " ") end++;
    return [bestStart, end];
  }

  function highlightedText(text, spans, window) {
    var chars = Array.from(text);
    var from = window ? window[0] : 0;
    var to = window ? window[1] : chars.length;
    var fragment = document.createDocumentFragment();
    if (from > 0) fragment.appendChild(document.createTextNode("… "));
    var cursor = from;
    spans.forEach(function (span) {
      var start = Math.max(span[0], cursor);
      var end = Math.min(span[1], to);
      if (start >= end) return;
      fragment.appendChild(document.createTextNode(chars.slice(cursor, start).join("")));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(start, end).join("");
      fragment.appendChild(mark);
      cursor = end;
    });
    fragment.appendChild(document.createTextNode(chars.slice(cursor, to).join("")));
    if (to < chars.length) fragment.appendChild(document.createTextNode(" …"));
    return fragment;
  }

  /* ---------------- one result ---------------- */

  // The option is the link itself: an option may not contain a focusable element (a link inside it
  // would be unreachable for screen readers), and a real link keeps middle-click and "copy link".
  // It stays out of the tab order; the arrow keys move through options (aria-activedescendant).
  function resultItem(hit, doc, id) {
    var wrapper = document.createElement("li");
    wrapper.setAttribute("role", "none");
    var item = document.createElement("a");
    item.className = "search-result";
    item.id = id;
    item.href = new URL(doc.url, SITE_ROOT).href;
    item.tabIndex = -1;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    wrapper.appendChild(item);

    var title = document.createElement("span");
    title.className = "search-result-title";
    var titleChars = Array.from(doc.title);
    title.appendChild(highlightedText(doc.title, matchedSpans(hit.matchData, "title", titleChars)));
    item.appendChild(title);

    if (doc.abstract) {
      var abstractChars = Array.from(doc.abstract);
      var spans = matchedSpans(hit.matchData, "abstract", abstractChars);
      var snippet = document.createElement("p");
      snippet.className = "search-result-snippet";
      snippet.appendChild(highlightedText(doc.abstract, spans, snippetWindow(abstractChars, spans)));
      item.appendChild(snippet);
    }

    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    if (doc.code) {
      var badge = document.createElement("span");
      badge.className = "chip chip-code";
      badge.textContent = "Code";
      meta.appendChild(badge);
    }
    doc.collections.forEach(function (name) {
      var collection = document.createElement("span");
      collection.className = "chip";
      collection.textContent = name;
      meta.appendChild(collection);
    });
    item.appendChild(meta);
    return wrapper;
  }

  /* ---------------- a search input driving a listbox of results ---------------- */

  // parts: {form, input, status, list, more (optional), popup (optional)}; the header box
  // shows results in a popup, the search page shows them in place with a "more" button.
  function SearchView(parts, loadEngine, options) {
    this.parts = parts;
    this.loadEngine = loadEngine;
    this.limit = options.limit;
    this.top = options.top; // rank only this many (undefined: all)
    this.typing = Boolean(options.typing); // answers keystroke by keystroke, before a word is done
    this.idPrefix = options.idPrefix;
    this.hits = [];
    this.shown = 0;
    this.active = -1;
    this.generation = 0; // a slow answer to an old query must not overwrite a newer one
    this.running = null; // the AbortController of the latest query, if the browser has them
    this.lastQuery = null;
  }

  SearchView.prototype.warmUp = function () {
    this.loadEngine().catch(function () { /* reported when a search is actually run */ });
  };

  SearchView.prototype.run = function (queryText) {
    var view = this;
    var generation = ++view.generation;
    // An older query still fetching would only delay this one's files (a sharded index).
    if (view.running) view.running.abort();
    view.running = typeof AbortController === "function" ? new AbortController() : null;
    var signal = view.running ? view.running.signal : undefined;
    var query = queryText.trim();
    view.lastQuery = query;
    if (!query) {
      view.clear();
      view.onEmpty();
      view.markAnswered("");
      return Promise.resolve();
    }
    var loading = window.setTimeout(function () {
      if (generation === view.generation) view.setStatus("Loading the search index…");
    }, 200);
    var engine = null;
    return view.loadEngine()
      .then(function (loaded) {
        engine = loaded;
        return engine.search(view.typing ? withoutLoneLastLetter(queryText) : queryText, view.top, signal);
      })
      .then(function (hits) {
        if (generation !== view.generation) return null;
        return view.show(hits, generation).then(function () {
          if (generation !== view.generation) return;
          // Shown first: a live region inside a hidden popup would not be announced.
          var complete = hits.complete !== false;
          var total = complete ? hits.length : hits.total;
          view.onResults(total, complete);
          view.setStatus(countText(total, query, complete));
          view.markAnswered(query);
          if (view.typing && engine.lookAhead) {
            engine.lookAhead(withoutLoneLastLetter(queryText), view.top, signal).catch(function () {
              /* a guess: the next keystroke fetches what it needs itself */
            });
          }
        });
      })
      .catch(function (error) {
        if (generation !== view.generation) return;
        view.clear();
        view.onResults(0);
        if (isQueryError(error)) {
          view.setStatus(friendlyQueryError(error), "error");
        } else if (window.location.protocol === "file:") {
          view.setStatus("Search needs the site served over HTTP, not opened as files: run " +
            "`sitegen serve` and open the address it prints.", "error");
        } else {
          view.setStatus("Search is not available right now (" + error.message + "). " +
            "Reload the page to try again.", "error");
        }
        view.markAnswered(query);
      })
      .finally(function () { window.clearTimeout(loading); });
  };

  // Replaces the results with the first of HITS once their data is in: never an empty list in
  // between, which would flash on every keystroke.
  SearchView.prototype.show = function (hits, generation) {
    var view = this;
    var batch = hits.slice(0, view.limit);
    return view.dataOf(batch).then(function (docs) {
      if (generation !== view.generation) return;
      view.hits = hits;
      view.shown = 0;
      view.parts.list.textContent = "";
      view.setActive(-1);
      view.append(batch, docs);
    });
  };

  SearchView.prototype.showMore = function (generation) {
    var view = this;
    var batch = view.hits.slice(view.shown, view.shown + view.limit);
    return view.dataOf(batch).then(function (docs) {
      if (generation !== view.generation) return;
      view.append(batch, docs);
    });
  };

  // What the results in BATCH show (title, URL, abstract, ...), in the same order.
  SearchView.prototype.dataOf = function (batch) {
    return this.loadEngine().then(function (engine) {
      return engine.documents(batch.map(function (hit) { return hit.ref; }));
    });
  };

  SearchView.prototype.append = function (batch, docs) {
    var view = this;
    batch.forEach(function (hit, i) {
      if (!docs[i]) return; // an index and store from different builds: skip, never crash
      var id = view.idPrefix + "-option-" + (view.shown + i);
      view.parts.list.appendChild(resultItem(hit, docs[i], id));
    });
    view.shown += batch.length;
    if (view.parts.more) {
      view.parts.more.hidden = view.shown >= view.hits.length;
    }
  };

  // Which query the list currently answers, for scripts and tests that wait for results.
  SearchView.prototype.markAnswered = function (query) {
    this.parts.list.setAttribute("data-query", query);
  };

  SearchView.prototype.clear = function () {
    this.hits = [];
    this.shown = 0;
    this.parts.list.textContent = "";
    this.setActive(-1);
    this.setStatus("");
    if (this.parts.more) this.parts.more.hidden = true;
  };

  SearchView.prototype.setStatus = function (text, kind) {
    this.parts.status.textContent = text;
    this.parts.status.classList.toggle("search-status-error", kind === "error");
  };

  SearchView.prototype.options = function () {
    return this.parts.list.querySelectorAll("[role=option]");
  };

  SearchView.prototype.setActive = function (position) {
    var options = this.options();
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = position;
    if (position >= 0 && options[position]) {
      options[position].setAttribute("aria-selected", "true");
      this.parts.input.setAttribute("aria-activedescendant", options[position].id);
      options[position].scrollIntoView({ block: "nearest" });
    } else {
      this.active = -1;
      this.parts.input.removeAttribute("aria-activedescendant");
    }
  };

  SearchView.prototype.activeLink = function () {
    return this.options()[this.active] || null;
  };

  // Returns true when the key was handled.
  SearchView.prototype.handleKey = function (event) {
    var count = this.options().length;
    if (event.key === "ArrowDown" && count) {
      this.onOpen();
      this.setActive(this.active + 1 < count ? this.active + 1 : 0);
      return true;
    }
    if (event.key === "ArrowUp" && count) {
      this.setActive(this.active > 0 ? this.active - 1 : (this.active === 0 ? -1 : count - 1));
      return true;
    }
    if (event.key === "Enter" && this.activeLink()) {
      window.location.assign(this.activeLink().href);
      return true;
    }
    return false;
  };

  SearchView.prototype.onEmpty = function () {};
  SearchView.prototype.onResults = function () {};
  SearchView.prototype.onOpen = function () {};

  // COMPLETE false: only the best results were ranked, and COUNT is a lower bound.
  function countText(count, query, complete) {
    if (count === 0) {
      return "No papers match “" + query + "”. Try fewer or shorter words, a wildcard (graph*) " +
        "or a fuzzy match (grpah~1).";
    }
    if (!complete) return "At least " + count + " papers match";
    return count === 1 ? "1 paper matches" : count + " papers match";
  }

  function debounce(action) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(action, DEBOUNCE_MS);
    };
  }

  /* ---------------- the header box: results in a dropdown ---------------- */

  function setUpHeaderBox(form, loadEngine) {
    var parts = {
      form: form,
      input: form.querySelector("[data-search-input]"),
      popup: form.querySelector("[data-search-popup]"),
      status: form.querySelector("[data-search-status]"),
      list: form.querySelector("[data-search-results]"),
    };
    var allLink = form.querySelector("[data-search-all]");
    // A large index then fetches only what ranks the shown few (see sharded.js).
    var view = new SearchView(parts, loadEngine,
      { limit: DROPDOWN_LIMIT, top: DROPDOWN_LIMIT, typing: true, idPrefix: "search-box" });

    function open() {
      parts.popup.hidden = false;
      parts.input.setAttribute("aria-expanded", "true");
    }
    function close() {
      parts.popup.hidden = true;
      parts.input.setAttribute("aria-expanded", "false");
      view.setActive(-1);
    }
    view.onOpen = function () {
      if (view.lastQuery) open();
    };
    view.onEmpty = close;
    view.onResults = function (count, complete) {
      if (allLink) {
        allLink.hidden = count <= DROPDOWN_LIMIT;
        allLink.href = searchPageUrl(parts.input.value.trim());
        allLink.textContent = complete ? "Show all " + count + " results"
          : "Show all results (at least " + count + ")";
      }
      if (document.activeElement === parts.input) open();
    };

    // Every keystroke searches at once: waiting for a pause would add its wait to every answer, and
    // a query the next keystroke supersedes stops fetching (SearchView.run).
    ["focus", "pointerenter", "touchstart"].forEach(function (type) {
      parts.input.addEventListener(type, function () { view.warmUp(); }, { once: true, passive: true });
    });
    parts.input.addEventListener("input", function () { view.run(parts.input.value); });
    parts.input.addEventListener("focus", function () {
      if (parts.input.value.trim() && view.lastQuery === parts.input.value.trim()) open();
    });
    parts.input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        if (!parts.popup.hidden) {
          close();
          event.preventDefault();
        }
        return;
      }
      if (view.handleKey(event)) {
        event.preventDefault();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!parts.input.value.trim()) event.preventDefault();
    });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) close();
    });
    document.addEventListener("pointerdown", function (event) {
      if (!form.contains(event.target)) close();
    });
    return parts.input;
  }

  function searchPageUrl(query) {
    var url = new URL("search/", SITE_ROOT);
    if (query) url.searchParams.set("q", query);
    return url.href;
  }

  /* ---------------- the search page: results in place, query in the URL ---------------- */

  function setUpSearchPage(page, loadEngine) {
    var parts = {
      form: page.querySelector("[data-search-form]"),
      input: page.querySelector("[data-search-input]"),
      status: page.querySelector("[data-search-status]"),
      list: page.querySelector("[data-search-results]"),
      more: page.querySelector("[data-search-more]"),
    };
    var help = page.querySelector("[data-search-help]");
    var view = new SearchView(parts, loadEngine, { limit: PAGE_BATCH, idPrefix: "search-page" });
    var baseTitle = document.title;
    // One history entry per burst of typing: the first change pushes, the rest replace, so
    // Back returns to the previous search rather than to each keystroke.
    var typingBurst = false;

    function queryFromUrl() {
      return new URLSearchParams(window.location.search).get("q") || "";
    }
    function showQuery(query) {
      document.title = query ? query + " – " + baseTitle : baseTitle;
      view.run(query);
    }
    function recordQuery(query, push) {
      var url = searchPageUrl(query.trim());
      if (url === window.location.href) return;
      if (push) {
        window.history.pushState(null, "", url);
      } else {
        window.history.replaceState(null, "", url);
      }
    }

    view.onEmpty = function () {
      if (help) help.hidden = false;
      parts.input.setAttribute("aria-expanded", "false");
    };
    view.onResults = function (count) {
      if (help) help.hidden = true;
      parts.input.setAttribute("aria-expanded", String(count > 0));
    };

    parts.input.addEventListener("input", debounce(function () {
      recordQuery(parts.input.value, !typingBurst);
      typingBurst = true;
      showQuery(parts.input.value);
    }));
    parts.input.addEventListener("blur", function () { typingBurst = false; });
    parts.input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        view.setActive(-1);
        return;
      }
      if (view.handleKey(event)) event.preventDefault();
    });
    parts.form.addEventListener("submit", function (event) {
      event.preventDefault();
      recordQuery(parts.input.value, !typingBurst);
      typingBurst = false;
      showQuery(parts.input.value);
    });
    if (parts.more) {
      parts.more.addEventListener("click", function () { view.showMore(view.generation); });
    }
    window.addEventListener("popstate", function () {
      typingBurst = false;
      parts.input.value = queryFromUrl();
      showQuery(parts.input.value);
    });

    parts.input.value = queryFromUrl();
    if (parts.input.value.trim()) {
      showQuery(parts.input.value);
    } else {
      whenIdle(function () { view.warmUp(); });
    }
    return parts.input;
  }

  function whenIdle(action) {
    if ("requestIdleCallback" in window) {
      window.requestIdleCallback(action, { timeout: 2000 });
    } else {
      window.setTimeout(action, 500);
    }
  }

  /* ---------------- wiring ---------------- */

  function isTyping(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function start() {
    var loadEngine = createEngineLoader();
    var inputs = [];
    var page = document.querySelector("[data-search-page]");
    if (page) inputs.push(setUpSearchPage(page, loadEngine));
    var box = document.querySelector("[data-search-box]");
    if (box) inputs.push(setUpHeaderBox(box, loadEngine));
    if (!inputs.length) return;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      inputs[0].focus();
      inputs[0].select();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
