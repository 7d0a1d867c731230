/*
 * Search over a sharded index (sitegen/search/shards.py): lunr's own scoring, computed here
 * over only the pieces of the index a query needs.
 *
 * search.js loads this file when search/manifest.json says "lunr-sharded", parses the query
 * with lunr.QueryParser into a lunr.Query, and hands it to ShardedIndex.query. That follows
 * lunr.Index.prototype.query step by step (required, prohibited and field-scoped clauses,
 * boosts, wildcard and fuzzy expansion with lunr's TokenSet), so results and scores are those
 * a single lunr index would give; only the order of papers with exactly equal scores may differ.
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
    this.loaded = { postings: {}, terms: {}, docs: {} }; // file number -> Promise of its content
    this.postings = {}; // term -> [per field: {docs: Int32Array, weights: Float64Array}]
    this.termLists = {}; // file number -> sorted terms
    this.docFiles = {}; // file number -> result data of its papers
  }

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
      shard.terms.forEach(function (term, i) {
        self.postings[term] = shard.postings[i].map(function (field) {
          return decodePostings(field[0], field[1], self.scale);
        });
      });
    });
  };

  ShardedIndex.prototype.loadTerms = function (number) {
    var self = this;
    return self.load("terms", number, function (terms) { self.termLists[number] = terms; });
  };

  function decodePostings(gaps, weights, scale) {
    var docs = new Int32Array(gaps.length);
    var values = new Float64Array(weights.length);
    var doc = 0;
    for (var i = 0; i < gaps.length; i++) {
      doc += gaps[i];
      docs[i] = doc;
      // Divided, not multiplied by 0.001: this gives exactly the double lunr stored.
      values[i] = weights[i] / scale;
    }
    return { docs: docs, weights: values };
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
    var firsts = this.manifest.terms;
    var first = Math.max(0, fileFor(firsts, prefix));
    var last = prefix ? fileFor(firsts, prefix + "\uffff") : firsts.length - 1;
    var numbers = [];
    for (var i = first; i <= last; i++) numbers.push(i);
    return numbers;
  };

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

  // Resolves to [{ref, score, matchData}], best first, like lunr.Index.prototype.query.
  ShardedIndex.prototype.query = function (query) {
    var self = this;
    var plans = query.clauses.map(function (clause) {
      var terms = clause.usePipeline ? self.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      return { clause: clause, terms: terms, expanded: [] };
    });
    var termFiles = {};
    var exactPostingFiles = {};
    plans.forEach(function (plan) {
      plan.terms.forEach(function (term) {
        if (needsTermList(plan.clause, term)) {
          self.termFilesFor(fixedPrefix(plan.clause, term)).forEach(function (n) { termFiles[n] = true; });
        } else {
          var number = fileFor(self.manifest.postings, term);
          if (number >= 0) exactPostingFiles[number] = true;
        }
      });
    });
    return Promise.all(Object.keys(termFiles).map(function (n) { return self.loadTerms(Number(n)); }))
      .then(function () {
        var postingFiles = exactPostingFiles;
        plans.forEach(function (plan) {
          plan.terms.forEach(function (term) {
            if (!needsTermList(plan.clause, term)) return;
            self.expand(plan.clause, term).forEach(function (expanded) {
              postingFiles[fileFor(self.manifest.postings, expanded)] = true;
            });
          });
        });
        return Promise.all(Object.keys(postingFiles).map(function (n) { return self.loadPostings(Number(n)); }));
      })
      .then(function () {
        plans.forEach(function (plan) {
          plan.expanded = plan.terms.map(function (term) { return self.expand(plan.clause, term); });
        });
        return self.score(query, plans);
      });
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

  function contains(docs, doc) {
    var low = 0;
    var high = docs.length - 1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (docs[middle] === doc) return true;
      if (docs[middle] < doc) low = middle + 1; else high = middle - 1;
    }
    return false;
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
        if (!contains(index.postings[term][pair[1]].docs, doc)) return;
        var entry = {};
        if (data && field in positions) {
          positions[field] = positions[field] || tokenPositions(index.lunr, field === "title" ? data[1] : data[5]);
          entry.position = positions[field][term] || [];
        }
        metadata[term] = metadata[term] || {};
        metadata[term][field] = entry;
      });
      return { metadata: metadata };
    },
  });

  // {term: [[start, length], ...]} as lunr.py recorded them: offsets in code points of the
  // lower-cased text, terms after the same trimmer, stop-word filter and stemmer.
  function tokenPositions(lunr, text) {
    var chars = Array.from(text.toLowerCase());
    var found = {};
    var start = 0;
    for (var end = 0; end <= chars.length; end++) {
      if (end < chars.length && SEPARATORS.indexOf(chars[end]) === -1) continue;
      if (end > start) {
        var word = chars.slice(start, end).join("");
        var trimmed = TRIMMED.exec(word);
        var token = new lunr.Token(trimmed ? trimmed[1] : word);
        if (lunr.stopWordFilter(token)) {
          var term = lunr.stemmer(token).toString();
          (found[term] = found[term] || []).push([start, end - start]);
        }
      }
      start = end + 1;
    }
    return found;
  }

  ShardedIndex.prototype.docData = function (doc) {
    var file = this.docFiles[Math.floor(doc / this.manifest.documents.per_file)];
    return file ? file[doc % this.manifest.documents.per_file] : null;
  };

  // Result data for REFS (document numbers), same order; only their small files are fetched.
  ShardedIndex.prototype.documents = function (refs) {
    var self = this;
    var perFile = self.manifest.documents.per_file;
    var numbers = {};
    refs.forEach(function (doc) { numbers[Math.floor(doc / perFile)] = true; });
    return Promise.all(Object.keys(numbers).map(function (n) {
      return self.load("docs", n, function (data) { self.docFiles[n] = data; });
    })).then(function () {
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
