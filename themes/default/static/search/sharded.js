/*
 * Search over a sharded index (sitegen/search/shards.py): lunr's own scoring, computed here
 * over only the pieces of the index a query needs.
 *
 * search.js loads this file when search/manifest.json says "lunr-sharded", parses the query
 * with lunr.QueryParser into a lunr.Query, and hands it to ShardedIndex.query. That follows
 * lunr.Index.prototype.query step by step (required, prohibited and field-scoped clauses,
 * boosts, wildcard and fuzzy expansion with lunr's TokenSet), so results and scores are those
 * a single lunr index would give; only the order of papers with exactly equal scores may differ.
 *
 * A common term comes as a head (the papers where its impact, the sum of its weights over the
 * fields, is highest) and tiers of falling impact. A plain query (every clause optional, over
 * every field, not fuzzy) scores sum(factor * impact) over its terms, so its best K can be
 * settled from the heads: ShardedIndex.top fetches a tier, or a paper's vector of impacts,
 * only while a paper could still overtake one of the K. A trailing wildcard (the last word
 * being typed) adds the same factor to every word it expands to, so there it reads one prefix
 * list, the impacts of all those words summed per paper, instead of a list per word.
 */
(function () {
  "use strict";

  var SEPARATORS = " \t\n\r\f\v\u00a0-"; // lunr's tokenizer splits on these (see lunr.py)
  // lunr.py's trimmer keeps a token untouched unless it is one run of word characters with
  // non-word characters around it; Python's \w is Unicode-aware, unlike lunr.js's.
  var TRIMMED = /^[^\p{L}\p{N}\p{M}_]*?([\p{L}\p{N}\p{M}_]+)[^\p{L}\p{N}\p{M}_]*?$/u;
  var COMPLETE = "complete"; // a required-matches set that does not restrict anything yet
  var EMPTY = "empty";

  function ShardedIndex(lunr, manifest, manifestUrl, fetchJson) {
    this.lunr = lunr;
    this.manifest = manifest;
    this.paperCount = manifest.papers;
    this.fields = manifest.fields;
    this.pipeline = lunr.Pipeline.load(manifest.pipeline);
    this.scale = manifest.weight_scale;
    this.base = manifestUrl;
    this.fetchJson = fetchJson;
    this.loaded = { postings: {}, terms: {}, docs: {}, tiers: {}, vectors: {}, prefixes: {}, starts: {}, tops: {}, heads: {} }; // file -> Promise
    // term -> [per field: {docs: Int32Array, weights: Float64Array}], loaded papers; a prefix
    // list is kept under PREFIX_LIST + its key (no term holds a space) with one field of impacts.
    this.postings = {};
    this.tiers = {}; // common term or prefix list -> {rest: [[highest impact, papers, file]], papers, loaded}
    this.termNumbers = {}; // term -> its number in the papers' vectors
    this.postingTerms = {}; // posting file number -> its terms
    this.prefixKeys = {}; // prefix file number -> its keys
    this.starts = splitStarts(manifest.prefixes); // the word starts with a starts file, sorted
    this.startsKeys = {}; // starts file number -> its prefix keys (see loadStarts)
    this.startsTerms = {}; // starts file number -> its terms
    this.prefixRanges = {}; // prefix list -> [first, end): the numbers of the terms it sums
    this.vectors = new Map(); // paper -> {numbers: Int32Array of its terms, impacts: Int32Array}
    // by paper: 1 once its vector is in. `vectors` knows as much, but the bounds loop asks for every
    // paper seen, and a Map lookup each was its costliest line.
    this.hasVector = new Uint8Array(this.paperCount);
    // by paper: its slot in the bounds being worked out, else -1; reset after each use, since
    // filling 100,000 places every round cost more than the round's own work.
    this.slots = new Int32Array(this.paperCount).fill(-1);
    this.termLists = {}; // file number -> sorted terms
    this.docFiles = {}; // file number -> result data of its papers
    // key number (see topsFileOf) -> the file of the list whose best papers its list shares
    this.sharedTops = new Map(manifest.tops ? manifest.tops.shared : []);
    this.headFiles = {}; // common term or prefix list -> {file: of its head papers' vectors, papers: a Set of them}
    this.resultData = new Map(); // paper -> its result data, from tops files
    this.topsLoading = new Set(); // tops files on their way: result data waits for them
    this.positions = new Map(); // "paper/field" -> where its words are (see positionsIn)
    this.stems = new Map(); // a word of some result's text -> its index term, null for a stop word
  }

  var PREFIX_LIST = " ";

  ShardedIndex.prototype.load = function (kind, number, parse) {
    var self = this;
    if (!self.loaded[kind][number]) {
      var url = new URL(kind + "/" + number + ".json?v=" + self.manifest.version, self.base);
      self.loaded[kind][number] = self.fetchJson(url).then(parse).catch(function (error) {
        delete self.loaded[kind][number]; // let a later query try again
        throw error;
      });
    }
    return self.loaded[kind][number];
  };

  ShardedIndex.prototype.loadPostings = function (number) {
    var self = this;
    return self.load("postings", number, function (shard) {
      self.postingTerms[number] = shard.terms;
      shard.terms.forEach(function (term, i) {
        self.termNumbers[term] = shard.first + i;
        self.addList(term, shard.postings[i]);
      });
    });
  };

  ShardedIndex.prototype.addList = function (key, entry) {
    var self = this;
    // A starts file repeats lists and terms of other files: the first copy in is kept, with
    // whatever tiers were merged into it since.
    if (self.postings[key] !== undefined) return;
    if (!Array.isArray(entry)) {
      self.tiers[key] = { rest: entry.tiers, papers: entry.papers, loaded: 0 };
      var heads = entry.heads;
      entry = entry.head;
    }
    self.postings[key] = entry.map(function (field) {
      return decodePostings(field[0], field[1], self.scale);
    });
    if (heads !== undefined) self.headFiles[key] = { file: heads, papers: papersIn(self.postings[key]) };
  };

  ShardedIndex.prototype.loadPrefixes = function (number) {
    var self = this;
    return self.load("prefixes", number, function (shard) {
      self.prefixKeys[number] = shard.keys;
      shard.keys.forEach(function (key, i) {
        var entry = shard.entries[i];
        self.prefixRanges[PREFIX_LIST + key] = [entry.first, entry.end];
        self.addList(PREFIX_LIST + key, entry);
      });
    });
  };

  // The number of the starts file of START (a word one letter short of prefix lists), or -1.
  ShardedIndex.prototype.startsFileOf = function (start) {
    var starts = this.starts;
    if (!starts) return -1;
    var at = lowerBound(starts, start);
    return starts[at] === start ? at : -1;
  };

  // The manifest's starts, written end to end, as a sorted list.
  function splitStarts(prefixes) {
    if (!prefixes || typeof prefixes.starts !== "string") return null;
    var chars = Array.from(prefixes.starts);
    var width = prefixes.min_length - 1;
    var starts = [];
    for (var at = 0; at < chars.length; at += width) starts.push(chars.slice(at, at + width).join(""));
    return starts;
  }

  // A starts file (sitegen/search/shards.py) holds, for every prefix of prefix lists' shortest
  // length that starts with its start, the first prefix list it starts or else the one term it
  // starts, and the terms of that length: what the next letter needs, whichever letter it is.
  ShardedIndex.prototype.loadStarts = function (number) {
    var self = this;
    return self.load("starts", number, function (shard) {
      shard.keys.forEach(function (key, i) {
        var entry = shard.entries[i];
        self.prefixRanges[PREFIX_LIST + key] = [entry.first, entry.end];
        self.addList(PREFIX_LIST + key, entry);
      });
      shard.terms.forEach(function (term, i) {
        self.termNumbers[term] = shard.numbers[i];
        self.addList(term, shard.postings[i]);
      });
      self.startsKeys[number] = shard.keys;
      self.startsTerms[number] = shard.terms;
    });
  };

  // The loaded starts file that settles TEXT (as long as the shortest prefix keys), or -1. With
  // no file for its start, no term that long or longer starts as TEXT does: -2.
  ShardedIndex.prototype.startsSettling = function (text) {
    var prefixes = this.manifest.prefixes;
    if (!this.starts) return -1;
    var chars = Array.from(text);
    if (chars.length !== prefixes.min_length) return -1;
    var number = this.startsFileOf(chars.slice(0, -1).join(""));
    if (number === -1) return -2;
    return this.startsKeys[number] ? number : -1;
  };

  // What P* expands to (see resolvePrefix), if a loaded starts file says: {list} or {terms}; else null.
  ShardedIndex.prototype.fromStarts = function (prefix) {
    var number = this.startsSettling(prefix);
    if (number === -1) return null;
    if (number === -2) return { list: null, terms: [] };
    var keys = this.startsKeys[number];
    var at = lowerBound(keys, prefix);
    if (at < keys.length && keys[at].lastIndexOf(prefix, 0) === 0) return { list: PREFIX_LIST + keys[at], terms: null };
    var terms = this.startsTerms[number];
    at = lowerBound(terms, prefix);
    return { list: null, terms: at < terms.length && terms[at].lastIndexOf(prefix, 0) === 0 ? [terms[at]] : [] };
  };

  // The first posting term (KIND "postings") or prefix key ("prefixes") at or after TEXT, or
  // null: it is in the file TEXT sorts into, or else first in the next one.
  ShardedIndex.prototype.firstAtOrAfter = function (kind, text) {
    var self = this;
    var firsts = kind === "prefixes" ? self.manifest.prefixes.files : self.manifest.postings;
    function look(number) {
      if (number >= firsts.length) return Promise.resolve(null);
      var loading = kind === "prefixes" ? self.loadPrefixes(number) : self.loadPostings(number);
      return loading.then(function () {
        var items = kind === "prefixes" ? self.prefixKeys[number] : self.postingTerms[number];
        var at = lowerBound(items, text);
        return at < items.length ? items[at] : look(number + 1);
      });
    }
    var number = Math.max(0, fileFor(firsts, text));
    // The next file starts with TEXT: the answer is its first item unless this file has one
    // (TEXT sorts into its very end), and that item's own data is in it: fetched alongside.
    if (number + 1 < firsts.length && firsts[number + 1].lastIndexOf(text, 0) === 0) {
      (kind === "prefixes" ? self.loadPrefixes(number + 1) : self.loadPostings(number + 1)).catch(function () {
        /* look() reports it if it needs the file */
      });
    }
    return look(number);
  };

  function lowerBound(sorted, text) {
    var low = 0;
    var high = sorted.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (sorted[middle] < text) low = middle + 1; else high = middle;
    }
    return low;
  }

  ShardedIndex.prototype.finished = function (term) {
    var tiers = this.tiers[term];
    return !tiers || tiers.loaded === tiers.rest.length;
  };

  // The highest impact (in thousandths) of a paper with TERM not loaded yet.
  ShardedIndex.prototype.bound = function (term) {
    return this.finished(term) ? 0 : this.tiers[term].rest[this.tiers[term].loaded][0];
  };

  var NOT_STORED = -1; // the file of a prefix list's last papers, left out of the index

  function NotStored(list) {
    this.list = list;
  }

  ShardedIndex.prototype.loadNextTier = function (term) {
    return this.loadTiers(term, 1);
  };

  // The next COUNT tiers of TERM, fetched at once and merged in order.
  ShardedIndex.prototype.loadTiers = function (term, count) {
    var self = this;
    var tiers = self.tiers[term];
    var files = tiers.rest.slice(tiers.loaded, tiers.loaded + count).map(function (tier) { return tier[2]; });
    if (files.indexOf(NOT_STORED) !== -1) return Promise.reject(new NotStored(term));
    return Promise.all(files.map(function (file) {
      return self.load("tiers", file, function (fields) { return fields; });
    })).then(function (loaded) {
      loaded.forEach(function (fields, i) {
        // Another query may have merged it meanwhile.
        if (tiers.rest[tiers.loaded] && tiers.rest[tiers.loaded][2] === files[i]) {
          tiers.loaded += 1;
          self.postings[term] = self.postings[term].map(function (known, f) {
            return mergePostings(known, decodePostings(fields[f][0], fields[f][1], self.scale));
          });
        }
      });
    });
  };

  // How many of TERM's next tiers are being fetched already.
  ShardedIndex.prototype.tiersComing = function (term) {
    var tiers = this.tiers[term];
    var count = 0;
    while (tiers.rest[tiers.loaded + count] && this.loaded.tiers[tiers.rest[tiers.loaded + count][2]]) count += 1;
    return count;
  };

  ShardedIndex.prototype.loadAllTiers = function (term) {
    var self = this;
    if (self.finished(term)) return Promise.resolve();
    return self.loadNextTier(term).then(function () { return self.loadAllTiers(term); });
  };

  ShardedIndex.prototype.loadVector = function (doc) {
    var self = this;
    var perFile = self.manifest.documents.per_file;
    var number = Math.floor(doc / perFile);
    return self.load("vectors", number, function (vectors) {
      vectors.forEach(function (vector, i) { self.addVector(number * perFile + i, vector); });
    });
  };

  ShardedIndex.prototype.addVector = function (doc, vector) {
    var numbers = new Int32Array(vector[0].length);
    var term = 0;
    for (var j = 0; j < numbers.length; j++) {
      term += vector[0][j];
      numbers[j] = term;
    }
    this.vectors.set(doc, { numbers: numbers, impacts: Int32Array.from(vector[1]) });
    this.hasVector[doc] = 1;
  };

  // Fetches the vectors of PAPERS for a query over TERMS: where three or more of them are in the
  // head of one of its lists, that head's file (in large archives) brings them in one request,
  // with its other papers' vectors, which the next rounds often want; the rest come one file each.
  // Two were not enough: a head's 32 vectors are about 10 KB gzip, a paper's own file 0.4 KB.
  ShardedIndex.prototype.loadVectors = function (papers, terms) {
    var self = this;
    var wanted = papers.filter(function (doc) { return !self.hasVector[doc]; });
    var loads = [];
    // A head file still on its way (the look-ahead's, when the next key came first) brings its
    // papers sooner than their own files would: at a 30 ms round trip they cost a round more.
    terms.forEach(function (term) {
      var head = self.headFiles[term];
      var coming = head && self.loaded.heads[head.file];
      if (!coming || !wanted.some(function (doc) { return head.papers.has(doc); })) return;
      loads.push(coming);
      wanted = wanted.filter(function (doc) { return !head.papers.has(doc); });
    });
    for (;;) {
      var chosen = null;
      var most = 2;
      terms.forEach(function (term) {
        var head = self.headFiles[term];
        if (!head || self.loaded.heads[head.file]) return;
        var inHead = wanted.filter(function (doc) { return head.papers.has(doc); }).length;
        if (inHead > most) {
          chosen = head;
          most = inHead;
        }
      });
      if (!chosen) break;
      loads.push(self.load("heads", chosen.file, function (rows) {
        rows.forEach(function (row) { if (!self.hasVector[row[0]]) self.addVector(row[0], row[1]); });
      }));
      wanted = wanted.filter(function (doc) { return !chosen.papers.has(doc); });
    }
    return loads.concat(wanted.map(function (doc) { return self.loadVector(doc); }));
  };

  // The impact in a paper, from its VECTOR, of a term or (summed over its terms) of a prefix list.
  ShardedIndex.prototype.vectorImpact = function (vector, key) {
    var range = this.prefixRanges[key];
    var first = range ? range[0] : this.termNumbers[key];
    var end = range ? range[1] : first + 1;
    var sum = 0;
    for (var at = lowerBound(vector.numbers, first); at < vector.numbers.length && vector.numbers[at] < end; at++) {
      sum += vector.impacts[at];
    }
    return sum;
  };

  // Two postings of disjoint papers as one, in paper order.
  function mergePostings(a, b) {
    var docs = new Int32Array(a.docs.length + b.docs.length);
    var weights = new Float64Array(docs.length);
    var thousandths = new Int32Array(docs.length);
    var i = 0;
    var j = 0;
    for (var k = 0; k < docs.length; k++) {
      if (j >= b.docs.length || (i < a.docs.length && a.docs[i] < b.docs[j])) {
        docs[k] = a.docs[i];
        thousandths[k] = a.thousandths[i];
        weights[k] = a.weights[i++];
      } else {
        docs[k] = b.docs[j];
        thousandths[k] = b.thousandths[j];
        weights[k] = b.weights[j++];
      }
    }
    return { docs: docs, weights: weights, thousandths: thousandths };
  }

  ShardedIndex.prototype.loadTerms = function (number) {
    var self = this;
    return self.load("terms", number, function (terms) { self.termLists[number] = terms; });
  };

  function decodePostings(gaps, weights, scale) {
    var docs = new Int32Array(gaps.length);
    var values = new Float64Array(weights.length);
    var thousandths = new Int32Array(weights.length);
    var doc = 0;
    for (var i = 0; i < gaps.length; i++) {
      doc += gaps[i];
      docs[i] = doc;
      // Divided, not multiplied by 0.001: this gives exactly the double lunr stored.
      values[i] = weights[i] / scale;
      thousandths[i] = weights[i];
    }
    return { docs: docs, weights: values, thousandths: thousandths };
  }

  // The file whose first term is the last one <= TERM (JavaScript compares UTF-16 code
  // units, the order the files were cut in); -1 when TERM sorts before every file.
  function fileFor(firsts, term) {
    var low = 0;
    var high = firsts.length - 1;
    var found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (firsts[middle] <= term) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  function needsTermList(clause, term) {
    return clause.editDistance > 0 || term.indexOf("*") !== -1;
  }

  // The letters every expansion of TERM starts with: up to the first wildcard, nothing for a
  // fuzzy term (an edit may change its first letter, so every term list is read).
  function fixedPrefix(clause, term) {
    if (clause.editDistance > 0) return "";
    return term.slice(0, term.indexOf("*"));
  }

  ShardedIndex.prototype.termFilesFor = function (prefix) {
    return filesHolding(this.manifest.terms, prefix);
  };

  // The numbers of the files, of those whose first items are FIRSTS, that hold the items starting
  // with PREFIX.
  function filesHolding(firsts, prefix) {
    var first = Math.max(0, fileFor(firsts, prefix));
    var last = prefix ? fileFor(firsts, prefix + "\uffff") : firsts.length - 1;
    var numbers = [];
    for (var i = first; i <= last; i++) numbers.push(i);
    return numbers;
  }

  ShardedIndex.prototype.expand = function (clause, term) {
    if (!needsTermList(clause, term)) {
      return this.postings[term] ? [term] : [];
    }
    var prefix = fixedPrefix(clause, term);
    var self = this;
    var candidates = [];
    self.termFilesFor(prefix).forEach(function (number) {
      self.termLists[number].forEach(function (candidate) {
        if (candidate.lastIndexOf(prefix, 0) === 0) candidates.push(candidate);
      });
    });
    if (!candidates.length) return [];
    // lunr reads any editDistance property, even 0, as a fuzzy term in which * is a letter.
    var wanted = clause.editDistance > 0
      ? this.lunr.TokenSet.fromFuzzyString(term, clause.editDistance)
      : this.lunr.TokenSet.fromString(term);
    return this.lunr.TokenSet.fromArray(candidates).intersect(wanted).toArray();
  };

  // Resolves to [{ref, score, matchData}], best first, like lunr.Index.prototype.query, with
  // `total` (how many papers match) and `complete`. Given TOP, a plain query resolves to its
  // best TOP only, and `total` is then a lower bound unless `complete`. Once SIGNAL (an
  // AbortSignal, optional) is aborted, it fetches nothing more and rejects with an AbortError:
  // the reader typed on, and the next keystroke's query wants other files. SPECULATIVE: a query
  // the reader does not wait for (a look-ahead), which fetches fewer bytes in more rounds.
  ShardedIndex.prototype.query = function (query, top, signal, speculative) {
    return this.rank(query, top, signal, false, speculative ? SPECULATIVE_TIERS_A_ROUND : MAX_TIERS_A_ROUND);
  };

  function stopIfAborted(signal) {
    if (signal && signal.aborted) throw new DOMException("the query was superseded", "AbortError");
  }

  // TIERSAROUND: how many tiers of a word a round of a plain query may fetch.
  ShardedIndex.prototype.rank = function (query, top, signal, wordByWord, tiersARound) {
    var self = this;
    var plain = Boolean(top) && self.isPlain(query);
    var plans = self.plans(query, plain && !wordByWord);
    return Promise.all(self.firstLoads(plans, plain))
      .then(function () {
        return Promise.all(plans.filter(function (plan) { return plan.prefix !== null; }).map(function (plan) {
          return self.resolvePrefix(plan);
        }));
      })
      .then(function () {
        stopIfAborted(signal);
        var wanted = {};
        plans.forEach(function (plan) {
          if (plan.prefix !== null) return;
          plan.terms.forEach(function (term) {
            if (!needsTermList(plan.clause, term)) return;
            self.expand(plan.clause, term).forEach(function (expanded) {
              wanted[fileFor(self.manifest.postings, expanded)] = true;
            });
          });
        });
        return Promise.all(Object.keys(wanted).map(function (n) { return self.loadPostings(Number(n)); }));
      })
      .then(function () {
        plans.forEach(function (plan) {
          if (plan.prefix === null) {
            plan.expanded = plan.terms.map(function (term) { return self.expand(plan.clause, term); });
          }
        });
        if (plain) {
          return Promise.resolve(self.top(plans, top, signal, tiersARound)).catch(function (error) {
            // The best few reach past what a prefix list stores: expand it word by word.
            if (error instanceof NotStored) return self.rank(query, top, signal, true, tiersARound);
            throw error;
          });
        }
        stopIfAborted(signal);
        var terms = {};
        plans.forEach(function (plan) {
          plan.expanded.forEach(function (list) { list.forEach(function (term) { terms[term] = true; }); });
        });
        return Promise.all(Object.keys(terms).map(function (term) { return self.loadAllTiers(term); }))
          .then(function () {
            var hits = self.score(query, plans);
            hits.total = hits.length;
            hits.complete = true;
            return hits;
          });
      });
  };

  // What each clause of QUERY reads: its terms after the pipeline, and with LISTS, for a
  // trailing wildcard, the prefix list that ranking the best few reads instead of every word it starts.
  ShardedIndex.prototype.plans = function (query, lists) {
    var self = this;
    return query.clauses.map(function (clause) {
      var terms = clause.usePipeline ? self.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      var prefix = lists && terms.length === 1 ? self.listablePrefix(clause, terms[0]) : null;
      return { clause: clause, terms: terms, expanded: [], prefix: prefix, list: null };
    });
  };

  // The files PLANS need before anything else, as they are being fetched; with TOPS (ranking
  // the best few of one word), the tops files of its lists come alongside (see loadTops).
  ShardedIndex.prototype.firstLoads = function (plans, tops) {
    var self = this;
    var loads = [];
    var termFiles = {};
    var postingFiles = {};
    var withTops = tops && isOneWord(plans);
    plans.forEach(function (plan) {
      if (plan.prefix !== null) {
        if (self.fromStarts(plan.prefix) === null) {
          loads.push(self.loadPrefixes(Math.max(0, fileFor(self.manifest.prefixes.files, plan.prefix))));
        }
        var list = withTops ? self.topsListStarting(plan.prefix) : null;
        if (list !== null) self.loadTops(list);
        return;
      }
      if (withTops) plan.terms.forEach(function (term) { self.loadTops(term); });
      plan.terms.forEach(function (term) {
        if (needsTermList(plan.clause, term)) {
          self.termFilesFor(fixedPrefix(plan.clause, term)).forEach(function (n) { termFiles[n] = true; });
        } else if (self.startsSettling(term) === -1) { // else its entry is in, or it is no term
          var number = fileFor(self.manifest.postings, term);
          if (number >= 0) postingFiles[number] = true;
        }
      });
    });
    Object.keys(termFiles).forEach(function (n) { loads.push(self.loadTerms(Number(n))); });
    Object.keys(postingFiles).forEach(function (n) { loads.push(self.loadPostings(Number(n))); });
    return loads;
  };

  // Starts fetching what QUERY (given TOP, as query() would take it) needs first, for a caller
  // that must look something up before it can run the query; a failure is reported by query().
  ShardedIndex.prototype.preload = function (query, top) {
    var plain = Boolean(top) && this.isPlain(query);
    this.firstLoads(this.plans(query, plain), plain).forEach(function (loading) {
      loading.catch(function () {});
    });
  };

  // Starts fetching what the next letter after START will need, for a caller that expects it (a
  // word being typed, one letter short of prefix lists): START's starts file, whichever letter
  // comes. An index without them: the prefix file START sorts into, which mostly holds the list.
  ShardedIndex.prototype.preloadPrefixes = function (start) {
    var prefixes = this.manifest.prefixes;
    if (!prefixes) return;
    var reported = function () { /* by the query that needs it */ };
    if (!this.starts) {
      this.loadPrefixes(Math.max(0, fileFor(prefixes.files, start))).catch(reported);
      return;
    }
    var number = this.startsFileOf(start);
    if (number !== -1) this.loadStarts(number).catch(reported); // none: no term goes on from START
  };

  // Resolves to the index terms just before WORD and at or after it, in sorted order ("" where
  // there is none): one of them shares the longest start with WORD of any term.
  ShardedIndex.prototype.termsAround = function (word) {
    var self = this;
    var firsts = self.manifest.postings;
    var number = fileFor(firsts, word);
    if (number === -1) return Promise.resolve(["", firsts.length ? firsts[0] : ""]);
    return self.loadPostings(number).then(function () {
      var terms = self.postingTerms[number];
      var at = lowerBound(terms, word); // at least 1 unless terms[0] is WORD: the file starts at or before it
      var after = at < terms.length ? terms[at] : (number + 1 < firsts.length ? firsts[number + 1] : "");
      return [at > 0 ? terms[at - 1] : "", after];
    });
  };

  // The P of a clause for P*: a trailing wildcard only, long enough to have prefix lists.
  ShardedIndex.prototype.listablePrefix = function (clause, term) {
    var prefixes = this.manifest.prefixes;
    var star = term.indexOf("*");
    if (!prefixes || clause.editDistance > 0 || star !== term.length - 1) return null;
    var prefix = term.slice(0, star);
    return Array.from(prefix).length >= prefixes.min_length ? prefix : null;
  };

  // What P* expands to: the prefix list whose key is the first at or after P, if that key starts
  // with P (it sums every term starting with P); otherwise at most one term does, the first
  // term at or after P.
  ShardedIndex.prototype.resolvePrefix = function (plan) {
    var self = this;
    var prefix = plan.prefix;
    var known = self.fromStarts(prefix);
    if (known !== null) {
      if (known.list !== null) plan.list = known.list; else plan.expanded = [known.terms];
      return Promise.resolve(null);
    }
    return self.firstAtOrAfter("prefixes", prefix).then(function (key) {
      if (key !== null && key.lastIndexOf(prefix, 0) === 0) {
        plan.list = PREFIX_LIST + key;
        return null;
      }
      return self.firstAtOrAfter("postings", prefix).then(function (term) {
        plan.expanded = [term !== null && term.lastIndexOf(prefix, 0) === 0 ? [term] : []];
      });
    });
  };

  ShardedIndex.prototype.isPlain = function (query) {
    var lunr = this.lunr;
    var fieldCount = this.fields.length;
    return query.clauses.length > 0 && query.clauses.every(function (clause) {
      return clause.presence === lunr.Query.presence.OPTIONAL && !(clause.editDistance > 0) &&
        clause.fields.length === fieldCount;
    });
  };

  // |query vector|^2 where each of EXACT (term -> boost) has its boost plus those of the RANGES
  // ([first, end, boost] of prefix lists) it is in, and every other term in a range theirs.
  ShardedIndex.prototype.squaredMagnitude = function (exact, ranges) {
    function covering(number) {
      var sum = 0;
      ranges.forEach(function (range) { if (range[0] <= number && number < range[1]) sum += range[2]; });
      return sum;
    }
    var points = [];
    ranges.forEach(function (range) { points.push(range[0], range[1]); });
    points.sort(function (a, b) { return a - b; });
    var squares = 0;
    for (var i = 0; i + 1 < points.length; i++) {
      var boost = covering(points[i]);
      squares += (points[i + 1] - points[i]) * boost * boost;
    }
    var self = this;
    exact.forEach(function (boost, term) {
      var around = covering(self.termNumbers[term]);
      squares += (boost + around) * (boost + around) - around * around;
    });
    return squares;
  };

  // The best K of a plain query. Every paper seen in a loaded posting has a lower bound (the
  // impacts known) and an upper bound (plus each unfinished term's next-tier impact where the
  // paper was not seen); a paper seen nowhere has at most the sum of those. Fetching stops when
  // each of the K best lower bounds is at least every upper bound ranked after it.
  ShardedIndex.prototype.top = function (plans, k, signal, tiersARound) {
    var self = this;
    var vector = new Map(); // the query vector, the same in every field: term or prefix list -> boost
    var exactTerms = new Map(); // its terms outside prefix lists
    var ranges = []; // its prefix lists' [first term, end, boost]
    plans.forEach(function (plan) {
      var boost = plan.clause.boost;
      if (plan.list !== null) {
        vector.set(plan.list, (vector.get(plan.list) || 0) + boost);
        ranges.push(self.prefixRanges[plan.list].concat([boost]));
        return;
      }
      plan.expanded.forEach(function (list) {
        list.forEach(function (term) {
          vector.set(term, (vector.get(term) || 0) + boost);
          exactTerms.set(term, (exactTerms.get(term) || 0) + boost);
        });
      });
    });
    var magnitude = Math.sqrt(self.squaredMagnitude(exactTerms, ranges));
    var terms = Array.from(vector.keys());
    // Mostly asked for already, with the first files: a prefix expanded word by word was not.
    if (isOneWord(plans)) terms.forEach(function (term) { self.loadTops(term); });
    var factors = terms.map(function (term) { return (magnitude ? vector.get(term) / magnitude : 0) / self.scale; });
    var pairs = [];
    terms.forEach(function (term) {
      self.fields.forEach(function (field, f) { pairs.push([term, f]); });
    });

    // By paper: 1 once its upper bound fell below the K-th best lower bound. Bounds only tighten,
    // so it stays out of the best K, and later rounds leave it out (they went over every paper
    // seen, again and again: most of a slow keystroke's CPU at 100,000 papers).
    var out = { papers: new Uint8Array(self.paperCount), count: 0 };

    var fetched = 0; // rounds of fetching so far
    function round() {
      var state = self.bounds(terms, factors, k, out);
      var wanted = self.toFetch(state, terms, factors, k, tiersARound);
      if (!wanted.terms.length && !wanted.papers.length) return finish(state);
      stopIfAborted(signal);
      fetched += 1;
      if (!self.topsLoading.size) {
        self.loadDocs(likelyResults(state, wanted, fetched)).catch(function () {
          /* documents() asks again for what it shows */
        });
      }
      return Promise.all(wanted.terms.map(function (tiers) {
        // Tiers already on their way (the look-ahead's, when the next key came first) may settle
        // the term: only if they do not does it ask for more (at 10,000 papers "large lang" at a
        // 30 ms round trip fetched a 6 KB tier it never needed).
        return self.loadTiers(tiers.term, self.tiersComing(tiers.term) || tiers.count);
      })
        .concat(self.loadVectors(wanted.papers, terms))).then(round);
    }

    function finish(state) {
      var complete = terms.every(function (term) { return self.finished(term); });
      var seen = state.seen;
      var total = seen;
      terms.forEach(function (term) {
        if (self.tiers[term]) total = Math.max(total, self.tiers[term].papers);
      });
      var hits = state.best.map(function (s) {
        var doc = state.order[s];
        // A paper settled by its vector, or scored through a prefix list, has its score as a sum
        // of impacts: equal to lunr's but for the last bits.
        var exact = state.exact[s] && !self.vectors.has(doc) && !ranges.length;
        return new ShardedHit(self, doc, exact ? self.exactScore(doc, vector, magnitude) : state.lower[s], pairs);
      });
      hits.total = complete ? seen : total;
      hits.complete = complete;
      return hits;
    }
    return round();
  };

  // The papers of the best K so far (STATE) whose result data comes alongside the WANTED files of
  // fetching round ROUND, so that no round of result data alone follows once the K are settled:
  // all of them in a round of a few vectors alone (the K are nearly settled) and after the first
  // round (they change little by then), else those whose scores are known in full, which mostly
  // stay. Typed queries at 100,000 papers (benchmarks/search_requests.js): 220 rounds instead of
  // 234 for 5% more requests; at 10,000 papers 197 instead of 208 for 3% more. Those of the best K
  // with every round: 219 rounds for 11% more requests.
  function likelyResults(state, wanted, round) {
    var all = round > 1 || (!wanted.terms.length && wanted.papers.length <= MAX_VECTORS);
    return state.best.filter(function (slot) { return all || state.exact[slot]; }).map(function (slot) {
      return state.order[slot];
    });
  }

  // Every paper seen in a loaded posting but not left OUT ({papers: flags by paper, count}), by
  // slot (the order first met), with its lower and upper bounds; `best`: the slots of the K best
  // lower bounds, best first (equal ones in slot order); `unseen`: the most a paper seen in no
  // loaded posting could score. Papers that can no longer enter the best K join OUT.
  ShardedIndex.prototype.bounds = function (terms, factors, k, out) {
    var self = this;
    var count = terms.length;
    var unfinished = [];
    var ceiling = terms.map(function (term) { return self.bound(term); }); // of a paper not seen in a term
    var unseen = 0;
    terms.forEach(function (term, t) {
      if (self.finished(term)) return;
      unfinished.push(t);
      unseen += factors[t] * ceiling[t];
    });
    var slot = self.slots;
    var order = [];
    terms.forEach(function (term) {
      self.postings[term].forEach(function (field) {
        for (var i = 0; i < field.docs.length; i++) {
          if (slot[field.docs[i]] === -1 && !out.papers[field.docs[i]]) {
            slot[field.docs[i]] = order.length;
            order.push(field.docs[i]);
          }
        }
      });
    });
    var n = order.length;
    var impacts = new Int32Array(n * count).fill(-1); // -1: not known
    terms.forEach(function (term, t) {
      self.postings[term].forEach(function (field) {
        for (var i = 0; i < field.docs.length; i++) {
          if (slot[field.docs[i]] === -1) continue; // left out
          var at = slot[field.docs[i]] * count + t;
          impacts[at] = (impacts[at] === -1 ? 0 : impacts[at]) + field.thousandths[i];
        }
      });
    });
    for (var o = 0; o < n; o++) slot[order[o]] = -1;
    var lower = new Float64Array(n);
    var upper = new Float64Array(n);
    var exact = new Uint8Array(n);
    var best = [];
    // The per-term figures of the loop below, in typed arrays: it runs for every paper seen.
    var weight = Float64Array.from(factors);
    var open = new Uint8Array(count); // 1: the term is unfinished
    var unseenPart = new Float64Array(count); // what an unfinished term adds where a paper was not seen
    unfinished.forEach(function (t) {
      open[t] = 1;
      unseenPart[t] = factors[t] * ceiling[t];
    });
    for (var s = 0; s < n; s++) {
      var vector = self.hasVector[order[s]] ? self.vectors.get(order[s]) : undefined;
      if (vector) {
        for (var v = 0; v < count; v++) {
          if (self.tiers[terms[v]]) impacts[s * count + v] = self.vectorImpact(vector, terms[v]);
        }
      }
      var sum = 0;
      var rest = 0;
      var missing = 0;
      for (var t = 0; t < count; t++) {
        var impact = impacts[s * count + t];
        if (impact !== -1) {
          sum += weight[t] * impact;
        } else if (open[t]) {
          rest += unseenPart[t];
          missing++;
        }
      }
      lower[s] = sum;
      upper[s] = sum + rest;
      exact[s] = missing ? 0 : 1;
      if (best.length < k || sum > lower[best[best.length - 1]]) {
        var at = best.length;
        while (at > 0 && lower[best[at - 1]] < sum) at--;
        best.splice(at, 0, s);
        if (best.length > k) best.pop();
      }
    }
    var seen = n + out.count; // papers seen in a loaded posting, those left out before included
    if (best.length === k) {
      var bar = lower[best[k - 1]];
      for (var d = 0; d < n; d++) {
        if (upper[d] < bar) {
          out.papers[order[d]] = 1;
          out.count++;
        }
      }
    }
    return {
      order: order, lower: lower, upper: upper, exact: exact, impacts: impacts, count: count,
      best: best, unseen: unseen, unfinished: unfinished, seen: seen,
    };
  };

  function flagged(flags) { // the places of FLAGS that are set
    var places = [];
    for (var at = 0; at < flags.length; at++) if (flags[at]) places.push(at);
    return places;
  }

  // The unfinished terms (their numbers) in which slot S was not seen.
  function missingTerms(state, s) {
    return state.unfinished.filter(function (u) { return state.impacts[s * state.count + u] === -1; });
  }

  // {terms: whose next tier, papers: whose vector} could change the best K; both empty once
  // the K are settled. Each round costs a request's latency, so one round asks both for the
  // vectors of the few papers that could overtake the first open places and for the tiers that
  // settle the next one, where many papers could.
  var MAX_VECTORS = 8;
  // Each request costs about 2.5 ms (below), so 128 rival vectors cost a keystroke 300 ms; at most
  // 32 a round kept the worst typed keystroke at 100,000 papers to 53 requests instead of 146.
  var MAX_RIVAL_VECTORS = 32;
  // Costs in papers of a tier (about 2.7 bytes gzip each). A request costs time more than
  // bytes: chromium spends about 2.5 ms on each, even from its cache, on the benchmark's 2-core
  // machine (benchmarks/search_shards.py), about what 500 papers of a tier cost to fetch, decode
  // and rank. Counting requests so, 14 typed queries at 100,000 papers made 2,051 requests
  // instead of 2,454 when bytes alone counted, and at most 157 for one keystroke instead of 211.
  var REQUEST_COSTS = 500;
  var VECTOR_COSTS = REQUEST_COSTS + 150; // 0.4 KB gzip: one request and about 150 papers' bytes

  // What fetching the tiers WANTED ({term, count}) costs, in papers of a tier.
  ShardedIndex.prototype.tiersCost = function (wanted) {
    var self = this;
    return wanted.reduce(function (sum, want) {
      var tiers = self.tiers[want.term];
      return tiers.rest.slice(tiers.loaded, tiers.loaded + want.count).reduce(function (cost, tier) {
        return cost + tier[1] + REQUEST_COSTS;
      }, sum);
    }, 0);
  };
  ShardedIndex.prototype.toFetch = function (state, terms, factors, k, tiersARound) {
    var self = this;
    var n = state.order.length;
    var best = state.best;
    var lower = state.lower;
    var upper = state.upper;
    var none = { terms: [], papers: [] };
    if (!state.unfinished.length) return none;
    if (n < k) {
      return { terms: state.unfinished.map(function (t) { return { term: terms[t], count: 1 }; }), papers: [] };
    }
    var place = new Int32Array(n).fill(best.length); // rank among the best; best.length: not one of them
    best.forEach(function (s, rank) { place[s] = rank; });
    // The papers below the best that could overtake some place, in slot order: only these are
    // looked at place by place (scanning every paper seen for each place cost 40 ms a keystroke).
    var lowestPlace = lower[best[best.length - 1]];
    var threats = [];
    var outside = state.unseen; // the highest upper bound below the best
    for (var s = 0; s < n; s++) {
      if (place[s] !== best.length) continue;
      if (upper[s] > outside) outside = upper[s];
      if (upper[s] > lowestPlace) threats.push(s);
    }
    // Open places in rank order: the vectors of the papers that could overtake them settle as
    // many as MAX_VECTORS allow; tiers lower the bounds of the rest (at the first place left).
    var vectors = new Uint8Array(n); // by slot: 1 if its vector is to be fetched
    var rivals = new Uint8Array(n); // by slot: 1 if it is one of the best and could overtake a place left
    var rivalFloor = Infinity; // papers below the best are rivals above this
    var chosen = 0;
    var left = -1; // the first open place the vectors do not settle
    var lowest = Infinity; // the lowest threshold of a place they settle
    var opened = false;
    for (var position = 0; position < best.length; position++) {
      var threshold = lower[best[position]];
      var after = outside;
      for (var q = position + 1; q < best.length; q++) after = Math.max(after, upper[best[q]]);
      if (threshold >= after) continue;
      opened = true;
      var theirs = [];
      for (var r = position + 1; r < best.length; r++) {
        if (upper[best[r]] > threshold && !vectors[best[r]]) theirs.push(best[r]);
      }
      if (left === -1) {
        for (var c = 0; c < threats.length && chosen + theirs.length <= MAX_VECTORS; c++) {
          if (upper[threats[c]] > threshold && !vectors[threats[c]]) theirs.push(threats[c]);
        }
        if (chosen + theirs.length > MAX_VECTORS) left = position;
      }
      if (left === -1) {
        theirs.forEach(function (slot) { vectors[slot] = 1; });
        chosen += theirs.length;
        lowest = Math.min(lowest, threshold);
      } else {
        theirs.forEach(function (slot) { if (place[slot] < best.length) rivals[slot] = 1; });
        rivalFloor = Math.min(rivalFloor, threshold);
      }
    }
    if (!opened) return none;
    threats.forEach(function (slot) { if (upper[slot] > rivalFloor && !vectors[slot]) rivals[slot] = 1; });
    // In rank order, as a full sort by lower bound would list them.
    var slots = flagged(vectors).sort(function (a, b) { return lower[b] - lower[a] || a - b; });
    var papers = slots.map(function (slot) { return state.order[slot]; });
    var bar = left === -1 ? lowest : lower[best[left]];
    var open = state.unseen > bar ? [{ lower: 0, missing: state.unfinished }] : [];
    var opponents = 0; // papers that could overtake the place left
    if (left !== -1) {
      var against = threats.filter(function (o) { return upper[o] > bar && !vectors[o]; });
      best.forEach(function (o, rank) { if (rank > left && upper[o] > bar && !vectors[o]) against.push(o); });
      Int32Array.from(against).sort().forEach(function (o) {
        open.push({ lower: lower[o], missing: missingTerms(state, o) });
      });
      opponents = against.length;
    }
    // Rivals must beat the best K's scores, so those come first where only lower bounds are known:
    // a few vectors that raise the bar (typed "generative mod" at 100,000 papers fetched 128
    // rival vectors, then one tier of "mod*" raised the best K's scores and made them moot).
    var unsure = best.filter(function (slot) { return !state.exact[slot] && !vectors[slot]; });
    function rivalVectors() {
      var others = unsure.length ? [] : flagged(rivals).sort(function (a, b) { return upper[b] - upper[a] || a - b; });
      var slots = unsure.length ? unsure : others.slice(0, MAX_RIVAL_VECTORS);
      slots.forEach(function (slot) { papers.push(state.order[slot]); });
    }
    var wanted = [];
    // While a paper seen nowhere could still enter the best K, tiers are needed anyway, and they may
    // settle the rivals too (pasted queries at 100,000 papers fetched 127 vectors in their first
    // round, then the tiers made all but one moot).
    if (opponents && state.unseen <= lower[best[best.length - 1]] && opponents <= MAX_RIVAL_VECTORS &&
        opponents * VECTOR_COSTS < self.tiersCost(self.cheapestTiers(open, bar, state.unfinished, terms, factors, Infinity))) {
      rivalVectors(); // they cost less than the tiers that would settle them
    } else {
      wanted = open.length ? self.cheapestTiers(open, bar, state.unfinished, terms, factors, tiersARound) : [];
      // Only papers a prefix list leaves out could lower the rivals' bounds: settle the likeliest
      // by their vectors instead, many in one round (each round waits for the network).
      if (!wanted.length) rivalVectors();
    }
    if (papers.length || wanted.length) return { terms: wanted, papers: papers };
    // A paper seen nowhere could still be among the K, and only left-out papers could tell.
    var leftOut = state.unfinished.filter(function (t) { return !self.nextTierStored(terms[t]); });
    return { terms: [{ term: terms[(leftOut.length ? leftOut : state.unfinished)[0]], count: 1 }], papers: [] };
  };

  ShardedIndex.prototype.nextTierStored = function (term) {
    var tiers = this.tiers[term];
    return tiers.rest[tiers.loaded][2] !== NOT_STORED;
  };

  // The tiers ([{term, count}] of the UNFINISHED terms) chosen greedily by how much each lowers
  // the upper bounds of the OPEN papers ({lower, missing terms}) above THRESHOLD, per paper
  // fetched, until none would be above it if the papers were not in those tiers: given
  // TIERSAROUND, at most that many of a word, what to fetch now; with Infinity, all that settling
  // them would take (to price it against vectors).
  // A term may give several tiers a round: each round waits for the network, and two common
  // words may need many tiers before their best few settle. Typed queries
  // (benchmarks/search_requests.js): four a round instead of two took 11% fewer rounds for 8% more
  // bytes at 100,000 papers, and a reader 30 ms from the server waited p90 118 ms instead of 143,
  // p95 178 instead of 302 (benchmarks/search_shards.py --rtt 30). Beyond its first tier, a word
  // gives a round at most a third of the archive's papers: in a small archive its last tiers are
  // a large part of it, and bytes are what a typed query at 10,000 papers has least of (150 KB):
  // "graph neural networks" read 84 KB instead of 96 there, for 3 more rounds over 14 queries.
  var MAX_TIERS_A_ROUND = 4;
  var MAX_SHARE_A_ROUND = 1 / 3;
  // A look-ahead (see likelyNextLetter) runs while the reader pauses: it may spend more rounds,
  // which no one waits for unless the next key comes first, for fewer bytes. 14 typed queries
  // (benchmarks/search_requests.js) at 100,000 papers: 6% fewer bytes ("large language models"
  // 250 KB instead of 272, 294 in chromium with the scripts: within 300), the same 95 rounds that
  // readers wait for. A reader 30 ms from the server pays for it (benchmarks/search_shards.py
  // --rtt 30): the look-ahead finishes less often before the next key, p95 93 ms instead of 66.
  // Each vector in its own file too (no heads files): 12% fewer bytes, p95 100 ms.
  var SPECULATIVE_TIERS_A_ROUND = 2;
  ShardedIndex.prototype.cheapestTiers = function (open, threshold, unfinished, terms, factors, tiersARound) {
    var oneRound = tiersARound !== Infinity;
    var self = this;
    var width = unfinished.length;
    var column = {}; // term number -> its place in UNFINISHED
    var depth = new Int32Array(width); // tiers chosen so far, per term
    function boundAt(j, d) { // the highest impact left after D more tiers of unfinished[j]
      var tiers = self.tiers[terms[unfinished[j]]];
      return tiers.loaded + d < tiers.rest.length ? tiers.rest[tiers.loaded + d][0] : 0;
    }
    function cut(j) { // how much the next chosen tier of unfinished[j] lowers a bound
      return factors[unfinished[j]] * (boundAt(j, depth[j]) - boundAt(j, depth[j] + 1));
    }
    var papers = new Int32Array(width); // papers of the tiers chosen so far, per term
    function nextTier(j) { // [highest impact, papers, file] of the first tier of unfinished[j] not chosen
      var tiers = self.tiers[terms[unfinished[j]]];
      return tiers.rest[tiers.loaded + depth[j]];
    }
    function available(j) { // prefix lists' left-out papers are never chosen here
      var next = nextTier(j);
      if (next === undefined || next[2] === NOT_STORED) return false;
      return !oneRound || depth[j] === 0 ||
        (depth[j] < tiersARound && papers[j] + next[1] <= self.paperCount * MAX_SHARE_A_ROUND);
    }
    function floor(t) { // the highest impact of term T left once all its stored tiers are in
      var tiers = self.tiers[terms[t]];
      for (var d = tiers.loaded; d < tiers.rest.length; d++) {
        if (tiers.rest[d][2] === NOT_STORED) return tiers.rest[d][0];
      }
      return 0;
    }
    unfinished.forEach(function (t, j) { column[t] = j; });
    var excess = new Float64Array(open.length);
    var misses = new Uint8Array(open.length * width);
    open.forEach(function (paper, i) {
      var total = 0;
      var least = 0;
      paper.missing.forEach(function (t) {
        total += factors[t] * self.bound(terms[t]);
        least += factors[t] * floor(t);
        misses[i * width + column[t]] = 1;
      });
      // No tier settles a paper whose bound stays above THRESHOLD through every stored tier
      // (a prefix list leaves its last papers out): its vector will, so tiers leave it.
      excess[i] = paper.lower + least > threshold ? 0 : paper.lower + total - threshold;
    });
    for (;;) {
      var best = -1;
      var bestGain = 0;
      for (var j = 0; j < width; j++) {
        if (!available(j)) continue;
        var gain = 0;
        var lowers = cut(j);
        for (var i = 0; i < open.length; i++) {
          if (excess[i] > 0 && misses[i * width + j]) gain += Math.min(excess[i], lowers);
        }
        gain /= nextTier(j)[1];
        if (gain > bestGain) {
          best = j;
          bestGain = gain;
        }
      }
      if (best === -1) {
        if (depth.every(function (d) { return d === 0; })) {
          // No tier lowers a bound (the next one starts at the same impact): fetch them all the same.
          for (var m = 0; m < open.length * width; m++) {
            if (misses[m] && excess[Math.floor(m / width)] > 0 && available(m % width)) depth[m % width] = 1;
          }
        }
        break;
      }
      var lowered = cut(best);
      papers[best] += nextTier(best)[1];
      depth[best] += 1;
      var settled = true;
      for (var o = 0; o < open.length; o++) {
        if (misses[o * width + best]) excess[o] -= lowered;
        if (excess[o] > 0) settled = false;
      }
      if (settled) break;
    }
    var wanted = [];
    unfinished.forEach(function (t, j) { if (depth[j]) wanted.push({ term: terms[t], count: depth[j] }); });
    return wanted;
  };

  // lunr's score of DOC with every weight known: the operations of score() below, in its order.
  ShardedIndex.prototype.exactScore = function (doc, vector, magnitude) {
    var self = this;
    var score = 0;
    self.fields.forEach(function (name, f) {
      var total = 0;
      var present = false;
      vector.forEach(function (boost, term) {
        var posting = self.postings[term][f];
        var at = indexOf(posting.docs, doc);
        if (at !== -1) {
          total += boost * posting.weights[at];
          present = true;
        }
      });
      if (present && magnitude) score += total / magnitude;
    });
    return score;
  };

  ShardedIndex.prototype.score = function (query, plans) {
    var lunr = this.lunr;
    var self = this;
    var count = this.paperCount;
    var fieldCount = this.fields.length;
    var fieldNumber = {};
    this.fields.forEach(function (name, i) { fieldNumber[name] = i; });
    var queryVectors = this.fields.map(function () { return new Map(); }); // term -> summed boost
    var seenTermFields = new Set();
    var matchedPairs = []; // [term, field number] whose documents count as matches
    var matched = this.fields.map(function () { return new Uint8Array(count); });
    var order = []; // documents in the order lunr first meets them
    var met = new Uint8Array(count);
    var required = new Array(fieldCount);
    var prohibited = new Array(fieldCount);

    plans.forEach(function (plan) {
      var clause = plan.clause;
      var isRequired = clause.presence === lunr.Query.presence.REQUIRED;
      var isProhibited = clause.presence === lunr.Query.presence.PROHIBITED;
      var clauseMatches = isRequired ? new Uint8Array(count) : null;
      for (var t = 0; t < plan.terms.length; t++) {
        var expanded = plan.expanded[t];
        if (!expanded.length && isRequired) {
          clause.fields.forEach(function (field) { required[fieldNumber[field]] = EMPTY; });
          break;
        }
        expanded.forEach(function (term) {
          var posting = self.postings[term];
          clause.fields.forEach(function (field) {
            var f = fieldNumber[field];
            var docs = posting[f].docs;
            var termField = term + "/" + field;
            if (isRequired) {
              markAll(clauseMatches, docs);
              if (required[f] === undefined) required[f] = COMPLETE;
            } else if (isProhibited) {
              prohibited[f] = prohibited[f] || new Uint8Array(count);
              markAll(prohibited[f], docs);
              seenTermFields.add(termField);
              return;
            }
            queryVectors[f].set(term, (queryVectors[f].get(term) || 0) + clause.boost);
            if (seenTermFields.has(termField)) return;
            for (var i = 0; i < docs.length; i++) {
              var doc = docs[i];
              matched[f][doc] = 1;
              if (!met[doc]) {
                met[doc] = 1;
                order.push(doc);
              }
            }
            matchedPairs.push([term, f]);
            seenTermFields.add(termField);
          });
        });
      }
      if (isRequired) {
        clause.fields.forEach(function (field) {
          var f = fieldNumber[field];
          required[f] = intersect(required[f], clauseMatches);
        });
      }
    });

    var allRequired = COMPLETE;
    var allProhibited = new Uint8Array(count);
    for (var f = 0; f < fieldCount; f++) {
      if (required[f] !== undefined) allRequired = intersect(allRequired, required[f]);
      if (prohibited[f]) orInto(allProhibited, prohibited[f]);
    }

    if (query.isNegated()) {
      order = [];
      for (var d = 0; d < count; d++) order.push(d);
      matched.forEach(function (flags) { flags.fill(1); });
    }

    // lunr's field score: query vector . field vector / |query vector|, summed over fields.
    var sums = [];
    var magnitudes = [];
    queryVectors.forEach(function (vector, f) {
      var sum = new Float64Array(count);
      var squares = 0;
      vector.forEach(function (boost, term) {
        squares += boost * boost;
        var posting = self.postings[term][f];
        for (var i = 0; i < posting.docs.length; i++) {
          sum[posting.docs[i]] += boost * posting.weights[i];
        }
      });
      sums.push(sum);
      magnitudes.push(Math.sqrt(squares));
    });

    var hits = [];
    order.forEach(function (doc) {
      if (allRequired === EMPTY || (allRequired !== COMPLETE && !allRequired[doc]) || allProhibited[doc]) return;
      var score = 0;
      for (var f = 0; f < fieldCount; f++) {
        if (matched[f][doc]) score += (sums[f][doc] / magnitudes[f]) || 0;
      }
      hits.push(new ShardedHit(self, doc, score, matchedPairs));
    });
    // Array.prototype.sort is stable, so equal scores keep lunr's first-met order.
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits;
  };

  function markAll(flags, docs) {
    for (var i = 0; i < docs.length; i++) flags[docs[i]] = 1;
  }

  function orInto(target, flags) {
    for (var i = 0; i < target.length; i++) target[i] |= flags[i];
  }

  function intersect(set, flags) {
    if (set === EMPTY || flags === EMPTY) return EMPTY;
    if (set === COMPLETE) return flags;
    if (flags === COMPLETE) return set;
    var both = new Uint8Array(set.length);
    for (var i = 0; i < set.length; i++) both[i] = set[i] & flags[i];
    return both;
  }

  function indexOf(docs, doc) {
    var low = 0;
    var high = docs.length - 1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (docs[middle] === doc) return middle;
      if (docs[middle] < doc) low = middle + 1; else high = middle - 1;
    }
    return -1;
  }

  // A result; its match data (which words matched where) is worked out only when a result is
  // shown, from the text of its paper, since a query can match tens of thousands of papers.
  function ShardedHit(index, doc, score, matchedPairs) {
    this.ref = doc;
    this.score = score;
    this.index = index;
    this.pairs = matchedPairs;
  }

  Object.defineProperty(ShardedHit.prototype, "matchData", {
    get: function () {
      var index = this.index;
      var doc = this.ref;
      var data = index.docData(doc);
      var metadata = {};
      var positions = { title: null, abstract: null };
      this.pairs.forEach(function (pair) {
        var term = pair[0];
        var field = index.fields[pair[1]];
        if (index.prefixRanges[term]) {
          // A prefix list matched some word starting with its key: the paper's text tells which.
          if (!data || !(field in positions)) return;
          positions[field] = positions[field] || index.positionsIn(doc, field, data);
          Object.keys(positions[field]).forEach(function (word) {
            if (word.lastIndexOf(term.slice(PREFIX_LIST.length), 0) !== 0) return;
            metadata[word] = metadata[word] || {};
            metadata[word][field] = { position: positions[field][word] };
          });
          return;
        }
        // A paper not in the loaded part of a common term's posting may be in a tier not loaded:
        // then its own text tells.
        var known = indexOf(index.postings[term][pair[1]].docs, doc) !== -1;
        if (!known && (index.finished(term) || !(field in positions))) return;
        var entry = {};
        if (data && field in positions) {
          positions[field] = positions[field] || index.positionsIn(doc, field, data);
          entry.position = positions[field][term] || [];
          if (!known && !entry.position.length) return;
        }
        metadata[term] = metadata[term] || {};
        metadata[term][field] = entry;
      });
      return { metadata: metadata };
    },
  });

  // The word positions in the title or abstract (FIELD) of paper DOC, whose result DATA is in.
  // Kept: as the reader types, the same papers are shown again and again, and finding the words
  // of eight abstracts took about 10 ms a keystroke (most of it in lunr's stemmer).
  var KEPT_POSITIONS = 2000;
  ShardedIndex.prototype.positionsIn = function (doc, field, data) {
    var key = doc + "/" + field;
    var found = this.positions.get(key);
    if (!found) {
      if (this.positions.size >= KEPT_POSITIONS) this.positions.clear();
      found = tokenPositions(this.lunr, field === "title" ? data[1] : data[5], this.stems);
      this.positions.set(key, found);
    }
    return found;
  };

  // {term: [[start, length], ...]} as lunr.py recorded them: offsets in code points of the
  // lower-cased text, terms after the same trimmer, stop-word filter and stemmer (STEMS: word ->
  // its term, or null for a stop word, filled as words are met).
  function tokenPositions(lunr, text, stems) {
    var lowered = text.toLowerCase();
    // Offsets count code points; in text without characters beyond U+FFFF, UTF-16 units are those.
    var astral = /[\ud800-\udbff]/.test(lowered);
    var words = new RegExp("[^" + SEPARATORS + "]+", "g");
    var found = {};
    var match;
    while ((match = words.exec(lowered)) !== null) {
      var word = match[0];
      var term = stems.get(word);
      if (term === undefined) {
        var trimmed = TRIMMED.exec(word);
        var token = new lunr.Token(trimmed ? trimmed[1] : word);
        term = lunr.stopWordFilter(token) ? lunr.stemmer(token).toString() : null;
        stems.set(word, term);
      }
      if (term === null) continue;
      var start = astral ? Array.from(lowered.slice(0, match.index)).length : match.index;
      var length = astral ? Array.from(word).length : word.length;
      (found[term] = found[term] || []).push([start, length]);
    }
    return found;
  }

  // One word's best few are mostly its own lists' tops (the word and, while typed, its prefix);
  // several words' best few seldom are: their tops cost 8% more bytes for 5% fewer requests.
  function isOneWord(plans) {
    var words = {};
    plans.forEach(function (plan) { words[plan.clause.term.replace(/\*$/, "")] = true; });
    return Object.keys(words).length === 1;
  }

  // The number of TERM's tops file (a prefix list's key is PREFIX_LIST + its key), if it has one:
  // the manifest lists the keys of the lists with one, terms first, then prefix keys, and key
  // number i has file i unless its best papers are an earlier list's ("shared").
  ShardedIndex.prototype.topsFileOf = function (term) {
    var tops = this.manifest.tops;
    if (!tops) return undefined;
    var prefix = term.charAt(0) === PREFIX_LIST;
    var keys = prefix ? tops.prefixes : tops.terms;
    var key = prefix ? term.slice(1) : term;
    var at = lowerBound(keys, key);
    if (keys[at] !== key) return undefined;
    var number = (prefix ? tops.terms.length : 0) + at;
    return this.sharedTops.has(number) ? this.sharedTops.get(number) : number;
  };

  // The list P* reads (see resolvePrefix), if it has a tops file, else null. Every list in P*
  // has at most the papers of that list, and a list has a tops file when it is in enough papers:
  // so it is the first prefix key with one at or after P, if that starts with P, and if none
  // does, the first term with one that starts with P (then the only term that does).
  ShardedIndex.prototype.topsListStarting = function (prefix) {
    var tops = this.manifest.tops;
    if (!tops) return null;
    var key = tops.prefixes[lowerBound(tops.prefixes, prefix)];
    if (key !== undefined && key.lastIndexOf(prefix, 0) === 0) return PREFIX_LIST + key;
    var term = tops.terms[lowerBound(tops.terms, prefix)];
    return term !== undefined && term.lastIndexOf(prefix, 0) === 0 ? term : null;
  };

  // Fetches, with the first files, the result data of the papers where TERM weighs most: one
  // request for what would otherwise take one a paper.
  ShardedIndex.prototype.loadTops = function (term) {
    var self = this;
    var number = self.topsFileOf(term);
    if (number === undefined || self.loaded.tops[number]) return;
    var loading = self.load("tops", number, function (rows) {
      rows.forEach(function (row) { self.resultData.set(row[0], row[1]); });
    }).catch(function () { /* each paper's own file still has its data */ });
    self.topsLoading.add(loading);
    loading.then(function () { self.topsLoading.delete(loading); });
  };

  // Resolves to the letter most likely to follow WORD, the word being typed, judged by how many
  // papers have a term each next letter would start; null unless one letter starts at least
  // LIKELY_SHARE of those papers. search.js runs the query with that letter while the reader
  // pauses, so that the next keystroke finds its files fetched. 14 typed queries
  // (benchmarks/search_requests.js): at 100,000 papers 95 rounds instead of 220 for 4% more
  // bytes; at 10,000 101 instead of 200 for 7% more (judged from the loaded prefix files alone,
  // without the letters that go on to one term: 121 and 114). Half instead of three fifths: 3%
  // fewer rounds for 2% more bytes, where 10,000 papers have little to spare (150 KB a query).
  var LIKELY_SHARE = 0.6;
  // The judgement needs every prefix key WORD starts, so it fetches the prefix files they are
  // in, if no more than this many: a word that starts keys in more files (two letters such as
  // "re" or "co") has many likely next letters, none likely enough.
  var MAX_GUESS_FILES = 2;
  // The characters guessed: a term may go on with others ("model'", "networks("), but a reader
  // who typed "model" is about to type a space, not those.
  var TYPED_NEXT = /^[\p{L}\p{N}]$/u;
  ShardedIndex.prototype.likelyNextLetter = function (word) {
    var self = this;
    if (!self.manifest.prefixes) return Promise.resolve(null);
    function asList(key) { return PREFIX_LIST + key; }
    function asTerm(term) { return term; }
    // A word one letter short of prefix lists has a starts file, which holds just what this needs.
    var starts = self.startsFileOf(word);
    if (starts !== -1) {
      return self.loadStarts(starts).then(function () {
        return self.likeliestAfter(word, [[self.startsKeys[starts], asList], [self.startsTerms[starts], asTerm]]);
      });
    }
    var prefixFiles = filesHolding(self.manifest.prefixes.files, word);
    if (prefixFiles.length > MAX_GUESS_FILES) return Promise.resolve(null);
    // A letter that only one term follows has no prefix list: that term's papers count, read from
    // the posting files of WORD's terms when they are as few ("seg" is followed by "segment" alone).
    var postingFiles = filesHolding(self.manifest.postings, word);
    if (postingFiles.length > MAX_GUESS_FILES) postingFiles = [];
    return Promise.all(prefixFiles.map(function (n) { return self.loadPrefixes(n); })
      .concat(postingFiles.map(function (n) { return self.loadPostings(n); }))).then(function () {
      return self.likeliestAfter(word, prefixFiles.map(function (n) { return [self.prefixKeys[n], asList]; })
        .concat(postingFiles.map(function (n) { return [self.postingTerms[n], asTerm]; })));
    });
  };

  // The letter after WORD that LIKELY_SHARE of the papers go on with, or null, judged from
  // SOURCES ([sorted prefix keys or terms, the loaded list of one], prefix keys first).
  ShardedIndex.prototype.likeliestAfter = function (word, sources) {
    var self = this;
    var papers = {}; // next letter -> papers of the widest list it starts
    sources.forEach(function (source) {
      var keys = source[0];
      for (var at = lowerBound(keys, word); at < keys.length && keys[at].lastIndexOf(word, 0) === 0; at++) {
        var letter = keys[at].charAt(word.length);
        // Sorted, so the first key a letter starts is its widest list.
        if (TYPED_NEXT.test(letter) && papers[letter] === undefined) papers[letter] = self.papersOf(source[1](keys[at]));
      }
    });
    var total = 0;
    var best = null;
    Object.keys(papers).sort().forEach(function (letter) {
      total += papers[letter];
      if (best === null || papers[letter] > papers[best]) best = letter;
    });
    return best !== null && papers[best] >= LIKELY_SHARE * total ? best : null;
  };

  // How many papers the loaded term or prefix list KEY is in, in all.
  ShardedIndex.prototype.papersOf = function (key) {
    return this.tiers[key] ? this.tiers[key].papers : papersIn(this.postings[key]).size;
  };

  // The papers of decoded per-field POSTINGS, as a Set.
  function papersIn(postings) {
    var papers = new Set();
    postings.forEach(function (field) { field.docs.forEach(function (doc) { papers.add(doc); }); });
    return papers;
  }

  // Fetches the result data files of REFS (document numbers) that no tops file has brought.
  ShardedIndex.prototype.loadDocs = function (refs) {
    var self = this;
    var perFile = self.manifest.documents.per_file;
    var numbers = {};
    refs.forEach(function (doc) {
      if (!self.resultData.has(doc)) numbers[Math.floor(doc / perFile)] = true;
    });
    return Promise.all(Object.keys(numbers).map(function (n) {
      return self.load("docs", n, function (data) { self.docFiles[n] = data; });
    }));
  };

  ShardedIndex.prototype.docData = function (doc) {
    if (this.resultData.has(doc)) return this.resultData.get(doc);
    var file = this.docFiles[Math.floor(doc / this.manifest.documents.per_file)];
    return file ? file[doc % this.manifest.documents.per_file] : null;
  };

  // Result data for REFS (document numbers), same order; only their small files are fetched.
  ShardedIndex.prototype.documents = function (refs) {
    var self = this;
    return Promise.all(Array.from(self.topsLoading)).then(function () {
      return self.loadDocs(refs);
    }).then(function () {
      var names = self.manifest.documents.collections;
      return refs.map(function (doc) {
        var data = self.docData(doc);
        return data && {
          id: data[0],
          title: data[1],
          url: data[2],
          collections: data[3].map(function (n) { return names[n]; }),
          code: Boolean(data[4]),
          abstract: data[5],
        };
      });
    });
  };

  window.sitegenShardedIndex = function (lunr, manifest, manifestUrl, fetchJson) {
    return new ShardedIndex(lunr, manifest, manifestUrl, fetchJson);
  };
})();
