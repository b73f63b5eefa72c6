/*
 * raw-pipeline: the physical limit of the daemon's spool work, without SQLite or rules.
 * Compiled and run by scripts/bench-daemon.py:  cc -O2 -pthread -o raw-pipeline raw-pipeline.c
 *
 * Usage: raw-pipeline DIR N live|backlog
 *
 * N one-record files (the benchmark's record: the same bytes as bench-daemon.py writes) go
 * through the same system calls as the daemon's, in batches of at most 2,048 files:
 *   per file   lstat, open(O_RDONLY|O_NOFOLLOW|O_NONBLOCK), fstat, read, close;
 *   per batch  one durable commit, as SQLite's in WAL mode with synchronous=FULL: the batch's
 *              bytes appended to DIR/commit.log and fdatasync'ed;
 *   per file   lstat, then renameat2(RENAME_NOREPLACE) from incoming/ into processed/;
 *   per batch  fsync of incoming/, processed/ and rejected/.
 * live:    a producer thread writes each file to tmp/ (O_CREAT|O_EXCL, write, close) and
 *          renames it into incoming/; the consumer waits on inotify (IN_MOVED_TO) and takes
 *          what has arrived as one batch. Timed from the first write to the last fsync.
 * backlog: the files are in incoming/ before the clock starts (as in the daemon's backlog
 *          measure); the consumer lists incoming/ (readdir, fstatat, sort by mtime) and works
 *          through it. Timed from the listing to the last fsync.
 * Prints one line: "raw MODE: N files in S s = R files/s".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 2048

static const char *root;
static long total;
static char incoming[PATH_MAX], processed[PATH_MAX], rejected[PATH_MAX], tmpdir[PATH_MAX];
static int commit_fd;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* bench-daemon.py's record("B-%06d" % i, 1, 39.0, 0) as json.dumps writes it. */
static int record(char *buffer, size_t size, long i) {
    return snprintf(buffer, size,
        "{\"schema\": 1, \"client\": \"B-%06ld\", \"clinician\": \"T-%03ld\", \"session\": 1, "
        "\"date\": \"2026-01-01\", \"srs\": {\"relationship\": 9.75, \"goals\": 9.75, "
        "\"approach\": 9.75, \"overall\": 9.75}}\n", i, i % 300);
}

static void write_file(const char *folder, long i, char *name_out) {
    char name[64], path[PATH_MAX], line[512];
    snprintf(name, sizeof name, "r%06ld.jsonl", i);
    snprintf(path, sizeof path, "%s/%s", folder, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) die(path);
    int length = record(line, sizeof line, i);
    if (write(fd, line, length) != length) die("write");
    close(fd);
    if (name_out) strcpy(name_out, name);
}

static void *producer(void *unused) {
    (void) unused;
    for (long i = 0; i < total; i++) {
        char name[64], from[PATH_MAX], to[PATH_MAX];
        write_file(tmpdir, i, name);
        snprintf(from, sizeof from, "%s/%s", tmpdir, name);
        snprintf(to, sizeof to, "%s/%s", incoming, name);
        if (rename(from, to) != 0) die("rename into incoming/");
    }
    return NULL;
}

static void sync_folder(const char *folder) {
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) die(folder);
    close(fd);
}

/* One batch, as SpoolIngestor.ingestBatch does it. */
static void process(char names[][64], int count) {
    static char contents[BATCH * 512];
    size_t used = 0;
    for (int k = 0; k < count; k++) {
        char path[PATH_MAX];
        struct stat status;
        snprintf(path, sizeof path, "%s/%s", incoming, names[k]);
        if (lstat(path, &status) != 0) die("lstat");
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &status) != 0) die("open");
        ssize_t n;
        while ((n = read(fd, contents + used, sizeof contents - used)) > 0) used += n;
        if (n < 0) die("read");
        close(fd);
    }
    if (write(commit_fd, contents, used) != (ssize_t) used) die("write commit.log");
    if (fdatasync(commit_fd) != 0) die("fdatasync commit.log");
    for (int k = 0; k < count; k++) {
        char from[PATH_MAX], to[PATH_MAX];
        struct stat status;
        snprintf(from, sizeof from, "%s/%s", incoming, names[k]);
        snprintf(to, sizeof to, "%s/%s", processed, names[k]);
        if (lstat(from, &status) != 0) die("lstat before the move");
        if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) die("renameat2 into processed/");
    }
    sync_folder(incoming);
    sync_folder(processed);
    sync_folder(rejected);
}

