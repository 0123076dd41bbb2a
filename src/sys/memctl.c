// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory block state through sysfs, as chmem does it: write "online",
 * "online_movable", "online_kernel" or "offline" to memoryN/state. The
 * offline write can block while the kernel migrates pages, so it runs
 * under an alarm; SIGINT and SIGTERM interrupt it the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include "memscope/memctl.h"
#include "memscope/fs.h"

#define MEMORY_DIR "/sys/devices/system/memory"

int ms_zone_req_parse(const char *word, enum ms_zone_req *out)
{
	if (!word)
		*out = MS_ZONE_ANY;
	else if (!strcasecmp(word, "movable"))
		*out = MS_ZONE_MOVABLE;
	else if (!strcasecmp(word, "normal") || !strcasecmp(word, "kernel"))
		*out = MS_ZONE_NORMAL;
	else
		return -1;
	return 0;
}

const char *ms_zone_req_name(enum ms_zone_req z)
{
	return z == MS_ZONE_MOVABLE ? "Movable" : z == MS_ZONE_NORMAL ? "Normal" : "";
}

/* Reads one attribute below sysroot (fs.h: no symlink followed out). */
static struct ms_error *read_attr(const char *sysroot, const char *rel,
				  char *buf, size_t len)
{
	struct ms_error *err;
	struct ms_fs *fs;
	char name[4400];
	int ret;

	err = ms_fs_open_dir(sysroot, &fs);
	if (err)
		return err;
	ret = ms_fs_read_text(fs, rel, buf, len);
	if (ret) {
		ms_fs_name(fs, rel, name, sizeof(name));
		err = ms_error_errno(-ret, "reading %s", name);
	}
	ms_fs_free(fs);
	return err;
}

static void block_rel(char *buf, size_t len, uint64_t nr, const char *attr)
{
	snprintf(buf, len, MEMORY_DIR "/memory%" PRIu64 "/%s", nr, attr);
}

static void block_path(char *buf, size_t len, const char *sysroot,
		       uint64_t nr, const char *attr)
{
	char rel[128];

	block_rel(rel, sizeof(rel), nr, attr);
	snprintf(buf, len, "%s%s", sysroot && strcmp(sysroot, "/") ? sysroot : "", rel);
}

struct ms_error *ms_block_state_read(const char *sysroot, uint64_t nr,
				     char *buf, size_t len)
{
	char rel[128];

	block_rel(rel, sizeof(rel), nr, "state");
	return read_attr(sysroot, rel, buf, len);
}

struct ms_error *ms_block_zone_valid(const char *sysroot, uint64_t nr,
				     enum ms_zone_req z, bool *valid,
				     char *zones, size_t len)
{
	char rel[128], copy[256], *save = NULL, *w;
	struct ms_error *err;

	block_rel(rel, sizeof(rel), nr, "valid_zones");
	err = read_attr(sysroot, rel, zones, len);
	if (err)
		return err;
	*valid = z == MS_ZONE_ANY;
	snprintf(copy, sizeof(copy), "%s", zones);
	for (w = strtok_r(copy, " \t", &save); w && !*valid;
	     w = strtok_r(NULL, " \t", &save))
		*valid = !strcasecmp(w, ms_zone_req_name(z));
	return NULL;
}

static struct ms_error *write_state(const char *sysroot, uint64_t nr,
				    const char *word)
{
	char path[512];
	ssize_t n;
	int fd, err;

	block_path(path, sizeof(path), sysroot, nr, "state");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_error_errno(errno, "opening %s", path);
	n = write(fd, word, strlen(word));
	err = errno;
	close(fd);
	if (n < 0)
		return ms_error_errno(err, "memory%" PRIu64 ": the kernel refused '%s'",
				      nr, word);
	return NULL;
}

struct ms_error *ms_block_online(const char *sysroot, uint64_t nr,
				 enum ms_zone_req z)
{
	static const char *const words[] = {
		[MS_ZONE_ANY] = "online",
		[MS_ZONE_MOVABLE] = "online_movable",
		[MS_ZONE_NORMAL] = "online_kernel",
	};

	return write_state(sysroot, nr, words[z]);
}

static volatile sig_atomic_t got_alarm, got_stop;

static void on_alarm(int sig)
{
	got_alarm = 1;
}

static void on_stop(int sig)
{
	got_stop = 1;
}

/* No SA_RESTART: the signal must reach the kernel's offline loop. */
static void catch(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);
}

struct ms_error *ms_block_offline(const char *sysroot, uint64_t nr,
				  unsigned int timeout_s, bool *interrupted)
{
	struct itimerval it = { .it_value = { .tv_sec = timeout_s } };
	struct itimerval off = { 0 };
	struct sigaction oalrm, oint, oterm;
	struct ms_error *err;

	got_alarm = got_stop = 0;
	catch(SIGALRM, on_alarm, &oalrm);
	catch(SIGINT, on_stop, &oint);
	catch(SIGTERM, on_stop, &oterm);
	setitimer(ITIMER_REAL, &it, NULL);
	err = write_state(sysroot, nr, "offline");
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &oalrm, NULL);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	*interrupted = got_stop;
	if (err && err->errnum == EINTR) {
		int e = err->errnum;

		ms_error_free(err);
		err = ms_error_new(MS_ERR_OS, got_stop ?
			"memory%" PRIu64 ": offline interrupted; the kernel undid it (signal backoff)" :
			"memory%" PRIu64 ": offline did not finish within %u s; the kernel gave up (signal backoff): pages could not be migrated",
			nr, timeout_s);
		err->errnum = e;
	}
	return err;
}

struct ms_error *ms_auto_online_read(const char *sysroot, char *buf, size_t len)
{
	return read_attr(sysroot, MEMORY_DIR "/auto_online_blocks", buf, len);
}
