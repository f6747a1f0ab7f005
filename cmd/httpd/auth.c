/*
 * auth: `authenticate [realm] with htpasswd`.  The htpasswd file lives
 * inside the chroot and is read again only when it changes (its inode,
 * size or modification time), so adding a user needs no reload and a
 * request costs one stat.  Checking the password itself is lib/htpasswd.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/htpasswd.h"
#include "worker.h"

enum { AUTH_FILES_MAX = 8 };	/* distinct htpasswd files cached */

struct authfile {
	const char	*path;
	char		*data;
	size_t		 len;
	struct stat	 st;
};

static struct authfile files[AUTH_FILES_MAX];

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static bool
load(struct authfile *f, const char *path, const struct stat *st)
{
	char *data;
	ssize_t n;
	int fd;

	if (st->st_size > HTPASSWD_FILE_MAX ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if ((data = malloc((size_t)st->st_size + 1)) == NULL) {
		(void)close(fd);
		return false;
	}
	n = read(fd, data, (size_t)st->st_size);
	(void)close(fd);
	if (n != (ssize_t)st->st_size) {
		free(data);
		return false;
	}
	free(f->data);
	f->path = path;
	f->data = data;
	f->len = (size_t)n;
	f->st = *st;
	return true;
}

/* The file's current contents, from the cache when it has not changed. */
static const struct authfile *
htpasswd_file(const char *path)
{
	struct stat st;
	size_t i, slot = 0;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return NULL;
	for (i = 0; i < AUTH_FILES_MAX; i++) {
		if (files[i].path != NULL && strcmp(files[i].path, path) == 0) {
			if (same_file(&files[i].st, &st))
				return &files[i];
			slot = i;
			break;
		}
		if (files[i].path == NULL)
			slot = i;
	}
	return load(&files[slot], path, &st) ? &files[slot] : NULL;
}

bool
auth_check(struct worker *w, struct conn *c, const struct httpd_server *loc)
{
	const struct http_header *h = http_request_header(&w->req,
	    "Authorization");
	char user[HTPASSWD_USER_MAX + 1], pass[HTPASSWD_PASSWORD_MAX + 1];
	const struct authfile *f;

	c->realm = loc->auth.realm != NULL ? loc->auth.realm : "";
	if (h == NULL || !http_basic_decode(h->value.ptr, h->value.len, user,
	    sizeof(user), pass, sizeof(pass))) {
		resp_error(w, c, HTTP_STATUS_UNAUTHORIZED, NULL);
		return false;
	}
	if ((f = htpasswd_file(loc->auth.htpasswd)) == NULL) {
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return false;
	}
	if (!htpasswd_check(f->data, f->len, user, pass)) {
		explicit_bzero(pass, sizeof(pass));
		resp_error(w, c, HTTP_STATUS_UNAUTHORIZED, NULL);
		return false;
	}
	explicit_bzero(pass, sizeof(pass));
	/* The log shows the user (escaped there); a long name is cut. */
	user[sizeof(c->log.user) - 1] = '\0';
	memcpy(c->log.user, user, strlen(user) + 1);
	return true;
}