struct entry { struct timespec mtime; char name[64]; };

static int by_mtime(const void *a, const void *b) {
    const struct entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void backlog(void) {
    DIR *stream = opendir(incoming);
    if (!stream) die("opendir");
    struct entry *entries = malloc(sizeof *entries * total);
    long found = 0;
    struct dirent *item;
    while ((item = readdir(stream)) != NULL) {
        if (item->d_name[0] == '.') continue;
        struct stat status;
        if (fstatat(dirfd(stream), item->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (found == total) break;
        entries[found].mtime = status.st_mtim;
        snprintf(entries[found].name, sizeof entries[found].name, "%s", item->d_name);
        found++;
    }
    closedir(stream);
    qsort(entries, found, sizeof *entries, by_mtime);
    static char names[BATCH][64];
    for (long start = 0; start < found; start += BATCH) {
        int count = found - start < BATCH ? (int) (found - start) : BATCH;
        for (int k = 0; k < count; k++) memcpy(names[k], entries[start + k].name, 64);
        process(names, count);
    }
    free(entries);
}

static void live(void) {
    int watch = inotify_init1(IN_CLOEXEC);
    if (watch < 0 || inotify_add_watch(watch, incoming, IN_MOVED_TO) < 0) die("inotify");
    pthread_t thread;
    if (pthread_create(&thread, NULL, producer, NULL) != 0) die("pthread_create");
    static char names[BATCH][64];
    static char events[64 * 1024] __attribute__((aligned(8)));
    long done = 0;
    int count = 0;
    while (done < total) {
        /* Block for the first event, then take what else is queued, up to a batch. */
        int flags = fcntl(watch, F_GETFL);
        fcntl(watch, F_SETFL, count == 0 ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
        ssize_t n = read(watch, events, sizeof events);
        if (n < 0 && errno != EAGAIN) die("read inotify");
        for (char *p = events; n > 0 && p < events + n;) {
            struct inotify_event *event = (struct inotify_event *) p;
            if (event->mask & IN_Q_OVERFLOW) { fprintf(stderr, "inotify overflow\n"); exit(1); }
            if (event->len && event->name[0] != '.' && count < BATCH) snprintf(names[count++], 64, "%s", event->name);
            p += sizeof *event + event->len;
        }
        if (count > 0 && (n < 0 || count == BATCH)) {
            process(names, count);
            done += count;
            count = 0;
        }
    }
    pthread_join(thread, NULL);
    close(watch);
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[3], "live") && strcmp(argv[3], "backlog"))) {
        fprintf(stderr, "usage: %s DIR N live|backlog\n", argv[0]);
        return 2;
    }
    root = argv[1];
    total = atol(argv[2]);
    const char *folders[] = {"", "/tmp", "/incoming", "/processed", "/rejected"};
    char *targets[] = {NULL, tmpdir, incoming, processed, rejected};
    for (int k = 0; k < 5; k++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", root, folders[k]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST) die(path);
        if (targets[k]) strcpy(targets[k], path);
    }
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/commit.log", root);
    commit_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (commit_fd < 0) die(log);
    int is_live = strcmp(argv[3], "live") == 0;
    if (!is_live) for (long i = 0; i < total; i++) write_file(incoming, i, NULL);
    sync();
    double start = now();
    if (is_live) live(); else backlog();
    double seconds = now() - start;
    printf("raw %s: %ld files in %.3f s = %.0f files/s\n", argv[3], total, seconds, total / seconds);
    return 0;
}
