/*
 * remote.c: the remote cache, an HTTP store shared by runners that share
 * no disk, laid out as bazel-remote's: ac/KEY holds an entry's meta.json,
 * cas/SHA256 each output's bytes.  An entry fetched is checked against
 * its digests and put into the local cache, from which it is restored as
 * a local hit; a build stored locally is uploaded, the outputs first and
 * the meta.json last, so a reader that finds ac/KEY finds its outputs,
 * and so is a local hit that the server lacks (one HEAD of ac/KEY tells),
 * so that a runner with a warm local cache shares it.
 * Nothing here fails the build: a server that fails, stalls or sends
 * what does not match its digest gives a warning and a local build.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_http.h"
#include "hx_json.h"

/* The URL of KIND/NAME under the remote cache, a new string. */
static char *
remote_url(const struct build *b, const char *kind, const char *name)
{
	const char *base = b->opt->cache_url;
	size_t n = strlen(base);

	return hx_xasprintf("%.*s/%s/%s", (int)(n > 0 && base[n - 1] == '/' ?
	    n - 1 : n), base, kind, name);
}

/*
 * Fetch KEY's outputs named in META into TMP/files and check each one's
 * digest; false with a warning on the first that fails.
 */
static bool
fetch_outputs(struct build *b, json_t *meta, const char *tmp)
{
	const struct hx_project *p = &b->project;
	json_t *outputs = json_object_get(meta, "outputs"), *o;
	char err[1024], got[HX_SHA256_HEX], *url, *dst;
	const char *want, *path;
	size_t i;
	int rc;

	for (i = 0; i < p->noutputs; i++) {
		o = json_array_get(outputs, i);
		want = json_string_value(json_object_get(o, "sha256"));
		path = json_string_value(json_object_get(o, "path"));
		if (want == NULL || path == NULL ||
		    strcmp(path, p->outputs[i].path) != 0 ||
		    strlen(want) != HX_SHA256_HEX - 1 ||
		    strspn(want, "0123456789abcdef") != HX_SHA256_HEX - 1) {
			hx_warn("cache: remote entry %s does not match the "
			    "project; building locally", b->key);
			return false;
		}
		url = remote_url(b, "cas", want);
		dst = hx_xasprintf("%s/files/%s", tmp, path);
		if (hx_file_mkdir_parents(dst, 0777) != 0) {
			hx_warn_errno("cache: %s", dst);
			rc = -1;
		} else if ((rc = hx_http_get_file(url, dst, &b->opt->http,
		    err, sizeof(err))) != 0)
			hx_warn("cache: remote %s%s; building locally",
			    rc > 0 ? url : err, rc > 0 ? ": not found" : "");
		else if (hx_hash_sha256_file(dst, got) != 0) {
			hx_warn_errno("cache: %s", dst);
			rc = -1;
		} else if (strcmp(got, want) != 0) {
			hx_warn("cache: remote %s is damaged (sha256 %s); "
			    "building locally", url, got);
			rc = -1;
		}
		free(url);
		free(dst);
		if (rc != 0)
			return false;
	}
	return true;
}

bool
build_remote_fetch(struct build *b, struct hx_cache *cache)
{
	struct hx_json_error jerr;
	char err[1024], *tmp, *url, *meta_path;
	json_t *meta;
	const char *key;
	bool ok = false;
	int rc;

	if ((tmp = hx_cache_begin(cache)) == NULL) {
		hx_warn_errno("cache %s: remote cache not used", cache->root);
		return false;
	}
	build_tmp_adopt(tmp);
	url = remote_url(b, "ac", b->key);
	meta_path = hx_xasprintf("%s/meta.json", tmp);
	rc = hx_http_get_file(url, meta_path, &b->opt->http, err, sizeof(err));
	if (rc < 0)
		hx_warn("cache: remote %s; building locally", err);
	if (rc == 0) {
		meta = hx_json_load_file(meta_path, &jerr);
		key = json_string_value(json_object_get(meta, "key"));
		if (key == NULL || strcmp(key, b->key) != 0 ||
		    json_array_size(json_object_get(meta, "outputs")) !=
		    b->project.noutputs)
			hx_warn("cache: remote %s is damaged; building "
			    "locally", url);
		else
			ok = fetch_outputs(b, meta, tmp);
		json_decref(meta);
	}
	if (ok && hx_cache_commit(cache, tmp, b->key) != 0) {
		hx_warn_errno("cache %s: remote entry not stored", cache->root);
		ok = false;
	}
	build_tmp_release(tmp, !ok);
	free(meta_path);
	free(url);
	free(tmp);
	return ok;
}

void
build_remote_store(struct build *b, struct hx_cache *cache)
{
	const struct hx_project *p = &b->project;
	char err[1024], *dir, *path, *url;
	const char *sha;
	json_t *meta, *o;
	struct hx_json_error jerr;
	size_t i;
	int rc = 0;

	if ((dir = hx_cache_lookup(cache, b->key)) == NULL)
		return;
	path = hx_xasprintf("%s/meta.json", dir);
	meta = hx_json_load_file(path, &jerr);
	free(path);
	for (i = 0; rc == 0 && i < p->noutputs; i++) {
		o = json_array_get(json_object_get(meta, "outputs"), i);
		if ((sha = json_string_value(json_object_get(o, "sha256")))
		    == NULL) {
			snprintf(err, sizeof(err), "%s: no sha256 for %s", dir,
			    p->outputs[i].path);
			rc = -1;
			break;
		}
		url = remote_url(b, "cas", sha);
		path = hx_xasprintf("%s/files/%s", dir, p->outputs[i].path);
		rc = hx_http_put_file(url, path, &b->opt->http, err,
		    sizeof(err));
		free(path);
		free(url);
	}
	if (rc == 0) {
		url = remote_url(b, "ac", b->key);
		path = hx_xasprintf("%s/meta.json", dir);
		rc = hx_http_put_file(url, path, &b->opt->http, err,
		    sizeof(err));
		free(path);
		free(url);
	}
	if (rc != 0)
		hx_warn("cache: remote %s; entry not uploaded", err);
	json_decref(meta);
	free(dir);
}

void
build_remote_share(struct build *b, struct hx_cache *cache)
{
	char err[1024], *url = remote_url(b, "ac", b->key);
	struct hx_http_limits lim = b->opt->http;
	int rc;

	/*
	 * A hit must not wait on a stalling server for a whole transfer's
	 * time: the HEAD gets the connect timeout (5 s unless set) in all.
	 */
	lim.total_ms = lim.connect_ms > 0 ? lim.connect_ms : 5000;
	if (b->opt->http.total_ms > 0 && b->opt->http.total_ms < lim.total_ms)
		lim.total_ms = b->opt->http.total_ms;
	rc = hx_http_head(url, &lim, err, sizeof(err));
	free(url);
	if (rc < 0)
		hx_warn("cache: remote %s; entry not uploaded", err);
	else if (rc > 0)
		build_remote_store(b, cache);
}
