/*
 * libFuzzer driver for the configuration parsers: the first byte picks
 * the grammar (httpd.conf or relayd.conf), the rest is the file.  A
 * configuration that parses is also dumped, so the dump code runs over
 * every shape the parser accepts.  Includes name files that do not exist
 * in the fuzzing directory and fail cleanly.
 */
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "conf/confload.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct grammar *g;
	struct arena *a;
	const char *error = NULL;
	void *cfg;
	FILE *sink;

	if (size < 1)
		return 0;
	g = (data[0] & 1) ? &relayd_grammar : &httpd_grammar;
	a = arena_new();
	cfg = conf_load_buffer(a, g, "fuzz", (const char *)data + 1, size - 1,
	    NULL, &error);
	if (cfg != NULL && (sink = fopen("/dev/null", "w")) != NULL) {
		g->dump(sink, cfg);
		fclose(sink);
	}
	arena_free(a);
	return 0;
}
